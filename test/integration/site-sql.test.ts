// The whole Contoso site read over the wire: real mssql/tedious against the TDS test server
// (src/sandbox/site/tds, TLS on, CA pinned), then checked against expected.json.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SqlSiteSource as SqlSiteConfig } from '../../src/core/plan/types';
import { openSiteSource, SiteSqlError, writeSnapshotFile } from '../../src/core/site';
import type { SiteModel } from '../../src/core/site/model';
import { SqlConnection } from '../../src/core/site/sql/connection';
import { tdsSiteConfig } from '../support/tds-site';
import { expected } from '../fixtures/contoso/load';

const CONTOSO_SQL = join(__dirname, '../../src/sandbox/site/contoso/contoso.sql');
const PASSWORD = "Pä55-w0rd 'Contoso'";

interface TdsServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  caPem: string;
  certificateThumbprint: string;
  statements: string[];
  close(): Promise<void>;
}
type Start = (o: {
  fixtureFiles: string[];
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  queryDelayMs?: number;
}) => Promise<TdsServer>;

let startTdsTestServer: Start | undefined;
try {
  startTdsTestServer = require('../../src/sandbox/site/tds').startTdsTestServer as Start;
} catch {
  startTdsTestServer = undefined;
}

/** The driver's own batches (pool validation, session settings) are not the reader's statements. */
const driverNoise = (s: string) => /^\s*select\s+1\s*;?\s*$/i.test(s) || /^\s*set\s/i.test(s);

function configFor(server: TdsServer, over: Partial<SqlSiteConfig> = {}): SqlSiteConfig {
  return tdsSiteConfig(server, 'server-ca.pem', { connectTimeoutSeconds: 5, requestTimeoutSeconds: 30, ...over });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(
  'SQL site reader over TDS',
  { skip: startTdsTestServer ? false : 'src/sandbox/site/tds (the TDS test server) is not there yet' },
  () => {
    let server: TdsServer;
    let dir: string;
    let model: SiteModel;
    const log: string[] = [];

    before(async () => {
      server = await startTdsTestServer!({ fixtureFiles: [CONTOSO_SQL], user: 'cm_reader', password: PASSWORD, database: 'CM_P01' });
      dir = mkdtempSync(join(tmpdir(), 'cm2intune-site-sql-'));
      writeFileSync(join(dir, 'server-ca.pem'), server.caPem);
      const source = openSiteSource(configFor(server), { planDir: dir, password: PASSWORD, log: (l) => log.push(l) });
      try {
        model = await source.read();
      } finally {
        await source.close();
      }
    });
    after(async () => {
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('streams a view row by row; a row the reader refuses stops the read with its own error, and the connection reads on', async () => {
      const db = await SqlConnection.open(configFor(server), { planDir: dir, password: PASSWORD });
      try {
        const ids: number[] = [];
        const count = await db.each<{ ResourceID: number }>('v_R_User', 'SELECT ResourceID FROM v_R_User ORDER BY ResourceID', [], (row) =>
          ids.push(row.ResourceID),
        );
        assert.equal(count, expected.counts.users);
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
        );
        const refusal = new Error('the third row is not a user');
        let seen = 0;
        await assert.rejects(
          db.each('v_R_User', 'SELECT ResourceID FROM v_R_User', [], () => {
            if (++seen === 3) throw refusal;
          }),
          (e) => e === refusal,
        );
        assert.equal(seen, 3, 'no row is handed over after the refusal');
        const again = await db.query<{ ResourceID: number }>('v_R_UserGroup', 'SELECT ResourceID FROM v_R_UserGroup');
        assert.equal(again.length, expected.counts.userGroups);
      } finally {
        await db.close();
      }
    });

    it('reads the whole site, with TLS and the CA pinned', () => {
      const c = expected.counts;
      assert.equal(model.origin, `sql://localhost:${server.port}/CM_P01`);
      assert.equal(model.collections.length, c.collections);
      assert.equal(model.users.length, c.users);
      assert.equal(model.userGroups.length, c.userGroups);
      assert.equal(model.devices.length, c.devices);
      assert.equal(model.affinities.length, c.affinities);
      assert.equal(model.configurationItems.length, c.configurationItems);
      assert.equal(model.baselines.length, c.baselines);
      assert.equal(model.ciAssignments.length, c.ciAssignments);
      assert.equal(model.applications.length, c.applications);
      assert.equal(
        model.applications.reduce((n, a) => n + a.deploymentTypes.length, 0),
        c.deploymentTypes,
      );
      assert.equal(model.appAssignments.length, c.appAssignments);
      assert.equal(
        model.collections.reduce((n, col) => n + col.memberResourceIds.length, 0),
        c.membershipRows,
      );
      const rules = model.collections.flatMap((col) => col.rules);
      assert.equal(rules.filter((r) => r.kind === 'query').length, c.queryRules);
      assert.equal(rules.filter((r) => r.kind === 'direct').length, c.directRules);
      assert.equal(rules.filter((r) => r.kind === 'include').length, c.includeRules);
      assert.equal(rules.filter((r) => r.kind === 'exclude').length, c.excludeRules);
      assert.deepEqual(log, []);
    });

    it('reads exact objects: the Intune collection, a single-group query, a user with an apostrophe', () => {
      const s = expected.samples;
      const intune = model.collections.find((col) => col.id === s.intuneCollection.id)!;
      assert.equal(intune.name, 'Intune Users');
      assert.equal(intune.type, 'user');
      assert.equal(intune.limitToCollectionId, 'SMS00002');
      assert.equal(intune.memberCount, s.intuneCollection.memberCount);
      assert.deepEqual(
        intune.rules.filter((r) => r.kind === 'include').map((r) => r.kind === 'include' && r.collectionId),
        s.intuneCollection.includes,
      );
      assert.deepEqual(
        intune.rules.filter((r) => r.kind === 'exclude').map((r) => r.kind === 'exclude' && r.collectionId),
        s.intuneCollection.excludes,
      );
      const sales = model.collections.find((col) => col.id === s.salesCollection.id)!;
      assert.deepEqual(sales.rules, [
        {
          kind: 'query',
          name: 'Sales Team group',
          queryId: sales.rules[0].kind === 'query' ? sales.rules[0].queryId : -1,
          wql: s.salesCollection.wql,
        },
      ]);
      const obrien = model.users.find((u) => u.resourceId === s.obrien.resourceId)!;
      assert.deepEqual(
        { uniqueName: obrien.uniqueName, upn: obrien.upn, fullName: obrien.fullName, sid: obrien.sid },
        { uniqueName: s.obrien.uniqueName, upn: s.obrien.upn, fullName: s.obrien.fullName, sid: s.obrien.sid },
      );
      assert.ok(obrien.groupNames.includes('CONTOSO\\Domain Users'));
      const ci = model.configurationItems.find((x) => x.ciId === s.kioskCiId)!;
      assert.equal(ci.name, 'iOS – Kiosk iPads (Reception)');
      assert.match(ci.dateLastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('round-trips Unicode names', () => {
      assert.equal(model.users.find((u) => u.resourceId === expected.samples.yamada.resourceId)?.fullName, '山田 太郎');
      assert.ok(model.users.some((u) => u.fullName?.startsWith('Zoë ')));
      assert.ok(model.userGroups.some((g) => g.name === '東京オフィス'));
      assert.ok(model.applications.some((a) => a.name === "Zoë's Translator – 翻訳" && a.publisher === 'Zoë Ødegård'));
    });

    it('sent only SELECT statements', () => {
      const ours = server.statements.filter((s) => !driverNoise(s));
      assert.ok(ours.length >= 15, `expected the reader's queries, saw ${ours.length}`);
      for (const s of ours) assert.match(s, /^\s*SELECT\s/i, `not a SELECT: ${s.slice(0, 80)}`);
    });

    it('yields the same model from its exported snapshot', async () => {
      const file = join(dir, 'site.snapshot.json');
      await writeSnapshotFile(file, model);
      const fromSnapshot = await openSiteSource({ source: 'snapshot', path: file }, { planDir: dir }).read();
      assert.deepEqual({ ...fromSnapshot, origin: '' }, { ...model, origin: '' });
    });

    it('pins by certificate thumbprint, and refuses a wrong one before logging in', async () => {
      const pinned = openSiteSource(configFor(server, { encryption: { certificateThumbprint: server.certificateThumbprint } }), {
        planDir: dir,
        password: PASSWORD,
      });
      try {
        assert.equal((await pinned.read()).users.length, expected.counts.users);
      } finally {
        await pinned.close();
      }
      const wrong = openSiteSource(configFor(server, { encryption: { certificateThumbprint: 'AB'.repeat(32) } }), {
        planDir: dir,
        password: PASSWORD,
      });
      await assert.rejects(
        wrong.read(),
        (e: Error) => e instanceof SiteSqlError && e.code === 'ECERTPIN' && /not the pinned ABAB/.test(e.message),
      );
      await wrong.close();
    });

    it('refuses an unpinned self-signed certificate, and warns when trust is forced', async () => {
      const unpinned = openSiteSource(configFor(server, { encryption: {} }), { planDir: dir, password: PASSWORD });
      await assert.rejects(
        unpinned.read(),
        (e: Error) => e instanceof SiteSqlError && e.code === 'ECERT' && /encryption\.caFile/.test(e.message),
      );
      await unpinned.close();
      const warnings: string[] = [];
      const trusting = openSiteSource(configFor(server, { encryption: { trustServerCertificate: true } }), {
        planDir: dir,
        password: PASSWORD,
        log: (l) => warnings.push(l),
      });
      // The warning comes when the connection is made, i.e. on the first read.
      const model = await trusting.read();
      assert.equal(model.siteCode, 'P01');
      await trusting.close();
      assert.match(warnings.join('\n'), /WARNING: trustServerCertificate is on for localhost/);
    });

    it('says in one line that the login failed, naming server and login, never the password', async () => {
      const source = openSiteSource(configFor(server), { planDir: dir, password: 'wrong-Secret-123' });
      await assert.rejects(source.read(), (e: Error) => {
        assert.equal(
          e.message,
          `Login failed for user 'cm_reader' on localhost:${server.port} (database CM_P01): check the user and the password in CM2INTUNE_SQL_PASSWORD.`,
        );
        assert.doesNotMatch(e.message, /wrong-Secret-123/);
        return true;
      });
      await source.close();
    });

    it('reports a server that is down within the connect timeout', async () => {
      const closed = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const port = (probe.address() as { port: number }).port;
          probe.close(() => resolve(port));
        });
      });
      const source = openSiteSource(configFor(server, { port: closed, connectTimeoutSeconds: 3 }), { planDir: dir, password: PASSWORD });
      await assert.rejects(
        source.read(),
        (e: Error) => e instanceof SiteSqlError && e.code === 'ECONNECT' && e.message.includes(`localhost:${closed}`),
      );
      await source.close();
    });

    it('cancels a slow request on timeout and on abort, and the pool goes on working', async () => {
      const slow = await startTdsTestServer!({
        fixtureFiles: [CONTOSO_SQL],
        user: 'cm_reader',
        password: PASSWORD,
        database: 'CM_P01',
        queryDelayMs: 1500,
      });
      const slowDir = mkdtempSync(join(tmpdir(), 'cm2intune-site-slow-'));
      writeFileSync(join(slowDir, 'server-ca.pem'), slow.caPem);
      const config = configFor(slow, { requestTimeoutSeconds: 1 });
      const db = await SqlConnection.open(config, { planDir: slowDir, password: PASSWORD });
      try {
        await assert.rejects(
          db.query('v_R_UserGroup', 'SELECT ResourceID FROM v_R_UserGroup'),
          (e: Error) => e instanceof SiteSqlError && e.code === 'ETIMEOUT' && /v_R_UserGroup/.test(e.message),
        );
        const groups = await db.query<{ ResourceID: number }>(
          'v_R_UserGroup',
          'SELECT ResourceID FROM v_R_UserGroup',
          [],
          undefined,
          10_000,
        );
        assert.equal(groups.length, expected.counts.userGroups);
        const controller = new AbortController();
        const seen = slow.statements.length;
        const pending = db.query('v_R_User', 'SELECT ResourceID FROM v_R_User', [], controller.signal, 10_000);
        await until(() => slow.statements.slice(seen).some((s) => /v_R_User/.test(s)), 'the query to reach the server');
        controller.abort();
        await assert.rejects(pending, (e: Error) => e instanceof SiteSqlError && e.code === 'ECANCEL');
        const again = await db.query<{ ResourceID: number }>('v_R_User', 'SELECT ResourceID FROM v_R_User', [], undefined, 10_000);
        assert.equal(again.length, expected.counts.users);
      } finally {
        await db.close();
        await slow.close();
        rmSync(slowDir, { recursive: true, force: true });
      }
    });
  },
);
