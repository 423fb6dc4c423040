// Contract of the sandbox tenant for Intune objects, over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxTenant } from '../../src/sandbox/tenant/index';
import { client, compliance, trustedRoot, withSandbox } from './sandbox-helpers';

const CONFIGS = '/deviceManagement/deviceConfigurations';
const POLICIES = '/deviceManagement/deviceCompliancePolicies';
const APPS = '/deviceAppManagement/mobileApps';

describe('sandbox tenant: Intune objects', () => {
  let tenant: SandboxTenant;
  let g: ReturnType<typeof client>;
  let groupId: string;
  before(async () => {
    tenant = await withSandbox();
    g = client(tenant);
    groupId = tenant.objects().groups.find((x) => x.displayName === 'Sales Team')!.id;
  });
  after(() => tenant?.close());

  it('creates a beta profile with server-assigned fields and reads it back', async () => {
    const created = await g.post(`/beta${CONFIGS}`, trustedRoot());
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.body.version, 1);
    assert.ok(created.body.createdDateTime && created.body.lastModifiedDateTime);
    assert.ok(created.headers.get('request-id'));
    assert.ok(created.headers.get('client-request-id'));
    const read = await g.get(`/beta${CONFIGS}/${created.body.id}`);
    assert.equal(read.body.displayName, 'Contoso Root CA (iOS)');
    assert.equal(read.body['@odata.type'], '#microsoft.graph.iosTrustedRootCertificate');
  });

  it('refuses profile types under v1.0 and unknown types, in Graph error shape', async () => {
    const v1 = await g.post(`/v1.0${CONFIGS}`, trustedRoot());
    assert.equal(v1.status, 400);
    assert.equal(v1.body.error.code, 'BadRequest');
    assert.match(v1.body.error.message, /iosTrustedRootCertificate.*could not be resolved.*beta only/s);
    assert.ok(v1.body.error.innerError['request-id']);
    assert.ok(v1.body.error.innerError.date);
    const unknown = await g.post(`/beta${CONFIGS}`, { ...trustedRoot(), '@odata.type': '#microsoft.graph.iosWifiProfileTypo' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /iosWifiProfileTypo/);
    const noType = await g.post(`/beta${CONFIGS}`, { displayName: 'x' });
    assert.equal(noType.status, 400);
    assert.match(noType.body.error.message, /@odata\.type/);
    const abstract = await g.post(`/beta${CONFIGS}`, { '@odata.type': '#microsoft.graph.iosCertificateProfileBase', displayName: 'x' });
    assert.equal(abstract.status, 400);
    assert.match(abstract.body.error.message, /abstract/);
  });

  it('rejects unknown and read-only properties, naming them', async () => {
    const unknown = await g.post(`/beta${CONFIGS}`, { ...trustedRoot(), certificateFileName: 'typo.cer' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /'certificateFileName'.*iosTrustedRootCertificate/);
    for (const prop of ['id', 'createdDateTime', 'lastModifiedDateTime', 'version']) {
      const res = await g.post(`/beta${CONFIGS}`, { ...trustedRoot(), [prop]: prop === 'version' ? 3 : 'x' });
      assert.equal(res.status, 400, prop);
      assert.match(res.body.error.message, new RegExp(`'${prop}'.*read-only`));
    }
    assert.equal(
      tenant.objects().deviceConfigurations.filter((c) => c.displayName === 'Contoso Root CA (iOS)').length,
      1,
      'nothing stored by refused creates',
    );
  });

  it('binds a SCEP profile to an existing trusted root and refuses a dangling bind', async () => {
    const root = await g.post(`/beta${CONFIGS}`, trustedRoot('Root for SCEP'));
    const scep = {
      '@odata.type': '#microsoft.graph.iosScepCertificateProfile',
      displayName: "Contoso User SCEP (iOS) – O'Brien test",
      scepServerUrls: ['https://ndes.contoso.com/certsrv/mscep/mscep.dll'],
      subjectNameFormat: 'commonName',
      keySize: 'size2048',
      keyUsage: 'digitalSignature,keyEncipherment',
      certificateValidityPeriodValue: 1,
      certificateValidityPeriodScale: 'years',
      renewalThresholdPercentage: 20,
      extendedKeyUsages: [{ name: 'Client Authentication', objectIdentifier: '1.3.6.1.5.5.7.3.2' }],
    };
    const ok = await g.post(`/beta${CONFIGS}`, {
      ...scep,
      'rootCertificate@odata.bind': `https://graph.microsoft.com/beta${CONFIGS}('${root.body.id}')`,
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body['rootCertificate@odata.bind'], undefined);
    const plain = await g.get(`/beta${CONFIGS}/${ok.body.id}`);
    assert.equal(plain.body.rootCertificate, undefined, 'a plain GET does not show the binding');
    const expanded = await g.get(`/beta${CONFIGS}/${ok.body.id}?$expand=rootCertificate`);
    assert.equal(expanded.body.rootCertificate.id, root.body.id);
    const dangling = await g.post(`/beta${CONFIGS}`, {
      ...scep,
      'rootCertificate@odata.bind': `https://graph.microsoft.com/beta${CONFIGS}('00000000-0000-0000-0000-000000000000')`,
    });
    assert.equal(dangling.status, 400);
    assert.match(dangling.body.error.message, /rootCertificate@odata\.bind/);
    const wrongNav = await g.post(`/beta${CONFIGS}`, {
      ...trustedRoot('x'),
      'rootCertificate@odata.bind': `https://graph.microsoft.com/beta${CONFIGS}/${root.body.id}`,
    });
    assert.equal(wrongNav.status, 400, 'a trusted root has no rootCertificate navigation');
    const wifi = await g.post(`/beta${CONFIGS}`, {
      '@odata.type': '#microsoft.graph.iosEnterpriseWiFiConfiguration',
      displayName: 'Contoso-Corp Wi-Fi (iOS)',
      ssid: 'Contoso-Corp',
      wiFiSecurityType: 'wpaEnterprise',
      eapType: 'eapTls',
      'rootCertificatesForServerValidation@odata.bind': [`https://graph.microsoft.com/beta${CONFIGS}('${root.body.id}')`],
      'identityCertificateForClientAuthentication@odata.bind': `https://graph.microsoft.com/beta${CONFIGS}('${ok.body.id}')`,
    });
    assert.equal(wifi.status, 201, JSON.stringify(wifi.body));
    assert.deepEqual(tenant.objects().bindings[wifi.body.id], {
      rootCertificatesForServerValidation: [root.body.id],
      identityCertificateForClientAuthentication: ok.body.id,
    });
  });

  it('updates with PATCH (version bump), needs @odata.type for derived properties, deletes', async () => {
    const created = await g.post(`/v1.0${CONFIGS}`, {
      '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
      displayName: 'iOS – Contoso Security Baseline',
      passcodeRequired: true,
      passcodeMinimumLength: 6,
    });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const patched = await g.patch(`/v1.0${CONFIGS}/${id}`, {
      '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
      passcodeMinimumLength: 8,
      description: 'Für alle',
    });
    assert.equal(patched.status, 204);
    const read = await g.get(`/v1.0${CONFIGS}/${id}`);
    assert.equal(read.body.passcodeMinimumLength, 8);
    assert.equal(read.body.version, 2);
    const baseOnly = await g.patch(`/v1.0${CONFIGS}/${id}`, { passcodeMinimumLength: 4 });
    assert.equal(baseOnly.status, 400);
    assert.match(baseOnly.body.error.message, /'passcodeMinimumLength'.*deviceConfiguration/);
    assert.equal((await g.patch(`/v1.0${CONFIGS}/${id}`, { displayName: 'renamed' })).status, 204);
    assert.equal((await g.del(`/v1.0${CONFIGS}/${id}`)).status, 204);
    const gone = await g.get(`/v1.0${CONFIGS}/${id}`);
    assert.equal(gone.status, 404);
    assert.ok(gone.body.error.message);
  });

  it('hides beta-only profiles from v1.0 lists', async () => {
    const v1 = await g.get(`/v1.0${CONFIGS}`);
    const beta = await g.get(`/beta${CONFIGS}`);
    assert.ok(beta.body.value.some((o: any) => o['@odata.type'] === '#microsoft.graph.iosTrustedRootCertificate'));
    assert.ok(!v1.body.value.some((o: any) => o['@odata.type'] === '#microsoft.graph.iosTrustedRootCertificate'));
  });

  it('replaces assignments with assign and lists them; validates targets', async () => {
    const created = await g.post(`/beta${CONFIGS}`, trustedRoot('Assigned root'));
    const id = created.body.id;
    const target = (t: object) => ({ '@odata.type': '#microsoft.graph.deviceConfigurationAssignment', target: t });
    const first = await g.post(`/beta${CONFIGS}/${id}/assign`, {
      assignments: [
        target({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId }),
        target({ '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }),
      ],
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.value.length, 2);
    const second = await g.post(`/beta${CONFIGS}/${id}/assign`, {
      assignments: [target({ '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId })],
    });
    assert.equal(second.status, 200);
    const listed = await g.get(`/beta${CONFIGS}/${id}/assignments`);
    assert.deepEqual(
      listed.body.value.map((a: any) => a.target['@odata.type']),
      ['#microsoft.graph.exclusionGroupAssignmentTarget'],
    );
    const expanded = await g.get(`/beta${CONFIGS}?$expand=assignments&$filter=displayName eq 'Assigned root'`);
    assert.equal(expanded.body.value[0].assignments.length, 1);
    const badGroup = await g.post(`/beta${CONFIGS}/${id}/assign`, {
      assignments: [target({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: '00000000-0000-0000-0000-00000000dead' })],
    });
    assert.equal(badGroup.status, 400);
    const badKey = await g.post(`/beta${CONFIGS}/${id}/assign`, { deviceConfigurationAssignments: [] });
    assert.equal(badKey.status, 400);
    assert.equal((await g.get(`/beta${CONFIGS}/${id}/assignments`)).body.value.length, 1, 'refused assign changed nothing');
  });

  it('compliance: exactly one block action, scheduled actions not returned by GET', async () => {
    for (const blocks of [0, 2]) {
      const res = await g.post(`/v1.0${POLICIES}`, compliance(blocks));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.message, 'Compliance policy must have one and only one block scheduled action');
    }
    const { scheduledActionsForRule: _omit, ...withoutActions } = compliance();
    void _omit;
    assert.equal((await g.post(`/v1.0${POLICIES}`, withoutActions)).status, 400);
    const ok = await g.post(`/v1.0${POLICIES}`, compliance(1));
    assert.equal(ok.status, 201);
    assert.equal(ok.body.scheduledActionsForRule, undefined);
    const read = await g.get(`/v1.0${POLICIES}/${ok.body.id}`);
    assert.equal(read.body.scheduledActionsForRule, undefined);
    assert.equal(read.body.passcodeMinimumLength, 6);
    const expanded = await g.get(`/v1.0${POLICIES}/${ok.body.id}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`);
    assert.equal(expanded.body.scheduledActionsForRule[0].scheduledActionConfigurations[0].actionType, 'block');
    const assigned = await g.post(`/v1.0${POLICIES}/${ok.body.id}/assign`, {
      assignments: [
        {
          '@odata.type': '#microsoft.graph.deviceCompliancePolicyAssignment',
          target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
        },
      ],
    });
    assert.equal(assigned.status, 200);
    assert.equal((await g.get(`/v1.0${POLICIES}/${ok.body.id}/assignments`)).body.value[0].target.groupId, groupId);
  });

  it('apps: store apps under v1.0, windowsStoreApp beta only, assign with intents', async () => {
    const app = await g.post(`/v1.0${APPS}`, {
      '@odata.type': '#microsoft.graph.iosStoreApp',
      displayName: "Zoë's Translator – 翻訳",
      publisher: 'Zoë Ødegård',
      bundleId: 'com.zoe.translator',
      appStoreUrl: 'https://itunes.apple.com/us/app/x/id1',
      applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
      minimumSupportedOperatingSystem: { v10_0: true },
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    assert.equal(app.body.publishingState, 'published');
    assert.equal(
      (
        await g.post(`/v1.0${APPS}`, {
          '@odata.type': '#microsoft.graph.windowsStoreApp',
          displayName: 'x',
          publisher: 'p',
          appStoreUrl: 'https://x',
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await g.post(`/beta${APPS}`, {
          '@odata.type': '#microsoft.graph.windowsStoreApp',
          displayName: 'x',
          publisher: 'p',
          appStoreUrl: 'https://x',
        })
      ).status,
      201,
    );
    const assign = (intent: string) =>
      g.post(`/v1.0${APPS}/${app.body.id}/assign`, {
        mobileAppAssignments: [
          {
            '@odata.type': '#microsoft.graph.mobileAppAssignment',
            intent,
            target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
          },
        ],
      });
    assert.equal((await assign('install')).status, 400, 'install is not an intent');
    for (const intent of ['required', 'available', 'uninstall', 'availableWithoutEnrollment'])
      assert.equal((await assign(intent)).status, 204, intent);
    const listed = await g.get(`/v1.0${APPS}/${app.body.id}/assignments`);
    assert.deepEqual(
      listed.body.value.map((a: any) => a.intent),
      ['availableWithoutEnrollment'],
    );
    assert.equal((await g.get(`/v1.0${APPS}/${app.body.id}`)).body.isAssigned, true);
  });

  it('apps: refuses what the Graph metadata refuses (read-only packageId, a minimum OS flag the version lacks)', async () => {
    const android = (extra: Record<string, unknown>) =>
      g.post(`/v1.0${APPS}`, {
        '@odata.type': '#microsoft.graph.androidStoreApp',
        displayName: 'Contoso Expenses',
        publisher: 'Contoso Ltd.',
        appStoreUrl: 'https://play.google.com/store/apps/details?id=com.contoso.expenses',
        minimumSupportedOperatingSystem: { v9_0: true },
        ...extra,
      });
    assert.equal((await android({})).status, 201, 'Android 9.0 is a v1.0 flag');
    const readOnly = await android({ packageId: 'com.contoso.expenses' });
    assert.equal(readOnly.status, 400);
    assert.match(readOnly.body.error.message, /'packageId' is read-only/);
    const ios = (version: string, flag: string) =>
      g.post(`/${version}${APPS}`, {
        '@odata.type': '#microsoft.graph.iosStoreApp',
        displayName: 'Contoso Expenses',
        publisher: 'Contoso Ltd.',
        bundleId: 'com.contoso.expenses',
        appStoreUrl: 'https://itunes.apple.com/us/app/x/id1',
        applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
        minimumSupportedOperatingSystem: { [flag]: true },
      });
    const v16 = await ios('v1.0', 'v16_0');
    assert.equal(v16.status, 400, 'v1.0 iosMinimumOperatingSystem stops at v15_0');
    assert.match(v16.body.error.message, /'v16_0' does not exist on type 'microsoft\.graph\.iosMinimumOperatingSystem'/);
    assert.equal((await ios('beta', 'v16_0')).status, 201, 'beta has it');
    assert.equal((await ios('v1.0', 'v15_0')).status, 201);
  });

  it('Wi-Fi: androidEnterpriseWiFiConfiguration takes trustedServerCertificateNames', async () => {
    const created = await g.post(`/beta${CONFIGS}`, {
      '@odata.type': '#microsoft.graph.androidEnterpriseWiFiConfiguration',
      displayName: 'Contoso-Corp Wi-Fi (Android)',
      networkName: 'Contoso-Corp',
      ssid: 'Contoso-Corp',
      connectAutomatically: true,
      connectWhenNetworkNameIsHidden: false,
      wiFiSecurityType: 'wpa2Enterprise',
      eapType: 'peap',
      authenticationMethod: 'usernameAndPassword',
      trustedServerCertificateNames: ['radius.contoso.com'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.trustedServerCertificateNames, ['radius.contoso.com']);
  });

  it('terms and conditions: seeded (migrated) object, assignments by POST', async () => {
    const list = await g.get('/v1.0/deviceManagement/termsAndConditions');
    assert.equal(list.body.value[0].displayName, 'Contoso Terms of Use');
    const id = list.body.value[0].id;
    const posted = await g.post(`/v1.0/deviceManagement/termsAndConditions/${id}/assignments`, {
      '@odata.type': '#microsoft.graph.termsAndConditionsAssignment',
      target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
    });
    assert.equal(posted.status, 201);
    const listed = await g.get(`/v1.0/deviceManagement/termsAndConditions/${id}/assignments`);
    assert.equal(listed.body.value.length, 1);
    assert.equal(
      (await g.post(`/v1.0/deviceManagement/termsAndConditions/${id}/assign`, { assignments: [] })).status,
      400,
      'no assign action on terms',
    );
  });

  it('connectors: ndesConnectors in beta only, exchangeConnectors in both; 401 without a token', async () => {
    assert.equal((await g.get('/beta/deviceManagement/ndesConnectors')).body.value[0].state, 'active');
    const v1 = await g.get('/v1.0/deviceManagement/ndesConnectors');
    assert.equal(v1.status, 400);
    assert.match(v1.body.error.message, /ndesConnectors/);
    assert.equal((await g.get('/v1.0/deviceManagement/exchangeConnectors')).body.value[0].status, 'connected');
    const anon = await fetch(`${tenant.url}/v1.0/organization`);
    assert.equal(anon.status, 401);
    assert.equal(((await anon.json()) as any).error.code, 'InvalidAuthenticationToken');
  });
});
