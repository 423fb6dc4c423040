// Phase 2's checks are pure functions over what was read: each one here on hand-made sources,
// failing and passing, and the licence fix's two promises (seats, people).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessReadiness, CERTIFICATE_REGISTRATION_POINT, prepareSubjects, type PrepareSources } from '../../src/core/phases/prepare';
import type { ImportRead } from '../../src/core/phases/import';
import type { MigrationPlan } from '../../src/core/plan/types';
import type { SiteModel, User } from '../../src/core/site/model';
import { INTUNE_SERVICE_PLAN, type TenantUserLicence } from '../../src/core/tenant/readiness';
import type { PictureItem } from '../../src/core/analysis';
import { translateObject } from '../../src/core/translate';
import { configuration } from '../support/site-objects';

const EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
const O365 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

function siteUser(n: number): User {
  return {
    resourceId: n,
    uniqueName: `CONTOSO\\user${n}`,
    domain: 'CONTOSO',
    fullName: null,
    upn: `user${n}@contoso.com`,
    mail: null,
    sid: `S-1-5-21-1-${n}`,
    groupNames: [],
  };
}

function model(members: number[], extra: Partial<SiteModel> = {}): SiteModel {
  return {
    siteCode: 'P01',
    origin: 'test',
    users: members.map(siteUser),
    userGroups: [],
    devices: [],
    affinities: [],
    configurationItems: [],
    baselines: [],
    ciAssignments: [],
    applications: [],
    appAssignments: [],
    collections: [
      {
        id: 'P0100014',
        name: 'Intune Users',
        type: 'user',
        limitToCollectionId: 'SMS00002',
        memberCount: members.length,
        rules: [],
        memberResourceIds: members,
      },
    ],
    siteSystems: [{ serverName: 'NDES01.contoso.com', roleName: CERTIFICATE_REGISTRATION_POINT }],
    ...extra,
  };
}

function tenantUser(
  n: number,
  options: { licensed?: boolean; plan?: string; status?: string; location?: string | null; skus?: string[] } = {},
): TenantUserLicence {
  const plan = options.plan ?? INTUNE_SERVICE_PLAN;
  return {
    id: `id-${n}`,
    userPrincipalName: `user${n}@contoso.com`,
    onPremisesSecurityIdentifier: `S-1-5-21-1-${n}`,
    usageLocation: options.location === undefined ? 'US' : options.location,
    assignedPlans: options.licensed ? [{ servicePlanId: plan, capabilityStatus: options.status ?? 'Enabled' }] : [],
    assignedLicenses: (options.skus ?? []).map((skuId) => ({ skuId, disabledPlans: [] })),
  };
}

const PLAN: MigrationPlan = {
  version: 1,
  name: 't',
  site: { source: 'snapshot', path: 's.json' },
  tenant: { sandbox: true },
  subscriptionCollection: 'P0100014',
};

function sources(m: SiteModel, users: TenantUserLicence[], over: Partial<PrepareSources> = {}, plan: MigrationPlan = PLAN): PrepareSources {
  const read = {
    model: m,
    picture: { items: [], groups: [], order: [], findings: [] },
    tenantObjects: [],
    ids: new Map(),
    reconciled: [],
    ownGroups: new Map(),
    groupMembers: new Map(),
  } as unknown as ImportRead;
  return {
    read,
    subjects: prepareSubjects(m, plan),
    users,
    skus: [
      { skuId: EMS, skuPartNumber: 'EMS', consumedUnits: 8, enabledUnits: 10, servicePlanIds: [INTUNE_SERVICE_PLAN] },
      {
        skuId: O365,
        skuPartNumber: 'ENTERPRISEPACK',
        consumedUnits: 0,
        enabledUnits: 100,
        servicePlanIds: ['882e1d05-acd1-4ccb-8708-6ee03664b117'],
      },
    ],
    ndes: [{ id: 'n2', displayName: 'NDES02.contoso.com', machineName: 'NDES02.contoso.com', state: 'active' }],
    exchange: [{ id: 'x', status: 'connected', serverName: 'mail.contoso.com' }],
    authority: 'sccm',
    tenantId: 't',
    scepProfiles: [],
    groupMembers: [],
    userIds: new Map(),
    baseUrl: 'https://graph.test',
    terms: [],
    termsGroupMembers: new Map(),
    ...over,
  };
}

const stateOf = (r: ReturnType<typeof assessReadiness>, id: string) => r.checks.find((c) => c.id === id)!.state;

describe('prepare checks (pure)', () => {
  it('licences: ok only with an enabled Intune service plan and a usage location; Office 365 MDM and a suspended plan do not count', () => {
    const m = model([1, 2, 3, 4, 5]);
    const ok = assessReadiness(
      sources(
        m,
        [1, 2, 3, 4, 5].map((n) => tenantUser(n, { licensed: true })),
      ),
      PLAN,
    );
    assert.equal(stateOf(ok, 'licences'), 'ok');
    assert.equal(ok.blocking, 0);
    const bad = assessReadiness(
      sources(m, [
        tenantUser(1, { licensed: true }),
        tenantUser(2, { licensed: true, plan: '882e1d05-acd1-4ccb-8708-6ee03664b117' }), // INTUNE_O365
        tenantUser(3, { licensed: true, status: 'Suspended' }),
        tenantUser(4, { licensed: true, location: null }),
        // user 5 is not in Entra ID
      ]),
      PLAN,
    );
    const licences = bad.checks.find((c) => c.id === 'licences')!;
    assert.equal(licences.state, 'blocking');
    assert.match(licences.summary, /2 unlicensed, 1 without a usage location, 1 not in Entra ID/);
    assert.ok(licences.evidence.some((e) => e.includes('user2@contoso.com') && e.includes('user3@contoso.com')));
    assert.ok(
      licences.evidence.some((e) => /EMS 2 of 10/.test(e)),
      'free seats per SKU with Intune',
    );
    assert.equal(bad.steps.length, 0, 'no SKU in the plan: no fix');
  });

  it('licence fix: never more seats than are free, only users in scope, none without a usage location; a held SKU takes no seat', () => {
    const plan: MigrationPlan = { ...PLAN, prepare: { assignLicenseSku: 'ems' } };
    const m = model([1, 2, 3, 4, 5, 6]);
    const users = [
      tenantUser(1),
      tenantUser(2),
      tenantUser(3),
      tenantUser(4), // four unlicensed, two seats free
      tenantUser(5, { location: null }),
      tenantUser(6, { skus: [EMS] }), // holds EMS with Intune disabled: no new seat
      tenantUser(7), // in the tenant, not in the plan
    ];
    const r = assessReadiness(sources(m, users, {}, plan), plan);
    const targets = r.steps.map((s) => s.request.path.split('/')[2]).sort();
    assert.deepEqual(targets, ['id-1', 'id-2', 'id-6']);
    assert.ok(r.steps.every((s) => s.action === 'assignLicense' && /^Assign EMS to user\d@contoso\.com$/.test(s.title)));
    assert.deepEqual(r.steps[0].request.body, { addLicenses: [{ skuId: EMS, disabledPlans: [] }], removeLicenses: [] });
    const licences = r.checks.find((c) => c.id === 'licences')!;
    assert.ok(licences.evidence.some((e) => /2 can't be licensed: EMS has no seat left/.test(e)));
  });

  it('licence fix: a SKU without the Intune plan is refused by name', () => {
    const plan: MigrationPlan = { ...PLAN, prepare: { assignLicenseSku: 'ENTERPRISEPACK' } };
    const r = assessReadiness(sources(model([1]), [tenantUser(1)], {}, plan), plan);
    assert.equal(r.steps.length, 0);
    assert.ok(r.checks.find((c) => c.id === 'licences')!.evidence.some((e) => /ENTERPRISEPACK.*holds no Intune service plan/.test(e)));
  });

  it('waves: --wave checks that wave only, by UPN or DOMAIN\\user; an unknown wave is a clear error', () => {
    const plan: MigrationPlan = { ...PLAN, waves: [{ name: 'Pilot', users: ['CONTOSO\\user2', 'user3@contoso.com'] }] };
    const m = model([1, 2, 3]);
    assert.deepEqual(
      prepareSubjects(m, plan, 'Pilot').map((s) => s.label),
      ['user2@contoso.com', 'user3@contoso.com'],
    );
    assert.equal(prepareSubjects(m, plan).length, 3);
    assert.throws(() => prepareSubjects(m, plan, 'Nope'), /no wave named "Nope"; its waves: "Pilot"/);
  });

  it('NDES: blocking when none is active or the only active one is on the certificate registration point host', () => {
    const plan: MigrationPlan = { ...PLAN, prepare: { requireNdesConnector: true } };
    const m = model([1]);
    const users = [tenantUser(1, { licensed: true })];
    assert.equal(stateOf(assessReadiness(sources(m, users, {}, plan), plan), 'ndes-connector'), 'ok');
    assert.equal(
      stateOf(
        assessReadiness(
          sources(m, users, { ndes: [{ id: 'n2', displayName: 'NDES02', machineName: 'NDES02.contoso.com', state: 'inactive' }] }, plan),
          plan,
        ),
        'ndes-connector',
      ),
      'blocking',
    );
    const wrongHost = assessReadiness(
      sources(m, users, { ndes: [{ id: 'n1', displayName: 'NDES01', machineName: 'ndes01', state: 'active' }] }, plan),
      plan,
    );
    const ndes = wrongHost.checks.find((c) => c.id === 'ndes-connector')!;
    assert.equal(ndes.state, 'blocking');
    assert.match(ndes.summary, /certificate registration point/);
  });

  it('Exchange: blocking when required and not connected; tenant: blocking once the authority is not sccm', () => {
    const plan: MigrationPlan = { ...PLAN, prepare: { requireExchangeConnector: true } };
    const m = model([1]);
    const users = [tenantUser(1, { licensed: true })];
    assert.equal(
      stateOf(
        assessReadiness(sources(m, users, { exchange: [{ id: 'x', status: 'disconnected', serverName: 'mail' }] }, plan), plan),
        'exchange-connector',
      ),
      'blocking',
    );
    assert.equal(
      stateOf(assessReadiness(sources(m, users, { exchange: [] }, PLAN), PLAN), 'exchange-connector'),
      'ok',
      'not required without e-mail profiles',
    );
    assert.equal(stateOf(assessReadiness(sources(m, users, { authority: 'intune' }), PLAN), 'tenant'), 'blocking');
  });

  it("SCEP URL: a profile pointing elsewhere gets a PATCH to the plan's URL; one already there gets none", () => {
    const url = 'https://ndes.contoso.com/certsrv/mscep/mscep.dll';
    const plan: MigrationPlan = { ...PLAN, prepare: { scepServerUrl: url } };
    const profile = { id: 'p1', name: 'Contoso User SCEP (iOS)', odataType: '#microsoft.graph.iosScepCertificateProfile' };
    const stale = assessReadiness(
      sources(
        model([1]),
        [tenantUser(1, { licensed: true })],
        { scepProfiles: [{ ...profile, urls: ['https://cm.contoso.com/CMCertificateRegistration'] }] },
        plan,
      ),
      plan,
    );
    assert.equal(stale.steps.length, 1);
    assert.deepEqual(stale.steps[0].request, {
      method: 'PATCH',
      path: '/deviceManagement/deviceConfigurations/p1',
      version: 'beta',
      body: { '@odata.type': profile.odataType, scepServerUrls: [url] },
      odataType: profile.odataType,
    });
    const fine = assessReadiness(
      sources(model([1]), [tenantUser(1, { licensed: true })], { scepProfiles: [{ ...profile, urls: [url] }] }, plan),
      plan,
    );
    assert.equal(fine.steps.length, 0);
    assert.equal(stateOf(fine, 'scep-url'), 'ok');
  });

  it('groups: members that differ from the collection are shown; a group cm2intune created is filled, a synced one is not', () => {
    const m = model([1, 2, 3]);
    const users = [1, 2, 3].map((n) => tenantUser(n, { licensed: true }));
    const member = (upn: string) => ({
      id: `id-${upn}`,
      kind: 'user' as const,
      displayName: null,
      userPrincipalName: upn,
      onPremisesSecurityIdentifier: null,
    });
    const group = (own: boolean) => ({
      collectionId: 'P0100014',
      groupId: 'g1',
      groupName: 'Intune Users',
      own,
      members: ['user1@contoso.com', 'user9@contoso.com'].map(member),
    });
    const synced = assessReadiness(sources(m, users, { groupMembers: [group(false)] }), PLAN);
    const check = synced.checks.find((c) => c.id === 'groups')!;
    assert.equal(check.state, 'warning');
    assert.ok(
      check.evidence.some((e) =>
        /2 member\(s\) missing \(user2@contoso.com, user3@contoso.com\), 1 not in the collection \(user9@contoso.com\)/.test(e),
      ),
      check.evidence.join('\n'),
    );
    assert.equal(synced.steps.length, 0, 'a synced group follows AD: no fix');
    const own = assessReadiness(
      sources(m, users, {
        groupMembers: [group(true)],
        userIds: new Map([
          ['user2@contoso.com', 'id-2'],
          ['user3@contoso.com', 'id-3'],
        ]),
      }),
      PLAN,
    );
    assert.equal(own.steps.length, 1);
    assert.equal(own.steps[0].action, 'addMembers');
    assert.equal(own.steps[0].request.path, '/groups/g1');
    assert.deepEqual((own.steps[0].request.body as Record<string, string[]>)['members@odata.bind'], [
      'https://graph.test/v1.0/directoryObjects/id-2',
      'https://graph.test/v1.0/directoryObjects/id-3',
    ]);
    const same = assessReadiness(
      sources(m, users, {
        groupMembers: [{ ...group(true), members: ['user1@contoso.com', 'user2@contoso.com', 'user3@contoso.com'].map(member) }],
      }),
      PLAN,
    );
    assert.equal(same.checks.find((c) => c.id === 'groups')!.state, 'ok');
  });

  it('terms: a warning naming the users no terms policy is assigned to; ok once a group covering them has it', () => {
    const m = model([1, 2]);
    const users = [1, 2].map((n) => tenantUser(n, { licensed: true }));
    const terms = [{ id: 't1', displayName: 'Contoso Terms of Use', groupIds: [] as string[], allUsers: false }];
    const unassigned = assessReadiness(sources(m, users, { terms }), PLAN).checks.find((c) => c.id === 'terms')!;
    assert.equal(unassigned.state, 'warning');
    assert.ok(unassigned.evidence.some((e) => /2 user\(s\) no terms policy is assigned to: user1@contoso.com, user2@contoso.com/.test(e)));
    const half = assessReadiness(
      sources(m, users, { terms: [{ ...terms[0], groupIds: ['g1'] }], termsGroupMembers: new Map([['g1', ['user1@contoso.com']]]) }),
      PLAN,
    ).checks.find((c) => c.id === 'terms')!;
    assert.ok(half.evidence.some((e) => /1 user\(s\) .*: user2@contoso.com$/.test(e)));
    const all = assessReadiness(
      sources(m, users, {
        terms: [{ ...terms[0], groupIds: ['g1'] }],
        termsGroupMembers: new Map([['g1', ['user1@contoso.com', 'user2@contoso.com']]]),
      }),
      PLAN,
    );
    assert.equal(all.checks.find((c) => c.id === 'terms')!.state, 'ok');
    assert.equal(assessReadiness(sources(m, users), PLAN).checks.find((c) => c.id === 'terms')!.state, 'ok', 'none anywhere');
  });

  it('imported objects: one whose setting changed in Intune is drifted, named by the setting; without the bodies only name, type and marker were compared', () => {
    const translation = translateObject(configuration({ name: 'iOS – Restrictions', settings: { cameraBlocked: true } }));
    const item = {
      key: translation.key,
      translation,
      selected: true,
      state: 'imported',
      stateReasons: [],
      reasons: [],
      retired: [],
      deployments: [],
      assignmentNotes: [],
      counterpart: { id: 'i1', displayName: 'iOS – Restrictions', odataType: translation.request!.odataType, via: 'marker' },
    } as unknown as PictureItem;
    const withItem = (objectBodies?: Map<string, Record<string, unknown>>) => {
      const s = sources(model([1]), [tenantUser(1, { licensed: true })], objectBodies ? { objectBodies } : {});
      (s.read.picture as { items: PictureItem[] }).items = [item];
      return assessReadiness(s, PLAN).checks.find((c) => c.id === 'imported-objects')!;
    };
    const body = { ...translation.request!.body, id: 'i1', bluetoothBlocked: false };
    const clean = withItem(new Map([[item.key, body]]));
    assert.equal(clean.state, 'ok');
    assert.deepEqual(clean.evidence, [
      '1 of 1 selected object(s) in Intune, unchanged since import (name, type, marker and settings compared)',
    ]);
    const drifted = withItem(new Map([[item.key, { ...body, cameraBlocked: false }]]));
    assert.equal(drifted.state, 'warning');
    assert.equal(drifted.summary, '1 changed since import, 0 to recreate by hand');
    assert.deepEqual(drifted.evidence, [
      '0 of 1 selected object(s) in Intune, unchanged since import (name, type, marker and settings compared)',
      'configuration item "iOS – Restrictions" changed since import: a setting was changed in Intune since import: cameraBlocked',
    ]);
    assert.deepEqual(withItem().evidence, ['1 of 1 selected object(s) in Intune, unchanged since import (name, type and marker compared)']);
  });
});
