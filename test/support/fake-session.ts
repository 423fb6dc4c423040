// A session over the Contoso site (sql.js, no server) and an in-memory tenant that counts what is
// read: for unit tests of what is built over a read (the picture store, the renderers).
import type { MigrationPlan } from '../../src/core/plan/types';
import { deriveState } from '../../src/core/ledger/journal';
import type { MigrationSession } from '../../src/core/session';
import type { SiteModel } from '../../src/core/site/model';
import type { BatchRequest, BatchResult, GraphPort } from '../../src/core/tenant/graph-port';
import type { TenantGroupRecord, TenantMember } from '../../src/core/tenant/read';
import { effectiveUsers, singleAdGroup } from '../../src/core/analysis';
import { loadContosoModel } from '../fixtures/contoso/load';

export interface Reads {
  site: number;
  lists: number;
  batches: number;
  /** Every $filter sent in a batch, decoded. */
  filters: string[];
}

let contoso: Promise<SiteModel> | undefined;
export const contosoModel = () => (contoso ??= loadContosoModel());

/** Values of an OData `in (...)` or `eq` filter: 'O''Neill' -> O'Neill. */
const quoted = (filter: string) => [...filter.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));

export function fakeTenant(groups: TenantGroupRecord[], users: { id: string; userPrincipalName: string }[] = []) {
  const reads: Reads = { site: 0, lists: 0, batches: 0, filters: [] };
  const answer = (r: BatchRequest): BatchResult => {
    const filter = decodeURIComponent(/\$filter=([^&]*)/.exec(r.path)?.[1] ?? '');
    reads.filters.push(filter);
    const values = quoted(filter);
    const membersOf = /^\/groups\/([^/?]+)\/members/.exec(r.path)?.[1];
    if (membersOf) {
      const group = groups.find((g) => g.id === membersOf);
      if (!group) return { id: r.id, status: 404, outcome: 'failed', code: 'Request_ResourceNotFound', message: 'no such group' };
      return {
        id: r.id,
        status: 200,
        outcome: 'ok',
        body: { value: (group.members ?? []).map((m) => ({ '@odata.type': `#microsoft.graph.${m.kind}`, ...m })) },
      };
    }
    if (r.path.startsWith('/users')) {
      const wanted = new Set(values.map((v) => v.toLowerCase()));
      return { id: r.id, status: 200, outcome: 'ok', body: { value: users.filter((u) => wanted.has(u.userPrincipalName.toLowerCase())) } };
    }
    const property = /^(\w+)/.exec(filter)?.[1] ?? '';
    const match = (g: TenantGroupRecord) =>
      property === 'startswith'
        ? (g.mailNickname ?? '').startsWith('cm2intune-')
        : values.includes(String((g as unknown as Record<string, unknown>)[property] ?? ''));
    return { id: r.id, status: 200, outcome: 'ok', body: { value: groups.filter(match) } };
  };
  const graph: GraphPort = {
    baseUrl: 'https://graph.invalid',
    async get() {
      throw new Error('fake tenant: get is not used here');
    },
    // eslint-disable-next-line require-yield -- a list that is never read
    async *list() {
      throw new Error('fake tenant: list is not used here');
    },
    async listAll<T>(): Promise<T[]> {
      reads.lists++;
      return [];
    },
    async create() {
      throw new Error('fake tenant: read only');
    },
    async post() {
      throw new Error('fake tenant: read only');
    },
    async patch() {
      throw new Error('fake tenant: read only');
    },
    async delete() {
      throw new Error('fake tenant: read only');
    },
    async batch(requests) {
      reads.batches++;
      return requests.map(answer);
    },
  };
  return { graph, reads };
}

/** A read-only session of `plan` over the Contoso site and the fake tenant. */
export function fakeSession(plan: MigrationPlan, graph: GraphPort, reads: Reads): MigrationSession {
  return {
    planFile: '/plans/contoso sandbox.migration.json',
    planDir: '/plans',
    plan,
    site: {
      origin: 'contoso.snapshot.json',
      async read() {
        reads.site++;
        return contosoModel();
      },
      async close() {},
    },
    graph,
    tenantId: '8f3c1d2e-0000-4000-8000-000000000001',
    tenantLabel: 'sandbox',
    readOnly: true,
    journal: {
      state: () => deriveState([]),
      append: () => {
        throw new Error('read only');
      },
    } as unknown as MigrationSession['journal'],
    close: async () => {},
  };
}

export const CONTOSO_PLAN: MigrationPlan = {
  version: 1,
  name: 'Contoso – phase 1 in the sandbox',
  site: { source: 'snapshot', path: 'contoso.snapshot.json' },
  tenant: { sandbox: true },
  import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
  groups: { createMissing: true },
};

/** Groups of the tenant: one synced by SID, one cloud group by name, one only a plan can name by id. */
export async function contosoGroups(): Promise<TenantGroupRecord[]> {
  const model = await contosoModel();
  const sales = model.userGroups.find((g) => g.name === 'Sales Team')!;
  // Synced groups hold the synced users (those with a UPN) of their collection, as Entra ID would.
  const membersOf = (collectionName: string): TenantMember[] =>
    effectiveUsers(model, model.collections.find((c) => c.name === collectionName)!.id)
      .filter((u) => u.upn)
      .map((u) => ({
        id: `m-${u.resourceId}`,
        kind: 'user',
        displayName: u.fullName,
        userPrincipalName: u.upn,
        onPremisesSecurityIdentifier: u.sid,
      }));
  const salesCollection = model.collections.find((c) => c.rules.length === 1 && singleAdGroup(c, model)?.sid === sales.sid)!;
  return [
    {
      id: '11111111-1111-4111-8111-111111111111',
      displayName: 'Sales Team',
      onPremisesSecurityIdentifier: sales.sid ?? null,
      mailNickname: 'salesteam',
      members: membersOf(salesCollection.name),
    },
    {
      id: '22222222-2222-4222-8222-222222222222',
      displayName: "O'Neill Project",
      onPremisesSecurityIdentifier: null,
      mailNickname: 'oneill',
      members: membersOf("O'Neill Project"),
    },
    { id: '33333333-3333-4333-8333-333333333333', displayName: 'Zoë’s VIPs', onPremisesSecurityIdentifier: null, mailNickname: 'vips' },
  ];
}
