// Phase 1, import: read the site and the tenant into the migration picture, propose the steps
// (this list IS the preview and the dry run), then execute them with the journal. A second run
// after a complete one proposes nothing: every object is found by its marker, every assignment
// is already there.
import {
  CREATED_GROUP_PREFIX,
  deployedCollectionIds,
  candidatesByCollection,
  groupDifference,
  inTenant,
  KIND_LABELS,
  singleAdGroup,
  userKey,
  type MemberRef,
  type MigrationPicture,
  type PictureItem,
} from '../analysis';
import { buildPicture } from '../analysis/picture';
import { deletedFromIntuneNote } from '../analysis/selection';
import type { MigrationSession } from '../session';
import type { SiteModel } from '../site/model';
import type { SiteSource } from '../site/source';
import { parseSiteObjects } from '../site/sdm';
import { bodyWithBinds, markerFor, parseMarker } from '../translate';
import { platformLabel, resourcePath } from '../translate/common';
import { RESOURCE_PATHS } from '../tenant/api-versions';
import {
  findGroups,
  readGroupMembers,
  readTenantObjects,
  type TenantAssignment,
  type TenantGroupRecord,
  type TenantMember,
  type TenantObjectRecord,
} from '../tenant/read';
import { findUsers } from '../tenant/readiness';
import type { Journal } from '../ledger/journal';
import type { MigrationPlan } from '../plan/types';
import { GraphMalformedResponseError, GraphOutcomeUnknownError, GraphRequestError } from '../tenant/errors';
import { reportingWaits, type GraphPort, type RequestOptions } from '../tenant/graph-port';
import type { PacerWait } from '../tenant/pacer';
import { fieldsProblem, type FieldRule } from '../tenant/shape';
import { executeSteps, type ExecuteOptions, type StepOutcome } from './execute';
import { neededKeys, placeholder } from '../placeholders';
import type { Step } from './steps';

export interface ImportRead {
  model: SiteModel;
  picture: MigrationPicture;
  tenantObjects: TenantObjectRecord[];
  /** Every Intune id known for a key: counterparts and groups already there. */
  ids: Map<string, string>;
  /** Steps of earlier runs whose outcome was unknown, settled against the tenant now. */
  reconciled: { step: string; key: string; intuneId: string | null }[];
  /** Collection id -> id of the cloud group cm2intune created for it (found by mail nickname). */
  ownGroups: Map<string, string>;
  /** Group id -> its direct members, for the groups whose members were read (memberCandidates). */
  groupMembers: Map<string, TenantMember[]>;
  /** As ImportSources.notInTenant. */
  notInTenant?: string[];
}

const GROUP_KEY = (collectionId: string) => `group:${collectionId}`;
const MAIL_NICKNAME = (collectionId: string) => `${CREATED_GROUP_PREFIX}${collectionId}`;

/**
 * What phase 1 reads from the site and the tenant. The plan's selection and group map are applied
 * afterwards (analyseImport), so an edited plan is analysed again without reading again.
 */
export interface ImportSources {
  model: SiteModel;
  parsed: ReturnType<typeof parseSiteObjects>;
  tenantObjects: TenantObjectRecord[];
  groups: TenantGroupRecord[];
  /** Group names and ids already looked up in the tenant (found or not). */
  looked: { names: Set<string>; ids: Set<string> };
  /** Collection users (userKey) a candidate group lacks and Entra ID has no user for, by SID or UPN (withMembers). */
  notInTenant?: string[];
}

/**
 * Reads site and tenant and builds the picture; settles unknown outcomes of earlier runs first.
 * `onWait` hears what the tenant's reads wait for (render.ts waitText), for the run's progress;
 * `site` is the site as the caller has read it already (a wave's preflight), not read again.
 */
export async function readImportPicture(
  session: MigrationSession,
  signal?: AbortSignal,
  options: { onWait?: (wait: PacerWait) => void; site?: SiteModel } = {},
): Promise<ImportRead> {
  const { site: model } = options;
  const site: SiteSource = model ? { origin: session.site.origin, read: async () => model, close: async () => {} } : session.site;
  const sources = await readImportSources({ site, plan: session.plan, graph: reportingWaits(session.graph, options.onWait) }, signal);
  return analyseImport(sources, session);
}

/** The group names and ids the plan's groups.map names. */
export function planGroupRefs(plan: MigrationPlan): { names: string[]; ids: string[] } {
  const names = new Set<string>();
  const ids = new Set<string>();
  for (const refs of Object.values(plan.groups?.map ?? {})) {
    for (const ref of refs) {
      if (typeof ref === 'string') names.add(ref);
      else if (ref.id) ids.add(ref.id);
      else if (ref.name) names.add(ref.name);
    }
  }
  return { names: [...names], ids: [...ids] };
}

export async function readImportSources(
  session: Pick<MigrationSession, 'site' | 'graph' | 'plan'>,
  signal?: AbortSignal,
): Promise<ImportSources> {
  const { graph, plan } = session;
  const [model, tenantObjects] = await Promise.all([
    session.site.read({ signal }),
    readTenantObjects(graph, signal).catch(tenantReadFailed),
  ]);
  const parsed = parseSiteObjects(model);

  // Groups that could match a collection: AD group SIDs and names, plan names/ids, collection
  // names, and the groups cm2intune itself creates (by mail nickname).
  const sids = new Set<string>();
  const names = new Set<string>();
  for (const collection of model.collections) {
    if (collection.type !== 'user') continue;
    names.add(collection.name);
    const ad = singleAdGroup(collection, model);
    if (ad?.sid) sids.add(ad.sid);
    if (ad) names.add(ad.name);
  }
  const refs = planGroupRefs(plan);
  for (const name of refs.names) names.add(name);
  const ids = new Set(refs.ids);
  const groups = await findGroups(
    graph,
    {
      sids: [...sids],
      displayNames: [...names],
      ids: [...ids],
      mailNicknames: model.collections.filter((c) => c.type === 'user').map((c) => MAIL_NICKNAME(c.id)),
    },
    signal,
  ).catch(tenantReadFailed);
  return { model, parsed, tenantObjects, ...(await withMembers(graph, model, plan, { groups }, signal)), looked: { names, ids } };
}

/**
 * The groups, with the members of those a deployed collection may map to (the others as they
 * were); and the Entra ID users of the collection users those groups lack, so that someone who
 * was never synced (no group can reach them) is not taken for a difference.
 */
async function withMembers(
  graph: GraphPort,
  model: SiteModel,
  plan: MigrationPlan,
  sources: Pick<ImportSources, 'groups' | 'notInTenant'>,
  signal?: AbortSignal,
): Promise<Pick<ImportSources, 'groups' | 'notInTenant'>> {
  const candidates = candidatesByCollection(model, plan, sources.groups, deployedCollectionIds(model, plan));
  const unread = [...new Set([...candidates.values()].flat())].filter((id) => !sources.groups.find((g) => g.id === id)?.members);
  if (unread.length === 0) return sources;
  const members = await readGroupMembers(graph, unread, signal).catch(tenantReadFailed);
  const groups = sources.groups.map((g) => (members.has(g.id) ? { ...g, members: members.get(g.id) } : g));
  // Looked up once: the users the groups read just now lack.
  const fresh = new Set(unread);
  const lacking = new Map<string, MemberRef>();
  for (const [collectionId, ids] of candidates) {
    for (const id of ids) {
      const read = fresh.has(id) ? groups.find((g) => g.id === id)?.members : undefined;
      if (!read) continue;
      for (const ref of groupDifference(model, collectionId, read).removed) if (ref.sid || ref.upn) lacking.set(userKey(ref), ref);
    }
  }
  const refs = [...lacking.values()];
  const found = await findUsers(
    graph,
    { sids: refs.flatMap((r) => (r.sid ? [r.sid] : [])), upns: refs.flatMap((r) => (r.upn ? [r.upn] : [])) },
    signal,
  ).catch(tenantReadFailed);
  const sids = new Set(found.flatMap((u) => (u.onPremisesSecurityIdentifier ? [u.onPremisesSecurityIdentifier.toLowerCase()] : [])));
  const upns = new Set(found.map((u) => u.userPrincipalName.toLowerCase()));
  const absent = refs.filter((r) => !(r.sid && sids.has(r.sid.toLowerCase())) && !(r.upn && upns.has(r.upn.toLowerCase())));
  return { groups, notInTenant: [...new Set([...(sources.notInTenant ?? []), ...absent.map(userKey)])] };
}

/** Group names and ids the plan names that were not looked up when the sources were read. */
export function missingPlanGroups(sources: ImportSources, plan: MigrationPlan): { names: string[]; ids: string[] } {
  const refs = planGroupRefs(plan);
  // An id is one group: known when it was read, whichever way it was found.
  const read = new Set(sources.groups.map((g) => g.id.toLowerCase()));
  return {
    names: refs.names.filter((n) => !sources.looked.names.has(n)),
    ids: refs.ids.filter((i) => !sources.looked.ids.has(i) && !read.has(i.toLowerCase())),
  };
}

/**
 * The sources with the groups an edited plan names that were not looked up yet; the same
 * object (no request) when there are none.
 */
export async function withPlanGroups(
  graph: GraphPort,
  sources: ImportSources,
  plan: MigrationPlan,
  signal?: AbortSignal,
): Promise<ImportSources> {
  const { names, ids } = missingPlanGroups(sources, plan);
  const found = names.length || ids.length ? await findGroups(graph, { displayNames: names, ids }, signal) : [];
  const known = new Set(sources.groups.map((g) => g.id));
  const read = await withMembers(
    graph,
    sources.model,
    plan,
    { groups: [...sources.groups, ...found.filter((g) => !known.has(g.id))], notInTenant: sources.notInTenant },
    signal,
  );
  return {
    ...sources,
    ...read,
    looked: { names: new Set([...sources.looked.names, ...names]), ids: new Set([...sources.looked.ids, ...ids]) },
  };
}

/** The picture of the plan over what was read; settles unknown outcomes of earlier runs first. */
export function analyseImport(
  sources: ImportSources,
  session: { plan: MigrationPlan; readOnly: boolean; journal: Pick<Journal, 'state' | 'append'> },
): ImportRead {
  const { plan, journal } = session;
  const { model, parsed, tenantObjects, groups } = sources;

  // Unknown outcomes from a killed or cut-off run: the tenant decides what happened.
  const state = journal.state();
  const reconciled: ImportRead['reconciled'] = [];
  const byMarker = new Map<string, string>();
  for (const o of tenantObjects) {
    const key = parseMarker(o.description);
    if (key && !byMarker.has(key)) byMarker.set(key, o.id);
  }
  const ownGroups = new Map<string, string>();
  for (const g of groups) {
    if (!g.mailNickname?.startsWith(CREATED_GROUP_PREFIX)) continue;
    ownGroups.set(g.mailNickname.slice(CREATED_GROUP_PREFIX.length), g.id);
    byMarker.set(GROUP_KEY(g.mailNickname.slice(CREATED_GROUP_PREFIX.length)), g.id);
  }
  for (const intent of state.unknown.values()) {
    const intuneId = intent.action === 'create' || intent.action === 'createGroup' ? (byMarker.get(intent.key) ?? null) : null;
    reconciled.push({ step: intent.step, key: intent.key, intuneId });
  }
  // Only a session that may write settles the journal: a preview, `status` or the tree must not
  // mark the in-flight steps of a run going on elsewhere.
  if (reconciled.length && !session.readOnly) {
    const at = new Date().toISOString();
    journal.append(
      ...reconciled.map((r) => ({ t: 'reconciled' as const, run: 'reconcile', step: r.step, key: r.key, intuneId: r.intuneId, at })),
    );
  }

  const picture = buildPicture({
    site: model,
    objects: parsed.objects,
    apps: parsed.apps.map((a) => ({ application: a.application, package: a.package })),
    plan,
    tenant: { groups, objects: tenantObjects, notInTenant: sources.notInTenant },
    ledger: journal.state().created,
  });
  const known = new Map<string, string>();
  for (const item of picture.items) if (item.counterpart) known.set(item.key, item.counterpart.id);
  for (const mapping of picture.groups) {
    const [group] = mapping.groups;
    if (mapping.status === 'mapped' && group?.id) known.set(GROUP_KEY(mapping.collectionId), group.id);
  }
  const groupMembers = new Map(groups.flatMap((g) => (g.members ? [[g.id, g.members] as const] : [])));
  return { model, picture, tenantObjects, ids: known, reconciled, ownGroups, groupMembers, notInTenant: sources.notInTenant };
}

/**
 * A tenant read that failed or came back malformed stops the run here, before anything is
 * proposed: an unread tenant must never look like an empty one (everything created again) or a
 * complete one ("nothing to import"). The error keeps its type, its message says so.
 */
function tenantReadFailed(error: unknown): never {
  if (error instanceof GraphRequestError || error instanceof GraphOutcomeUnknownError) {
    error.message = `Reading the tenant failed, so nothing was proposed and nothing written: ${error.message}`;
  }
  throw error;
}

/** Items the plan selects and that phase 1 creates (not yet in Intune, importable at least in part). */
export const toCreate = (item: PictureItem) =>
  item.selected && !item.counterpart && !!item.translation.request && (item.state === 'importable' || item.state === 'partial');

export async function proposeImport(read: ImportRead, graph: GraphPort, signal?: AbortSignal): Promise<Step[]> {
  const { picture } = read;
  const steps: Step[] = [];
  const names = new Map<string, string>();
  for (const item of picture.items) names.set(item.key, item.translation.source.name);
  for (const m of picture.groups) names.set(GROUP_KEY(m.collectionId), m.groups[0]?.displayName ?? m.collectionName);
  const creating = new Set(picture.items.filter(toCreate).map((i) => i.key));
  const assigning = picture.items.filter(
    (i) => i.selected && i.assign && (creating.has(i.key) || (i.counterpart && assignmentsDiffer(i, read.tenantObjects))),
  );

  // 1. Cloud groups for collections the plan lets cm2intune create, when an assignment needs them.
  const neededGroups = new Set(
    assigning.flatMap((i) => neededKeys(i.assign!.body)).filter((k) => k.startsWith('group:') && !read.ids.has(k)),
  );
  for (const mapping of picture.groups) {
    const key = GROUP_KEY(mapping.collectionId);
    if (mapping.status !== 'create' || !neededGroups.has(key)) continue;
    const displayName = mapping.groups[0]?.displayName ?? mapping.collectionName;
    const members = await resolveUsers(graph, mapping.members ?? [], signal);
    // Everyone who can't be added is named: the preview is where the admin sees who the group misses.
    const left = [...(mapping.unresolvable ?? []).map((u) => `${u} (no UPN or SID in ConfigMgr)`), ...members.unknown];
    const notFound = left.length ? ` — ${left.length} user(s) can't be added: ${left.join(', ')}` : '';
    steps.push({
      id: `group:${mapping.collectionId}`,
      key,
      action: 'createGroup',
      title: `Create security group "${displayName}" for collection ${mapping.collectionId}${notFound}`,
      request: {
        method: 'POST',
        path: '/groups',
        version: 'v1.0',
        body: {
          displayName,
          description: `Members of ConfigMgr collection "${mapping.collectionName}" (${mapping.collectionId}), created by cm2intune. ${markerFor(key)}`,
          mailEnabled: false,
          mailNickname: MAIL_NICKNAME(mapping.collectionId),
          securityEnabled: true,
          groupTypes: [],
        },
      },
      needs: [],
      verify: `a group with mailNickname ${MAIL_NICKNAME(mapping.collectionId)}`,
    });
    steps.push(...memberSteps(graph, mapping.collectionId, displayName, members.ids));
  }
  // A group cm2intune created in an earlier run that stopped before all its members were added
  // (killed, cut off): the tenant says who is missing. Without this, a resumed run would take the
  // group as mapped by name and never add them.
  for (const mapping of picture.groups) {
    const own = read.ownGroups.get(mapping.collectionId);
    if (!own || mapping.status !== 'mapped' || mapping.groups[0]?.id !== own) continue;
    const missing = missingFromOwnGroup(read, mapping.collectionId, own);
    if (missing.length)
      steps.push(
        ...memberSteps(graph, mapping.collectionId, mapping.groups[0].displayName, (await resolveUsers(graph, missing, signal)).ids),
      );
  }

  // 2. Objects, dependencies first (the picture's order), with links to what they need.
  const byKey = new Map(picture.items.map((i) => [i.key, i]));
  for (const key of picture.order) {
    const item = byKey.get(key);
    if (!item || !creating.has(key)) continue;
    const t = item.translation;
    const request = t.request!;
    const body = bodyWithBinds(t, placeholder, graph.baseUrl);
    steps.push({
      id: `create:${key}`,
      key,
      action: 'create',
      title: `${item.deletedFromIntune ? 'Re-create' : 'Create'} ${KIND_LABELS[t.source.kind]} "${t.source.name}"${platformSuffix(t.source.platform)}${item.state === 'partial' ? ` — partly: ${partlyWhy(t.verdict)}` : ''}${item.deletedFromIntune ? ` — ${deletedFromIntuneNote(item.deletedFromIntune)}` : ''}${item.intuneName ? ` as "${item.intuneName}", beside a hand-made object of the same name` : ''}`,
      request: { method: 'POST', path: resourcePath(request.resource), version: request.apiVersion, body, odataType: request.odataType },
      needs: neededKeys(body),
      verify: `an object whose description ends with ${markerFor(key)}`,
    });
  }

  // 3. Assignments from deployments.
  for (const item of assigning) {
    const assign = item.assign!;
    const targets = assignTargets(assign.body);
    steps.push({
      id: `assign:${item.key}`,
      key: item.key,
      action: 'assign',
      title: `Assign "${item.translation.source.name}"${platformSuffix(item.translation.source.platform)} to ${targets} group target(s)`,
      request: { method: 'POST', path: assign.path, version: assign.apiVersion, body: assign.body },
      needs: [...new Set([...neededKeys(assign.path), ...neededKeys(assign.body)])],
      verify: `GET ${assign.path.replace(/\/assign$/, '/assignments')} lists these targets`,
    });
  }
  return steps;
}

export interface ImportRun {
  outcomes: StepOutcome[];
  done: number;
  failed: number;
  skipped: number;
}

export async function executeImport(
  session: MigrationSession,
  read: ImportRead,
  steps: Step[],
  options: Partial<Pick<ExecuteOptions, 'signal' | 'onProgress' | 'onWait'>> = {},
): Promise<ImportRun> {
  // The marker look-ups after a lost answer wait like the run's own requests, and say so.
  const graph = reportingWaits(session.graph, options.onWait);
  const tenantRead: TenantReadCache = {};
  const outcomes = await executeSteps(steps, {
    graph,
    journal: session.journal,
    phase: 'import',
    ids: new Map(read.ids),
    signal: options.signal,
    onProgress: options.onProgress,
    onWait: options.onWait,
    reconcile: (step, sentAt) => findByMarker(graph, step, sentAt, tenantRead, options.signal),
  });
  return {
    outcomes,
    done: outcomes.filter((o) => o.status === 'done' || o.status === 'reconciled').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
  };
}

/** After a connection dropped mid-write: is the object there? Looked up by marker, never by name. */
/** The last full read of the tenant's objects and when it started: one read settles a whole batch. */
interface TenantReadCache {
  startedAt?: number;
  objects?: Promise<TenantObjectRecord[]>;
}

async function findByMarker(
  graph: GraphPort,
  step: Step,
  sentAt: number,
  cache: TenantReadCache,
  signal?: AbortSignal,
): Promise<string | null> {
  if (step.action === 'addMembers') {
    // Settled when every member the request adds is in the group now.
    const group = step.request.path.split('/').pop()!;
    const members = new Set(
      (
        await listChecked<{ id: string }>(graph, `/groups/${group}/members`, { id: 'string' }, 'group member', {
          query: { $select: 'id', $top: 999 },
          signal,
        })
      ).map((m) => m.id),
    );
    const adding = (step.request.body as { 'members@odata.bind': string[] })['members@odata.bind'].map((url) => url.split('/').pop()!);
    return adding.every((id) => members.has(id)) ? group : null;
  }
  if (step.action === 'createGroup') {
    const nickname = (step.request.body as { mailNickname: string }).mailNickname;
    const [group] = await findGroups(graph, { mailNicknames: [nickname] }, signal);
    return group?.id ?? null;
  }
  const resource = (Object.keys(RESOURCE_PATHS) as (keyof typeof RESOURCE_PATHS)[]).find((r) => RESOURCE_PATHS[r] === step.request.path);
  if (!resource) return null;
  // A read that started after the write was sent sees it if it happened; reuse it for the rest.
  if (!cache.objects || cache.startedAt! < sentAt) {
    cache.startedAt = Date.now();
    cache.objects = readTenantObjects(graph, signal);
  }
  const objects = await cache.objects;
  return objects.find((o) => o.resource === resource && parseMarker(o.description) === step.key)?.id ?? null;
}

export function memberSteps(graph: Pick<GraphPort, 'baseUrl'>, collectionId: string, displayName: string, userIds: string[]): Step[] {
  const key = GROUP_KEY(collectionId);
  const steps: Step[] = [];
  for (let n = 0; n * 20 < userIds.length; n++) {
    const chunk = userIds.slice(n * 20, n * 20 + 20);
    steps.push({
      id: `members:${collectionId}:${n + 1}`,
      key,
      action: 'addMembers',
      title: `Add ${chunk.length} member(s) to "${displayName}"`,
      request: {
        method: 'PATCH',
        path: `/groups/${placeholder(key)}`,
        version: 'v1.0',
        body: { 'members@odata.bind': chunk.map((id) => `${graph.baseUrl.replace(/\/$/, '')}/v1.0/directoryObjects/${id}`) },
      },
      needs: [key],
      verify: `the group's members include these ${chunk.length} users`,
    });
  }
  return steps;
}

/**
 * The collection's users a group cm2intune created lacks (who can be resolved: a UPN or a SID);
 * its members as read with the picture, else none (not read, nothing claimed).
 */
export function missingFromOwnGroup(
  read: Pick<ImportRead, 'model' | 'groupMembers' | 'notInTenant'>,
  collectionId: string,
  groupId: string,
): MemberRef[] {
  const members = read.groupMembers.get(groupId);
  if (!members) return [];
  return groupDifference(read.model, collectionId, members, inTenant(read.notInTenant)).removed.filter((m) => m.upn || m.sid);
}

/**
 * Entra ID user ids for these collection users, each found by SID, then by UPN (a user ConfigMgr
 * knows without a UPN is found by SID); `unknown` names those no user matches (not synced, renamed).
 */
export async function resolveUsers(
  graph: GraphPort,
  refs: MemberRef[],
  signal?: AbortSignal,
): Promise<{ ids: string[]; unknown: string[]; byLabel: Map<string, string> }> {
  if (refs.length === 0) return { ids: [], unknown: [], byLabel: new Map() };
  const found = await findUsers(
    graph,
    { sids: refs.flatMap((r) => (r.sid ? [r.sid] : [])), upns: refs.flatMap((r) => (r.upn ? [r.upn] : [])) },
    signal,
  );
  const bySid = new Map(
    found.filter((u) => u.onPremisesSecurityIdentifier).map((u) => [u.onPremisesSecurityIdentifier!.toLowerCase(), u.id]),
  );
  const byUpn = new Map(found.map((u) => [u.userPrincipalName.toLowerCase(), u.id]));
  const ids = new Set<string>();
  const unknown: string[] = [];
  const byLabel = new Map<string, string>();
  for (const r of refs) {
    const id = (r.sid && bySid.get(r.sid.toLowerCase())) || (r.upn && byUpn.get(r.upn.toLowerCase()));
    if (id) {
      ids.add(id);
      byLabel.set(r.label.toLowerCase(), id);
    } else unknown.push(r.label);
  }
  return { ids: [...ids], unknown, byLabel };
}

export const MEMBER_FIELDS: Record<string, FieldRule> = { id: 'string', userPrincipalName: 'string?' };

/** A list whose items must have the fields read from them; a list of anything else stops the run. */
export async function listChecked<T>(
  graph: GraphPort,
  path: string,
  fields: Record<string, FieldRule>,
  what: string,
  options: RequestOptions,
): Promise<T[]> {
  const items = await graph.listAll<T>(path, options);
  const problem = fieldsProblem(items, fields, what);
  if (problem) throw new GraphMalformedResponseError('GET', path, 200, problem);
  return items;
}

/** ` (iOS)`, or nothing for an object without a platform (a web app). */
function platformSuffix(platform: string): string {
  const label = platformLabel(platform);
  return label ? ` (${label})` : '';
}

function partlyWhy(verdict: { droppedSettings: { name: string }[]; reasons: string[] }): string {
  const dropped = verdict.droppedSettings.length;
  if (dropped) return `${dropped} setting(s) left out`;
  return verdict.reasons[0] ?? 'see the report';
}

function assignTargets(body: Record<string, unknown>): number {
  const list = (body.assignments ?? body.mobileAppAssignments) as unknown[] | undefined;
  return list?.length ?? 0;
}

/** Whether the tenant's assignments of an imported object differ from what the deployments ask. */
export function assignmentsDiffer(item: PictureItem, tenantObjects: TenantObjectRecord[]): boolean {
  const current = tenantObjects.find((o) => o.id === item.counterpart!.id)?.assignments ?? [];
  const wanted = ((item.assign!.body.assignments ?? item.assign!.body.mobileAppAssignments) as TenantAssignment[]) ?? [];
  if (wanted.some((a) => a.target.groupId?.includes('{{id:'))) return true;
  // Only app assignments carry a meaningful intent; Graph reports profiles' as "apply".
  const apps = item.translation.request?.resource === 'mobileApps';
  const norm = (list: TenantAssignment[]) =>
    list
      .map((a) => `${apps ? (a.intent ?? '') : ''}|${a.target['@odata.type'].replace(/^#/, '')}|${a.target.groupId ?? ''}`.toLowerCase())
      .sort()
      .join('\n');
  return norm(current) !== norm(wanted);
}
