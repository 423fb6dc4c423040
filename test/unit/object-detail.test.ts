// Issue 15 item 2: an object's detail (ConfigMgr setting | Intune property | outcome, the payload,
// deployments -> assignments, the admin-center link per cloud) and a drifted object's drift as
// two normalised JSON texts whose diff is exactly the drifted properties.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildPicture, type PictureInput, type PictureItem, type TenantObject } from '../../src/core/analysis';
import {
  adminCenterLink,
  driftedSettings,
  driftTexts,
  driftTitle,
  objectDetail,
  renderObjectDetailHtml,
} from '../../src/core/analysis/detail';
import type { MigrationPlan } from '../../src/core/plan/types';
import type { GraphPort } from '../../src/core/tenant/graph-port';
import { GraphMalformedResponseError, GraphRequestError } from '../../src/core/tenant/errors';
import { readIntuneObject, readIntuneObjects } from '../../src/core/tenant/read';
import { parseSiteObjects } from '../../src/core/site/sdm';
import { checkSettingOutcomes, objectKey, translateObject, withMarker } from '../../src/core/translate';
import { digestName } from '../../src/core/translate/configuration';
import { loadContosoModel } from '../fixtures/contoso/load';
import {
  application,
  ciAssignment,
  collection,
  compliance,
  configuration,
  iosStorePackage,
  site,
  uid,
  wifi,
} from '../support/site-objects';

const COMPLIANCE = uid('CompliancePolicy', 301);
const PROFILE = uid('OperatingSystem', 302);
const APP = uid('Application', 303);
const read = (settings: Record<string, unknown>) => Object.keys(settings).map(digestName);

// iOS compliance: a passcode minimum of 2 is raised to Intune's 4 (changed); iOS compliance has no
// encryption setting (dropped); passcode required is kept.
const complianceSettings = { passwordRequired: true, passwordMinimumLength: 2, storageRequireEncryption: true };
const profileSettings = { cameraBlocked: true, passwordRequired: true, passwordMinimumLength: 6 };
const objects = [
  compliance({
    uniqueId: COMPLIANCE,
    ciId: 11,
    name: 'iOS Compliance – Field',
    settings: complianceSettings,
    settingsRead: read(complianceSettings),
  }),
  configuration({
    uniqueId: PROFILE,
    ciId: 12,
    name: 'iOS – Restrictions <Sales & Field>',
    settings: profileSettings,
    settingsRead: read(profileSettings),
  }),
];
const app = application({ ciId: 13, uniqueId: APP, name: 'Outlook' });
const model = site({
  collections: [collection({ id: 'P0100031', name: 'Sales Users' })],
  ciAssignments: [ciAssignment({ collectionId: 'P0100031', ciIds: [11, 12] })],
  appAssignments: [{ assignmentId: 1, name: 'Outlook required', applicationCiId: 13, collectionId: 'P0100031', intent: 'required' }],
});
const plan: MigrationPlan = { version: 1, name: 'Field', site: { source: 'snapshot', path: 'site.json' }, tenant: { sandbox: true } };

function picture(tenantObjects: TenantObject[] = []) {
  const input: PictureInput = {
    site: model,
    objects,
    apps: [{ application: app, package: iosStorePackage }],
    plan,
    tenant: { groups: [{ id: 'g-sales', displayName: 'Sales Users', onPremisesSecurityIdentifier: null }], objects: tenantObjects },
    ledger: new Map(),
  };
  return buildPicture(input);
}
const itemOf = (items: PictureItem[], uniqueId: string) => items.find((i) => i.translation.source.uniqueId === uniqueId)!;

describe('object detail', () => {
  it('a compliance policy: every setting one row, the changed and the dropped one marked with their reasons and values', () => {
    const item = itemOf(picture().items, COMPLIANCE);
    assert.deepEqual(checkSettingOutcomes(objects[0], item.translation), []);
    const d = objectDetail(item, { cloud: 'global' });
    assert.equal(d.state, 'partial');
    assert.equal(d.kindLabel, 'compliance policy');
    assert.equal(d.platform, 'iOS');
    // Every digest setting accounted for, once.
    assert.deepEqual(d.settings.map((r) => r.setting).sort(), read(complianceSettings).sort());
    const row = (setting: string) => d.settings.find((r) => r.setting === digestName(setting))!;
    assert.deepEqual(row('passwordRequired'), {
      setting: 'PasswordRequired',
      outcome: 'unchanged',
      configMgrValue: 'true',
      property: 'passcodeRequired',
      intuneValue: 'true',
    });
    const changed = row('passwordMinimumLength');
    assert.equal(changed.outcome, 'changed');
    assert.equal(changed.configMgrValue, '2');
    assert.equal(changed.property, 'passcodeMinimumLength');
    assert.equal(changed.intuneValue, '4');
    assert.match(changed.reason!, /takes 4 to 14/);
    const dropped = row('storageRequireEncryption');
    assert.equal(dropped.outcome, 'dropped');
    assert.equal(dropped.configMgrValue, 'true');
    assert.equal(dropped.property, undefined);
    assert.match(dropped.reason!, /compliance policy \(iosCompliancePolicy\) has no such setting/);
    assert.deepEqual(d.droppedOther, [], 'the dropped setting has its row, not a second mention');
    // The payload is the Graph body; the deployment becomes an assignment.
    assert.equal(JSON.parse(d.payload!.json).passcodeMinimumLength, 4);
    assert.equal(d.payload!.odataType, '#microsoft.graph.iosCompliancePolicy');
    assert.deepEqual(d.assignments, [{ collection: 'Sales Users', collectionId: 'P0100031' }]);

    const html = renderObjectDetailHtml(d);
    assert.match(html, /✎<\/span> changed: Intune's iosCompliancePolicy\.passcodeMinimumLength takes 4 to 14/);
    assert.match(html, /✗<\/span> dropped: Intune's iOS compliance policy/);
    assert.match(html, /3 settings: 1 kept, 1 changed, 1 dropped/);
    assert.match(html, /href="https:\/\/intune\.microsoft\.com\/#view\/Microsoft_Intune_DeviceSettings\/DevicesMenu\/~\/compliance"/);
    assert.doesNotMatch(html, /Show drift/, 'only a drifted object offers its drift');
  });

  it('an app: no setting rows, the payload, the intent of its deployment, the apps list in the admin center', () => {
    const item = itemOf(picture().items, APP);
    const d = objectDetail(item, {});
    assert.equal(d.kind, 'app');
    assert.deepEqual(d.settings, []);
    assert.equal(JSON.parse(d.payload!.json).appStoreUrl, 'https://itunes.apple.com/us/app/microsoft-outlook/id951937596');
    assert.deepEqual(d.assignments, [{ collection: 'Sales Users', collectionId: 'P0100031', intent: 'required' }]);
    assert.equal(d.adminCenter.url, 'https://intune.microsoft.com/#view/Microsoft_Intune_DeviceSettings/AppsMenu/~/allApps');
    assert.equal(d.adminCenter.exact, false);
    assert.match(renderObjectDetailHtml(d), /no setting|reads no settings one by one/);
  });

  it('names and values are escaped in the HTML', () => {
    const d = objectDetail(itemOf(picture().items, PROFILE), {});
    const html = renderObjectDetailHtml(d);
    assert.match(html, /<h1>iOS – Restrictions &lt;Sales &amp; Field&gt;<\/h1>/);
    assert.doesNotMatch(html, /<Sales/);
  });
});

describe('admin-center link per cloud', () => {
  const item = itemOf(picture().items, PROFILE);
  it('global, GCC High, DoD and China each open their own admin center', () => {
    const list = '#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/configuration';
    assert.equal(adminCenterLink(item, undefined).url, `https://intune.microsoft.com/${list}`);
    assert.equal(adminCenterLink(item, 'global').url, `https://intune.microsoft.com/${list}`);
    assert.equal(adminCenterLink(item, 'usgov').url, `https://intune.microsoft.us/${list}`);
    assert.equal(adminCenterLink(item, 'usgovdod').url, `https://intune.microsoft.us/${list}`);
    assert.equal(adminCenterLink(item, 'china').url, `https://intune.microsoft.cn/${list}`);
  });
  it('an object with nothing to create opens the admin center home', () => {
    const blocked = { translation: { ...item.translation, request: undefined } };
    assert.deepEqual(adminCenterLink(blocked, 'usgov'), {
      url: 'https://intune.microsoft.us/',
      label: 'Intune admin center',
      exact: false,
    });
  });
});

describe('drift of a configuration profile', () => {
  const key = objectKey(PROFILE, 'ios');
  const renamed: TenantObject = {
    id: 'i-profile',
    resource: 'deviceConfigurations',
    odataType: '#microsoft.graph.iosGeneralDeviceConfiguration',
    displayName: 'iOS – Restrictions (edited in Intune)',
    description: withMarker('', key),
  };
  const item = itemOf(picture([renamed]).items, PROFILE);
  // What Graph answers for it: the body cm2intune sent, in the service's key order, with the
  // server's own fields and every other property of the type listed as null.
  const expectedBody = item.translation.request!.body;
  const tenantBody = (over: Record<string, unknown>) => ({
    '@odata.context': 'https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceConfigurations/$entity',
    id: 'i-profile',
    createdDateTime: '2026-11-30T10:00:00Z',
    lastModifiedDateTime: '2026-11-30T11:00:00Z',
    version: 2,
    roleScopeTagIds: ['0'],
    supportsScopeTags: true,
    screenCaptureBlocked: null,
    ...Object.fromEntries(Object.entries(expectedBody).reverse()),
    ...over,
  });

  it('is drifted, and its diff differs exactly in the renamed display name', () => {
    assert.equal(item.state, 'drifted');
    assert.equal(objectDetail(item, {}).drifted, true);
    const texts = driftTexts(item, tenantBody({ displayName: renamed.displayName }));
    const a = texts.expected.split('\n');
    const b = texts.actual.split('\n');
    assert.equal(a.length, b.length, 'same keys, same order: the diff lines up');
    const differing = a.flatMap((line, i) => (line === b[i] ? [] : [[line.trim(), b[i].trim()]]));
    assert.deepEqual(differing, [
      [
        `"displayName": ${JSON.stringify(item.translation.request!.body.displayName)},`,
        `"displayName": "iOS – Restrictions (edited in Intune)",`,
      ],
    ]);
    assert.doesNotMatch(texts.actual, /createdDateTime|"id"|"version"|roleScopeTagIds|screenCaptureBlocked/);
  });

  it('a setting changed in Intune and one added there both show; only the one sent is drift', () => {
    const changed = tenantBody({ displayName: renamed.displayName, cameraBlocked: false, bluetoothBlocked: true });
    const texts = driftTexts(item, changed);
    assert.deepEqual(driftedSettings(item, changed), ['cameraBlocked']);
    assert.match(texts.actual, /"bluetoothBlocked": true/);
    assert.match(texts.expected, /"cameraBlocked": true/);
    assert.match(texts.actual, /"cameraBlocked": false/);
    assert.doesNotMatch(texts.expected, /bluetoothBlocked/);
  });

  // Seen in the screenshots: "<name>: expected (from ConfigMgr) ↔ in Intune now — <properties>" was cut in its tab.
  it('the diff\'s tab title is short: the name and "drift", a long name clipped', () => {
    assert.equal(driftTitle('Contoso-Guest (macOS)'), 'Contoso-Guest (macOS) · drift');
    const long = 'iOS – Restrictions for the Sales Field Force in Europe and the Middle East';
    const title = driftTitle(long);
    assert.equal(title, 'iOS – Restrictions for the Sales Field… · drift');
    assert.ok(title.length <= 48, title);
  });

  it('the detail of a drifted object links its drift', () => {
    const html = renderObjectDetailHtml(objectDetail(item, {}), { showDrift: 'command:cm2intune.showDrift?%5B%5D' });
    assert.match(html, /<a class="action" href="command:cm2intune\.showDrift\?%5B%5D">Show drift<\/a>/);
    assert.match(html, /In Intune: iOS – Restrictions \(edited in Intune\) <code>i-profile<\/code>/);
  });
});

describe('reading the drifted object from the tenant', () => {
  const port = (answer: unknown, asked: { path: string; version?: string }[]) =>
    ({
      baseUrl: 'https://graph.microsoft.com',
      get: async (path: string, options?: { version?: string }) => {
        asked.push({ path, version: options?.version });
        return answer;
      },
    }) as unknown as GraphPort;

  it('one GET of that object, in beta (where every profile type is)', async () => {
    const asked: { path: string; version?: string }[] = [];
    const body = {
      id: 'i-profile',
      '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
      displayName: 'x',
      cameraBlocked: true,
    };
    assert.deepEqual(await readIntuneObject(port(body, asked), 'deviceConfigurations', 'i-profile'), body);
    assert.deepEqual(asked, [{ path: '/deviceManagement/deviceConfigurations/i-profile', version: 'beta' }]);
  });

  it('an answer that is not an object is a malformed-response error naming the request, not a diff of nothing', async () => {
    await assert.rejects(readIntuneObject(port([1, 2], []), 'mobileApps', 'a1'), (e: Error) => {
      assert.ok(e instanceof GraphMalformedResponseError);
      assert.match(e.message, /\/beta\/deviceAppManagement\/mobileApps\/a1/);
      return true;
    });
  });
});

describe('reading the imported objects for readiness', () => {
  const batchPort = (answer: (path: string) => { status: number; body?: unknown }, asked: { path: string; version?: string }[][]) =>
    ({
      baseUrl: 'https://graph.microsoft.com',
      batch: async (requests: { id: string; path: string; version?: string }[]) => {
        asked.push(requests.map((r) => ({ path: r.path, version: r.version })));
        return requests.map((r) => {
          const a = answer(r.path);
          return { id: r.id, status: a.status, outcome: a.status < 300 ? 'ok' : 'failed', body: a.body, code: 'Err', message: 'refused' };
        });
      },
    }) as unknown as GraphPort;
  const targets = [
    { key: 'k1', resource: 'deviceConfigurations' as const, id: 'c1' },
    { key: 'k2', resource: 'mobileApps' as const, id: 'a2' },
    { key: 'k3', resource: 'deviceCompliancePolicies' as const, id: 'gone' },
  ];

  it("one $batch of GETs in beta, by the caller's key; an object deleted since (404) is left out", async () => {
    const asked: { path: string; version?: string }[][] = [];
    const bodies = await readIntuneObjects(
      batchPort(
        (path) => (path.endsWith('/gone') ? { status: 404 } : { status: 200, body: { id: path.split('/').pop(), ssid: 'x' } }),
        asked,
      ),
      targets,
    );
    assert.deepEqual(asked, [
      [
        { path: '/deviceManagement/deviceConfigurations/c1', version: 'beta' },
        { path: '/deviceAppManagement/mobileApps/a2', version: 'beta' },
        { path: '/deviceManagement/deviceCompliancePolicies/gone', version: 'beta' },
      ],
    ]);
    assert.deepEqual([...bodies.keys()], ['k1', 'k2']);
    assert.deepEqual(bodies.get('k1'), { id: 'c1', ssid: 'x' });
  });

  it('a refused read or a body that is not an object stops the check, naming the request', async () => {
    await assert.rejects(
      readIntuneObjects(
        batchPort(() => ({ status: 403 }), []),
        targets.slice(0, 1),
      ),
      (e: Error) => e instanceof GraphRequestError && /\/beta\/deviceManagement\/deviceConfigurations\/c1/.test(e.message),
    );
    await assert.rejects(
      readIntuneObjects(
        batchPort(() => ({ status: 200, body: [1] }), []),
        targets.slice(1, 2),
      ),
      (e: Error) => e instanceof GraphMalformedResponseError && /mobileApps\/a2/.test(e.message),
    );
    assert.deepEqual(
      await readIntuneObjects(
        batchPort(() => ({ status: 200 }), []),
        [],
      ),
      new Map(),
    );
  });
});

/** A selected object of the sample site in the picture, with its translation's reasons. */
const selectedItem = (translation: ReturnType<typeof translateObject>, state: PictureItem['state']): PictureItem => ({
  key: translation.key,
  translation,
  selected: true,
  state,
  stateReasons: [],
  reasons: translation.verdict.reasons,
  retired: [],
  deployments: [],
  assignmentNotes: [],
});

describe('a profile built from its payload (the Contoso VPN)', () => {
  it('its changed setting shows ConfigMgr’s value and Intune’s, though no one-to-one property is known', async () => {
    const model = await loadContosoModel();
    const vpn = parseSiteObjects(model).objects.find((o) => o.kind === 'vpn' && o.platform === 'ios')!;
    const translation = translateObject(vpn);
    const item = selectedItem(translation, 'partial');
    const d = objectDetail(item, { cloud: 'usgov' });
    const changed = translation.verdict.settings!.find((o) => o.outcome === 'changed')!;
    assert.ok(changed.outcome === 'changed');
    const row = d.settings.find((r) => r.setting === changed.setting)!;
    assert.deepEqual([row.configMgrValue, row.intuneValue, row.reason], [changed.from, changed.to, changed.reason]);
    assert.equal(d.settings.length, vpn.settingsRead!.length, 'one row per setting read');
    assert.match(
      d.adminCenter.url,
      /^https:\/\/intune\.microsoft\.us\/#view\/Microsoft_Intune_DeviceSettings\/DevicesMenu\/~\/configuration$/,
    );
  });
});

// Seen in the screenshots: a Wi-Fi profile's rows had three empty cells each (its settings land in
// the payload, not in one property each), and the headers broke mid-word in a narrow editor group.
describe('no empty cell in any detail of the sample site', () => {
  const detailOf = (o: ReturnType<typeof parseSiteObjects>['objects'][number]) => {
    const translation = translateObject(o);
    const item = selectedItem(translation, 'importable');
    return objectDetail(item, {});
  };
  const rowsOf = (html: string) => [...html.matchAll(/<tr class="outcome-[a-z]+">(.*?)<\/tr>/g)].map((m) => m[1]);

  it('a Wi-Fi profile: each setting with its ConfigMgr value, the Intune property and the value sent; the certificate links say when they are made', async () => {
    const model = await loadContosoModel();
    const wifi = parseSiteObjects(model).objects.find(
      (o) => o.kind === 'wifi' && o.platform === 'ios' && o.name === 'Contoso-Corp Wi-Fi (iOS)',
    )!;
    const d = detailOf(wifi);
    const row = (setting: string) => d.settings.find((r) => r.setting === setting)!;
    assert.deepEqual(row('Ssid'), {
      setting: 'Ssid',
      outcome: 'unchanged',
      configMgrValue: 'Contoso-Corp',
      property: 'ssid',
      intuneValue: '"Contoso-Corp"',
    });
    assert.deepEqual(row('Security'), {
      setting: 'Security',
      outcome: 'unchanged',
      configMgrValue: 'wpa2Enterprise',
      property: 'wiFiSecurityType',
      intuneValue: '"wpa2Enterprise"',
    });
    assert.deepEqual(row('Hidden'), {
      setting: 'Hidden',
      outcome: 'unchanged',
      configMgrValue: 'false',
      property: 'connectWhenNetworkNameIsHidden',
      intuneValue: 'false',
    });
    assert.equal(row('RootCertificate').property, 'rootCertificatesForServerValidation');
    assert.equal(row('RootCertificate').bound, true);
    const html = rowsOf(renderObjectDetailHtml(d));
    assert.equal(
      html.find((r) => r.startsWith('<td>Ssid</td>')),
      '<td>Ssid</td><td>Contoso-Corp</td><td><code>ssid</code></td><td>&quot;Contoso-Corp&quot;</td><td><span class="mark" aria-hidden="true">✓</span> kept</td>',
    );
    assert.match(
      html.find((r) => r.startsWith('<td>Root<wbr>Certificate</td>'))!,
      /<td><code>root<wbr>Certificates<wbr>For<wbr>Server<wbr>Validation<\/code><\/td><td><span class="none">a link to that profile, made when created<\/span><\/td>/,
    );
  });

  it('a custom profile (an Apple configuration file) says its setting is in the payload, with no one-to-one property', async () => {
    const model = await loadContosoModel();
    const custom = parseSiteObjects(model).objects.find((o) => o.name === 'iOS – Custom Web Clip Profile')!;
    const d = detailOf(custom);
    const [file] = d.settings.filter((r) => r.inPayload);
    assert.deepEqual(file, { setting: 'Apple configuration profile contoso-webclip.mobileconfig', outcome: 'unchanged', inPayload: true });
    assert.ok(
      rowsOf(renderObjectDetailHtml(d)).some((r) =>
        r.includes('<td colspan="3"><span class="none">in the payload below (no one-to-one Intune property)</span></td>'),
      ),
    );
  });

  it('every kind: each row has five columns of text, none empty; names break between their words', async () => {
    const model = await loadContosoModel();
    const kinds = new Set<string>();
    for (const o of parseSiteObjects(model).objects) {
      const d = detailOf(o);
      if (!d.settings.length) continue;
      kinds.add(o.kind);
      const html = renderObjectDetailHtml(d);
      for (const row of rowsOf(html)) {
        const cells = [...row.matchAll(/<td( colspan="(\d)")?>(.*?)<\/td>/g)];
        assert.equal(
          cells.reduce((n, c) => n + Number(c[2] ?? 1), 0),
          5,
          `${o.name}: ${row}`,
        );
        for (const c of cells) assert.notEqual(c[3].trim(), '', `${o.name}: an empty cell in ${row}`);
      }
      assert.match(html, /<div class="table-scroll"><table class="settings">/, 'a wide table scrolls in its own box');
    }
    // The sample site has every kind that reads settings one by one.
    assert.deepEqual([...kinds].sort(), ['compliance', 'configuration', 'email', 'pfx', 'scep', 'trustedRoot', 'vpn', 'wifi']);
    const wifi = parseSiteObjects(model).objects.find((o) => o.kind === 'wifi')!;
    assert.match(renderObjectDetailHtml(detailOf(wifi)), /<td>Connect<wbr>Automatically<\/td>/);
  });

  it("the detail page's headers never break inside a word", () => {
    const page = readFileSync(join(__dirname, '../../src/extension/objectDetail.ts'), 'utf8');
    assert.doesNotMatch(page, /overflow-wrap: anywhere|word-break: break-all/);
    assert.match(page, /\bth \{ overflow-wrap: normal; word-break: normal;/);
    assert.match(page, /\.table-scroll \{ overflow-x: auto;/);
  });
});

// Drift by settings: what readiness and the detail call drifted beyond a new name, type or marker.
describe('drift by settings (an imported object against the tenant)', () => {
  const key = objectKey(PROFILE, 'ios');
  const paired: TenantObject = {
    id: 'i-profile',
    resource: 'deviceConfigurations',
    odataType: '#microsoft.graph.iosGeneralDeviceConfiguration',
    displayName: profileName(),
    description: withMarker('', key),
  };
  function profileName() {
    return itemOf(picture().items, PROFILE).translation.request!.body.displayName as string;
  }
  const item = itemOf(picture([paired]).items, PROFILE);
  const sent = item.translation.request!.body;
  // What Graph answers for an untouched object: what was sent, the server's own fields, and every
  // other property of the type with its default (false, null, an empty list).
  const asGraphAnswers = (over: Record<string, unknown> = {}) => ({
    '@odata.context': 'https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceConfigurations/$entity',
    '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
    id: 'i-profile',
    createdDateTime: '2026-11-30T10:00:00Z',
    lastModifiedDateTime: '2026-11-30T11:00:00Z',
    version: 3,
    roleScopeTagIds: ['0'],
    supportsScopeTags: true,
    bluetoothBlocked: false,
    screenCaptureBlocked: false,
    appsVisibilityList: [],
    kioskModeAppStoreUrl: null,
    ...sent,
    ...over,
  });

  it('an untouched object, as Graph answers it (server fields, defaults of what was not sent), has no drifted setting', () => {
    assert.equal(item.state, 'imported');
    assert.deepEqual(driftedSettings(item, asGraphAnswers()), []);
    const d = objectDetail(item, { tenantBody: asGraphAnswers() });
    assert.deepEqual([d.state, d.drifted, d.driftedSettings], ['imported', false, []]);
  });

  it('a setting changed in Intune is drifted by its name; one Graph returns that was never sent is not', () => {
    const changed = asGraphAnswers({ cameraBlocked: false, passcodeMinimumLength: 8, bluetoothBlocked: true });
    assert.deepEqual(driftedSettings(item, changed), ['cameraBlocked', 'passcodeMinimumLength']);
    const d = objectDetail(item, { tenantBody: changed });
    assert.equal(d.state, 'drifted');
    assert.equal(d.drifted, true);
    assert.ok(
      d.reasons.includes('2 settings were changed in Intune since import: cameraBlocked, passcodeMinimumLength'),
      d.reasons.join('\n'),
    );
    const html = renderObjectDetailHtml(d, { showDrift: 'command:cm2intune.showDrift?%5B%5D' });
    assert.match(html, /Show drift<\/a>/);
    const camera = [...html.matchAll(/<tr class="outcome-[a-z]+">(.*?)<\/tr>/g)]
      .map((m) => m[1])
      .find((r) => r.includes('<code>camera<wbr>Blocked</code>'))!;
    assert.match(camera, /≠ changed in Intune since import/);
    // The name is the picture's to judge (docs/import.md): not a setting here.
    assert.deepEqual(driftedSettings(item, asGraphAnswers({ displayName: 'Renamed' })), []);
  });

  it("inside an object value only what was sent counts; a list's order and length do", () => {
    const base = asGraphAnswers();
    const nested = {
      ...item,
      translation: {
        ...item.translation,
        request: { ...item.translation.request!, body: { ...sent, minimumOs: { v9_0: true }, names: ['a', 'b'] } },
      },
    };
    const graph = {
      ...base,
      minimumOs: { '@odata.type': 'microsoft.graph.iosMinimumOperatingSystem', v8_0: false, v9_0: true, v10_0: false },
      names: ['a', 'b'],
    };
    assert.deepEqual(driftedSettings(nested, graph), []);
    assert.deepEqual(driftedSettings(nested, { ...graph, minimumOs: { v8_0: false, v9_0: false } }), ['minimumOs']);
    assert.deepEqual(driftedSettings(nested, { ...graph, names: ['b', 'a'] }), ['names']);
    assert.deepEqual(driftedSettings(nested, { ...graph, names: ['a'] }), ['names']);
  });

  it('a secret Graph never returns (null) is not drift; scope tags count only when the payload set them', () => {
    const withSecret = {
      ...item,
      translation: {
        ...item.translation,
        request: { ...item.translation.request!, body: { ...sent, preSharedKey: 'k', roleScopeTagIds: ['0', '7'] } },
      },
    };
    assert.deepEqual(
      driftedSettings(withSecret, asGraphAnswers({ preSharedKey: null, preSharedKeyIsSet: true, roleScopeTagIds: ['0', '7'] })),
      [],
    );
    assert.deepEqual(driftedSettings(withSecret, asGraphAnswers({ preSharedKey: null, roleScopeTagIds: ['0'] })), ['roleScopeTagIds']);
    // Not sent: whatever scope tags the service or the admin set are not drift.
    assert.deepEqual(driftedSettings(item, asGraphAnswers({ roleScopeTagIds: ['0', '9'] })), []);
  });

  it('a Wi-Fi profile: a changed network name is drifted; the pre-shared key never carried over is not compared', () => {
    const w = wifi({ security: 'wpa2Personal' });
    const translation = translateObject(w);
    const wItem: PictureItem = { ...item, key: translation.key, translation, counterpart: { ...item.counterpart!, id: 'w1' } };
    const answer = { ...translation.request!.body, id: 'w1', preSharedKey: null, preSharedKeyIsSet: false };
    assert.deepEqual(driftedSettings(wItem, answer), []);
    assert.deepEqual(driftedSettings(wItem, { ...answer, ssid: 'CONTOSO-GUEST' }), ['ssid']);
  });
});
