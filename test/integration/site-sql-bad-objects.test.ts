// One object's bad data never stops the site read: the Contoso site plus a digest nested 3,000
// deep, a CI and an application whose CI_UniqueID is NULL, read over the wire (real mssql/tedious
// against the TDS test server). Each bad one is listed, blocked with its reason; the rest is read.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPicture } from '../../src/core/analysis';
import type { MigrationPlan } from '../../src/core/plan/types';
import { openSiteSource } from '../../src/core/site';
import type { SiteModel } from '../../src/core/site/model';
import { parseSiteObjects, type ParsedSite } from '../../src/core/site/sdm';
import { translateObject } from '../../src/core/translate';
import { expected, loadContosoModel } from '../fixtures/contoso/load';
import { startTdsTestServer, type TdsTestServer } from '../../src/sandbox/site/tds';

const DC = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';
const RULES = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/06/14/Rules';
const SCOPE = 'ScopeId_7E3D2B1C-4F5A-4C1B-9D2E-5A6B7C8D9E0F';
const passcodeDigest = (logical: string, inner = '') =>
  `<?xml version="1.0" encoding="utf-16"?><DesiredConfigurationDigest xmlns="${DC}"><OperatingSystem AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="1">` +
  `<PlatformApplicabilityCondition><OperatingSystemExpression xmlns="${RULES}"><Operator>OneOf</Operator><Operands><RuleExpression RuleId="Platform/iOS_All"/></Operands></OperatingSystemExpression></PlatformApplicabilityCondition>` +
  `<Settings>${inner}</Settings><Rules><Rule xmlns="${RULES}" id="R1" Severity="Warning"><Expression><Operator>Equals</Operator><Operands>` +
  `<SettingReference AuthoringScopeId="${SCOPE}" LogicalName="${logical}" SettingLogicalName="PasswordRequired" DataType="Boolean"/><ConstantValue Value="true" DataType="Boolean"/>` +
  `</Operands></Expression></Rule></Rules></OperatingSystem></DesiredConfigurationDigest>`;
const DEEP = 3000;
const deepDigest = passcodeDigest('OperatingSystem_deep', `${'<Custom>'.repeat(DEEP)}x${'</Custom>'.repeat(DEEP)}`);
const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const dtDigest = `<AppMgmtDigest xmlns="http://schemas.microsoft.com/SystemCenterConfigurationManager/2009/AppMgmtDigest"><DeploymentType AuthoringScopeId="${SCOPE}" LogicalName="DeploymentType_x" Version="1"><Technology>WebApp</Technology><Installer Technology="WebApp"><InstallAction><Args><Arg Name="PackageUri">https://portal.contoso.com</Arg></Args></InstallAction></Installer></DeploymentType></AppMgmtDigest>`;

const BAD_ROWS = `
INSERT INTO v_ConfigurationItems (CI_ID, CI_UniqueID, ModelName, SDMPackage_ID, CIType_ID, CIVersion, IsHidden, IsEnabled, IsExpired, IsSuperseded, SourceSite, DateCreated, DateLastModified, CreatedBy, LastModifiedBy, SDMPackageDigest, IsLatest) VALUES
(16779001, '${SCOPE}/OperatingSystem_deep/1', '${SCOPE}/OperatingSystem_deep', 779001, 3, 1, 0, 1, 0, 0, 'P01', '2019-01-01 00:00:00', '2019-01-01 00:00:00', 'CONTOSO\\cmadmin', 'CONTOSO\\cmadmin', ${sqlText(deepDigest)}, 1),
(16779002, NULL, '${SCOPE}/OperatingSystem_noid', 779002, 3, 1, 0, 1, 0, 0, 'P01', '2019-01-01 00:00:00', '2019-01-01 00:00:00', 'CONTOSO\\cmadmin', 'CONTOSO\\cmadmin', ${sqlText(passcodeDigest('OperatingSystem_noid'))}, 1),
(16779003, NULL, '${SCOPE}/Application_noid', 779003, 10, 1, 0, 1, 0, 0, 'P01', '2019-01-01 00:00:00', '2019-01-01 00:00:00', 'CONTOSO\\cmadmin', 'CONTOSO\\cmadmin', NULL, 1),
(16779004, '${SCOPE}/DeploymentType_x/1', '${SCOPE}/DeploymentType_x', 779004, 21, 1, 0, 1, 0, 0, 'P01', '2019-01-01 00:00:00', '2019-01-01 00:00:00', 'CONTOSO\\cmadmin', 'CONTOSO\\cmadmin', ${sqlText(dtDigest)}, 1);
INSERT INTO v_LocalizedCIProperties (CI_ID, LocaleID, DisplayName, Description) VALUES
(16779001, 1033, 'iOS – nested too deep', ''), (16779002, 1033, 'iOS – no unique id', ''), (16779003, 1033, 'Portal (no unique id)', ''), (16779004, 1033, 'Portal web app', '');
INSERT INTO v_CIRelation (FromCIID, ToCIID, RelationType) VALUES (16779003, 16779004, 2);
`;

describe('one bad object in the site database', () => {
  let server: TdsTestServer;
  let dir: string;
  let model: SiteModel;
  let parsed: ParsedSite;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cm2intune-bad-objects-'));
    writeFileSync(join(dir, 'bad.sql'), BAD_ROWS);
    server = await startTdsTestServer({
      fixtureFiles: [join(__dirname, '../../src/sandbox/site/contoso/contoso.sql'), join(dir, 'bad.sql')],
      log: () => {},
    });
    writeFileSync(join(dir, 'ca.pem'), server.caPem);
    const source = openSiteSource(
      {
        source: 'sql',
        server: server.host,
        port: server.port,
        database: server.database,
        siteCode: 'P01',
        auth: { type: 'sql', user: server.user },
        encryption: { caFile: 'ca.pem' },
      },
      { planDir: dir, password: server.password },
    );
    try {
      model = await source.read();
    } finally {
      await source.close();
    }
    parsed = parseSiteObjects(model);
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a digest nested 3,000 deep is a problem on that object, and it is blocked with the reason', () => {
    const deep = parsed.objects.filter((o) => o.ciId === 16779001);
    assert.equal(deep.length, 1);
    assert.deepEqual(deep[0].problems, [
      `the digest nests elements ${DEEP + 3} deep, deeper than the 100 cm2intune reads (ConfigMgr's nest about 12); refused`,
    ]);
    const t = translateObject(deep[0]);
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons[0], /can't be read safely: the digest nests elements 3003 deep/);
  });

  it('a CI whose CI_UniqueID is NULL is listed under its CI_ID, blocked, saying why', () => {
    const ci = model.configurationItems.find((c) => c.ciId === 16779002)!;
    assert.equal(ci.uniqueId, 'CI_ID_16779002');
    const objects = parsed.objects.filter((o) => o.ciId === 16779002);
    assert.equal(objects.length, 1);
    assert.match(objects[0].problems.join(), /ConfigMgr gives it no CI_UniqueID \(v_ConfigurationItems, CI_ID 16779002\)/);
    assert.equal(translateObject(objects[0]).verdict.status, 'notImportable');
  });

  it('an application whose CI_UniqueID is NULL: its package is listed as not importable, with the reason', () => {
    const app = parsed.apps.find((a) => a.application.ciId === 16779003);
    assert.ok(app);
    assert.equal(app.package.kind, 'unsupported');
    assert.match(app.package.kind === 'unsupported' ? app.package.reason : '', /no CI_UniqueID \(v_ConfigurationItems, CI_ID 16779003\)/);
  });

  it('every other object of the site is read as before, and the picture shows the bad ones as blocked', async () => {
    const contoso = parseSiteObjects(await loadContosoModel());
    const key = (o: { ciId: number; platform: string }) => `${o.ciId}/${o.platform}`;
    const others = parsed.objects.filter((o) => o.ciId < 16779000);
    assert.deepEqual(others.map(key), contoso.objects.map(key));
    assert.deepEqual(
      others.filter((o) => o.problems.length).map((o) => o.ciId),
      [expected.samples.xxeCiId],
    );
    assert.equal(parsed.apps.length, contoso.apps.length + 1);

    const plan: MigrationPlan = {
      version: 1,
      name: 'Bad objects',
      site: { source: 'snapshot', path: 'x.json' },
      tenant: { sandbox: true },
    };
    const picture = buildPicture({
      site: model,
      objects: parsed.objects,
      apps: parsed.apps,
      plan,
      tenant: { groups: [], objects: [] },
      ledger: new Map(),
    });
    const state = (ciId: number) => picture.items.filter((i) => i.translation.source.ciId === ciId).map((i) => i.state);
    assert.deepEqual(state(16779001), ['blocked']);
    assert.deepEqual(state(16779002), ['blocked']);
    assert.deepEqual(state(16779003), ['blocked']);
  });
});
