import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapCollections, singleAdGroup, type TenantGroup } from '../../src/core/analysis';
import type { MigrationPlan } from '../../src/core/plan/types';
import { collection, site, user, userGroup } from '../support/site-objects';

const SALES_SID = 'S-1-5-21-3623811015-3361044348-30300820-1013';
const plan = (groups: MigrationPlan['groups'] = {}): MigrationPlan => ({
  version: 1,
  name: 'test',
  site: { source: 'snapshot', path: 'x' },
  tenant: { sandbox: true },
  groups,
});
const salesQuery = (group = 'CONTOSO\\\\Sales Users') => ({
  kind: 'query' as const,
  name: 'Sales',
  queryId: 1,
  wql: `select SMS_R_USER.ResourceID,SMS_R_USER.Name from SMS_R_User where SMS_R_User.UserGroupName = "${group}"`,
});

const model = site({
  collections: [
    collection({ id: 'P0100031', name: 'Sales Users', rules: [salesQuery()] }),
    collection({ id: 'P0100032', name: "Ventes – l'équipe", rules: [{ kind: 'direct', name: 'Ventes', resourceId: 2000 }] }),
    collection({
      id: 'P0100033',
      name: 'Pilot – Zoë & Jörg',
      rules: [
        { kind: 'direct', name: 'zoe', resourceId: 11 },
        { kind: 'direct', name: 'jorg', resourceId: 12 },
        { kind: 'exclude', collectionId: 'P0100034' },
      ],
      memberResourceIds: [11, 12, 13],
    }),
    collection({ id: 'P0100034', name: 'Contractors', rules: [salesQuery('CONTOSO\\\\Contractors" or SMS_R_User.Name = "x')] }),
    collection({ id: 'P0100035', name: 'Kiosk devices', type: 'device', rules: [{ kind: 'direct', name: 'dev', resourceId: 50 }] }),
  ],
  userGroups: [
    userGroup({ resourceId: 1000, name: 'Sales Users', sid: SALES_SID }),
    userGroup({ resourceId: 2000, name: 'Ventes', sid: 'S-1-5-21-1-2-3-2000' }),
  ],
  users: [user({ resourceId: 11, upn: 'zoe@contoso.com' }), user({ resourceId: 12, upn: 'jörg@contoso.com' }), user({ resourceId: 13 })],
});

const tenant: TenantGroup[] = [
  // a cloud-only group that happens to have the AD group's name: the SID must win over it
  { id: 'aaaaaaaa-0000-4000-8000-000000000001', displayName: 'Sales Users', onPremisesSecurityIdentifier: null },
  { id: 'aaaaaaaa-0000-4000-8000-000000000002', displayName: 'Sales Users (synced)', onPremisesSecurityIdentifier: SALES_SID },
  { id: 'aaaaaaaa-0000-4000-8000-000000000003', displayName: 'Ventes', onPremisesSecurityIdentifier: null },
  { id: 'aaaaaaaa-0000-4000-8000-000000000004', displayName: 'Pilot users', onPremisesSecurityIdentifier: null },
  { id: 'aaaaaaaa-0000-4000-8000-000000000005', displayName: 'Contractors', onPremisesSecurityIdentifier: null },
  { id: 'aaaaaaaa-0000-4000-8000-000000000006', displayName: 'Contractors', onPremisesSecurityIdentifier: null },
];
const all = ['P0100031', 'P0100032', 'P0100033', 'P0100034', 'P0100035'];
const byId = (r: ReturnType<typeof mapCollections>) => Object.fromEntries(r.mappings.map((m) => [m.collectionId, m]));

describe('group mapping', () => {
  it('reads the single AD group of a query rule (WQL escapes) or a direct rule', () => {
    assert.equal(singleAdGroup(model.collections[0], model)?.sid, SALES_SID);
    assert.equal(singleAdGroup(model.collections[1], model)?.name, 'Ventes');
    assert.equal(singleAdGroup(model.collections[2], model), null);
    assert.equal(singleAdGroup(model.collections[3], model), null, 'an "or" in the where clause is not a single group');
  });

  it('SID beats a group with the same name', () => {
    const m = byId(mapCollections(model, plan(), tenant, all));
    assert.equal(m.P0100031.status, 'mapped');
    assert.deepEqual(m.P0100031.groups, [{ id: 'aaaaaaaa-0000-4000-8000-000000000002', displayName: 'Sales Users (synced)', via: 'sid' }]);
  });

  it('falls back to the same display name, and reports ambiguous names', () => {
    const m = byId(mapCollections(model, plan(), tenant, all));
    assert.deepEqual(m.P0100032.groups, [{ id: 'aaaaaaaa-0000-4000-8000-000000000003', displayName: 'Ventes', via: 'name' }]);
    assert.equal(m.P0100034.status, 'unmapped');
    assert.match(m.P0100034.reason, /2 Entra ID groups are named "Contractors"/);
  });

  it('the plan map wins over SID and name, by name or id', () => {
    const r = mapCollections(model, plan({ map: { P0100031: ['Pilot users', { id: 'AAAAAAAA-0000-4000-8000-000000000005' }] } }), tenant, [
      'P0100031',
    ]);
    const m = byId(r);
    assert.deepEqual(
      m.P0100031.groups.map((g) => [g.displayName, g.via]),
      [
        ['Pilot users', 'plan'],
        ['Contractors', 'plan'],
      ],
    );
    assert.deepEqual(r.findings, []);
  });

  it('a plan entry that names no group is unmapped with a finding at its position', () => {
    const r = mapCollections(model, plan({ map: { P0100031: ['Sales Users', 'Nobody’s group'] } }), tenant, ['P0100031']);
    assert.equal(byId(r).P0100031.status, 'unmapped');
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.pointer]),
      [['analysis/plan-group-not-found', '/groups/map/P0100031/1']],
    );
    assert.match(r.findings[0].message, /Nobody’s group/);
  });

  it('creates a cloud group only when the plan allows, with the users that have a UPN or a SID; the rest are named', () => {
    const without = byId(mapCollections(model, plan(), tenant, all));
    assert.equal(without.P0100033.status, 'unmapped');
    assert.match(without.P0100033.reason, /groups\.createMissing/);
    const withCreate = byId(mapCollections(model, plan({ createMissing: true }), tenant, all));
    assert.equal(withCreate.P0100033.status, 'create');
    assert.deepEqual(withCreate.P0100033.groups, [{ displayName: 'Pilot – Zoë & Jörg', via: 'create' }]);
    assert.deepEqual(
      withCreate.P0100033.members!.map((m) => m.label),
      ['zoe@contoso.com', 'jörg@contoso.com'],
    );
    assert.deepEqual(withCreate.P0100033.unresolvable, ['CONTOSO\\u13']);
    assert.match(withCreate.P0100033.reason, /1 user has neither a UPN nor a SID in ConfigMgr and can't be added \(CONTOSO\\u13\)/);
    // a name shared by several groups is never a create
    assert.equal(withCreate.P0100034.status, 'unmapped');
    // device collections are never created
    assert.equal(withCreate.P0100035.status, 'unmapped');
    assert.match(withCreate.P0100035.reason, /device collections/);
  });

  it('warns about a plan entry for a collection the site does not have', () => {
    const r = mapCollections(model, plan({ map: { P01000FF: ['Ventes'] } }), tenant, []);
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['analysis/unknown-collection'],
    );
  });
});
