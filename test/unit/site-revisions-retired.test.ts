// The sample site's revisions and retired objects, read by the production SQL readers (sql.js) and
// judged by the analysis: only the latest revision is imported (its settings, its package, its
// deployments), retired objects and disabled deployments stay out unless the plan opts in, and
// each item's reasons are said once with a blocked object never shown as partial.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildPicture, type MigrationPicture } from '../../src/core/analysis';
import type { MigrationPlan } from '../../src/core/plan/types';
import type { SiteModel } from '../../src/core/site/model';
import { parseSiteObjects } from '../../src/core/site/sdm';
import { SnapshotSiteSource, writeSnapshotFile } from '../../src/core/site/snapshot';
import { stripRevision } from '../../src/core/unique-id';
import { expected, loadContosoModel } from '../fixtures/contoso/load';
import { pfx, site, trustedRoot, uid, wifi } from '../support/site-objects';

const basePlan: MigrationPlan = {
  version: 1,
  name: 'Contoso',
  site: { source: 'snapshot', path: 'site.json' },
  tenant: { sandbox: true },
  groups: { createMissing: true },
};

function picture(model: SiteModel, plan: MigrationPlan = basePlan): MigrationPicture {
  const parsed = parseSiteObjects(model);
  return buildPicture({
    site: model,
    objects: parsed.objects,
    apps: parsed.apps.map((a) => ({ application: a.application, package: a.package })),
    plan,
    tenant: { groups: [], objects: [] },
    ledger: new Map(),
  });
}

const label = (i: MigrationPicture['items'][number]) => `${i.translation.source.name}|${i.translation.source.platform}`;

describe('revisions: only the latest is read', () => {
  let model: SiteModel;
  before(async () => {
    model = await loadContosoModel();
  });

  it('reads one row per CI and application, the latest revision', () => {
    const s = expected.samples;
    const ciIds = model.configurationItems.map((c) => c.ciId);
    assert.ok(
      ciIds.includes(s.revisedCompliance.latestCiId) && !ciIds.includes(s.revisedCompliance.oldCiId),
      'the older compliance revision is not read',
    );
    assert.ok(!ciIds.includes(s.revisedBaselineMember.oldCiId));
    const models = model.configurationItems.map((c) => c.modelName);
    assert.equal(new Set(models).size, models.length, 'one row per ModelName');
    assert.equal(model.configurationItems.length + model.baselines.length, expected.counts.configurationItems + expected.counts.baselines);
    const expenses = model.applications.filter((a) => a.name === 'Contoso Expenses');
    assert.equal(expenses.length, 1);
    assert.equal(expenses[0].ciId, s.revisedApp.latestCiId);
    assert.match(expenses[0].uniqueId, /\/2$/);
    assert.ok(
      !expenses[0].deploymentTypes.some((d) => d.ciId === s.revisedApp.oldDtCiId),
      "the older revision's deployment type is not read",
    );
    assert.equal(model.applications.length, expected.counts.applications);
  });

  it('follows deployments and baseline members that name an older revision to the latest one', () => {
    const s = expected.samples;
    assert.ok(
      model.ciAssignments.some((a) => a.ciIds.includes(s.revisedCompliance.latestCiId)),
      'the compliance deployment names revision 2, lands on 3',
    );
    assert.ok(!model.ciAssignments.some((a) => a.ciIds.includes(s.revisedCompliance.oldCiId)));
    const mac = model.baselines.find((b) => b.name === 'macOS Baseline')!;
    assert.deepEqual(mac.memberCiIds, [s.revisedBaselineMember.latestCiId]);
    const expenses = model.appAssignments
      .filter((a) => a.applicationCiId === s.revisedApp.latestCiId)
      .map((a) => a.intent)
      .sort();
    assert.deepEqual(expenses, ['available', 'required']);
  });

  it('imports the latest settings, package and deployments', () => {
    const p = picture(model);
    const compliance = p.items.find((i) => i.translation.source.name === 'iOS Compliance – Corporate')!;
    assert.equal(compliance.translation.source.ciId, expected.samples.revisedCompliance.latestCiId);
    assert.equal(compliance.translation.request!.body.passcodeMinimumLength, expected.samples.revisedCompliance.minimumPasswordLength);
    assert.deepEqual(
      compliance.deployments.map((d) => d.collectionName),
      ['Intune Users'],
    );
    const app = p.items.find((i) => label(i) === 'Contoso Expenses|ios')!;
    assert.deepEqual(app.translation.request!.body.minimumSupportedOperatingSystem, { v10_0: true });
    assert.equal(app.translation.request!.body.appStoreUrl, 'https://itunes.apple.com/us/app/contoso-expenses/id987654321');
    assert.deepEqual(app.deployments.map((d) => `${d.collectionName}:${d.intent}`).sort(), [
      'Intune Users:available',
      'Sales Team Users:required',
    ]);
    const mac = p.items.find((i) => i.translation.source.name === 'macOS – Password Policy')!;
    assert.deepEqual(
      mac.deployments.map((d) => d.baseline),
      ['macOS Baseline'],
    );
    assert.ok(!p.findings.some((f) => f.code === 'analysis/duplicate-key'), p.findings.map((f) => f.message).join('\n'));
  });
});

describe('revisions in a snapshot written before only the latest was read', () => {
  it('keeps the latest revision of each object and follows what named an older one', async () => {
    const model = await loadContosoModel();
    const compliance = model.configurationItems.find((c) => c.name === 'iOS Compliance – Corporate')!;
    const app = model.applications.find((a) => a.name === 'Microsoft Outlook')!;
    const oldCompliance = {
      ...compliance,
      ciId: 1601,
      uniqueId: compliance.uniqueId.replace(/\/\d+$/, `/${compliance.version - 1}`),
      version: compliance.version - 1,
      name: 'iOS Compliance – Corporate (brouillon)',
    };
    const oldApp = { ...app, ciId: 1602, uniqueId: app.uniqueId.replace(/\/\d+$/, '/0'), deploymentTypes: [] };
    const old: SiteModel = {
      ...model,
      configurationItems: [oldCompliance, ...model.configurationItems],
      applications: [oldApp, ...model.applications],
      ciAssignments: [
        ...model.ciAssignments,
        {
          assignmentId: 9001,
          uniqueId: '{OLD}',
          name: 'old revision deployment',
          collectionId: 'P0100014',
          ciIds: [oldCompliance.ciId],
          assignmentType: 8,
        },
      ],
      appAssignments: [
        ...model.appAssignments,
        { assignmentId: 9002, name: "Outlook_Zoë's team", applicationCiId: oldApp.ciId, collectionId: 'P0100014', intent: 'available' },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'cm2intune-revisions-'));
    await writeSnapshotFile(join(dir, 'old.snapshot.json'), old);
    const read = await new SnapshotSiteSource(join(dir, 'old.snapshot.json')).read();
    assert.deepEqual(
      read.configurationItems.filter((c) => c.modelName === compliance.modelName).map((c) => c.ciId),
      [compliance.ciId],
    );
    assert.deepEqual(
      read.applications.filter((a) => a.name === 'Microsoft Outlook').map((a) => a.ciId),
      [app.ciId],
    );
    assert.deepEqual(read.ciAssignments.find((a) => a.assignmentId === 9001)!.ciIds, [compliance.ciId]);
    assert.equal(read.appAssignments.find((a) => a.assignmentId === 9002)!.applicationCiId, app.ciId);
    const p = picture(read);
    assert.equal(p.items.filter((i) => i.translation.source.name.startsWith('iOS Compliance – Corporate')).length, 1);
    assert.ok(!p.findings.some((f) => f.code === 'analysis/duplicate-key'));
  });
});

describe('retired objects and disabled deployments', () => {
  let model: SiteModel;
  before(async () => {
    model = await loadContosoModel();
  });

  const RETIRED: Record<string, RegExp> = {
    "Contoso-Guest (iOS) – ancien réseau d'Hélène|ios": /it is expired in ConfigMgr/,
    "Android – Restrictions (pilote d'été)|android": /it is disabled in ConfigMgr/,
    'macOS – Kennwortrichtlinie (verborgen)|macos': /it is hidden in the console in ConfigMgr/,
    'Windows 10 Compliance (2016)|windows': /it is superseded in ConfigMgr/,
    'Contoso Expenses (2017)|ios': /it is superseded by a newer application in ConfigMgr/,
    "Stéphane's Barcode Scanner|ios": /it is retired in ConfigMgr/,
  };

  it('are not imported by default, each with the reason, and nothing they need is asked for', () => {
    const p = picture(model);
    for (const item of p.items) {
      const why = RETIRED[label(item)];
      if (!why) {
        assert.equal(item.retired.length, 0, label(item));
        continue;
      }
      assert.equal(item.selected, false, label(item));
      assert.equal(item.state, 'notImported', label(item));
      assert.match(item.reasons.join('\n'), why, label(item));
      assert.match(item.reasons.join('\n'), /import\.includeRetired/, label(item));
      assert.equal(item.assign, undefined, `${label(item)} is not assigned`);
    }
    assert.equal(p.items.filter((i) => RETIRED[label(i)]).length, Object.keys(RETIRED).length, 'every retired object is in the picture');
    assert.ok(!p.findings.some((f) => f.severity === 'error'), p.findings.map((f) => f.message).join('\n'));
  });

  it('disabled deployments of current objects are not carried over, and say so', () => {
    const p = picture(model);
    for (const name of ['Contoso Mail (iOS)', 'Microsoft Outlook']) {
      const item = p.items.find((i) => i.translation.source.name === name)!;
      assert.ok(!item.deployments.some((d) => d.collectionName === 'VIP Users'), `${name}: the disabled deployment is left out`);
      assert.ok(item.deployments.length > 0, `${name}: its enabled deployments stay`);
      assert.match(item.assignmentNotes.join('\n'), /"VIP Users" is disabled in ConfigMgr and is not carried over/);
    }
  });

  it('a deployment through an expired baseline is not carried over, and says why', () => {
    const { name, member, collectionId } = expected.samples.retired.expiredBaseline;
    assert.deepEqual(model.baselines.find((b) => b.name === name)?.retired, ['expired']);
    const item = picture(model).items.find((i) => i.translation.source.name === member)!;
    assert.ok(!item.deployments.some((d) => d.collectionId === collectionId), 'not through the expired baseline');
    assert.ok(
      item.deployments.some((d) => d.baseline === 'Windows 10 Baseline'),
      'its current baseline still deploys it',
    );
    assert.match(
      item.assignmentNotes.join('\n'),
      new RegExp(`through baseline "${name.replace(/[()]/g, '\\$&')}", which is expired in ConfigMgr, and is not carried over`),
    );
  });

  it('import.includeRetired opts an object in, with its disabled deployments', () => {
    const wifi = model.configurationItems.find(
      (c) => c.ciId === expected.samples.retired.cis["Contoso-Guest (iOS) – ancien réseau d'Hélène"],
    )!;
    const scanner = model.applications.find((a) => a.ciId === expected.samples.retired.app.ciId)!;
    const mail = parseSiteObjects(model).objects.find((o) => o.name === 'Contoso Mail (iOS)')!;
    const p = picture(model, {
      ...basePlan,
      import: { includeRetired: [stripRevision(wifi.uniqueId), scanner.uniqueId.toLowerCase(), mail.uniqueId] },
    });
    const item = (name: string) => p.items.find((i) => i.translation.source.name === name)!;
    for (const name of ["Contoso-Guest (iOS) – ancien réseau d'Hélène", "Stéphane's Barcode Scanner"]) {
      assert.equal(item(name).selected, true, name);
      assert.equal(item(name).state, 'importable', name);
      assert.deepEqual(item(name).retired.length > 0, true);
      assert.ok(item(name).assign, `${name} is assigned as deployed`);
    }
    assert.equal(item('Windows 10 Compliance (2016)').selected, false, 'the others stay out');
    assert.ok(
      item('Contoso Mail (iOS)').deployments.some((d) => d.collectionName === 'VIP Users'),
      'the disabled deployment is carried over on request',
    );
    assert.ok(!p.findings.some((f) => f.code === 'analysis/not-retired'), 'an object with a disabled deployment is a fair entry');
  });

  it('plan entries that select nothing are findings at their place in the plan', () => {
    const current = model.configurationItems.find((c) => c.name === 'iOS Compliance – Corporate')!;
    const p = picture(model, {
      ...basePlan,
      import: {
        include: undefined,
        exclude: ['ScopeId_7E3D2B1C-4F5A-4C1B-9D2E-5A6B7C8D9E0F/ConfigurationPolicy_00000000-0000-4000-a000-000000000000'],
        includeRetired: ['ScopeId_X/Application_missing', current.uniqueId],
      },
    });
    const byPointer = new Map(p.findings.map((f) => [f.pointer, f]));
    assert.equal(byPointer.get('/import/exclude/0')?.code, 'analysis/unknown-id');
    assert.match(byPointer.get('/import/exclude/0')!.message, /matches no object of the site/);
    assert.equal(byPointer.get('/import/includeRetired/0')?.code, 'analysis/unknown-id');
    assert.equal(byPointer.get('/import/includeRetired/1')?.code, 'analysis/not-retired');
    assert.match(byPointer.get('/import/includeRetired/1')!.message, /iOS Compliance – Corporate.*changes nothing/);
  });
});

describe('what the report is made of', () => {
  it('every object once, every reason once, and no blocked object as partial', async () => {
    const model = await loadContosoModel();
    const p = picture(model);
    const keys = p.items.map((i) => i.key);
    assert.equal(new Set(keys).size, keys.length, 'one item per object');
    for (const item of p.items) {
      assert.equal(new Set(item.reasons).size, item.reasons.length, `${label(item)}: a reason twice: ${item.reasons.join(' | ')}`);
      for (const d of item.translation.verdict.droppedSettings) {
        assert.equal(
          item.reasons.filter((r) => r.includes(d.name)).length <= 1 || /kiosk/.test(d.reason),
          true,
          `${label(item)}: ${d.name} more than once`,
        );
      }
    }
    // An object whose dependency can't be imported is blocked, with that reason.
    const vpn = p.items.find((i) => i.translation.source.name === 'Contoso Always On VPN (Windows)')!;
    assert.equal(vpn.state, 'blocked');
    assert.match(vpn.reasons.join('\n'), /needs SCEP certificate profile "Contoso Device SCEP \(Windows\)"/);
    const kiosk = p.items.find((i) => i.translation.source.name === 'iOS – Kiosk iPads (Reception)')!;
    assert.equal(kiosk.reasons.filter((r) => /kiosk mode/.test(r)).length, 1, kiosk.reasons.join(' | '));
    const baseline = p.items.find((i) => i.translation.source.name === 'iOS – Contoso Security Baseline')!;
    assert.deepEqual(baseline.reasons.filter((r) => r.includes('AllowPassbookWhileLocked')).length, 1);
  });

  it('a partial object that needs a blocked one is blocked, with its losses and the dependency said once each', () => {
    const ROOT = uid('TrustedRootCertificate', 200);
    const PFX = uid('PfxCertificate', 201);
    const WIFI = uid('WifiProfile', 202);
    const objects = [
      trustedRoot({ uniqueId: ROOT, ciId: 1, platform: 'android' }),
      pfx({ uniqueId: PFX, ciId: 2, platform: 'android' }),
      wifi({
        uniqueId: WIFI,
        ciId: 3,
        platform: 'android',
        name: "Labo Wi-Fi (Zoë's floor)",
        security: 'wpa2Enterprise',
        eapType: 'eapTls',
        rootCertificates: [ROOT, ROOT],
        identityCertificate: PFX,
        proxy: { host: 'proxy.contoso.com', port: 8080 },
      }),
    ];
    const p = buildPicture({ site: site({}), objects, apps: [], plan: basePlan, tenant: { groups: [], objects: [] }, ledger: new Map() });
    const item = p.items.find((i) => i.translation.source.uniqueId === WIFI)!;
    assert.equal(item.translation.verdict.status, 'partial', 'the translation alone loses the proxy');
    assert.equal(item.state, 'blocked');
    assert.equal(item.reasons.filter((r) => /proxy\.contoso\.com/.test(r)).length, 1, item.reasons.join(' | '));
    assert.equal(item.reasons.filter((r) => /needs PFX certificate profile/.test(r)).length, 1, item.reasons.join(' | '));
    assert.equal(new Set(item.reasons).size, item.reasons.length);
  });
});
