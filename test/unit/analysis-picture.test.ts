import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPicture, type PictureInput, type TenantObject } from '../../src/core/analysis';
import type { MigrationPlan } from '../../src/core/plan/types';
import type { SiteObject } from '../../src/core/site/model';
import { markerFor, objectKey, withMarker } from '../../src/core/translate';
import {
  application,
  ciAssignment,
  collection,
  configuration,
  iosStorePackage,
  pfx,
  scep,
  site,
  trustedRoot,
  uid,
  userGroup,
  wifi,
} from '../support/site-objects';

const ROOT = uid('TrustedRootCertificate', 100);
const SCEP = uid('ScepCertificate', 101);
const WIFI = uid('WifiProfile', 102);
const PFX = uid('PfxCertificate', 103);
const VPN_WIFI = uid('WifiProfile', 104);
const CI = uid('OperatingSystem', 105);
const SALES_SID = 'S-1-5-21-1-2-3-1013';

const objects: SiteObject[] = [
  trustedRoot({ uniqueId: ROOT, ciId: 1 }),
  scep({ uniqueId: SCEP, ciId: 2, rootCertificate: ROOT }),
  wifi({
    uniqueId: WIFI,
    ciId: 3,
    name: "Contoso Corp Wi-Fi (Zoë's floor)",
    security: 'wpa2Enterprise',
    eapType: 'eapTls',
    rootCertificates: [ROOT],
    identityCertificate: SCEP,
  }),
  pfx({ uniqueId: PFX, ciId: 4 }),
  wifi({
    uniqueId: VPN_WIFI,
    ciId: 5,
    name: 'Lab Wi-Fi',
    security: 'wpa2Enterprise',
    eapType: 'eapTls',
    rootCertificates: [ROOT],
    identityCertificate: PFX,
  }),
  configuration({ uniqueId: CI, ciId: 6, name: 'iOS – restrictions', settings: { cameraBlocked: true } }),
];
const app = application({ ciId: 7, uniqueId: uid('Application', 106), name: 'Outlook' });

const model = site({
  collections: [
    collection({ id: 'P0100031', name: 'Sales Users', rules: [{ kind: 'direct', name: 'Sales', resourceId: 1000 }] }),
    collection({
      id: 'P0100040',
      name: 'All mobile users',
      rules: [
        { kind: 'include', collectionId: 'P0100031' },
        { kind: 'exclude', collectionId: 'P0100041' },
      ],
    }),
    collection({
      id: 'P0100041',
      name: 'Contractors',
      rules: [
        { kind: 'query', name: 'q', queryId: 2, wql: 'select * from SMS_R_User where SMS_R_User.UserGroupName = "CONTOSO\\\\Contractors"' },
      ],
    }),
  ],
  userGroups: [userGroup({ resourceId: 1000, name: 'Sales', sid: SALES_SID })],
  baselines: [{ ciId: 50, uniqueId: uid('Baseline', 107), name: 'Mobile baseline', memberCiIds: [6] }],
  ciAssignments: [
    ciAssignment({ collectionId: 'P0100040', ciIds: [50] }),
    ciAssignment({ collectionId: 'P0100031', ciIds: [3], assignmentType: 8 }),
  ],
  appAssignments: [{ assignmentId: 1, name: 'Outlook required', applicationCiId: 7, collectionId: 'P0100031', intent: 'required' }],
});

const basePlan: MigrationPlan = { version: 1, name: 'Contoso', site: { source: 'snapshot', path: 'site.json' }, tenant: { sandbox: true } };
const groups = [
  { id: 'g-sales', displayName: 'Sales (synced)', onPremisesSecurityIdentifier: SALES_SID },
  { id: 'g-contractors', displayName: 'Contractors', onPremisesSecurityIdentifier: null },
];

function input(over: Partial<PictureInput> = {}): PictureInput {
  return {
    site: model,
    objects,
    apps: [{ application: app, package: iosStorePackage }],
    plan: basePlan,
    tenant: { groups, objects: [] },
    ledger: new Map(),
    ...over,
  };
}
const itemOf = (p: ReturnType<typeof buildPicture>, uniqueId: string) => p.items.find((i) => i.translation.source.uniqueId === uniqueId)!;

describe('migration picture', () => {
  it('states and create order for a fresh tenant', () => {
    const p = buildPicture(input());
    assert.equal(itemOf(p, ROOT).state, 'importable');
    assert.equal(itemOf(p, WIFI).state, 'importable');
    assert.equal(itemOf(p, PFX).state, 'blocked');
    const lab = itemOf(p, VPN_WIFI);
    assert.equal(lab.state, 'blocked', 'its identity certificate is a PFX profile');
    assert.match(lab.stateReasons[0], /PFX certificate profile .* can't be imported/);
    const order = p.order;
    assert.ok(order.indexOf(objectKey(ROOT, 'ios')) < order.indexOf(objectKey(SCEP, 'ios')));
    assert.ok(order.indexOf(objectKey(SCEP, 'ios')) < order.indexOf(objectKey(WIFI, 'ios')));
    assert.deepEqual(
      p.findings.filter((f) => f.code === 'analysis/missing-dependency'),
      [],
    );
  });

  it('pairs by marker first, then by ledger; reports drift', () => {
    const tenantObjects: TenantObject[] = [
      {
        id: 'i-root',
        resource: 'deviceConfigurations',
        odataType: '#microsoft.graph.iosTrustedRootCertificate',
        displayName: 'Contoso Root CA – G2',
        description: withMarker('', objectKey(ROOT, 'ios')),
      },
      // renamed in the portal: drifted
      {
        id: 'i-scep',
        resource: 'deviceConfigurations',
        odataType: '#microsoft.graph.iosScepCertificateProfile',
        displayName: 'User cert (renamed)',
        description: `x ${markerFor(objectKey(SCEP, 'ios'))}`,
      },
      // known only from the ledger, with the marker removed: drifted
      {
        id: 'i-ci',
        resource: 'deviceConfigurations',
        odataType: '#microsoft.graph.iosGeneralDeviceConfiguration',
        displayName: 'iOS – restrictions',
        description: 'admin rewrote this',
      },
      // ledger points elsewhere, but the marker is the truth
      {
        id: 'i-app',
        resource: 'mobileApps',
        odataType: '#microsoft.graph.iosStoreApp',
        displayName: 'Outlook',
        description: withMarker('', objectKey(app.uniqueId, 'iosStore')),
      },
    ];
    const ledger = new Map([
      [objectKey(CI, 'ios'), 'i-ci'],
      [objectKey(app.uniqueId, 'iosStore'), 'i-stale'],
      [objectKey(WIFI, 'ios'), 'i-gone'],
    ]);
    const p = buildPicture(input({ tenant: { groups, objects: tenantObjects }, ledger }));
    assert.deepEqual([itemOf(p, ROOT).state, itemOf(p, ROOT).counterpart?.via], ['imported', 'marker']);
    assert.equal(itemOf(p, SCEP).state, 'drifted');
    assert.match(itemOf(p, SCEP).stateReasons[0], /User cert \(renamed\)/);
    assert.deepEqual([itemOf(p, CI).state, itemOf(p, CI).counterpart?.via], ['drifted', 'ledger']);
    assert.match(itemOf(p, CI).stateReasons.join(' '), /marker was removed/);
    assert.deepEqual([itemOf(p, app.uniqueId).state, itemOf(p, app.uniqueId).counterpart?.id], ['imported', 'i-app']);
    const wifiItem = itemOf(p, WIFI);
    assert.equal(wifiItem.counterpart, undefined);
    // deleted in Intune since it was created: importable again, and the picture knows the old id
    assert.deepEqual(
      [wifiItem.state, wifiItem.deletedFromIntune, wifiItem.stateReasons],
      ['importable', 'i-gone', ['deleted from Intune since cm2intune created it (as i-gone)']],
    );
  });

  it('a wrong @odata.type behind the marker is drift', () => {
    const tenantObjects: TenantObject[] = [
      {
        id: 'x',
        resource: 'deviceConfigurations',
        odataType: '#microsoft.graph.iosCustomConfiguration',
        displayName: 'iOS – restrictions',
        description: withMarker('', objectKey(CI, 'ios')),
      },
    ];
    const item = itemOf(buildPicture(input({ tenant: { groups, objects: tenantObjects } })), CI);
    assert.equal(item.state, 'drifted');
    assert.match(item.stateReasons[0], /ioscustomconfiguration/i);
  });

  it('enterprise Wi-Fi selected with its SCEP certificate excluded: blocked, and a finding naming both and the fix', () => {
    const plan: MigrationPlan = { ...basePlan, import: { exclude: [SCEP.replace(/\/1$/, '')] } };
    const p = buildPicture(input({ plan }));
    assert.equal(itemOf(p, SCEP).state, 'notImported');
    assert.equal(itemOf(p, WIFI).state, 'blocked');
    const f = p.findings.filter((x) => x.code === 'analysis/missing-dependency');
    assert.equal(f.length, 1);
    assert.equal(f[0].pointer, '/import/exclude/0');
    assert.match(f[0].message, /Wi-Fi profile "Contoso Corp Wi-Fi \(Zoë's floor\)" \(iOS\) is selected/);
    assert.match(f[0].message, /SCEP certificate profile "Contoso user certificate \(Wi-Fi & VPN\)"/);
    assert.match(f[0].message, /remove it from import\.exclude/);
  });

  it('no finding when the excluded dependency is already in Intune', () => {
    const plan: MigrationPlan = { ...basePlan, import: { kinds: ['wifi'] } };
    const tenantObjects: TenantObject[] = [
      {
        id: 'r',
        resource: 'deviceConfigurations',
        odataType: '#microsoft.graph.iosTrustedRootCertificate',
        displayName: 'Contoso Root CA – G2',
        description: withMarker('', objectKey(ROOT, 'ios')),
      },
      {
        id: 's',
        resource: 'deviceConfigurations',
        odataType: '#microsoft.graph.iosScepCertificateProfile',
        displayName: 'Contoso user certificate (Wi-Fi & VPN)',
        description: withMarker('', objectKey(SCEP, 'ios')),
      },
    ];
    const p = buildPicture(input({ plan, tenant: { groups, objects: tenantObjects } }));
    assert.equal(itemOf(p, WIFI).state, 'importable');
    assert.deepEqual(
      p.findings.filter((x) => x.code === 'analysis/missing-dependency'),
      [],
    );
    assert.equal(itemOf(p, CI).state, 'notImported');
  });

  it('assignments: through the baseline, with the exclude rule as an exclusion target, and app intents', () => {
    const p = buildPicture(input());
    const ci = itemOf(p, CI);
    assert.deepEqual(ci.deployments, [{ collectionId: 'P0100040', collectionName: 'All mobile users', baseline: 'Mobile baseline' }]);
    // P0100040 itself maps to nothing (include + exclude rules): its deployment is reported, not guessed
    assert.equal(ci.assign, undefined);
    assert.match(ci.assignmentNotes[0], /All mobile users/);
    assert.ok(p.findings.some((f) => f.code === 'analysis/unmapped-collection' && /All mobile users/.test(f.message)));

    const mapped = buildPicture(input({ plan: { ...basePlan, groups: { map: { P0100040: [{ id: 'g-sales' }] } } } }));
    assert.deepEqual(itemOf(mapped, CI).assign?.body, {
      assignments: [
        {
          '@odata.type': '#microsoft.graph.deviceConfigurationAssignment',
          target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g-sales' },
        },
        {
          '@odata.type': '#microsoft.graph.deviceConfigurationAssignment',
          target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: 'g-contractors' },
        },
      ],
    });
    assert.deepEqual(itemOf(mapped, app.uniqueId).assign?.body, {
      mobileAppAssignments: [
        {
          '@odata.type': '#microsoft.graph.mobileAppAssignment',
          intent: 'required',
          target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g-sales' },
        },
      ],
    });
    const sales = mapped.groups.find((g) => g.collectionId === 'P0100031')!;
    assert.deepEqual([sales.status, sales.groups[0].via], ['mapped', 'sid']);
  });

  it('a deployment whose excluded collection maps to no group is not assigned at all, with a finding', () => {
    const p = buildPicture(
      input({
        tenant: { groups: groups.filter((g) => g.id !== 'g-contractors'), objects: [] },
        plan: { ...basePlan, groups: { map: { P0100040: [{ id: 'g-sales' }] } } },
      }),
    );
    const ci = itemOf(p, CI);
    assert.equal(ci.assign, undefined, 'without the exclusion the assignment would reach the contractors');
    assert.match(ci.assignmentNotes.join('\n'), /excludes collection "Contractors", which maps to no group/);
    const finding = p.findings.find((f) => f.code === 'analysis/lost-exclusion');
    assert.ok(finding);
    assert.match(finding.message, /Collection "Contractors" \(P0100041\) is excluded from deployments .* map P0100041 in groups\.map/);
  });

  it('groups to create appear as placeholders; assignments:false leaves them out', () => {
    const created = buildPicture(input({ tenant: { groups: [], objects: [] }, plan: { ...basePlan, groups: { createMissing: true } } }));
    const body = itemOf(created, WIFI).assign?.body as { assignments: { target: { groupId: string } }[] };
    assert.equal(body.assignments[0].target.groupId, '{{id:group:P0100031}}');
    const none = buildPicture(input({ plan: { ...basePlan, import: { assignments: false } } }));
    assert.equal(itemOf(none, WIFI).assign, undefined);
  });

  it('a digest with problems is blocked, and its dependants are too', () => {
    const broken = objects.map((o) => (o.uniqueId === ROOT ? { ...o, problems: ['the digest declares a DTD or entities'] } : o));
    const p = buildPicture(input({ objects: broken }));
    assert.equal(itemOf(p, ROOT).state, 'blocked');
    assert.equal(itemOf(p, SCEP).state, 'blocked');
    assert.equal(itemOf(p, WIFI).state, 'blocked');
  });

  it('terms and conditions are listed, blocked, never selected', () => {
    const tc = {
      ciId: 90,
      uniqueId: uid('TermsAndConditions', 108),
      modelName: 'ScopeId_X/TermsAndConditions_1',
      ciTypeId: 40,
      name: 'Conditions d’utilisation',
      description: '',
      version: 1,
      isEnabled: true,
      isExpired: false,
      dateLastModified: '2019-01-01T00:00:00Z',
      digest: '<TermsAndConditions/>',
    };
    const p = buildPicture(input({ site: { ...model, configurationItems: [tc] } }));
    const item = itemOf(p, tc.uniqueId);
    assert.deepEqual([item.state, item.selected], ['blocked', false]);
    assert.match(item.translation.verdict.reasons[0], /migrate with the tenant/);
  });
});
