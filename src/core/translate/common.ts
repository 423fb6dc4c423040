// Shared by every kind: the verdict bookkeeping and the request envelope.
import type { Platform, SiteObject } from '../site/model';
import { apiVersionFor, RESOURCE_PATHS } from '../tenant/api-versions';
import { objectKey, withMarker } from './marker';
import type { Dependency, IntuneResource, Translation, TranslationKind } from './types';

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
  private losses = 0;

  constructor(
    readonly key: string,
    readonly platform: Platform | 'unknown',
  ) {}

  /** A setting that is lost (makes the object partial). */
  drop(name: string, reason: string): void {
    this.dropped.push({ name, reason });
    this.losses++;
  }

  /** A setting left out that is not a loss (it belongs to another platform's object). */
  skip(name: string, reason: string): void {
    this.dropped.push({ name, reason });
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
}

export function sourceOf(obj: SiteObject): Source {
  return { uniqueId: obj.uniqueId, ciId: obj.ciId, kind: obj.kind, name: obj.name, description: obj.description, platform: obj.platform };
}

/** Digest problems and settings nobody understood: the same for every kind of site object. */
export function readCommon(obj: SiteObject, draft: Draft): void {
  for (const problem of obj.problems) draft.block(`the ConfigMgr data of this object can't be read safely: ${problem}`);
  for (const u of obj.unknownSettings)
    draft.drop(u.name, 'cm2intune does not know this setting, so it has no Intune counterpart to put it in');
  for (const name of obj.droppedSettings ?? []) {
    draft.skip(
      name,
      `does not apply to ${PLATFORM_NAMES[obj.platform]}; it is imported with the configuration item's object for the platform it applies to`,
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
    verdict: { status, reasons, droppedSettings: draft.dropped, notes: draft.notes },
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

export function resourcePath(resource: IntuneResource): string {
  return RESOURCE_PATHS[resource];
}
