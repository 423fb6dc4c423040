// What phase 2 (prepare) reads from the tenant besides the Intune objects: users' licences by
// service plan (domain H.3.2: an `assignedPlans` entry, not a SKU), the subscribed SKUs and their
// seats, the connectors (NDES only in beta, H.3.3) and the organisation's MDM authority (H.3.5).
// Every answer is shape-checked before it is read: a broken list must never read as "no
// connector" or "nobody licensed".
import { GraphMalformedResponseError } from './errors';
import type { BatchRequest, GraphPort } from './graph-port';
import { lookupItems } from './read';
import { fieldsProblem, type FieldRule } from './shape';

/** Microsoft Intune's service plan (INTUNE_A): what makes a user licensed for Intune, whatever the SKU. */
export const INTUNE_SERVICE_PLAN = 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5';

export interface TenantUserLicence {
  id: string;
  userPrincipalName: string;
  onPremisesSecurityIdentifier: string | null;
  usageLocation: string | null;
  assignedPlans: { servicePlanId: string; capabilityStatus: string }[];
  assignedLicenses: { skuId: string; disabledPlans: string[] }[];
}

export interface TenantSku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits: number;
  enabledUnits: number;
  servicePlanIds: string[];
}

export interface NdesConnectorRecord {
  id: string;
  displayName: string;
  machineName: string | null;
  state: string;
}

export interface ExchangeConnectorRecord {
  id: string;
  status: string;
  serverName: string | null;
}

const USER_FIELDS: Record<string, FieldRule> = {
  id: 'string',
  userPrincipalName: 'string',
  onPremisesSecurityIdentifier: 'string?',
  usageLocation: 'string?',
  assignedPlans: 'array?',
  assignedLicenses: 'array?',
};
const USER_SELECT = 'id,userPrincipalName,onPremisesSecurityIdentifier,usageLocation,assignedPlans,assignedLicenses';
const IN_CHUNK = 15;
const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

function malformed(path: string, problem: string | undefined): void {
  if (problem) throw new GraphMalformedResponseError('GET', path, 200, problem);
}

/** From this many users sought, reading the whole directory may cost fewer calls than `in` filters. */
export const DIRECTORY_SCAN_CONSIDERED_FROM = 3_000;
const USERS_PER_PAGE = 999;

/**
 * Users found by on-premises SID or by UPN: 15 values per `in` filter, 20 filters per $batch (300
 * users a call); or, for many users in a directory not much bigger, the whole directory paged
 * (999 users a call), whichever costs fewer calls by the directory's own count (docs/prepare.md,
 * "Reading many users").
 */
export async function findUsers(
  graph: GraphPort,
  query: { sids: string[]; upns: string[] },
  signal?: AbortSignal,
): Promise<TenantUserLicence[]> {
  const sought = new Set(query.sids).size + new Set(query.upns).size;
  if (sought >= DIRECTORY_SCAN_CONSIDERED_FROM) {
    const directory = await countUsers(graph, signal);
    if (directory !== undefined && Math.ceil(directory / USERS_PER_PAGE) < Math.ceil(sought / (IN_CHUNK * 20)))
      return scanUsers(graph, query, signal);
  }
  const filters: string[] = [];
  const chunks = (property: string, values: string[]) => {
    const unique = [...new Set(values)];
    for (let i = 0; i < unique.length; i += IN_CHUNK)
      filters.push(
        `${property} in (${unique
          .slice(i, i + IN_CHUNK)
          .map(quote)
          .join(',')})`,
      );
  };
  chunks('onPremisesSecurityIdentifier', query.sids);
  chunks('userPrincipalName', query.upns);
  if (filters.length === 0) return [];
  const users = new Map<string, TenantUserLicence>();
  // $batch takes 20 requests at a time
  for (let start = 0; start < filters.length; start += 20) {
    const requests: BatchRequest[] = filters.slice(start, start + 20).map((filter, i) => ({
      id: `u${start + i}`,
      method: 'GET' as const,
      path: `/users?$filter=${encodeURIComponent(filter)}&$select=${USER_SELECT}&$top=999`,
    }));
    for (const result of await graph.batch(requests, { signal })) {
      const items = lookupItems<Partial<TenantUserLicence> & { id: string; userPrincipalName: string }>(
        result,
        '/v1.0/users',
        USER_FIELDS,
        'user lookup',
      );
      for (const u of licences(items)) users.set(u.id, u);
    }
  }
  return [...users.values()];
}

/** The directory's user count (an advanced query: `$count` needs `ConsistencyLevel: eventual`); undefined when not given. */
async function countUsers(graph: GraphPort, signal?: AbortSignal): Promise<number | undefined> {
  let page: Record<string, unknown> | undefined;
  try {
    page = await graph.get<Record<string, unknown>>('/users', {
      query: { $count: true, $top: 1, $select: 'id' },
      headers: { ConsistencyLevel: 'eventual' },
      signal,
    });
  } catch (error) {
    // Only a way to save calls: without the count, the `in` filters read what is sought (and report a real failure).
    if (signal?.aborted) throw error;
    return undefined;
  }
  const count = page?.['@odata.count'];
  return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : undefined;
}

/** The sought users out of the whole directory, paged. */
async function scanUsers(graph: GraphPort, query: { sids: string[]; upns: string[] }, signal?: AbortSignal): Promise<TenantUserLicence[]> {
  const sids = new Set(query.sids.map((s) => s.toUpperCase()));
  const upns = new Set(query.upns.map((u) => u.toLowerCase()));
  const all = await graph.listAll<Partial<TenantUserLicence> & { id: string; userPrincipalName: string }>('/users', {
    query: { $select: USER_SELECT, $top: USERS_PER_PAGE },
    signal,
  });
  malformed('/v1.0/users', fieldsProblem(all, USER_FIELDS, 'user'));
  return licences(
    all.filter(
      (u) =>
        upns.has(u.userPrincipalName.toLowerCase()) ||
        (u.onPremisesSecurityIdentifier && sids.has(u.onPremisesSecurityIdentifier.toUpperCase())),
    ),
  );
}

/** Users as read, their plans and licences checked for shape. */
function licences(items: (Partial<TenantUserLicence> & { id: string; userPrincipalName: string })[]): TenantUserLicence[] {
  const plans = items.flatMap((u) => u.assignedPlans ?? []);
  const assigned = items.flatMap((u) => u.assignedLicenses ?? []);
  malformed(
    '/v1.0/users',
    fieldsProblem(plans, { servicePlanId: 'string', capabilityStatus: 'string' }, 'assigned plan') ??
      fieldsProblem(assigned, { skuId: 'string', disabledPlans: 'array?' }, 'assigned licence'),
  );
  return items.map((u) => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    onPremisesSecurityIdentifier: u.onPremisesSecurityIdentifier ?? null,
    usageLocation: u.usageLocation ?? null,
    assignedPlans: (u.assignedPlans ?? []).map((p) => ({ servicePlanId: p.servicePlanId, capabilityStatus: p.capabilityStatus })),
    assignedLicenses: (u.assignedLicenses ?? []).map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans ?? [] })),
  }));
}

/** Whether the user holds Intune: the INTUNE_A service plan, enabled (not suspended, not deleted). */
export function hasIntunePlan(user: Pick<TenantUserLicence, 'assignedPlans'>): boolean {
  return user.assignedPlans.some((p) => p.servicePlanId.toLowerCase() === INTUNE_SERVICE_PLAN && p.capabilityStatus === 'Enabled');
}

export async function readSkus(graph: GraphPort, signal?: AbortSignal): Promise<TenantSku[]> {
  const items = await graph.listAll<{
    skuId: string;
    skuPartNumber: string;
    consumedUnits: number;
    prepaidUnits: { enabled?: number };
    servicePlans?: { servicePlanId: string }[];
  }>('/subscribedSkus', { signal });
  malformed(
    '/v1.0/subscribedSkus',
    fieldsProblem(
      items,
      { skuId: 'string', skuPartNumber: 'string', consumedUnits: 'number', prepaidUnits: 'object', servicePlans: 'array?' },
      'SKU',
    ) ??
      fieldsProblem(
        items.flatMap((s) => s.servicePlans ?? []),
        { servicePlanId: 'string' },
        'service plan',
      ),
  );
  return items.map((s) => ({
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    consumedUnits: s.consumedUnits,
    enabledUnits: typeof s.prepaidUnits.enabled === 'number' ? s.prepaidUnits.enabled : 0,
    servicePlanIds: (s.servicePlans ?? []).map((p) => p.servicePlanId.toLowerCase()),
  }));
}

export async function readNdesConnectors(graph: GraphPort, signal?: AbortSignal): Promise<NdesConnectorRecord[]> {
  const path = '/deviceManagement/ndesConnectors';
  const items = await graph.listAll<{ id: string; displayName?: string | null; machineName?: string | null; state: string }>(path, {
    signal,
  });
  malformed(
    `/beta${path}`,
    fieldsProblem(items, { id: 'string', displayName: 'string?', machineName: 'string?', state: 'string' }, 'NDES connector'),
  );
  return items.map((c) => ({ id: c.id, displayName: c.displayName ?? '', machineName: c.machineName ?? null, state: c.state }));
}

export async function readExchangeConnectors(graph: GraphPort, signal?: AbortSignal): Promise<ExchangeConnectorRecord[]> {
  const path = '/deviceManagement/exchangeConnectors';
  const items = await graph.listAll<{ id: string; status: string; serverName?: string | null }>(path, { signal });
  malformed(`/v1.0${path}`, fieldsProblem(items, { id: 'string', status: 'string', serverName: 'string?' }, 'Exchange connector'));
  return items.map((c) => ({ id: c.id, status: c.status, serverName: c.serverName ?? null }));
}

/** The organisation's MDM authority (`sccm` while hybrid MDM lasts); read with $select (H.3.5). */
export async function readMdmAuthority(graph: GraphPort, signal?: AbortSignal): Promise<string> {
  const items = await graph.listAll<{ id: string; mobileDeviceManagementAuthority?: string | null }>('/organization', {
    query: { $select: 'id,mobileDeviceManagementAuthority' },
    signal,
  });
  malformed(
    '/v1.0/organization',
    fieldsProblem(items, { id: 'string', mobileDeviceManagementAuthority: 'string?' }, 'organization') ??
      (items.length === 1 ? undefined : `expected one organization, got ${items.length}`),
  );
  return items[0].mobileDeviceManagementAuthority ?? 'unknown';
}

/** An imported SCEP profile's server URLs (beta: v1.0 has no SCEP profiles). */
export async function readScepUrls(graph: GraphPort, id: string, odataType: string, signal?: AbortSignal): Promise<string[]> {
  const path = `/deviceManagement/deviceConfigurations/${id}`;
  const body = await graph.get<{ scepServerUrls?: unknown }>(path, { version: 'beta', odataType, signal });
  const urls = body?.scepServerUrls;
  if (urls !== undefined && urls !== null && (!Array.isArray(urls) || urls.some((u) => typeof u !== 'string'))) {
    throw new GraphMalformedResponseError('GET', `/beta${path}`, 200, 'scepServerUrls is not a list of strings');
  }
  return (urls as string[] | undefined) ?? [];
}

export interface TermsRecord {
  id: string;
  displayName: string;
  /** Group ids it is assigned to; `all` when it targets all (licensed) users. */
  groupIds: string[];
  allUsers: boolean;
}

/** The tenant's terms-and-conditions policies and whom they are assigned to. */
export async function readTerms(graph: GraphPort, signal?: AbortSignal): Promise<TermsRecord[]> {
  const path = '/deviceManagement/termsAndConditions';
  const items = await graph.listAll<{
    id: string;
    displayName?: string | null;
    assignments?: { target: { '@odata.type': string; groupId?: string | null } }[];
  }>(path, { query: { $expand: 'assignments' }, signal });
  const assignments = items.flatMap((t) => t.assignments ?? []);
  malformed(
    `/v1.0${path}`,
    fieldsProblem(items, { id: 'string', displayName: 'string?', assignments: 'array?' }, 'terms and conditions') ??
      fieldsProblem(assignments, { target: 'object' }, 'terms assignment') ??
      fieldsProblem(
        assignments.map((a) => a.target),
        { '@odata.type': 'string', groupId: 'string?' },
        'terms assignment target',
      ),
  );
  return items.map((t) => {
    const targets = (t.assignments ?? []).map((a) => a.target);
    return {
      id: t.id,
      displayName: t.displayName ?? '',
      groupIds: targets.flatMap((x) =>
        x.groupId && /groupAssignmentTarget$/i.test(x['@odata.type']) && !/exclusion/i.test(x['@odata.type']) ? [x.groupId] : [],
      ),
      allUsers: targets.some((x) => /allLicensedUsersAssignmentTarget$/i.test(x['@odata.type'])),
    };
  });
}
