// Reads what the migration picture needs from the tenant, in few calls: the three Intune object
// lists (with their assignments expanded, so pairing and assignment checks need no call per
// object) and only the groups that could match a collection, looked up by filter in $batch.
import type { BatchRequest, GraphPort } from './graph-port';

export type IntuneResource = 'deviceConfigurations' | 'deviceCompliancePolicies' | 'mobileApps';

export const RESOURCE_PATHS: Record<IntuneResource, string> = {
  deviceConfigurations: '/deviceManagement/deviceConfigurations',
  deviceCompliancePolicies: '/deviceManagement/deviceCompliancePolicies',
  mobileApps: '/deviceAppManagement/mobileApps',
};

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
        query: { $select: 'id,displayName,description', $expand: 'assignments' },
        signal,
      });
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

export interface GroupQuery {
  sids?: string[];
  displayNames?: string[];
  ids?: string[];
  mailNicknames?: string[];
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const GROUP_SELECT = 'id,displayName,onPremisesSecurityIdentifier,mailNickname';

/** The groups matching any of the given SIDs, names, ids or mail nicknames, in one $batch round per 20. */
export async function findGroups(graph: GraphPort, query: GroupQuery, signal?: AbortSignal): Promise<TenantGroupRecord[]> {
  const filters = [
    ...(query.sids ?? []).map((sid) => `onPremisesSecurityIdentifier eq ${quote(sid)}`),
    ...(query.displayNames ?? []).map((name) => `displayName eq ${quote(name)}`),
    ...(query.mailNicknames ?? []).map((nick) => `mailNickname eq ${quote(nick)}`),
  ];
  const requests: BatchRequest[] = [
    ...[...new Set(filters)].map((filter, i) => ({
      id: `f${i}`,
      method: 'GET' as const,
      path: `/groups?$filter=${encodeURIComponent(filter)}&$select=${GROUP_SELECT}`,
    })),
    ...[...new Set(query.ids ?? [])].map((id, i) => ({ id: `i${i}`, method: 'GET' as const, path: `/groups/${encodeURIComponent(id)}?$select=${GROUP_SELECT}` })),
  ];
  if (requests.length === 0) return [];
  const results = await graph.batch(requests, { signal });
  const groups = new Map<string, TenantGroupRecord>();
  for (const result of results) {
    if (result.outcome !== 'ok') {
      if (result.status === 404) continue; // a group id in the plan that doesn't exist: the analysis reports it
      throw new Error(`Reading groups failed: HTTP ${result.status} ${result.code ?? ''} ${result.message ?? ''}`.trim());
    }
    const body = result.body as { value?: RawGroup[] } & RawGroup;
    for (const g of body.value ?? [body]) {
      groups.set(g.id, { id: g.id, displayName: g.displayName, onPremisesSecurityIdentifier: g.onPremisesSecurityIdentifier ?? null, mailNickname: g.mailNickname ?? null });
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
