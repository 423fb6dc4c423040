// "Test site connection" over the wire (mssql/tedious against the TDS test server, TLS on, CA
// pinned): what it says of a good site, and the fix it names for a wrong password, a database
// that is not a ConfigMgr site's, a wrong site code, views the login cannot read, and a server
// that is not there. The CLI's `site test` says the very same line.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SqlSiteSource } from '../../src/core/plan/types';
import { SiteSqlError } from '../../src/core/site';
import { SITE_VIEWS, siteConnectionText, testSiteConnection } from '../../src/core/site/sql/check';
import { startTdsTestServer, type TdsTestServer } from '../../src/sandbox/site/tds';
import { runCli } from '../support/cli';
import { tdsSiteConfig } from '../support/tds-site';

const CONTOSO_SQL = join(__dirname, '../../src/sandbox/site/contoso/contoso.sql');

const configFor = (server: TdsTestServer, over: Partial<SqlSiteSource> = {}): SqlSiteSource =>
  tdsSiteConfig(server, `ca-${server.port}.pem`, { connectTimeoutSeconds: 5, ...over });

const rejectsWith = async (work: Promise<unknown>, code: string, message: RegExp) => {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof SiteSqlError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n\s+at /, 'no stack trace');
    return true;
  });
};

describe('test site connection', () => {
  let contoso: TdsTestServer;
  let other: TdsTestServer;
  let partial: TdsTestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cm2intune-site-test-'));
    [contoso, other, partial] = await Promise.all([
      startTdsTestServer({ fixtureFiles: [CONTOSO_SQL], log: () => {} }),
      // Some other application's database: reachable, the login works, no ConfigMgr views.
      startTdsTestServer({
        fixtureFiles: [
          { name: 'payroll', sql: "CREATE TABLE employees (id INT, name NVARCHAR(50)); INSERT INTO employees VALUES (1, 'Ada');" },
        ],
        database: 'Payroll',
        log: () => {},
      }),
      // A site database where the login sees v_Site and the collections, nothing else.
      startTdsTestServer({
        fixtureFiles: [
          {
            name: 'partial',
            sql:
              "CREATE TABLE v_Site (SiteCode NVARCHAR(3), SiteName NVARCHAR(256), ServerName NVARCHAR(256), Type INT, BuildNumber INT, Version NVARCHAR(32)); INSERT INTO v_Site VALUES ('P01', 'Contoso Primary Site', 'CM01', 2, 8853, '5.00.8853.1000');" +
              'CREATE TABLE v_Collection (CollectionID NVARCHAR(8), Name NVARCHAR(255));',
          },
        ],
        log: () => {},
      }),
    ]);
    for (const server of [contoso, other, partial]) writeFileSync(join(dir, `ca-${server.port}.pem`), server.caPem);
  });
  after(async () => {
    await Promise.all([contoso?.close(), other?.close(), partial?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the site, its name, version and build, and reads no rows', async () => {
    const before = contoso.statements.length;
    const report = await testSiteConnection(configFor(contoso), { planDir: dir, password: contoso.password });
    assert.deepEqual(report, {
      server: 'localhost',
      port: contoso.port,
      database: 'CM_P01',
      login: contoso.user,
      siteCode: 'P01',
      siteName: 'Contoso Primary Site',
      version: '5.00.8853.1000',
      buildNumber: 8853,
      views: SITE_VIEWS.length,
    });
    assert.equal(
      siteConnectionText(report),
      `Connected to localhost:${contoso.port} (CM_P01) as ${contoso.user}, read-only: site P01 "Contoso Primary Site", version 5.00.8853.1000; all ${SITE_VIEWS.length} views cm2intune reads are readable.`,
    );
    const sent = contoso.statements.slice(before).filter((s) => /\bFROM\b/i.test(s));
    // Every reader view tried, each but v_Site with a query that returns nothing.
    for (const view of SITE_VIEWS)
      assert.ok(
        sent.some((s) => new RegExp(`FROM ${view}\\b`).test(s)),
        `${view} not tried`,
      );
    assert.ok(sent.filter((s) => !/FROM v_Site\b/.test(s)).every((s) => /WHERE 1 = 0/.test(s)));
  });

  it('a wrong password: login failed, naming the login and where the password comes from', async () => {
    await rejectsWith(
      testSiteConnection(configFor(contoso), { planDir: dir, password: 'not-the-password' }),
      'ELOGIN',
      new RegExp(
        `^Login failed for user '${contoso.user}' on localhost:${contoso.port} \\(database CM_P01\\): check the user and the password`,
      ),
    );
  });

  it('a database that is not a ConfigMgr site database says so and names site.database', async () => {
    await rejectsWith(
      testSiteConnection(configFor(other, { database: 'Payroll' }), { planDir: dir, password: other.password }),
      'ENOTSITE',
      /^Payroll on localhost:\d+ is not a ConfigMgr site database: it has no view v_Site\. Check site\.database/,
    );
  });

  it('a site code the database does not hold names the one it holds', async () => {
    await rejectsWith(
      testSiteConnection(configFor(contoso, { siteCode: 'P02' }), { planDir: dir, password: contoso.password }),
      'ESITECODE',
      /holds site P01, not P02: set site\.siteCode/,
    );
  });

  it('views the login cannot read are listed, with the role to grant', async () => {
    await rejectsWith(
      testSiteConnection(configFor(partial), { planDir: dir, password: partial.password }),
      'EPERM',
      new RegExp(
        `cannot read ${SITE_VIEWS.length - 2} of the ${SITE_VIEWS.length} views .*: v_CollectionRuleQuery \\(not there\\).*vSMS_CollectionDependencies \\(not there\\).*v_R_User \\(not there\\).*Grant it db_datareader or the smsschm_users role`,
      ),
    );
  });

  it('a server that is not there: connection refused, naming the port', async () => {
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    await rejectsWith(
      testSiteConnection(configFor(contoso, { server: '127.0.0.1', port: free }), { planDir: dir, password: contoso.password }),
      'ECONNECT',
      new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${free}: connection refused`),
    );
  });

  it('`cm2intune site test --plan` says the same line, and a snapshot plan has nothing to connect', async () => {
    const site = configFor(contoso);
    writeFileSync(
      join(dir, 'p.migration.json'),
      JSON.stringify({ version: 1, name: 'Contoso', site, tenant: { sandbox: true }, subscriptionCollection: 'P0100014' }, null, 2),
    );
    const ok = await runCli(['site', 'test', '--plan', 'p.migration.json'], {
      cwd: dir,
      env: { CM2INTUNE_SQL_PASSWORD: contoso.password },
      timeoutMs: 60_000,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), siteConnectionText(await testSiteConnection(site, { planDir: dir, password: contoso.password })));
    const bad = await runCli(['site', 'test', '--plan', 'p.migration.json'], {
      cwd: dir,
      env: { CM2INTUNE_SQL_PASSWORD: 'wrong' },
      timeoutMs: 60_000,
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Login failed for user/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    writeFileSync(
      join(dir, 's.migration.json'),
      readFileSync(join(dir, 'p.migration.json'), 'utf8').replace(
        /"site": \{[\s\S]*?\n {2}\}/,
        '"site": { "source": "snapshot", "path": "site.snapshot.json" }',
      ),
    );
    writeFileSync(join(dir, 'site.snapshot.json'), '{}');
    const snap = await runCli(['site', 'test', '--plan', 's.migration.json'], { cwd: dir, timeoutMs: 60_000 });
    assert.match(snap.stdout + snap.stderr, /reads a snapshot \(site\.snapshot\.json\): nothing to connect/);
  });
});
