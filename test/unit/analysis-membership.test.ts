// Effective membership (issue 11, items 3 and 4): a group found by SID or name stands for a
// collection only with the collection's effective members; a marker on another type is never
// assigned; a hand-made object of the same name gets cm2intune's beside it, told apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildPicture,
  compareMembers,
  describeDifference,
  mapCollections,
  type PictureInput,
  type TenantGroup,
  type TenantMember,
  type TenantObject,
  userKey,
} from '../../src/core/analysis';
import type { MigrationPlan } from '../../src/core/plan/types';
import { objectKey, withMarker } from '../../src/core/translate';
import { ciAssignment, collection, configuration, site, uid, user, userGroup } from '../support/site-objects';

const SID = (n: number) => `S-1-5-21-4000000000-1111111111-2222222222-${n}`;
const SALES_AD = SID(9000);
// Users as a real site has them: Unicode, apostrophes, one synced by SID without a UPN in ConfigMgr.
const users = [
  user({ resourceId: 1, uniqueName: "FABRIKAM\\o'brien", upn: "siobhan.o'brien@fabrikam.example", sid: SID(1) }),
  user({ resourceId: 2, uniqueName: 'FABRIKAM\\zoe', upn: 'zoë.ålund@fabrikam.example', sid: SID(2) }),
  user({ resourceId: 3, uniqueName: 'FABRIKAM\\kenji', upn: null, sid: SID(3) }),
  user({ resourceId: 4, uniqueName: 'FABRIKAM\\ghost', upn: null, sid: null }),
  user({ resourceId: 5, uniqueName: 'FABRIKAM\\contractor', upn: 'c.dubois@fabrikam.example', sid: SID(5) }),
];
const member = (n: number, over: Partial<TenantMember> = {}): TenantMember => ({
  id: `e-${n}`,
  kind: 'user',
  displayName: null,
  userPrincipalName: users.find((u) => u.resourceId === n)?.upn ?? null,
  onPremisesSecurityIdentifier: SID(n),
  ...over,
});

const salesRule = {
  kind: 'query' as const,
  name: 'Sales',
  queryId: 1,
  wql: 'select * from SMS_R_User where SMS_R_User.UserGroupName = "FABRIKAM\\\\Ventes & Marketing"',
};
const model = site({
  collections: [
    collection({ id: 'F0100010', name: 'Ventes & Marketing', rules: [salesRule], memberResourceIds: [1, 2, 3] }),
    collection({
      id: 'F0100011',
      name: "Field sales – Zoë's pilot",
      rules: [
        { kind: 'include', collectionId: 'F0100010' },
        { kind: 'exclude', collectionId: 'F0100012' },
      ],
      memberResourceIds: [1, 2],
    }),
    collection({
      id: 'F0100012',
      name: 'Contractors (no Intune)',
      rules: [{ kind: 'direct', name: 'c', resourceId: 5 }],
      memberResourceIds: [5],
    }),
    collection({ id: 'F0100013', name: 'Ghosts', rules: [{ kind: 'direct', name: 'g', resourceId: 4 }], memberResourceIds: [3, 4] }),
  ],
  users,
  userGroups: [userGroup({ resourceId: 9000, name: 'Ventes & Marketing', uniqueName: 'FABRIKAM\\Ventes & Marketing', sid: SALES_AD })],
});
const plan = (groups: MigrationPlan['groups'] = {}): MigrationPlan => ({
  version: 1,
  name: 'Fabrikam',
  site: { source: 'snapshot', path: 'x' },
  tenant: { sandbox: true },
  groups,
});
const synced = (members: TenantMember[]): TenantGroup => ({
  id: 'g-sales',
  displayName: 'Ventes & Marketing',
  onPremisesSecurityIdentifier: SALES_AD,
  members,
});

describe('compareMembers', () => {
  it('matches by SID first (a user renamed in Entra ID), then by UPN; a user without a UPN is matched by SID', () => {
    const d = compareMembers(
      [users[0], users[1], users[2]],
      [member(1, { userPrincipalName: 'siobhan.obrien@fabrikam.example' }), member(2, { onPremisesSecurityIdentifier: null }), member(3)],
    );
    assert.deepEqual(d, { added: [], removed: [], nested: [], absent: [] });
  });

  it('names who the group adds, who it lacks and the groups nested in it; counts each member once', () => {
    const d = compareMembers(
      [users[0], users[1], users[2]],
      [
        member(1),
        member(5),
        { id: 'g-x', kind: 'group', displayName: "Dave's helpers", userPrincipalName: null, onPremisesSecurityIdentifier: null },
      ],
    );
    assert.deepEqual(d.added, ['c.dubois@fabrikam.example']);
    assert.deepEqual(
      d.removed.map((r) => r.label),
      ['zoë.ålund@fabrikam.example', 'FABRIKAM\\kenji'],
    );
    assert.equal(
      describeDifference(d),
      `+1 / −2 users (+ c.dubois@fabrikam.example; − zoë.ålund@fabrikam.example, FABRIKAM\\kenji); it contains group "Dave's helpers", whose members were not compared`,
    );
  });

  it('a collection user Entra ID does not have (never synced) is not a difference: no group could reach them', () => {
    const d = compareMembers([users[0], users[3]], [member(1)], (u) => u.sid === SID(1));
    assert.deepEqual(d.removed, []);
    assert.deepEqual(
      d.absent.map((a) => a.label),
      ['FABRIKAM\\ghost'],
    );
  });
});

describe('group mapping by effective membership', () => {
  it('a synced group with exactly the collection’s users is used', () => {
    const r = mapCollections(model, plan(), [synced([member(1), member(2), member(3)])], ['F0100010']);
    assert.deepEqual(
      r.mappings.map((m) => [m.status, m.groups[0]?.via, m.membership]),
      [['mapped', 'sid', undefined]],
    );
    assert.deepEqual(r.findings, []);
  });

  it('a synced group with other members is not used: unmapped, or a created group told apart by name, with +N / −M', () => {
    const groups = [synced([member(1), member(2), member(5)])];
    const unmapped = mapCollections(model, plan(), groups, ['F0100010']);
    const m = unmapped.mappings[0];
    assert.equal(m.status, 'unmapped');
    assert.match(
      m.reason,
      /"Ventes & Marketing" \(same SID as AD group FABRIKAM\\Ventes & Marketing\) has other members than the collection: \+1 \/ −1 users/,
    );
    assert.equal(m.membership?.summary, '+1 / −1 users (+ c.dubois@fabrikam.example; − FABRIKAM\\kenji)');
    assert.deepEqual(
      unmapped.findings.map((f) => [f.code, f.pointer]),
      [['analysis/group-members-differ', '/groups/acceptDifferentMembers']],
    );
    assert.match(
      unmapped.findings[0].message,
      /deployments to the collection are not carried over.*add F0100010 to groups\.acceptDifferentMembers/,
    );

    const created = mapCollections(model, plan({ createMissing: true }), groups, ['F0100010']).mappings[0];
    assert.equal(created.status, 'create');
    // A group of that name exists (the synced one): the new one must be told apart.
    assert.deepEqual(created.groups, [{ displayName: 'Ventes & Marketing (ConfigMgr F0100010)', via: 'create' }]);
    // kenji has no UPN in ConfigMgr but a SID: he is a member to add (found by SID).
    assert.deepEqual(created.members, [
      { label: "siobhan.o'brien@fabrikam.example", upn: "siobhan.o'brien@fabrikam.example", sid: SID(1) },
      { label: 'zoë.ålund@fabrikam.example', upn: 'zoë.ålund@fabrikam.example', sid: SID(2) },
      { label: 'FABRIKAM\\kenji', upn: null, sid: SID(3) },
    ]);
  });

  it('a collection user Entra ID was looked up for and does not have is no difference; one never looked up is', () => {
    const groups = [synced([member(1), member(2)])]; // kenji (SID, no UPN) is not in Entra ID
    const strict = mapCollections(model, plan(), groups, ['F0100010']).mappings[0];
    assert.equal(strict.status, 'unmapped');
    const looked = mapCollections(model, plan(), groups, ['F0100010'], [userKey(users[2])]).mappings[0];
    assert.deepEqual([looked.status, looked.groups[0]?.via, looked.membership], ['mapped', 'sid', undefined]);
  });

  it('the plan can accept a group as it is, per collection, and the difference is still said', () => {
    const r = mapCollections(model, plan({ acceptDifferentMembers: ['F0100010', 'F01000FF'] }), [synced([member(1)])], ['F0100010']);
    assert.deepEqual([r.mappings[0].status, r.mappings[0].groups[0].via], ['mapped', 'sid']);
    assert.equal(r.mappings[0].membership?.summary, '+0 / −2 users (− zoë.ålund@fabrikam.example, FABRIKAM\\kenji)');
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.pointer]),
      [
        ['analysis/unknown-collection', '/groups/acceptDifferentMembers/1'],
        ['analysis/group-members-differ', '/groups/acceptDifferentMembers/0'],
      ],
    );
  });

  it('a user with neither UPN nor SID is named as one who can’t be added', () => {
    const m = mapCollections(model, plan({ createMissing: true }), [], ['F0100013']).mappings[0];
    assert.equal(m.status, 'create');
    assert.deepEqual(m.unresolvable, ['FABRIKAM\\ghost']);
    assert.deepEqual(
      m.members?.map((x) => x.label),
      ['FABRIKAM\\kenji'],
    );
  });

  it('a name several groups share is ambiguous: never mapped, never created', () => {
    const twins: TenantGroup[] = [
      { id: 'a', displayName: 'Ghosts', onPremisesSecurityIdentifier: null, members: [] },
      { id: 'b', displayName: 'ghosts', onPremisesSecurityIdentifier: null, members: [] },
    ];
    const r = mapCollections(model, plan({ createMissing: true }), twins, ['F0100013']);
    assert.equal(r.mappings[0].status, 'unmapped');
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['analysis/group-ambiguous'],
    );
  });
});

describe('picture: assignments and counterparts', () => {
  const CI = uid('OperatingSystem', 300);
  const objects = [configuration({ uniqueId: CI, ciId: 30, name: "Zoë's iOS – restrictions", settings: { cameraBlocked: true } })];
  const deployed = site({ ...model, ciAssignments: [ciAssignment({ collectionId: 'F0100011', ciIds: [30], assignmentType: 8 })] });
  const fieldSales: TenantGroup = {
    id: 'g-field',
    displayName: "Field sales – Zoë's pilot",
    onPremisesSecurityIdentifier: null,
    members: [member(1), member(2)],
  };
  const contractors = (members: TenantMember[]): TenantGroup => ({
    id: 'g-contractors',
    displayName: 'Contractors (no Intune)',
    onPremisesSecurityIdentifier: null,
    members,
  });
  const input = (over: Partial<PictureInput['tenant']> = {}): PictureInput => ({
    site: deployed,
    objects,
    apps: [],
    plan: plan(),
    tenant: { groups: [fieldSales, contractors([member(5)])], objects: [], ...over },
    ledger: new Map(),
  });
  const item = (p: ReturnType<typeof buildPicture>) => p.items.find((i) => i.translation.source.uniqueId === CI)!;

  it('include and exclude alike: an excluded collection whose group has other members takes the deployment with it', () => {
    const fine = item(buildPicture(input()));
    assert.deepEqual(
      (fine.assign?.body.assignments as { target: { groupId: string; '@odata.type': string } }[]).map((a) => [
        a.target['@odata.type'],
        a.target.groupId,
      ]),
      [
        ['#microsoft.graph.groupAssignmentTarget', 'g-field'],
        ['#microsoft.graph.exclusionGroupAssignmentTarget', 'g-contractors'],
      ],
    );
    const p = buildPicture(input({ groups: [fieldSales, contractors([member(5), member(1)])] }));
    assert.equal(item(p).assign, undefined);
    assert.match(item(p).assignmentNotes.join('\n'), /excludes collection "Contractors \(no Intune\)", which maps to no group/);
    assert.deepEqual(p.findings.map((f) => f.code).sort(), ['analysis/group-members-differ', 'analysis/lost-exclusion']);
  });

  it('a group holding users the collection excludes still fits: the exclusion target keeps them out', () => {
    const withContractor = { ...fieldSales, members: [member(1), member(2), member(5)] };
    const p = buildPicture(input({ groups: [withContractor, contractors([member(5)])] }));
    assert.deepEqual(
      p.groups.filter((g) => g.collectionId === 'F0100011').map((g) => [g.status, g.membership]),
      [['mapped', undefined]],
    );
    assert.ok(item(p).assign, 'assigned, with the contractors excluded');
  });

  it('a marker on an object of another type is never assigned, and the picture says what to do', () => {
    const wrong: TenantObject = {
      id: 'i-android',
      resource: 'deviceConfigurations',
      odataType: '#microsoft.graph.androidGeneralDeviceConfiguration',
      displayName: "Zoë's iOS – restrictions",
      description: withMarker('made by hand, marker pasted', objectKey(CI, 'ios')),
    };
    const it = item(buildPicture(input({ objects: [wrong] })));
    assert.equal(it.state, 'drifted');
    assert.equal(it.assign, undefined);
    assert.match(
      it.stateReasons.join('\n'),
      /androidgeneraldeviceconfiguration in Intune, not a iosgeneraldeviceconfiguration, so it is not assigned: delete Intune object i-android/,
    );
    assert.match(it.assignmentNotes.join('\n'), /Not assigned/);
  });

  it('a hand-made object of the same name: cm2intune’s is created beside it, told apart; the rerun pairs without drift', () => {
    const handMade: TenantObject = {
      id: 'i-hand',
      resource: 'deviceConfigurations',
      odataType: '#microsoft.graph.iosGeneralDeviceConfiguration',
      displayName: "zoë's iOS – restrictions ",
      description: 'made in the portal',
    };
    const p = buildPicture(input({ objects: [handMade] }));
    const first = item(p);
    assert.equal(first.state, 'importable');
    assert.equal(first.counterpart, undefined, 'never paired with the hand-made one');
    assert.equal(first.translation.request?.body.displayName, "Zoë's iOS – restrictions (from ConfigMgr)");
    const finding = p.findings.find((f) => f.code === 'analysis/same-name-in-tenant');
    assert.match(
      finding?.message ?? '',
      /named "Zoë's iOS – restrictions" that cm2intune did not create \(id i-hand\).*as "Zoë's iOS – restrictions \(from ConfigMgr\)"/,
    );

    const ours: TenantObject = {
      ...handMade,
      id: 'i-ours',
      displayName: "Zoë's iOS – restrictions (from ConfigMgr)",
      description: withMarker('', objectKey(CI, 'ios')),
    };
    const again = buildPicture(input({ objects: [handMade, ours] }));
    assert.deepEqual([item(again).state, item(again).counterpart?.id, item(again).stateReasons], ['imported', 'i-ours', []]);
    assert.equal(again.findings.filter((f) => f.code === 'analysis/same-name-in-tenant').length, 0);
  });
});
