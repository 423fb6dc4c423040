// Reads what the migration picture needs from the tenant, in few calls: the three Intune object
// lists (with their assignments expanded, so pairing and assignment checks need no call per
// object) and only the groups that could match a collection, looked up by filter in $batch.
import { RESOURCE_PATHS, type IntuneResource } from './api-versions';
import { GraphMalformedResponseError, GraphRequestError } from './errors';
import type { BatchRequest, BatchResult, GraphPort } from './graph-port';
import { fieldsProblem, listProblem, type FieldRule } from './shape';

export interface TenantAssignment {
  intent?: string;
  target: { '@odata.type': string; groupId?: string };
}

export interface TenantObjectRecord {
  id: string;
  resource: IntuneResource;
  odataType: string;
  displayName: string;
  description: string;
  assignments: TenantAssignment[];
}

export interface TenantGroupRecord {
  id: string;
  displayName: string;
  onPremisesSecurityIdentifier: string | null;
  mailNickname?: string | null;
  /** Direct members, read only for the groups a collection may map to (readGroupMembers). */
  members?: TenantMember[];
}

interface RawObject {
  id: string;
  '@odata.type'?: string;
  displayName?: string;
  description?: string | null;
  assignments?: TenantAssignment[];
}

export async function readTenantObjects(graph: GraphPort, signal?: AbortSignal): Promise<TenantObjectRecord[]> {
  const lists = await Promise.all(
    (Object.keys(RESOURCE_PATHS) as IntuneResource[]).map(async (resource) => {
      // beta: v1.0 does not list the profile types that exist only in beta
      const items = await graph.listAll<RawObject>(RESOURCE_PATHS[resource], {
        version: 'beta',
        // 999 is Graph's largest page: fewer round trips on a tenant with thousands of objects
        query: { $select: 'id,displayName,description', $expand: 'assignments', $top: 999 },
        signal,
      });
      // Pairing reads the id, the marker in the description and the assignments' targets.
      const assignments = () => items.flatMap((o) => o.assignments ?? []);
      const problem =
        fieldsProblem(items, OBJECT_FIELDS, 'object') ??
        fieldsProblem(assignments(), { intent: 'string?', target: 'object' }, 'assignment') ??
        fieldsProblem(
          assignments().map((a) => a.target),
          { '@odata.type': 'string', groupId: 'string?' },
          'assignment target',
        );
      if (problem) throw new GraphMalformedResponseError('GET', `/beta${RESOURCE_PATHS[resource]}`, 200, problem);
      return items.map((o): TenantObjectRecord => ({
        id: o.id,
        resource,
        odataType: o['@odata.type'] ?? '',
        displayName: o.displayName ?? '',
        description: o.description ?? '',
        assignments: o.assignments ?? [],
      }));
    }),
  );
  return lists.flat();
}

/**
 * One Intune object as the tenant has it now, every property: what a drifted object is compared
 * with (analysis/detail.ts driftTexts). Read for one object at a time, on request.
 */
export async function readIntuneObject(
  graph: GraphPort,
  resource: IntuneResource,
  id: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const path = `${RESOURCE_PATHS[resource]}/${encodeURIComponent(id)}`;
  // beta, as the lists are read: v1.0 does not return the profile types that exist only in beta
  const body = await graph.get<unknown>(path, { version: 'beta', signal });
  const problem =
    body && typeof body === 'object' && !Array.isArray(body) ? fieldsProblem([body], OBJECT_FIELDS, 'object') : 'not an object';
  if (problem) throw new GraphMalformedResponseError('GET', `/beta${path}`, 200, problem);
  return body as Record<string, unknown>;
}

/**
 * Several Intune objects as the tenant has them now, every property, in $batch (20 a round trip):
 * what readiness compares each imported object's settings with. By the caller's key; an object
 * gone since the list was read (404) is left out: the next picture shows it deleted.
 */
export async function readIntuneObjects(
  graph: GraphPort,
  targets: { key: string; resource: IntuneResource; id: string }[],
  signal?: AbortSignal,
): Promise<Map<string, Record<string, unknown>>> {
  const paths = targets.map((t) => `${RESOURCE_PATHS[t.resource]}/${encodeURIComponent(t.id)}`);
  const requests: BatchRequest[] = paths.map((path, i) => ({ id: `o${i}`, method: 'GET', path, version: 'beta' }));
  const bodies = new Map<string, Record<string, unknown>>();
  if (requests.length === 0) return bodies;
  for (const [i, result] of (await graph.batch(requests, { signal })).entries()) {
    if (result.outcome !== 'ok') {
      if (result.status === 404) continue;
      throw new GraphRequestError(
        'GET',
        `/beta${paths[i]}`,
        result.status,
        result.code ?? '',
        result.message ?? 'the read failed',
        result.requestId,
      );
    }
    const body = result.body;
    const problem =
      body && typeof body === 'object' && !Array.isArray(body) ? fieldsProblem([body], OBJECT_FIELDS, 'object') : 'not an object';
    if (problem) throw new GraphMalformedResponseError('GET', `/beta${paths[i]}`, result.status, problem, result.requestId);
    bodies.set(targets[i].key, body as Record<string, unknown>);
  }
  return bodies;
}

const OBJECT_FIELDS: Record<string, FieldRule> = {
  id: 'string',
  '@odata.type': 'string?',
  displayName: 'string?',
  description: 'string?',
  assignments: 'array?',
};
const GROUP_FIELDS: Record<string, FieldRule> = {
  id: 'string',
  displayName: 'string',
  onPremisesSecurityIdentifier: 'string?',
  mailNickname: 'string?',
};

/**
 * The items of a list read inside a $batch (group and user lookups), checked for the fields the
 * product reads. A failed or malformed lookup stops the run: a group "not found" would be created.
 */
export function lookupItems<T>(result: BatchResult, path: string, fields: Record<string, FieldRule>, what: string): T[] {
  if (result.outcome !== 'ok') {
    if (result.code === 'MalformedResponse')
      throw new GraphMalformedResponseError('GET', path, result.status, result.message ?? 'not a $batch answer', result.requestId);
    throw new GraphRequestError(
      'GET',
      path,
      result.status,
      result.code ?? '',
      `${what} failed: ${result.message ?? result.outcome}`,
      result.requestId,
    );
  }
  const answer = { status: result.status, body: result.body };
  const problem = listProblem(answer) ?? fieldsProblem((result.body as { value: unknown[] }).value, fields, what);
  if (problem) throw new GraphMalformedResponseError('GET', path, result.status, problem, result.requestId);
  return (result.body as { value: T[] }).value;
}

/**
 * All items of a list read inside a $batch: the first page from the batch, the rest by following
 * its next-page link (with the port's page cap and loop check). A lookup cut short at its first
 * page would miss groups that exist, and those would be created again.
 */
export async function lookupAll<T>(
  graph: GraphPort,
  result: BatchResult,
  path: string,
  fields: Record<string, FieldRule>,
  what: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const items = lookupItems<T>(result, path, fields, what);
  const link = (result.body as { '@odata.nextLink'?: unknown })['@odata.nextLink'];
  if (link === undefined || link === null) return items;
  if (typeof link !== 'string')
    throw new GraphMalformedResponseError('GET', path, result.status, 'its @odata.nextLink is not a link', result.requestId);
  const rest = await graph.listAll<T>(link, { signal });
  const problem = fieldsProblem(rest, fields, what);
  if (problem) throw new GraphMalformedResponseError('GET', path, result.status, problem, result.requestId);
  return [...items, ...rest];
}

export interface GroupQuery {
  sids?: string[];
  displayNames?: string[];
  ids?: string[];
  mailNicknames?: string[];
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const GROUP_SELECT = 'id,displayName,onPremisesSecurityIdentifier,mailNickname';
const PREFIX_FILTER = "startswith(mailNickname,'cm2intune-')";
// Graph allows up to 15 values in one `in (...)` expression.
const IN_CHUNK = 15;

function inFilters(property: string, values: string[]): string[] {
  const unique = [...new Set(values)];
  const filters: string[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK)
    filters.push(
      `${property} in (${unique
        .slice(i, i + IN_CHUNK)
        .map(quote)
        .join(',')})`,
    );
  return filters;
}

/**
 * The groups matching any of the given SIDs, names, ids or mail nicknames: a handful of `in`
 * filters (15 values each) and one `startswith` for cm2intune's own groups, in one $batch.
 */
export async function findGroups(graph: GraphPort, query: GroupQuery, signal?: AbortSignal): Promise<TenantGroupRecord[]> {
  const nicknames = [...new Set(query.mailNicknames ?? [])];
  const byPrefix = nicknames.length > 1 && nicknames.every((n) => n.startsWith('cm2intune-'));
  const filters = [
    ...inFilters('onPremisesSecurityIdentifier', query.sids ?? []),
    ...inFilters('displayName', query.displayNames ?? []),
    ...inFilters('id', query.ids ?? []),
    // cm2intune's groups share a prefix; one filter finds them all, then the wanted ones are kept.
    ...(byPrefix ? [PREFIX_FILTER] : nicknames.map((n) => `mailNickname eq ${quote(n)}`)),
  ];
  const requests: BatchRequest[] = filters.map((filter, i) => ({
    id: `f${i}`,
    method: 'GET' as const,
    path: `/groups?$filter=${encodeURIComponent(filter)}&$select=${GROUP_SELECT}&$top=999`,
  }));
  if (requests.length === 0) return [];
  const results = await graph.batch(requests, { signal });
  const groups = new Map<string, TenantGroupRecord>();
  for (const [index, result] of results.entries()) {
    const prefixResult = filters[index] === PREFIX_FILTER;
    // a group id in the plan that doesn't exist: the analysis reports it
    if (result.outcome !== 'ok' && result.status === 404) continue;
    for (const g of await lookupAll<RawGroup>(graph, result, '/v1.0/groups', GROUP_FIELDS, 'group lookup', signal)) {
      if (prefixResult && !nicknames.includes(g.mailNickname ?? '')) continue;
      groups.set(g.id, {
        id: g.id,
        displayName: g.displayName,
        onPremisesSecurityIdentifier: g.onPremisesSecurityIdentifier ?? null,
        mailNickname: g.mailNickname ?? null,
      });
    }
  }
  return [...groups.values()];
}

interface RawGroup {
  id: string;
  displayName: string;
  onPremisesSecurityIdentifier?: string | null;
  mailNickname?: string | null;
}

/**
 * The tenant's groups whose name starts with `text` (all groups when empty), a page at a time as
 * the caller pulls: a picker shows the first page at once and more on request.
 */
export function searchGroups(graph: GraphPort, text: string, signal?: AbortSignal): AsyncIterable<{ id: string; displayName: string }> {
  const query: Record<string, string | number> = { $select: 'id,displayName', $top: 100 };
  if (text.trim()) query.$filter = `startswith(displayName,${quote(text.trim())})`;
  return graph.list<{ id: string; displayName: string }>('/groups', { query, signal });
}

/** A direct member of an Entra ID group, as Graph lists it. */
export interface TenantMember {
  id: string;
  kind: 'user' | 'group' | 'other';
  displayName: string | null;
  userPrincipalName: string | null;
  onPremisesSecurityIdentifier: string | null;
}

const MEMBER_SELECT = 'id,displayName,userPrincipalName,onPremisesSecurityIdentifier';
const MEMBER_READ_FIELDS: Record<string, FieldRule> = {
  id: 'string',
  '@odata.type': 'string?',
  displayName: 'string?',
  userPrincipalName: 'string?',
  onPremisesSecurityIdentifier: 'string?',
};

/**
 * The direct members of these groups, one list request each in $batch, every page followed: a
 * member list cut short would make a group look like it reaches fewer people than it does.
 */
export async function readGroupMembers(graph: GraphPort, groupIds: string[], signal?: AbortSignal): Promise<Map<string, TenantMember[]>> {
  const ids = [...new Set(groupIds)];
  const out = new Map<string, TenantMember[]>();
  if (ids.length === 0) return out;
  const requests: BatchRequest[] = ids.map((id, i) => ({
    id: `m${i}`,
    method: 'GET' as const,
    path: `/groups/${id}/members?$select=${MEMBER_SELECT}&$top=999`,
  }));
  const results = await graph.batch(requests, { signal });
  for (const [i, result] of results.entries()) {
    const raw = await lookupAll<{
      id: string;
      '@odata.type'?: string;
      displayName?: string | null;
      userPrincipalName?: string | null;
      onPremisesSecurityIdentifier?: string | null;
    }>(graph, result, `/v1.0/groups/${ids[i]}/members`, MEMBER_READ_FIELDS, 'group member list', signal);
    out.set(
      ids[i],
      raw.map((m) => {
        const type = (m['@odata.type'] ?? '').replace(/^#?microsoft\.graph\./i, '').toLowerCase();
        return {
          id: m.id,
          // Graph types every member; a user without a type is still told by its UPN.
          kind: type === 'group' ? 'group' : type === 'user' || (!type && m.userPrincipalName) ? 'user' : 'other',
          displayName: m.displayName ?? null,
          userPrincipalName: m.userPrincipalName ?? null,
          onPremisesSecurityIdentifier: m.onPremisesSecurityIdentifier ?? null,
        };
      }),
    );
  }
  return out;
}
