// Issue 11 item 5: every setting of every digest ends in exactly one outcome (unchanged, changed
// old -> new with why, dropped with why), checked over the whole Contoso site; and the rules that
// used to coerce or guess in silence now give a verdict. Fixtures are digests as a site stores them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildPicture } from '../../src/core/analysis/picture';
import type { ConfigurationItem, SiteModel, SiteObject } from '../../src/core/site/model';
import { parseConfigurationItem, parseSiteObjects } from '../../src/core/site/sdm';
import { checkSettingOutcomes, translateApp, translateObject, type Translation } from '../../src/core/translate';
import { summarize } from '../../src/cli/commands/site';
import { loadContosoModel } from '../fixtures/contoso/load';

const DC = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';
const RULES = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/06/14/Rules';

function ci(digest: string, over: Partial<ConfigurationItem> = {}): ConfigurationItem {
  return {
    ciId: 16777777,
    uniqueId: 'ScopeId_4F1E/ConfigurationPolicy_9A1B/3',
    modelName: 'ScopeId_4F1E/ConfigurationPolicy_9A1B',
    ciTypeId: 3,
    name: 'Northwind – field tablets',
    description: 'Passcode for the warehouse fleet',
    version: 3,
    isEnabled: true,
    isExpired: false,
    dateLastModified: '2018-04-11T09:12:00.000Z',
    digest,
    ...over,
  };
}
const ref = (name: string, type: string) =>
  `<SettingReference AuthoringScopeId="ScopeId_4F1E" LogicalName="ConfigurationPolicy_9A1B" SettingLogicalName="${name}" DataType="${type}"/>`;
const equals = (name: string, type: string, value: string) =>
  `<Expression><Operator>Equals</Operator><Operands>${ref(name, type)}<ConstantValue Value="${value}" DataType="${type}"/></Operands></Expression>`;
const rule = (id: string, expression: string) => `<Rule xmlns="${RULES}" id="${id}" Severity="Critical">${expression}</Rule>`;
const digest = (element: string, platformRules: string[], rules: string, settings = '') =>
  `<?xml version="1.0" encoding="utf-16"?><DesiredConfigurationDigest xmlns="${DC}"><${element} AuthoringScopeId="ScopeId_4F1E" LogicalName="ConfigurationPolicy_9A1B" Version="3">` +
  `<PlatformApplicabilityCondition><OperatingSystemExpression xmlns="${RULES}"><Operator>OneOf</Operator><Operands>${platformRules
    .map((r) => `<RuleExpression RuleId="${r}"/>`)
    .join('')}</Operands></OperatingSystemExpression></PlatformApplicabilityCondition>` +
  `<Settings>${settings}</Settings><Rules>${rules}</Rules></${element}></DesiredConfigurationDigest>`;
const resolve = (name: string) => (name.startsWith('ScopeId_4F1E/TrustedRoot') ? 'ScopeId_4F1E/TrustedRoot_77/1' : null);

function read(d: string, over: Partial<ConfigurationItem> = {}): { objects: SiteObject[]; translations: Translation[] } {
  const objects = parseConfigurationItem(ci(d, over), resolve);
  return { objects, translations: objects.map((o) => translateObject(o)) };
}
const outcomeOf = (t: Translation, setting: string) => t.verdict.settings?.find((o) => o.setting === setting);

describe('every setting accounted for', () => {
  let model: SiteModel;
  before(async () => {
    model = await loadContosoModel();
  });

  it('over every Contoso object, each setting read has exactly one outcome', () => {
    const parsed = parseSiteObjects(model);
    assert.ok(parsed.objects.length >= 30);
    const problems = parsed.objects.flatMap((o) =>
      checkSettingOutcomes(o, translateObject(o, { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll' })),
    );
    assert.deepEqual(problems, []);
    // Not vacuous: the site's objects read settings, and all three outcomes occur.
    const all = parsed.objects.flatMap((o) => translateObject(o).verdict.settings ?? []);
    assert.ok(all.length > 100, `${all.length} outcomes`);
    assert.ok(all.some((o) => o.outcome === 'unchanged'));
    assert.ok(all.some((o) => o.outcome === 'dropped'));
  });

  it('the check catches a setting with no outcome and one with two', () => {
    const { objects, translations } = read(
      digest(
        'OperatingSystem',
        ['Platform/iOS_All'],
        rule('R1', equals('PasswordRequired', 'Boolean', 'true')) + rule('R2', equals('MinimumPasswordLength', 'Int64', '6')),
      ),
    );
    assert.deepEqual(checkSettingOutcomes(objects[0], translations[0]), []);
    const t = structuredClone(translations[0]);
    t.verdict.settings = [
      { setting: 'PasswordRequired', outcome: 'unchanged' },
      { setting: 'PasswordRequired', outcome: 'dropped', reason: 'x' },
    ];
    const problems = checkSettingOutcomes(objects[0], t);
    assert.ok(
      problems.some((p) => /MinimumPasswordLength has no outcome/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /PasswordRequired has 2 outcomes/.test(p)),
      problems.join('\n'),
    );
  });

  it('an unknown payload attribute is dropped with a reason, not ignored', () => {
    const { objects, translations } = read(
      digest(
        'ConfigurationPolicy',
        ['Platform/iOS_All'],
        '',
        `<ScepCertificate SubjectNameFormat="SubjectRequireCommonName" SubjectAlternativeName="SubjectAltRequireUpn" KeySize="2048" KeyUsage="DigitalSignature" ValidityPeriod="2" ValidityUnit="Years" RenewalThreshold="20" HashAlgorithm="SHA2"><RootCertificate AuthoringScopeId="ScopeId_4F1E" LogicalName="TrustedRoot_77"/><ScepServer Url="https://ndes.northwind.test/certsrv/mscep/mscep.dll"/></ScepCertificate>`,
      ),
    );
    const t = translations[0];
    assert.deepEqual(checkSettingOutcomes(objects[0], t), []);
    assert.equal(t.verdict.status, 'partial');
    assert.match(outcomeOf(t, 'HashAlgorithm')?.outcome ?? '', /dropped/);
    assert.equal(outcomeOf(t, 'KeySize')?.outcome, 'unchanged');
  });
});

describe('values Graph would refuse or read differently are never coerced silently', () => {
  const scep = (attrs: string) =>
    digest(
      'ConfigurationPolicy',
      ['Windows/All_Windows_10_and_higher_Clients'],
      '',
      `<ScepCertificate ${attrs}><RootCertificate AuthoringScopeId="ScopeId_4F1E" LogicalName="TrustedRoot_77"/><ScepServer Url="https://ndes.northwind.test/certsrv/mscep/mscep.dll"/></ScepCertificate>`,
    );
  const base = 'SubjectNameFormat="CommonName" SubjectAlternativeName="UserPrincipalName" KeyUsage="DigitalSignature" ValidityUnit="Years"';

  it('a key size Intune does not offer blocks (it used to become 2048)', () => {
    const { objects, translations } = read(scep(`${base} KeySize="3072" ValidityPeriod="1" RenewalThreshold="20"`));
    assert.equal(translations[0].verdict.status, 'notImportable');
    assert.match(translations[0].verdict.reasons.join('\n'), /key size is 3072 bits.*1024, 2048 or 4096/);
    assert.deepEqual(checkSettingOutcomes(objects[0], translations[0]), []);
    assert.equal(outcomeOf(translations[0], 'KeySize')?.outcome, 'dropped');
  });

  it('a renewal threshold outside 1-99 and a zero validity block (they used to become 20 and 1)', () => {
    const t1 = read(scep(`${base} KeySize="2048" ValidityPeriod="1" RenewalThreshold="100"`)).translations[0];
    assert.equal(t1.verdict.status, 'notImportable');
    assert.match(t1.verdict.reasons.join('\n'), /renewal threshold is 100%; Graph takes 1 to 99/);
    const t2 = read(scep(`${base} KeySize="2048" ValidityPeriod="0" RenewalThreshold="20"`)).translations[0];
    assert.equal(t2.verdict.status, 'notImportable');
    assert.match(t2.verdict.reasons.join('\n'), /validity period is 0 years/);
  });

  it('an overflowing integer setting blocks; a too-short password minimum is raised and said so; a too-long one blocks', () => {
    const rules = (length: string) =>
      digest(
        'OperatingSystem',
        ['Platform/iOS_All'],
        rule('R1', equals('PasswordRequired', 'Boolean', 'true')) + rule('R2', equals('MinimumPasswordLength', 'Int64', length)),
      );
    const overflow = read(rules('4294967296')).translations[0];
    assert.equal(overflow.verdict.status, 'notImportable');
    assert.match(overflow.verdict.reasons.join('\n'), /4294967296, which overflows the 32-bit/);

    const { objects, translations } = read(rules('2'));
    const short = translations[0];
    assert.equal(short.verdict.status, 'partial');
    assert.equal(short.request?.body.passcodeMinimumLength, 4);
    assert.deepEqual(outcomeOf(short, 'MinimumPasswordLength'), {
      setting: 'MinimumPasswordLength',
      outcome: 'changed',
      from: '2',
      to: '4',
      reason:
        "Intune's iosGeneralDeviceConfiguration.passcodeMinimumLength takes 4 to 14; 4 is the shortest it allows (stricter, never weaker)",
    });
    assert.match(short.verdict.reasons.join('\n'), /Minimum password length \(passwordMinimumLength\) is changed from 2 to 4/);
    assert.deepEqual(checkSettingOutcomes(objects[0], short), []);

    const long = read(rules('20')).translations[0];
    assert.equal(long.verdict.status, 'notImportable');
    assert.match(
      long.verdict.reasons.join('\n'),
      /is 20, outside the 4 to 14 Graph documents for iosGeneralDeviceConfiguration\.passcodeMinimumLength/,
    );
  });

  it('an Or rule blocks and names its settings; an And of Equals rules reads as the rules themselves', () => {
    const or = rule(
      'R_or',
      `<Expression><Operator>Or</Operator><Operands>${equals('AllowCamera', 'Boolean', 'false')}${equals('AllowScreenCapture', 'Boolean', 'false')}</Operands></Expression>`,
    );
    const { objects, translations } = read(
      digest('OperatingSystem', ['Platform/iOS_All'], or + rule('R1', equals('PasswordRequired', 'Boolean', 'true'))),
    );
    assert.equal(translations[0].verdict.status, 'notImportable');
    assert.match(translations[0].verdict.reasons.join('\n'), /rule R_or combines AllowCamera, AllowScreenCapture with Or/);
    assert.deepEqual(checkSettingOutcomes(objects[0], translations[0]), []);
    assert.equal(outcomeOf(translations[0], 'AllowCamera')?.outcome, 'dropped');

    const and = rule(
      'R_and',
      `<Expression><Operator>And</Operator><Operands>${equals('PasswordRequired', 'Boolean', 'true')}${equals('MinimumPasswordLength', 'Int64', '8')}</Operands></Expression>`,
    );
    const anded = read(digest('OperatingSystem', ['Platform/iOS_All'], and));
    assert.equal(anded.translations[0].verdict.status, 'importable');
    assert.equal(anded.translations[0].request?.body.passcodeMinimumLength, 8);
    assert.equal(anded.translations[0].request?.body.passcodeRequired, true);
  });

  it('a comparison rule (GreaterEquals) and one setting set twice to different values block', () => {
    const ge = rule(
      'R_ge',
      `<Expression><Operator>GreaterEquals</Operator><Operands>${ref('MinimumPasswordLength', 'Int64')}<ConstantValue Value="6" DataType="Int64"/></Operands></Expression>`,
    );
    const t = read(digest('CompliancePolicy', ['Platform/Android_All'], ge)).translations[0];
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons.join('\n'), /requires MinimumPasswordLength GreaterEquals 6/);
    const twice = read(
      digest(
        'OperatingSystem',
        ['Platform/iOS_All'],
        rule('R1', equals('MinimumPasswordLength', 'Int64', '6')) + rule('R2', equals('MinimumPasswordLength', 'Int64', '8')),
      ),
    ).translations[0];
    assert.equal(twice.verdict.status, 'notImportable');
    assert.match(twice.verdict.reasons.join('\n'), /MinimumPasswordLength is set twice, to '6' and to '8'/);
  });
});

describe('platforms, terms and names', () => {
  const passcode = rule('R1', equals('PasswordRequired', 'Boolean', 'true'));

  it('a Windows Phone 8.1 CI is blocked with that reason, never mapped to Windows 10', () => {
    const { translations } = read(digest('OperatingSystem', ['Windows/WinPhone81_All'], passcode));
    assert.equal(translations.length, 1);
    const t = translations[0];
    assert.equal(t.verdict.status, 'notImportable');
    assert.equal(t.request, undefined);
    assert.equal(t.source.platform, 'unknown');
    assert.match(t.verdict.reasons[0], /targets Windows Phone 8\.1, which Intune can't target/);
  });

  it('Windows Phone rule ids with words joined by underscores are the phone too, not Windows 10', () => {
    // ConfigMgr's own ids (WindowsPhone/…) and a Windows/ one naming the phone, as the Fabrikam site has it.
    for (const id of ['Windows/All_Windows_Phone_8.1', 'WindowsPhone/Windows_Phone_8_1', 'WindowsPhone/All_Windows_Phone']) {
      const [t, ...more] = read(digest('OperatingSystem', [id], passcode)).translations;
      assert.equal(more.length, 0, id);
      assert.equal(t.source.platform, 'unknown', id);
      assert.equal(t.verdict.status, 'notImportable', id);
      assert.equal(t.request, undefined, id);
      assert.match(t.verdict.reasons[0], /targets Windows Phone 8\.1, which Intune can't target/, id);
    }
    // Beside Windows 10, the Windows 10 object is imported and the phones are said to get nothing.
    const both = read(
      digest('OperatingSystem', ['Windows/All_x64_Windows_10_and_higher_Clients', 'Windows/All_Windows_Phone_8.1'], passcode),
    );
    assert.deepEqual(
      both.translations.map((t) => [t.source.platform, t.verdict.status]),
      [['windows', 'importable']],
    );
    assert.match(both.translations[0].verdict.notes.join('\n'), /also targets Windows Phone 8\.1/);
  });

  it('Windows Phone beside iOS: the iOS object is imported and says the phones get nothing', () => {
    const { translations } = read(digest('OperatingSystem', ['Platform/iOS_All', 'Windows/WinPhone81_All'], passcode));
    assert.deepEqual(
      translations.map((t) => [t.source.platform, t.verdict.status]),
      [['ios', 'importable']],
    );
    assert.match(translations[0].verdict.notes.join('\n'), /also targets Windows Phone 8\.1/);
  });

  it('site summary counts a Windows Phone CI as unknown, with why, not as Windows', async () => {
    const model = await loadContosoModel();
    const before = summarize(model);
    model.configurationItems.push(ci(digest('OperatingSystem', ['Windows/WinPhone81_All'], passcode), { ciId: 16779998 }));
    const after = summarize(model);
    assert.equal(after.objects.configuration.unknown, 1);
    assert.equal(after.objects.configuration.windows, before.objects.configuration.windows);
    assert.deepEqual(
      after.problems.find((p) => p.ciId === 16779998),
      { ciId: 16779998, name: 'Northwind – field tablets', platform: 'unknown', problems: ['targets Windows Phone 8.1'] },
    );
  });

  it('an unknown platform is blocked as unknown, not guessed', () => {
    const t = read(digest('OperatingSystem', ['Platform/Tizen_All'], passcode)).translations[0];
    assert.equal(t.verdict.status, 'notImportable');
    assert.equal(t.source.platform, 'unknown');
    assert.match(t.verdict.reasons[0], /names no platform Intune can target/);
  });

  it('terms and conditions are recognised as such even when the digest reads as something else', async () => {
    const model = await loadContosoModel();
    const termsDigest = digest('ConfigurationPolicy', ['Platform/iOS_All'], '', '<TermsAndConditions Title="Northwind acceptable use"/>');
    model.configurationItems.push(ci(termsDigest, { name: 'Northwind acceptable use', ciId: 16779999 }));
    const parsed = parseSiteObjects(model);
    const picture = buildPicture({
      site: model,
      objects: parsed.objects,
      apps: parsed.apps,
      plan: { version: 1, site: { source: 'snapshot', path: 'site.json' }, tenant: { tenantId: 'northwind.test', clientId: 'c' } } as never,
      tenant: { objects: [], groups: [] },
      ledger: new Map(),
    });
    const items = picture.items.filter((i) => i.translation.source.ciId === 16779999);
    assert.equal(items.length, 1);
    assert.equal(items[0].translation.source.kind, 'termsAndConditions');
  });

  it('an empty or over-long display name is a verdict', () => {
    const empty = read(digest('OperatingSystem', ['Platform/iOS_All'], passcode), { name: '  ' }).translations[0];
    assert.equal(empty.verdict.status, 'notImportable');
    assert.match(empty.verdict.reasons.join('\n'), /no display name/);
    const long = read(digest('OperatingSystem', ['Platform/iOS_All'], passcode), { name: 'N'.repeat(300) }).translations[0];
    assert.equal(long.verdict.status, 'notImportable');
    assert.match(long.verdict.reasons.join('\n'), /300 characters, longer than the 256/);
    const app = translateApp(
      {
        ciId: 1,
        uniqueId: 'ScopeId_4F1E/Application_1/1',
        name: '',
        publisher: 'Northwind',
        description: '',
        isSuperseded: false,
        deploymentTypes: [],
      },
      { kind: 'webApp', appUrl: 'https://intranet.northwind.test', useManagedBrowser: false },
    );
    assert.equal(app.verdict.status, 'notImportable');
  });
});

describe('ConfigMgr vocabulary (New-CMCertificateProfileScep, New-CMEmailProfile)', () => {
  it('SCEP: SubjectRequireCommonName, SubjectAltRequireUpn and InstallToTPM_IfPresent are read, not refused', () => {
    const { objects, translations } = read(
      digest(
        'ConfigurationPolicy',
        ['Windows/All_Windows_10_and_higher_Clients'],
        '',
        `<ScepCertificate SubjectNameFormat="SubjectRequireCommonName" SubjectAlternativeName="SubjectAltRequireUpn,SubjectAltReqiureEmail" KeySize="2048" KeyUsage="DigitalSignature,KeyEncipherment" ValidityPeriod="1" ValidityUnit="Years" RenewalThreshold="20" KeyStorageProvider="InstallToTPM_FailIfNotPresent"><RootCertificate AuthoringScopeId="ScopeId_4F1E" LogicalName="TrustedRoot_77"/><ScepServer Url="https://ndes.northwind.test/certsrv/mscep/mscep.dll"/></ScepCertificate>`,
      ),
    );
    assert.deepEqual(objects[0].problems, []);
    const body = translations[0].request?.body;
    assert.equal(body?.subjectNameFormat, 'commonName');
    assert.equal(body?.subjectAlternativeNameType, 'userPrincipalName,emailAddress');
    assert.equal(body?.keyStorageProvider, 'useTpmKspOtherwiseFail');
    assert.deepEqual(checkSettingOutcomes(objects[0], translations[0]), []);
  });

  it('e-mail: mail and sAMAccountName are read', () => {
    const { objects, translations } = read(
      digest(
        'ConfigurationPolicy',
        ['Platform/iOS_All'],
        '',
        '<EmailProfile Host="mail.northwind.test" AccountName="Northwind" UserName="sAMAccountName" EmailAddress="mail" UseSsl="true" SyncDuration="OneWeek" SyncCalendar="true" SyncContacts="true" SyncTasks="false" Authentication="UsernameAndPassword"/>',
      ),
    );
    assert.deepEqual(objects[0].problems, []);
    assert.equal(translations[0].request?.body.emailAddressSource, 'primarySmtpAddress');
    assert.equal(translations[0].request?.body.usernameAADSource, 'samAccountName');
  });

  it('a subject name format Intune has no counterpart for blocks, naming the value', () => {
    const t = read(
      digest(
        'ConfigurationPolicy',
        ['Platform/iOS_All'],
        '',
        '<ScepCertificate SubjectNameFormat="SubjectRequireDirectoryPath" SubjectAlternativeName="None" KeySize="2048" KeyUsage="DigitalSignature" ValidityPeriod="1" ValidityUnit="Years" RenewalThreshold="20"><RootCertificate AuthoringScopeId="ScopeId_4F1E" LogicalName="TrustedRoot_77"/></ScepCertificate>',
      ),
    ).translations[0];
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons.join('\n'), /Subject name format 'SubjectRequireDirectoryPath' is not one cm2intune knows/);
  });
});

describe('Wi-Fi proxy port', () => {
  it('a proxy port that is no port number blocks, naming it, rather than reaching Graph as NaN', () => {
    const { translations } = read(
      digest(
        'ConfigurationPolicy',
        ['Platform/iOS_All'],
        '',
        '<WifiProfile Ssid="Northwind-Stores" ConnectAutomatically="true" Hidden="false" Security="WPA2Personal"><Proxy Host="proxy.northwind.test" Port="80a"/></WifiProfile>',
      ),
    );
    assert.equal(translations[0].verdict.status, 'notImportable');
    assert.match(translations[0].verdict.reasons.join('\n'), /proxy port '80a' is not a whole number/);
  });
});

describe('ConfigMgr vocabulary (Set-CMWirelessProfile)', () => {
  const wifi = (security: string, eap: string) =>
    digest(
      'ConfigurationPolicy',
      ['Platform/iOS_All'],
      '',
      `<WifiProfile Ssid="Northwind-Corp" ConnectAutomatically="true" Hidden="false" Security="${security}" EapType="${eap}"><RootCertificate AuthoringScopeId="ScopeId_4F1E" LogicalName="TrustedRoot_77"/></WifiProfile>`,
    );

  it('WPA2_Enterprise with PEAP and TTLS are read as Graph spells them', () => {
    const peap = read(wifi('WPA2_Enterprise', 'PEAP'));
    assert.deepEqual(peap.objects[0].problems, []);
    assert.equal(peap.translations[0].request?.body.wiFiSecurityType, 'wpa2Enterprise');
    assert.equal(peap.translations[0].request?.body.eapType, 'peap');
    assert.equal(read(wifi('WPA2_Enterprise', 'TTLS')).translations[0].request?.body.eapType, 'eapTtls');
  });

  it('EAP-AKA has no Intune counterpart: blocked, naming it', () => {
    const t = read(wifi('WPA2_Enterprise', 'AKA')).translations[0];
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons.join('\n'), /EAP type 'AKA' is not one cm2intune knows/);
  });
});
