// `cm2intune site probe` over the wire (the real CLI, mssql/tedious against the TDS test server):
// the Contoso site plus profiles whose every free-text field carries a planted, distinctive
// marker. The report shows the digests' shape and enum values, and none of the planted data.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProbeReport } from '../../src/core/site/probe';
import { startTdsTestServer, type TdsTestServer } from '../../src/sandbox/site/tds';
import { runCli } from '../support/cli';

const DC = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';
const RULES = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/06/14/Rules';
const SCOPE = 'ScopeId_5C0FFEE0-1111-4222-8333-944455556666';
const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

// Every planted value holds "quokka" or "zephyr" (any case): none may reach the report. Setting
// logical names are shown (ConfigMgr generates or ships them: RegSetting_<guid>, MinimumPasswordLength);
// what an admin types goes to the annotation and the values, which are planted.
const PLANTED = /quokka|zephyr/i;
const profile = (logical: string, platformRule: string, settings: string, rules = '') =>
  `<?xml version="1.0" encoding="utf-16"?><DesiredConfigurationDigest xmlns="${DC}"><ConfigurationPolicy AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="2">` +
  `<Annotation xmlns="${RULES}"><DisplayName Text="Zephyr Quokka lab profile" ResourceId="ID-1"/><Description Text="Owned by ada.quokka@zephyr.example"/></Annotation>` +
  `<PlatformApplicabilityCondition><OperatingSystemExpression xmlns="${RULES}"><Operator>OneOf</Operator><Operands><RuleExpression RuleId="${platformRule}"/></Operands></OperatingSystemExpression></PlatformApplicabilityCondition>` +
  `<Settings>${settings}</Settings><Rules>${rules}</Rules></ConfigurationPolicy></DesiredConfigurationDigest>`;
const digests = {
  wifi: profile(
    'ConfigurationPolicy_q1',
    'Platform/iOS_All',
    `<WifiProfile Ssid="QuokkaNet-7731" ConnectAutomatically="true" Hidden="false" Security="WPA2Enterprise" EapType="PEAP" Realm="ZephyrRealm">` +
      `<TrustedServerName>radius.zephyr-quokka.example</TrustedServerName><Proxy Host="proxy.quokka.example" Port="3128"/></WifiProfile>`,
  ),
  email: profile(
    'ConfigurationPolicy_q2',
    'Platform/Android_All',
    `<EmailProfile Host="mx.zephyr-quokka.example" AccountName="Quokka Mail" UserName="sAMAccountName" EmailAddress="mail" UseSsl="true" SyncDuration="OneWeek" SyncCalendar="true" SyncContacts="false" SyncTasks="false" Authentication="UsernameAndPassword" Domain="ZEPHYRCORP"/>`,
  ),
  scep: profile(
    'ConfigurationPolicy_q3',
    'Windows/WinPhone81_All',
    `<ScepCertificate SubjectNameFormat="SubjectRequireCommonName" SubjectAlternativeName="SubjectAltRequireUpn" KeySize="2048" KeyUsage="DigitalSignature,KeyEncipherment" ValidityPeriod="2" ValidityUnit="Years" RenewalThreshold="20" CertificateTemplateName="QuokkaUserTemplate">` +
      `<ScepServer Url="https://ndes.zephyr-quokka.example/certsrv/mscep/mscep.dll"/><ExtendedKeyUsage Name="Quokka auth" Oid="1.3.6.1.5.5.7.3.2"/></ScepCertificate>`,
  ),
  root: profile(
    'ConfigurationPolicy_q4',
    'Platform/MacOSX_All',
    `<TrustedRootCertificate FileName="ZephyrQuokkaRoot.cer">MIIQuokkaZephyrCertificateBase64==</TrustedRootCertificate>`,
  ),
  oma: profile(
    'OperatingSystem_q5',
    'Windows/All_Windows_10_and_higher_Clients',
    `<OmaUriSettings><OmaUri Name="Quokka kiosk URL" Uri="./Vendor/MSFT/Policy/Config/Browser/HomePages" DataType="String" Value="https://intranet.zephyr.example"/></OmaUriSettings>`,
    `<Rule xmlns="${RULES}" id="R_q" Severity="Critical"><Expression><Operator>GreaterEquals</Operator><Operands><SettingReference AuthoringScopeId="${SCOPE}" LogicalName="OperatingSystem_q5" SettingLogicalName="MinimumPasswordLength" DataType="Int64"/><ConstantValue Value="8" DataType="Int64"/></Operands></Expression></Rule>` +
      `<Rule xmlns="${RULES}" id="R_q2" Severity="Critical"><Expression><Operator>Equals</Operator><Operands><SettingReference AuthoringScopeId="${SCOPE}" LogicalName="OperatingSystem_q5" SettingLogicalName="RegSetting_5d1f0c2a-7b3e-4c55-9a61-2f8e9d0b4c17" DataType="String"/><ConstantValue Value="zephyr-value" DataType="String"/></Operands></Expression></Rule>`,
  ),
};
const rows = Object.values(digests).map((d, i) => {
  const id = 16780001 + i;
  return {
    id,
    sql: `(${id}, '${SCOPE}/ConfigurationPolicy_q${i}/2', '${SCOPE}/ConfigurationPolicy_q${i}', ${780001 + i}, 50, 2, 0, 1, 0, 0, 'P01', '2018-06-01 00:00:00', '2018-06-01 00:00:00', 'ZEPHYR\\quokka.admin', 'ZEPHYR\\quokka.admin', ${sqlText(d)}, 1)`,
  };
});
const PLANTED_SQL = `
INSERT INTO v_ConfigurationItems (CI_ID, CI_UniqueID, ModelName, SDMPackage_ID, CIType_ID, CIVersion, IsHidden, IsEnabled, IsExpired, IsSuperseded, SourceSite, DateCreated, DateLastModified, CreatedBy, LastModifiedBy, SDMPackageDigest, IsLatest) VALUES
${rows.map((r) => r.sql).join(',\n')};
INSERT INTO v_LocalizedCIProperties (CI_ID, LocaleID, DisplayName, Description) VALUES
${rows.map((r) => `(${r.id}, 1033, 'Zephyr Quokka ${r.id}', 'Ask ada.quokka@zephyr.example')`).join(', ')};
`;

describe('cm2intune site probe', () => {
  let server: TdsTestServer;
  let dir: string;
  let text: string;
  let report: ProbeReport;
  let stderr: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cm2intune-probe-'));
    writeFileSync(join(dir, 'planted.sql'), PLANTED_SQL);
    server = await startTdsTestServer({
      fixtureFiles: [join(__dirname, '../../src/sandbox/site/contoso/contoso.sql'), join(dir, 'planted.sql')],
      log: () => {},
    });
    writeFileSync(join(dir, 'ca.pem'), server.caPem);
    const r = await runCli(
      [
        'site',
        'probe',
        '--sql',
        `Server=${server.host},${server.port};Database=${server.database};User Id=${server.user};Encrypt=true`,
        '--ca',
        'ca.pem',
        '-o',
        'probe.json',
      ],
      { cwd: dir, env: { CM2INTUNE_SQL_PASSWORD: server.password }, timeoutMs: 120_000 },
    );
    stderr = r.stderr;
    assert.equal(r.code, 0, r.stderr);
    text = readFileSync(join(dir, 'probe.json'), 'utf8');
    report = JSON.parse(text) as ProbeReport;
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaks none of the planted names, hosts, URLs, SSIDs, certificates or accounts, nor Contoso users', () => {
    assert.doesNotMatch(text, PLANTED);
    for (const data of [
      "wei.o'brien",
      'yamada.taro@contoso.com',
      '山田',
      'mail.contoso.com',
      'Contoso-Corp',
      'MIID',
      'https://',
      'CONTOSO\\\\',
    ])
      assert.ok(!text.includes(data), `the report holds ${data}`);
    assert.match(stderr, /holds no names, addresses or certificates/);
  });

  it('shows per CI type the element and attribute names, and the enum-like value sets', () => {
    const wifi = Object.entries(report.configurationItems).filter(([k]) => k.includes('ConfigurationPolicy/WifiProfile'));
    assert.ok(wifi.length > 0, Object.keys(report.configurationItems).join(', '));
    const path = 'DesiredConfigurationDigest/ConfigurationPolicy/Settings/WifiProfile';
    const security = wifi.flatMap(([, g]) => g.elements[path]?.attributes.Security?.values ?? []);
    assert.ok(security.includes('WPA2Enterprise'), JSON.stringify(security));
    const ssid = wifi.map(([, g]) => g.elements[path]?.attributes.Ssid).find(Boolean);
    assert.equal(ssid?.values, undefined);
    assert.equal(ssid?.withheld, 'free text');
    assert.ok((ssid?.distinct ?? 0) >= 2);
    const email = Object.entries(report.configurationItems).find(([k]) => k.includes('EmailProfile'))![1];
    const attrs = email.elements['DesiredConfigurationDigest/ConfigurationPolicy/Settings/EmailProfile'].attributes;
    assert.ok(attrs.UserName.values?.includes('sAMAccountName'));
    assert.ok(attrs.EmailAddress.values?.includes('mail'));
    assert.equal(attrs.Host.values, undefined);
    const scep = Object.entries(report.configurationItems).find(([k]) => k.includes('ScepCertificate'))![1];
    const scepAttrs = scep.elements['DesiredConfigurationDigest/ConfigurationPolicy/Settings/ScepCertificate'].attributes;
    assert.ok(scepAttrs.SubjectNameFormat.values?.includes('SubjectRequireCommonName'));
    assert.deepEqual(
      scepAttrs.KeySize.values,
      ['2048', '4096'].filter((v) => scepAttrs.KeySize.values?.includes(v)),
    );
    const root = Object.entries(report.configurationItems).find(([k]) => k.includes('TrustedRootCertificate'))![1];
    assert.ok(root.elements['DesiredConfigurationDigest/ConfigurationPolicy/Settings/TrustedRootCertificate'].withText >= 1);
  });

  it("names where the reader's assumptions fail, by name only", () => {
    const surprises = Object.values(report.configurationItems).flatMap((g) => g.surprises);
    assert.ok(
      surprises.some((s) => /WifiProfile: cm2intune does not read 'Realm'/.test(s)),
      surprises.join('\n'),
    );
    assert.ok(surprises.some((s) => /EmailProfile: cm2intune does not read 'Domain'/.test(s)));
    assert.ok(surprises.some((s) => /operator 'GreaterEquals'/.test(s)));
    const settings = Object.values(report.configurationItems).flatMap((g) => Object.keys(g.settings));
    assert.ok(settings.includes('MinimumPasswordLength'));
  });
});
