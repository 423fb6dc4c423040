import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionFor } from '../../src/core/tenant/api-versions';
import { authorityFor, CLOUDS, cloudEndpoints } from '../../src/core/tenant/clouds';
import { allScopes, defaultScopes, qualifyScopes, scopesFor } from '../../src/core/tenant/scopes';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';

test('national clouds: Graph and login hosts per cloud', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(CLOUDS).map(([k, v]) => [k, [v.graph, v.login]])), {
    global: ['https://graph.microsoft.com', 'https://login.microsoftonline.com'],
    usgov: ['https://graph.microsoft.us', 'https://login.microsoftonline.us'],
    usgovdod: ['https://dod-graph.microsoft.us', 'https://login.microsoftonline.us'],
    china: ['https://microsoftgraph.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
  });
  assert.equal(authorityFor('china', 'contoso.partner.onmschina.cn'), 'https://login.chinacloudapi.cn/contoso.partner.onmschina.cn');
  assert.equal(cloudEndpoints(undefined).graph, 'https://graph.microsoft.com');
  assert.throws(() => cloudEndpoints('germany' as never), /Unknown cloud "germany".*global, usgov, usgovdod, china/);
  assert.equal(CLOUDS.usgov.vscodeProvider, 'microsoft-sovereign-cloud');
  assert.equal(CLOUDS.global.vscodeProvider, 'microsoft');
});

test('the port talks to the cloud Graph host unless a sandbox URL is given', () => {
  const tokenSource = createSandboxTokenSource();
  assert.equal(createGraphPort({ cloud: 'usgovdod', tokenSource }).baseUrl, 'https://dod-graph.microsoft.us');
  assert.equal(createGraphPort({ cloud: 'china', tokenSource }).baseUrl, 'https://microsoftgraph.chinacloudapi.cn');
  assert.equal(createGraphPort({ tokenSource }).baseUrl, 'https://graph.microsoft.com');
  assert.equal(createGraphPort({ baseUrl: 'http://127.0.0.1:4711/', tokenSource }).baseUrl, 'http://127.0.0.1:4711');
});

test('API version table: beta only where v1.0 lacks the type', () => {
  const dc = '/deviceManagement/deviceConfigurations';
  for (const t of [
    'iosWiFiConfiguration',
    'windowsWifiEnterpriseEAPConfiguration',
    'windows10VpnConfiguration',
    'iosikEv2VpnConfiguration',
    'iosEasEmailProfileConfiguration',
    'windowsPhoneEASEmailProfileConfiguration',
    'iosTrustedRootCertificate',
    'windows81SCEPCertificateProfile',
    'androidPkcsCertificateProfile',
    'windows10ImportedPFXCertificateProfile',
  ])
    assert.equal(apiVersionFor(dc, `#microsoft.graph.${t}`), 'beta', t);
  for (const t of [
    'iosGeneralDeviceConfiguration',
    'windows10CustomConfiguration',
    'macOSCustomConfiguration',
    'androidGeneralDeviceConfiguration',
  ])
    assert.equal(apiVersionFor(dc, `#microsoft.graph.${t}`), 'v1.0', t);
  assert.equal(apiVersionFor(`${dc}/0f1e2d/assign`), 'v1.0');
  assert.equal(apiVersionFor('/deviceManagement/ndesConnectors'), 'beta');
  assert.equal(apiVersionFor('deviceManagement/deviceCompliancePolicies', 'androidDeviceOwnerCompliancePolicy'), 'beta');
  assert.equal(apiVersionFor('deviceManagement/deviceCompliancePolicies', '#microsoft.graph.iosCompliancePolicy'), 'v1.0');
  assert.equal(apiVersionFor('/deviceAppManagement/mobileApps', '#microsoft.graph.macOSLobApp'), 'beta');
  assert.equal(apiVersionFor('/deviceAppManagement/mobileApps?$filter=x', '#microsoft.graph.iosStoreApp'), 'v1.0');
  for (const p of [
    '/groups',
    '/users/a@b.c',
    '/deviceManagement/managedDevices',
    '/deviceManagement/exchangeConnectors',
    '/organization/xyz',
    '/deviceManagement/termsAndConditions',
  ])
    assert.equal(apiVersionFor(p), 'v1.0', p);
  assert.throws(() => apiVersionFor('/deviceManagement/configurationPolicies'), /add it to API_VERSION_RULES/);
});

test('scopes per phase: least privilege, read-only variants, resource form per cloud', () => {
  assert.deepEqual(scopesFor('import'), [
    'DeviceManagementApps.ReadWrite.All',
    'DeviceManagementConfiguration.ReadWrite.All',
    'DeviceManagementServiceConfig.ReadWrite.All',
    'Group.Read.All',
    'User.Read.All',
  ]);
  assert.ok(scopesFor('import', { createGroups: true }).includes('Group.ReadWrite.All'));
  assert.ok(!scopesFor('import', { createGroups: true }).includes('Group.Read.All'));
  for (const use of ['status', 'waves', 'authority'] as const)
    assert.ok(
      scopesFor(use).every((s) => !s.includes('ReadWrite')),
      use,
    );
  for (const use of ['import', 'prepare'] as const)
    assert.ok(
      scopesFor(use, { readOnly: true, createGroups: true }).every((s) => !s.includes('ReadWrite')),
      use,
    );
  assert.ok(!allScopes().some((s) => /Directory\.ReadWrite|RoleManagement/.test(s)));
  assert.deepEqual(qualifyScopes(['User.Read.All', 'offline_access'], 'usgov'), [
    'https://graph.microsoft.us/User.Read.All',
    'offline_access',
  ]);
  assert.deepEqual(qualifyScopes(['User.Read.All'], 'global'), ['User.Read.All']);
  assert.deepEqual(defaultScopes('china'), ['https://microsoftgraph.chinacloudapi.cn/.default']);
});
