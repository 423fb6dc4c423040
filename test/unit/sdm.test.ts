import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ConfigurationItem, SiteModel, SiteObject } from '../../src/core/site/model';
import { parseConfigurationItem, parseDeploymentType, parseSiteObjects } from '../../src/core/site/sdm';
import { expected, loadContosoModel } from '../fixtures/contoso/load';

const DC = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';
const RULES = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/06/14/Rules';

function ci(digest: string, over: Partial<ConfigurationItem> = {}): ConfigurationItem {
  return {
    ciId: 1,
    uniqueId: 'ScopeId_T/OperatingSystem_1/1',
    modelName: 'ScopeId_T/OperatingSystem_1',
    ciTypeId: 3,
    name: "Zoë's test – 試験",
    description: '',
    version: 1,
    isEnabled: true,
    isExpired: false,
    dateLastModified: '2019-01-01T00:00:00.000Z',
    digest,
    ...over,
  };
}
const settingRule = (name: string, type: string, value: string) =>
  `<Rule xmlns="${RULES}" id="R_${name}" Severity="Warning"><Expression><Operator>Equals</Operator><Operands><SettingReference AuthoringScopeId="ScopeId_T" LogicalName="OperatingSystem_1" SettingLogicalName="${name}" DataType="${type}"/><ConstantValue Value="${value}" DataType="${type}"/></Operands></Expression></Rule>`;
const digest = (element: string, rule: string, rules: string, settings = '') =>
  `<?xml version="1.0" encoding="utf-16"?><DesiredConfigurationDigest xmlns="${DC}"><${element} AuthoringScopeId="ScopeId_T" LogicalName="OperatingSystem_1" Version="1">` +
  `<PlatformApplicabilityCondition><OperatingSystemExpression xmlns="${RULES}"><Operator>OneOf</Operator><Operands><RuleExpression RuleId="${rule}"/></Operands></OperatingSystemExpression></PlatformApplicabilityCondition>` +
  `<Settings>${settings}</Settings><Rules>${rules}</Rules></${element}></DesiredConfigurationDigest>`;
const resolveNone = () => null;

describe('digest parsing over the Contoso site', () => {
  let model: SiteModel;
  let objects: SiteObject[];
  before(async () => {
    model = await loadContosoModel();
    objects = parseSiteObjects(model).objects;
  });

  it('classifies every CI by kind and platform as expected.json says', () => {
    const byKind: Record<string, number> = {};
    const byPlatform: Record<string, number> = {};
    for (const o of objects) {
      byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
      byPlatform[o.platform] = (byPlatform[o.platform] ?? 0) + 1;
    }
    assert.deepEqual(byKind, expected.objectsByKind);
    assert.deepEqual(byPlatform, expected.objectsByPlatform);
  });

  it('refuses the digest with a DTD on that object only', () => {
    const xxe = objects.filter((o) => o.ciId === expected.samples.xxeCiId);
    assert.equal(xxe.length, 1);
    assert.match(xxe[0].problems.join(' '), /DTD or entities/);
    assert.equal(xxe[0].kind, 'configuration');
    assert.deepEqual(xxe[0].kind === 'configuration' && xxe[0].settings, {});
    assert.deepEqual(
      objects.filter((o) => o.problems.length > 0).map((o) => o.ciId),
      [expected.samples.xxeCiId],
    );
  });

  it('reads kiosk settings into kioskMode, apart from the importable settings', () => {
    const kiosk = objects.find((o) => o.ciId === expected.samples.kioskCiId);
    assert.ok(kiosk && kiosk.kind === 'configuration');
    assert.equal(kiosk.name, 'iOS – Kiosk iPads (Reception)'); // only a Japanese-locale row: the fallback name
    assert.deepEqual(kiosk.settings, { cameraBlocked: true });
    assert.equal(kiosk.kioskMode?.kioskModeAppStoreUrl, 'https://itunes.apple.com/us/app/contoso-visitor-sign-in/id1234567890');
    assert.equal(kiosk.kioskMode?.kioskModeAllowVolumeButtons, false);
  });

  it('binds enterprise Wi-Fi to its root and SCEP certificates by unique id', () => {
    const wifi = objects.find((o) => o.ciId === expected.samples.enterpriseWifiCiId);
    assert.ok(wifi && wifi.kind === 'wifi');
    assert.equal(wifi.security, 'wpa2Enterprise');
    assert.equal(wifi.eapType, 'eapTls');
    assert.deepEqual(wifi.rootCertificates, [expected.samples.iosRootUniqueId]);
    assert.equal(wifi.identityCertificate, expected.samples.iosScepUniqueId);
    const scep = objects.find((o) => o.uniqueId === expected.samples.iosScepUniqueId);
    assert.ok(scep && scep.kind === 'scep');
    assert.equal(scep.rootCertificate, expected.samples.iosRootUniqueId);
    assert.deepEqual(scep.keyUsage, ['digitalSignature', 'keyEncipherment']);
  });

  it('splits a two-platform CI and drops settings the other platform owns', () => {
    const split = objects.filter((o) => o.ciId === expected.samples.multiPlatformCiId);
    assert.deepEqual(
      split.map((o) => o.platform),
      ['ios', 'android'],
    );
    const [ios, android] = split;
    assert.ok(ios.kind === 'configuration' && android.kind === 'configuration');
    assert.deepEqual(ios.settings, { passwordRequired: true, passwordMinimumLength: 4, iCloudBlockBackup: false });
    assert.deepEqual(ios.droppedSettings, ['AllowGooglePlayStore']);
    assert.deepEqual(android.droppedSettings, ['AllowICloudBackup']);
  });

  it('maps compliance settings to catalogue keys, with types', () => {
    const c = objects.find((o) => o.kind === 'compliance' && o.platform === 'ios');
    assert.ok(c && c.kind === 'compliance');
    assert.deepEqual(c.settings, {
      passwordRequired: true,
      passwordMinimumLength: 6,
      osMinimumVersion: '11.0',
      jailBroken: true,
      passwordExpirationDays: 90,
    });
  });

  it('keeps settings it does not know, by name and value', () => {
    const base = objects.find((o) => o.name === 'iOS – Contoso Security Baseline');
    assert.deepEqual(base?.unknownSettings, [{ name: 'AllowPassbookWhileLocked', value: 'false' }]);
  });

  it('decodes escaped text in OMA-URI values', () => {
    const oma = objects.find((o) => o.name === 'Windows 10 – Custom OMA-URI');
    assert.ok(oma && oma.kind === 'configuration');
    assert.equal(oma.omaSettings[1].value, '<LayoutModificationTemplate/>');
    assert.equal(oma.omaSettings[0].dataType, 'integer');
  });

  it('reads every deployment type into the expected package kinds', () => {
    const apps = parseSiteObjects(model).apps;
    const byKind: Record<string, number> = {};
    for (const a of apps) byKind[a.package.kind] = (byKind[a.package.kind] ?? 0) + 1;
    assert.deepEqual(byKind, expected.packagesByKind);
    const store = apps.find((a) => a.application.name === 'Microsoft Outlook')!.package;
    assert.deepEqual(store, {
      kind: 'iosStore',
      appStoreUrl: 'https://itunes.apple.com/us/app/microsoft-outlook/id951937596',
      bundleId: 'com.microsoft.Office.Outlook',
      minimumOsVersion: '11.0',
      iPad: false,
      iPhone: true,
    });
    const mac = apps.find((a) => a.package.kind === 'unsupported')!;
    assert.equal(mac.deploymentType.technology, 'MacClient');
  });
});

describe('digest parsing edge cases', () => {
  it('classifies from the digest, not CIType_ID', () => {
    const [o] = parseConfigurationItem(
      ci(digest('CompliancePolicy', 'Platform/Android_All', settingRule('RequireEncryption', 'Boolean', 'true')), { ciTypeId: 3 }),
      resolveNone,
    );
    assert.equal(o.kind, 'compliance');
    assert.equal(o.platform, 'android');
    assert.deepEqual(o.kind === 'compliance' && o.settings, { storageRequireEncryption: true });
  });

  it('reports malformed XML, wrong namespaces and bad values as problems', () => {
    const [broken] = parseConfigurationItem(ci('<DesiredConfigurationDigest><OperatingSystem></DesiredConfigurationDigest>'), resolveNone);
    assert.match(broken.problems[0], /not well-formed/);
    const [foreign] = parseConfigurationItem(ci('<DesiredConfigurationDigest xmlns="urn:other"/>'), resolveNone);
    assert.match(foreign.problems[0], /namespace urn:other/);
    const [bad] = parseConfigurationItem(
      ci(digest('OperatingSystem', 'Platform/iOS_All', settingRule('MinimumPasswordLength', 'Int64', 'six'))),
      resolveNone,
    );
    assert.match(bad.problems[0], /MinimumPasswordLength should be a whole number, not 'six'/);
  });

  it('names a certificate reference that is not in the site', () => {
    const payload = `<VpnProfile ConnectionName="VPN" ConnectionType="IKEv2" Authentication="Certificate"><IdentityCertificate AuthoringScopeId="ScopeId_T" LogicalName="ConfigurationPolicy_gone"/></VpnProfile>`;
    const [vpn] = parseConfigurationItem(
      ci(digest('ConfigurationPolicy', 'Windows/All_Windows_10_and_higher_Clients', '', payload), { ciTypeId: 50 }),
      resolveNone,
    );
    assert.equal(vpn.kind, 'vpn');
    assert.equal(vpn.kind === 'vpn' && vpn.identityCertificate, null);
    assert.match(vpn.problems[0], /ScopeId_T\/ConfigurationPolicy_gone is not in the site/);
  });

  it('never reads an external entity from disk or the network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xxe-'));
    const secretFile = join(dir, 'secret.txt');
    writeFileSync(secretFile, 'TOP-SECRET-MARKER');
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('REMOTE-MARKER');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const evil =
        `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a SYSTEM "file://${secretFile}"><!ENTITY b SYSTEM "http://127.0.0.1:${port}/x">]>` +
        digest('OperatingSystem', 'Platform/iOS_All', settingRule('PasswordRequired', 'String', '&a;&b;')).replace(/^<\?xml[^>]*>/, '');
      const [o] = parseConfigurationItem(ci(evil), resolveNone);
      assert.match(o.problems[0], /DTD or entities/);
      assert.equal(o.platform, 'ios');
      assert.doesNotMatch(JSON.stringify(o), /TOP-SECRET-MARKER|REMOTE-MARKER/);
      assert.equal(hits, 0);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a deployment type whose digest lacks what its technology needs as unsupported, with the reason', () => {
    const pkg = parseDeploymentType(
      `<AppMgmtDigest xmlns="http://schemas.microsoft.com/SystemCenterConfigurationManager/2009/AppMgmtDigest"><DeploymentType><Technology>iOSDeepLink</Technology><Installer/></DeploymentType></AppMgmtDigest>`,
      'iOSDeepLink',
    );
    assert.deepEqual(pkg, {
      kind: 'unsupported',
      technology: 'iOSDeepLink',
      reason: 'the iOSDeepLink deployment type has no App Store link (PackageUri)',
    });
  });
});
