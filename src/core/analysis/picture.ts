// The one entry point of the analysis: a pure function of site, plan, tenant and ledger.
import type { Finding } from '../findings';
import type { SiteModel } from '../site/model';
import {
  assignRequest,
  dependencyOrder,
  isTermsAndConditions,
  KIOSK_REASON,
  parseMarker,
  translateApp,
  translateObject,
  translateTermsAndConditions,
  type AssignTarget,
  type Translation,
} from '../translate';
import { placeholder } from '../placeholders';
import { sameUniqueId, stripRevision } from '../unique-id';
import { mapCollections } from './groups';
import { waveExcludes } from '../plan/waves';
import { exclusion } from '../plan/selection';
import { includesRetired, retiredIndex } from './retired';
import { deletedFromIntuneNote, describe, selectionSubject, unknownSelectionIds } from './selection';
import type { Counterpart, Deployment, GroupMapping, MigrationPicture, PictureInput, PictureItem, TenantObject } from './types';

export function buildPicture(input: PictureInput): MigrationPicture {
  const { site, plan, tenant } = input;
  const findings: Finding[] = [];
  const options = { scepServerUrl: plan.prepare?.scepServerUrl };

  // 1. Translate everything the site has.
  // Terms and conditions are recognised as such even when their digest also reads as a profile
  // (or as an unreadable one): they are listed once, as terms, never created.
  const terms = site.configurationItems.filter(isTermsAndConditions);
  const termsCiIds = new Set(terms.map((ci) => ci.ciId));
  const translations: Translation[] = [
    ...input.objects.filter((o) => !termsCiIds.has(o.ciId)).map((o) => translateObject(o, options)),
    ...terms.map(translateTermsAndConditions),
    ...input.apps.map((a) => translateApp(a.application, a.package)),
  ];
  const seen = new Map<string, Translation>();
  for (const t of translations) {
    const first = seen.get(t.key);
    if (first) {
      findings.push({
        severity: 'warning',
        code: 'analysis/duplicate-key',
        pointer: '',
        message: `${describe(first)} and ${describe(t)} would carry the same marker [cm2intune:${t.key}]; only the first is paired with Intune. They are the same ConfigMgr object (import.exclude would leave out both): give the application one deployment type per kind and platform in ConfigMgr.`,
      });
    } else seen.set(t.key, t);
  }

  // 2. Order, so each object's dependencies are judged before it.
  const { ordered, findings: orderFindings } = dependencyOrder(translations);
  findings.push(...orderFindings);

  // 3. Counterparts: by marker first, then by ledger id.
  const byMarker = new Map<string, TenantObject[]>();
  for (const o of tenant.objects) {
    const key = parseMarker(o.description);
    if (key) byMarker.set(key, [...(byMarker.get(key) ?? []), o]);
  }
  const byId = new Map(tenant.objects.map((o) => [o.id, o]));

  const retiredOf = retiredIndex(site);
  const items = new Map<string, PictureItem>();
  for (const t of ordered) {
    if (items.has(t.key)) continue;
    const item = judge(t, input, byMarker, byId, items, findings, retiredOf);
    // Noted once its state is decided: it explains the state, it does not block it.
    if (item.deletedFromIntune) item.stateReasons.push(deletedFromIntuneNote(item.deletedFromIntune));
    items.set(t.key, item);
  }
  findings.push(...selectionFindings(plan, translations, retiredOf, site));

  // 4. Deployments -> group mappings -> assign bodies. A disabled deployment is carried over only
  // for an object the plan lists in import.includeRetired.
  for (const item of items.values()) {
    const all = deployments(item.translation, site);
    const carry = includesRetired(plan, item.translation.source.uniqueId);
    item.deployments = all.filter((d) => d.enabled || carry).map(({ enabled: _, ...d }) => d);
    for (const d of all.filter((x) => !x.enabled && !carry)) {
      const retiredBaseline = d.baseline ? site.baselines.find((b) => b.name === d.baseline)?.retired : undefined;
      const what = retiredBaseline?.length
        ? `is made through baseline "${d.baseline}", which is ${retiredBaseline.join(', ')} in ConfigMgr,`
        : `${d.baseline ? `(through baseline "${d.baseline}") ` : ''}is disabled in ConfigMgr`;
      item.assignmentNotes.push(
        `The deployment to collection "${d.collectionName}" ${what} and is not carried over; list ${stripRevision(item.translation.source.uniqueId)} in import.includeRetired to carry it over.`,
      );
    }
  }
  const wanted = new Set<string>();
  const waves = waveExcludes(plan, site.collections);
  for (const item of items.values()) {
    for (const d of item.deployments) {
      wanted.add(d.collectionId);
      for (const rule of site.collections.find((c) => c.id === d.collectionId)?.rules ?? [])
        if (rule.kind === 'exclude' && !waves.has(rule.collectionId)) wanted.add(rule.collectionId);
    }
  }
  for (const id of Object.keys(plan.groups?.map ?? {})) wanted.add(id);
  const { mappings, findings: groupFindings } = mapCollections(site, plan, tenant.groups, wanted, tenant.notInTenant);
  findings.push(...groupFindings);
  const mappingOf = new Map(mappings.map((m) => [m.collectionId, m]));
  if (plan.import?.assignments !== false) assign(items, site, mappingOf, findings, waves);
  // How many objects each collection's groups are assigned to: a group to create that nothing
  // is assigned to is never created, so it must not read "will be created".
  for (const m of mappings) {
    const target = (g: GroupMapping['groups'][number]) => g.id ?? placeholder(`group:${m.collectionId}`);
    const ids = m.groups.map(target);
    m.assignedBy = [...items.values()].filter((i) => {
      const body = i.assign && JSON.stringify(i.assign.body);
      return !!body && ids.some((id) => body.includes(JSON.stringify(id)));
    }).length;
    if (m.status === 'create' && m.assignedBy === 0)
      m.reason = `nothing the plan imports is assigned to this collection, so no group is created for it (one would get the collection's ${m.members?.length ?? 0} user${m.members?.length === 1 ? '' : 's'})`;
  }
  for (const item of items.values()) item.reasons = reasonsOf(item);

  return {
    items: [...items.values()],
    groups: mappings,
    order: [...new Set(ordered.map((t) => t.key))],
    findings,
  };
}

/** Why an object cm2intune had created is proposed again. */

/** Display names as an admin reads them in the console: case and outer spaces aside. */
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
/** The name of an object created beside a hand-made one of the same name. */
export const besideName = (name: string) => `${name} (from ConfigMgr)`;

const bare = (odataType: string) => odataType.replace(/^#?microsoft\.graph\./i, '').toLowerCase();

function judge(
  t: Translation,
  input: PictureInput,
  byMarker: Map<string, TenantObject[]>,
  byId: Map<string, TenantObject>,
  items: Map<string, PictureItem>,
  findings: Finding[],
  retiredOf: (t: Translation) => string[],
): PictureItem {
  const retired = retiredOf(t);
  const out = exclusion(input.plan, selectionSubject(t), retired);
  const item: PictureItem = {
    key: t.key,
    translation: t,
    selected: out === null,
    state: 'notImported',
    stateReasons: [],
    reasons: [],
    retired,
    deployments: [],
    assignmentNotes: [],
  };
  // A retired object left out says why (the admin did not choose this, the default did).
  const retiredWhy = out?.pointer === '/import/includeRetired' ? `not imported: ${out.why}` : undefined;

  const marked = byMarker.get(t.key) ?? [];
  if (marked.length > 1) {
    findings.push({
      severity: 'warning',
      code: 'analysis/duplicate-in-tenant',
      pointer: '',
      message: `${marked.length} Intune objects carry the marker of ${describe(t)} (ids ${marked.map((o) => o.id).join(', ')}). Delete the extra copies in Intune; cm2intune pairs with ${marked[0].id}.`,
    });
  }
  let counterpart: TenantObject | undefined = marked[0];
  let via: Counterpart['via'] = 'marker';
  if (!counterpart) {
    const id = input.ledger.get(t.key);
    counterpart = id ? byId.get(id) : undefined;
    via = 'ledger';
    // Deleted in Intune since cm2intune created it: judged like any object not in Intune, so the
    // import proposes it again (and says so) instead of reporting it as there.
    if (id && !counterpart) item.deletedFromIntune = id;
  }

  // A hand-made Intune object with this object's name (no marker): never a silent second copy.
  // cm2intune's own object is created beside it under a name that tells the two apart.
  const handMade = t.request
    ? input.tenant.objects.filter(
        (o) =>
          o.id !== counterpart?.id &&
          o.resource === t.request!.resource &&
          !parseMarker(o.description) &&
          sameName(o.displayName, t.source.name),
      )
    : [];
  if (handMade.length && t.request) {
    item.intuneName = besideName(t.source.name);
    item.translation = { ...t, request: { ...t.request, body: { ...t.request.body, displayName: item.intuneName } } };
    if (item.selected && !marked.length)
      findings.push({
        severity: 'warning',
        code: 'analysis/same-name-in-tenant',
        pointer: '',
        message:
          `Intune already has ${handMade.length > 1 ? `${handMade.length} objects` : 'an object'} named "${t.source.name}" that cm2intune did not create (id ${handMade.map((o) => o.id).join(', ')}). ` +
          `${describe(t)} is created beside it as "${item.intuneName}", so the two can be told apart. If the Intune one is the same policy made by hand, remove its assignments or delete it after the import; ` +
          `to keep only the hand-made one, add ${stripRevision(t.source.uniqueId)} to import.exclude.`,
      });
  }

  if (counterpart) {
    item.counterpart = { id: counterpart.id, displayName: counterpart.displayName, odataType: counterpart.odataType, via };
    const drift: string[] = [];
    const expected = item.intuneName ?? t.source.name;
    if (counterpart.displayName !== expected) drift.push(`its Intune name is "${counterpart.displayName}", not "${expected}"`);
    // A marker on an object of another type (so another platform or kind): not this object, never assigned.
    if (t.request && bare(counterpart.odataType) !== bare(t.request.odataType)) {
      item.wrongType = true;
      drift.push(
        `it is a ${bare(counterpart.odataType)} in Intune, not a ${bare(t.request.odataType)}, so it is not assigned: delete Intune object ${counterpart.id} ` +
          `and import again to create the ${bare(t.request.odataType)}`,
      );
    }
    if (via === 'ledger') drift.push('its marker was removed from the Intune description');
    item.state = drift.length ? 'drifted' : 'imported';
    item.stateReasons.push(...drift);
    return item;
  }

  if (t.verdict.status === 'notImportable') {
    item.state = 'blocked';
    if (retiredWhy) item.stateReasons.push(retiredWhy);
    return item;
  }
  // A dependency is satisfied when it is in Intune already or will be created in this run.
  for (const dep of t.dependencies) {
    const d = items.get(dep.key);
    if (d?.counterpart) continue;
    if (!d) {
      item.stateReasons.push(`needs an object (${dep.uniqueId}) that is not in the site data for this platform`);
      continue;
    }
    if (d.state === 'blocked') {
      item.stateReasons.push(`needs ${describe(d.translation)}, which can't be imported`);
      continue;
    }
    if (!d.selected && item.selected) {
      const why = exclusion(input.plan, selectionSubject(d.translation), d.retired)!;
      item.stateReasons.push(`needs ${describe(d.translation)}, which the plan does not import (${why.why})`);
      findings.push({
        severity: 'error',
        code: 'analysis/missing-dependency',
        pointer: why.pointer,
        message:
          `${describe(t)} is selected, but ${describe(d.translation)} it needs is not: ${why.why}. ` +
          `Select "${d.translation.source.name}" too (${fixFor(why.pointer)}), or exclude "${t.source.name}" (add ${t.source.uniqueId} to import.exclude).`,
      });
    }
  }
  const blocked = item.stateReasons.length > 0;
  if (retiredWhy) item.stateReasons.push(retiredWhy);
  if (blocked) item.state = 'blocked';
  else if (!item.selected) item.state = 'notImported';
  else item.state = t.verdict.status === 'partial' ? 'partial' : 'importable';
  return item;
}

function fixFor(pointer: string): string {
  if (pointer.startsWith('/import/exclude')) return 'remove it from import.exclude';
  if (pointer === '/import/kinds') return 'add its kind to import.kinds';
  if (pointer === '/import/include') return 'add its unique id to import.include';
  if (pointer === '/import/includeRetired') return 'add its unique id to import.includeRetired';
  return 'change the import selection';
}

/** The collections an object is deployed to: directly, or through a configuration baseline; `enabled` as ConfigMgr has the deployment. */
function deployments(t: Translation, site: SiteModel): (Deployment & { enabled: boolean })[] {
  const name = (id: string) => site.collections.find((c) => c.id === id)?.name ?? id;
  if (t.source.kind === 'app') {
    return site.appAssignments
      .filter((a) => a.applicationCiId === t.source.ciId)
      .map((a) => ({ collectionId: a.collectionId, collectionName: name(a.collectionId), intent: a.intent, enabled: a.enabled !== false }));
  }
  const out: (Deployment & { enabled: boolean })[] = [];
  for (const a of site.ciAssignments) {
    const enabled = a.enabled !== false;
    if (a.ciIds.includes(t.source.ciId)) out.push({ collectionId: a.collectionId, collectionName: name(a.collectionId), enabled });
    for (const b of site.baselines) {
      // A retired baseline's deployment is as good as disabled.
      if (a.ciIds.includes(b.ciId) && b.memberCiIds.includes(t.source.ciId))
        out.push({
          collectionId: a.collectionId,
          collectionName: name(a.collectionId),
          baseline: b.name,
          enabled: enabled && !b.retired?.length,
        });
    }
  }
  // The same collection twice (e.g. one deployment enabled, one disabled): the enabled one counts.
  const same = (a: Deployment, b: Deployment) => a.collectionId === b.collectionId && a.baseline === b.baseline;
  return out.filter(
    (d, i) => out.findIndex((x) => same(x, d) && x.enabled === d.enabled) === i && (d.enabled || !out.some((x) => same(x, d) && x.enabled)),
  );
}

/** Every reason for an item's outcome, each once, in the order a reader needs them. */
function reasonsOf(item: PictureItem): string[] {
  const v = item.translation.verdict;
  const stated = new Set(v.reasons);
  // A lost setting is already a reason of the verdict (kiosk settings as one line); the rest are said once here.
  const dropped = v.droppedSettings
    .filter(
      (d) =>
        !stated.has(`${d.name} is dropped: ${d.reason}`) && !(d.reason === KIOSK_REASON && v.reasons.some((r) => r.endsWith(KIOSK_REASON))),
    )
    .map((d) => `${d.name}: ${d.reason}`);
  return [...new Set([...v.reasons, ...dropped, ...item.stateReasons])];
}

/** Plan entries naming an object the site does not have, or an includeRetired entry with nothing to opt in. */
function selectionFindings(
  plan: PictureInput['plan'],
  translations: Translation[],
  retiredOf: (t: Translation) => string[],
  site: SiteModel,
): Finding[] {
  const out: Finding[] = unknownSelectionIds(plan, site).map((u) => ({
    severity: 'warning' as const,
    code: 'analysis/unknown-id',
    pointer: u.pointer,
    message: u.message,
  }));
  (plan.import?.includeRetired ?? []).forEach((id, i) => {
    const matches = translations.filter((t) => sameUniqueId(t.source.uniqueId, id));
    if (matches.length && matches.every((t) => retiredOf(t).length === 0) && !hasDisabledDeployment(site, matches[0])) {
      out.push({
        severity: 'warning',
        code: 'analysis/not-retired',
        pointer: `/import/includeRetired/${i}`,
        message: `import.includeRetired names ${describe(matches[0])}, which is neither retired nor has a disabled deployment: the entry changes nothing; remove it.`,
      });
    }
  });
  return out;
}

function hasDisabledDeployment(site: SiteModel, t: Translation): boolean {
  return deployments(t, site).some((d) => !d.enabled);
}

/**
 * Targets per deployment. A deployment's collection becomes include targets (its groups). Each
 * exclude rule of that collection becomes an exclusion target when the excluded collection maps
 * to groups: ConfigMgr computed "members minus the excluded collection", and a mapped group (a
 * synced AD group, or one named in the plan) knows nothing of that exclude rule, so without the
 * exclusion the Intune assignment would reach people the admin had deliberately left out. Intune
 * lets exclusion win over inclusion, as ConfigMgr's exclude rule did. For a cloud group created
 * from the collection's members the exclusion is redundant but harmless, and keeps holding when
 * someone later adds members to that group.
 */
/** `waves`: exclude rules that are waves of the plan (plan/waves.ts), never carried over as exclusions. */
function assign(
  items: Map<string, PictureItem>,
  site: SiteModel,
  mappingOf: Map<string, GroupMapping>,
  findings: Finding[],
  waves: Set<string>,
): void {
  const groupIds = (m: GroupMapping) => m.groups.map((g) => g.id ?? placeholder(`group:${m.collectionId}`));
  const names = new Map<string, string>();
  for (const m of mappingOf.values()) m.groups.forEach((g) => names.set(g.id ?? placeholder(`group:${m.collectionId}`), g.displayName));
  const unmappedUse = new Map<string, string[]>();
  const lostExclusions = new Map<string, string[]>();

  for (const item of items.values()) {
    if (!item.translation.request || item.deployments.length === 0) continue;
    if (!(item.selected || item.counterpart) || item.state === 'blocked') continue;
    if (item.wrongType) {
      item.assignmentNotes.push(`Not assigned: the Intune object carrying its marker is of another type (${item.counterpart!.odataType}).`);
      continue;
    }
    const targets: AssignTarget[] = [];
    for (const d of item.deployments) {
      const m = mappingOf.get(d.collectionId)!;
      if (m.status === 'unmapped') {
        item.assignmentNotes.push(`The deployment to collection "${d.collectionName}" is not carried over: ${m.reason}.`);
        unmappedUse.set(d.collectionId, [...(unmappedUse.get(d.collectionId) ?? []), item.translation.source.name]);
        continue;
      }
      // An exclusion that can't be carried over would let the assignment reach the users the
      // admin deliberately left out: then the deployment is not carried over at all.
      const excluded = (site.collections.find((c) => c.id === d.collectionId)?.rules ?? [])
        .filter((rule): rule is Extract<typeof rule, { kind: 'exclude' }> => rule.kind === 'exclude' && !waves.has(rule.collectionId))
        .map((rule) => mappingOf.get(rule.collectionId)!);
      const lost = excluded.filter((ex) => ex.status === 'unmapped');
      if (lost.length) {
        for (const ex of lost) {
          item.assignmentNotes.push(
            `The deployment to collection "${d.collectionName}" is not carried over: it excludes collection "${ex.collectionName}", which maps to no group (${ex.reason}), and without the exclusion it would reach the users ConfigMgr leaves out.`,
          );
          lostExclusions.set(ex.collectionId, [
            ...(lostExclusions.get(ex.collectionId) ?? []),
            `${item.translation.source.name} → ${d.collectionName}`,
          ]);
        }
        continue;
      }
      for (const groupId of groupIds(m)) targets.push({ groupId, exclude: false, intent: d.intent });
      for (const ex of excluded) for (const groupId of groupIds(ex)) targets.push({ groupId, exclude: true, intent: d.intent });
    }
    const request = assignRequest(item.translation, targets, names);
    if (request) {
      item.assign = request;
      item.assignmentNotes.push(...request.notes);
    }
  }
  for (const [collectionId, uses] of lostExclusions) {
    const m = mappingOf.get(collectionId)!;
    findings.push({
      severity: 'warning',
      code: 'analysis/lost-exclusion',
      pointer: '/groups/map',
      message: `Collection "${m.collectionName}" (${collectionId}) is excluded from deployments (${uses.slice(0, 3).join('; ')}${uses.length > 3 ? ` and ${uses.length - 3} more` : ''}) but maps to no Entra ID group, so those deployments are not assigned: map ${collectionId} in groups.map, or set groups.createMissing.`,
    });
  }
  for (const [collectionId, users] of unmappedUse) {
    const m = mappingOf.get(collectionId)!;
    const objects = [...new Set(users)];
    findings.push({
      severity: 'warning',
      code: 'analysis/unmapped-collection',
      pointer: '/groups/map',
      message: `Collection "${m.collectionName}" (${collectionId}) maps to no Entra ID group, so its deployments of ${objects
        .slice(0, 3)
        .map((n) => `"${n}"`)
        .join(', ')}${objects.length > 3 ? ` and ${objects.length - 3} more` : ''} are not assigned: ${m.reason}.`,
    });
  }
}
