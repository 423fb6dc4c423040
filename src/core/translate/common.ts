// Shared by every kind: the verdict bookkeeping and the request envelope.
import type { Platform, SiteObject } from '../site/model';
import { apiVersionFor, RESOURCE_PATHS } from '../tenant/api-versions';
import { objectKey, withMarker } from './marker';
import type { Dependency, IntuneResource, SettingMapping, SettingOutcome, Translation, TranslationKind } from './types';

/**
 * Longest display name cm2intune sends. Graph documents no maximum for an Intune object's
 * displayName; rather than risk the service cutting or refusing a name, cm2intune refuses names
 * over 256 characters itself (its own limit, not Graph's) and says so; it never cuts one.
 */
export const MAX_DISPLAY_NAME = 256;

export const KIOSK_REASON = "kiosk mode settings can't be imported (as in the Intune Data Importer)";

export const PLATFORM_NAMES: Record<Platform, string> = { ios: 'iOS', android: 'Android', windows: 'Windows', macos: 'macOS' };

/** `iOS`, or '' for an object without a platform (a web app): how every face names a platform. */
export function platformLabel(platform: string): string {
  return PLATFORM_NAMES[platform as Platform] ?? '';
}

/** Collects what a translation loses on the way; `finish` turns it into a verdict. */
export class Draft {
  readonly reasons: string[] = [];
  readonly notes: string[] = [];
  readonly dropped: { name: string; reason: string }[] = [];
  readonly dependencies: Dependency[] = [];
  /** A reason that makes the object not importable at all. */
  readonly blockers: string[] = [];
  /** What became of each digest setting (see SettingOutcome); one per setting read. */
  readonly outcomes: SettingOutcome[] = [];
  /** ConfigMgr value -> Intune property, for the settings mapped one to one (see SettingMapping). */
  readonly mapping: SettingMapping[] = [];
  private losses = 0;

  constructor(
    readonly key: string,
    readonly platform: Platform | 'unknown',
  ) {}

  /** A setting that is lost (makes the object partial); `setting` is its digest name, when it has one. */
  drop(name: string, reason: string, setting?: string): void {
    this.dropped.push({ name, reason });
    this.losses++;
    if (setting) this.outcomes.push({ setting, outcome: 'dropped', reason });
  }

  /** A setting left out that is not a loss (it belongs to another platform's object). */
  skip(name: string, reason: string, setting?: string): void {
    this.dropped.push({ name, reason });
    if (setting) this.outcomes.push({ setting, outcome: 'dropped', reason });
  }

  /** Digest settings carried over as they are. */
  keep(...settings: string[]): void {
    for (const setting of settings) this.outcomes.push({ setting, outcome: 'unchanged' });
  }

  /**
   * The `carried` settings the digest holds (`read`) are carried over as they are, unless an
   * outcome was already recorded for them. A setting read but in neither list stays without an
   * outcome, which checkSettingOutcomes reports.
   */
  keepOthers(carried: readonly string[], read: readonly string[] | undefined): void {
    this.keep(...(read ?? []).filter((s) => carried.includes(s) && !this.decided(s)));
  }

  /**
   * A setting carried over with another value than ConfigMgr's: never silent, it makes the
   * object partial and the verdict says old -> new and why.
   */
  change(setting: string, from: string, to: string, why: string, name = setting): void {
    this.outcomes.push({ setting, outcome: 'changed', from, to, reason: why });
    this.reasons.push(`${name} is changed from ${from} to ${to}: ${why}`);
    this.losses++;
  }

  /** Records an outcome without a reason of its own (the caller said it another way). */
  record(outcome: SettingOutcome): void {
    this.outcomes.push(outcome);
  }

  decided(setting: string): boolean {
    return this.outcomes.some((o) => o.setting === setting);
  }

  /** A loss that is not a setting (e.g. an app's content): makes the object partial. */
  lose(reason: string): void {
    this.reasons.push(reason);
    this.losses++;
  }

  block(reason: string): void {
    this.blockers.push(reason);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  need(uniqueId: string, bind: string, many = false): void {
    this.dependencies.push({ uniqueId, key: objectKey(uniqueId, this.platform), bind, ...(many ? { many } : {}) });
  }

  get hasLosses(): boolean {
    return this.losses > 0;
  }
}

export interface Source {
  uniqueId: string;
  ciId: number;
  kind: TranslationKind;
  name: string;
  description: string;
  platform: Platform | 'unknown';
  /** The digest settings whose outcome the verdict accounts for (SiteObject.settingsRead). */
  settingsRead?: string[];
}

export function sourceOf(obj: SiteObject): Source {
  return {
    uniqueId: obj.uniqueId,
    ciId: obj.ciId,
    kind: obj.kind,
    name: obj.name,
    description: obj.description,
    // An object for a platform Intune can't target is never shown as the platform it was read as.
    platform: obj.untargetable ? 'unknown' : obj.platform,
    ...(obj.settingsRead ? { settingsRead: obj.settingsRead } : {}),
  };
}

/** Digest problems and settings nobody understood: the same for every kind of site object. */
export function readCommon(obj: SiteObject, draft: Draft): void {
  if (obj.untargetable) {
    draft.block(
      obj.untargetable === 'unknown'
        ? "the digest names no platform Intune can target, so cm2intune does not guess one: set the configuration item's supported platforms in ConfigMgr"
        : `it targets ${obj.untargetable}, which Intune can't target; it is not imported as another platform's profile`,
    );
  }
  if (obj.lostPlatforms?.length)
    draft.note(
      `ConfigMgr also targets ${obj.lostPlatforms.join(', ')} with it; Intune can't, so those devices get nothing from this profile.`,
    );
  for (const problem of obj.problems) draft.block(`the ConfigMgr data of this object can't be read safely: ${problem}`);
  for (const what of obj.unmappable ?? []) draft.block(`Intune can't express it faithfully: ${what}`);
  for (const u of obj.unknownSettings)
    draft.drop(u.name, 'cm2intune does not know this setting, so it has no Intune counterpart to put it in', u.name);
  for (const name of obj.droppedSettings ?? []) {
    draft.skip(
      name,
      `does not apply to ${PLATFORM_NAMES[obj.platform]}; it is imported with the configuration item's object for the platform it applies to`,
      name,
    );
  }
}

/**
 * Builds the translation. `props` is the body without envelope; when `odataType` is undefined
 * nothing is created (the verdict says why).
 */
export function finish(
  source: Source,
  draft: Draft,
  create: { resource: IntuneResource; odataType: string; props: Record<string, unknown> } | undefined,
): Translation {
  if (!source.name.trim()) draft.block('it has no display name, and an Intune object needs one: name it in ConfigMgr');
  else if (source.name.length > MAX_DISPLAY_NAME)
    draft.block(
      `its name is ${source.name.length} characters, longer than the ${MAX_DISPLAY_NAME} cm2intune sends: shorten it in ConfigMgr (it is not cut silently)`,
    );
  const reasons = [...draft.blockers, ...draft.reasons];
  if (draft.hasLosses) {
    const kiosk = draft.dropped.filter((d) => d.reason === KIOSK_REASON).map((d) => d.name);
    if (kiosk.length)
      reasons.push(`${kiosk.length} kiosk mode setting${kiosk.length > 1 ? 's' : ''} dropped (${kiosk.join(', ')}): ${KIOSK_REASON}`);
    for (const d of draft.dropped) {
      if (d.reason !== KIOSK_REASON && !d.reason.startsWith('does not apply to')) reasons.push(`${d.name} is dropped: ${d.reason}`);
    }
  }
  // The same reason twice (two settings lost for the same cause) is said once.
  reasons.splice(0, reasons.length, ...new Set(reasons));
  const blocked = draft.blockers.length > 0 || !create;
  const status = blocked ? 'notImportable' : draft.hasLosses ? 'partial' : 'importable';
  const translation: Translation = {
    key: draft.key,
    source: { uniqueId: source.uniqueId, ciId: source.ciId, kind: source.kind, name: source.name, platform: source.platform },
    verdict: {
      status,
      reasons,
      droppedSettings: draft.dropped,
      ...(source.settingsRead ? { settings: settingOutcomes(source.settingsRead, draft, blocked, reasons[0]) } : {}),
      ...(draft.mapping.length ? { mapping: draft.mapping } : {}),
      notes: draft.notes,
    },
    dependencies: blocked ? [] : draft.dependencies,
  };
  if (!blocked && create) {
    const odataType = `#microsoft.graph.${create.odataType}`;
    translation.request = {
      resource: create.resource,
      apiVersion: apiVersionFor(RESOURCE_PATHS[create.resource], odataType),
      odataType,
      body: { '@odata.type': odataType, displayName: source.name, description: withMarker(source.description, draft.key), ...create.props },
    };
  }
  return translation;
}

/**
 * The outcomes the verdict shows. A blocked object creates nothing, so each setting it read is
 * dropped (with its own reason when it had one, else why the object is blocked).
 */
function settingOutcomes(read: string[], draft: Draft, blocked: boolean, why: string | undefined): SettingOutcome[] {
  if (!blocked) return draft.outcomes;
  const reason = `the object is not imported: ${why ?? 'it has no Intune counterpart'}`;
  return read.map(
    (setting): SettingOutcome =>
      draft.outcomes.find((o) => o.setting === setting && o.outcome === 'dropped') ?? { setting, outcome: 'dropped', reason },
  );
}

export function resourcePath(resource: IntuneResource): string {
  return RESOURCE_PATHS[resource];
}
