// The project's TDS test server, driven by the real mssql/tedious client over TLS with the
// server's self-signed certificate pinned as CA (as the product pins a site's CA).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import sql from 'mssql';
import { type TdsTestServer, startTdsTestServer } from '../../src/sandbox/site/tds/server';

const TINY = join(__dirname, '../fixtures/tds/tiny.sql');

type Overrides = Partial<sql.config> & { options?: sql.config['options'] };

function config(server: TdsTestServer, over: Overrides = {}): sql.config {
  return {
    server: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
    connectionTimeout: 15_000,
    requestTimeout: 15_000,
    pool: { max: 4, min: 0 },
    ...over,
    options: { encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { ca: server.caPem }, ...over.options },
  };
}

async function withPool<T>(server: TdsTestServer, over: Overrides, fn: (pool: sql.ConnectionPool) => Promise<T>): Promise<T> {
  const pool = new sql.ConnectionPool(config(server, over));
  pool.on('error', () => {});
  try {
    await pool.connect();
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** Codes and messages along an error's cause/errors chain. */
function causes(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== 'object' || depth > 6) return [];
  const x = e as { code?: string; message?: string; cause?: unknown; errors?: unknown[]; originalError?: unknown };
  return [
    x.code ?? '',
    x.message ?? '',
    ...causes(x.cause, depth + 1),
    ...causes(x.originalError, depth + 1),
    ...(x.errors ?? []).flatMap((c) => causes(c, depth + 1)),
  ];
}

/** Statements sent by the test, without tedious's SET batch and mssql's pool check. */
const queriesOf = (server: TdsTestServer) => server.statements.filter((s) => !/^set /i.test(s) && s !== 'SELECT 1;');

describe('TDS test server with the tiny fixture', () => {
  let server: TdsTestServer;
  let pool: sql.ConnectionPool;
  const logged: string[] = [];

  before(async () => {
    server = await startTdsTestServer({ fixtureFiles: [TINY], log: (line) => logged.push(line) });
    pool = await new sql.ConnectionPool(config(server)).connect();
  });
  after(async () => {
    await pool?.close();
    await server?.close();
  });

  test('defaults: localhost, CM_P01, cm_reader, a generated password, a connection string without it', () => {
    assert.equal(server.host, 'localhost');
    assert.equal(server.database, 'CM_P01');
    assert.equal(server.user, 'cm_reader');
    assert.ok(server.password.length >= 16);
    assert.equal(
      server.connectionString(),
      `Server=localhost,${server.port};Database=CM_P01;User Id=cm_reader;Encrypt=true;TrustServerCertificate=true`,
    );
    assert.ok(!server.connectionString().includes(server.password));
  });

  test('login: the session is TLS 1.2 with the server certificate whose thumbprint is advertised', async () => {
    let protocol: string | null = null;
    let fingerprint = '';
    await withPool(
      server,
      {
        beforeConnect: (conn) => {
          (conn as unknown as NodeJS.EventEmitter).on('secure', (socket: TLSSocket) => {
            protocol = socket.getProtocol();
            fingerprint = socket.getPeerCertificate().fingerprint256.replace(/:/g, '');
          });
        },
      },
      async (p) => {
        const r = await p.request().query("SELECT Name FROM v_Collection WHERE CollectionID = N'SMS00002'");
        assert.deepEqual(r.recordset, [{ Name: 'All Users' }]);
      },
    );
    assert.equal(protocol, 'TLSv1.2');
    assert.equal(fingerprint, server.certificateThumbprint);
  });

  test('login: a wrong password or user is error 18456 "Login failed for user"', async () => {
    for (const over of [{ password: `${server.password}x` }, { user: 'sa' }]) {
      const bad = new sql.ConnectionPool(config(server, over));
      await assert.rejects(bad.connect(), (e: sql.ConnectionError & { originalError?: { number?: number } }) => {
        assert.equal(e.code, 'ELOGIN');
        assert.equal(e.message, `Login failed for user '${over.user ?? server.user}'.`);
        return true;
      });
      await bad.close();
    }
  });

  test('login: another database fails the login (4060 then 18456, as SQL Server sends them)', async () => {
    const bad = new sql.ConnectionPool(config(server, { database: 'CM_X99' }));
    // SQL Server sends 4060 then 18456; tedious reports the last one
    await assert.rejects(
      bad.connect(),
      (e: sql.ConnectionError) => e.code === 'ELOGIN' && e.message === "Login failed for user 'cm_reader'.",
    );
    await bad.close();
  });

  test('login: a client without encryption is refused (the server requires TLS)', async () => {
    const clear = new sql.ConnectionPool(config(server, { options: { encrypt: false } }));
    await assert.rejects(clear.connect(), (e: Error & { code?: string }) => e.code === 'EENCRYPT');
    await clear.close();
  });

  test('TLS: trustServerCertificate false without the CA pinned fails on the self-signed certificate', async () => {
    const untrusted = new sql.ConnectionPool({ ...config(server), options: { encrypt: true, trustServerCertificate: false } });
    await assert.rejects(untrusted.connect(), (e: Error) => /self[- ]signed certificate/i.test(e.message));
    await untrusted.close();
  });

  test('typed inputs filter: NVARCHAR (CJK, apostrophe, case-insensitive), INT, BIGINT, BIT', async () => {
    const byUpn = await pool
      .request()
      .input('upn', sql.NVarChar(256), '山田太郎@contoso.com')
      .query('SELECT ResourceID, Unique_User_Name0 FROM v_R_User WHERE User_Principal_Name0 = @upn');
    assert.deepEqual(byUpn.recordset, [{ ResourceID: 2063597570, Unique_User_Name0: 'CONTOSO\\tyamada' }]);

    const byName = await pool
      .request()
      .input('name', sql.NVarChar(255), "o'neill PROJECT")
      .query('SELECT CollectionID FROM v_Collection WHERE Name = @name');
    assert.deepEqual(byName.recordset, [{ CollectionID: 'P0100021' }], 'SQL_Latin1_General_CP1_CI_AS compares case-insensitively');

    const byType = await pool
      .request()
      .input('type', sql.Int, 2)
      .query('SELECT CollectionID FROM v_Collection WHERE CollectionType = @type');
    assert.deepEqual(byType.recordset, [{ CollectionID: 'P010002C' }]);

    const byBig = await pool
      .request()
      .input('size', sql.BigInt, '9007199254740993')
      .input('enabled', sql.Bit, true)
      .query('SELECT CI_ID FROM v_ConfigurationItems WHERE ContentSize = @size AND IsEnabled = @enabled');
    assert.deepEqual(byBig.recordset, [{ CI_ID: 16777217 }]);

    const joined = await pool.request().input('kind', sql.Int, 2).input('owner', sql.NVarChar(8), 'P0100014')
      .query(`SELECT d.SourceCollectionID, c.Name FROM vSMS_CollectionDependencies d JOIN v_Collection c ON c.CollectionID = d.SourceCollectionID
              WHERE d.DependentCollectionID = @owner AND d.RelationshipType = @kind ORDER BY c.Name`);
    assert.deepEqual(joined.recordset, [
      { SourceCollectionID: 'P0100021', Name: "O'Neill Project" },
      { SourceCollectionID: 'P0100010', Name: 'Sales Team Users' },
    ]);
  });

  test('every column type round-trips with its SQL Server type, NULLs included', async () => {
    const r = await pool.request().query('SELECT * FROM v_ConfigurationItems ORDER BY CI_ID');
    const [full, empty] = r.recordset;
    assert.deepEqual(
      { ...full, Notes: undefined },
      {
        CI_ID: 16777217,
        CI_UniqueID: 'ScopeId_A1/ConfigurationPolicy_1',
        CIType_ID: 50,
        ContentSize: '9007199254740993', // tedious returns BIGINT as a string: exact beyond 2^53
        IsEnabled: true,
        IsExpired: false,
        DateLastModified: new Date('2020-02-29T23:59:59.123Z'),
        ModelGuid: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
        SDMPackageDigest:
          '<DesiredConfigurationDigest xmlns="http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration"><Name>Wi‑Fi “Café” 😀</Name></DesiredConfigurationDigest>',
        Notes: undefined,
      },
    );
    assert.equal(full.Notes, `long ${'x'.repeat(5000)}`, 'NVARCHAR(MAX) longer than a packet');
    assert.deepEqual(empty, {
      CI_ID: 16777218,
      CI_UniqueID: 'ScopeId_A1/ConfigurationPolicy_2',
      CIType_ID: 50,
      ContentSize: '-42',
      IsEnabled: false,
      IsExpired: true,
      DateLastModified: null,
      ModelGuid: null,
      SDMPackageDigest: null,
      Notes: null,
    });
    const c = r.recordset.columns;
    assert.equal(c.CI_ID.type, sql.Int);
    assert.equal(c.CI_UniqueID.type, sql.NVarChar);
    assert.equal(c.CI_UniqueID.length, 1024, 'NVARCHAR(512): the wire carries the length in bytes');
    assert.equal(c.ContentSize.type, sql.BigInt);
    assert.equal(c.IsEnabled.type, sql.Bit);
    assert.equal(c.DateLastModified.type, sql.DateTime2);
    assert.equal(c.ModelGuid.type, sql.UniqueIdentifier);
    assert.equal(c.SDMPackageDigest.type, sql.Xml);
    assert.equal(c.Notes.type, sql.NVarChar);
    assert.equal(c.Notes.length, 65535, 'NTEXT reads as NVARCHAR(MAX)');

    const dates = await pool
      .request()
      .query(
        "SELECT CollectionID, Name, LastChangeTime FROM v_Collection WHERE CollectionID IN ('SMS00002', 'P010001B', 'P0100014') ORDER BY CollectionID",
      );
    assert.equal(dates.recordset.columns.LastChangeTime.type, sql.DateTime);
    assert.deepEqual(dates.recordset, [
      { CollectionID: 'P0100014', Name: 'Intune Users', LastChangeTime: null },
      { CollectionID: 'P010001B', Name: '東京オフィス Users 🚀', LastChangeTime: new Date('2019-09-19T21:31:12.000Z') },
      { CollectionID: 'SMS00002', Name: 'All Users', LastChangeTime: new Date('2018-09-06T04:22:48.123Z') },
    ]);
  });

  test('parameters come back typed when selected, and a view column declared by tds-type is typed', async () => {
    const when = new Date('2023-03-04T05:06:07.890Z');
    const r = await pool
      .request()
      .input('s', sql.NVarChar(50), "Ölçü 'ß' 😀")
      .input('i', sql.Int, -7)
      .input('b', sql.BigInt, '-9007199254740993')
      .input('f', sql.Bit, false)
      .input('d', sql.DateTime2, when)
      .input('g', sql.UniqueIdentifier, '6f9619ff-8b86-d011-b42d-00c04fc964ff')
      .input('n', sql.Int, null)
      .query("SELECT @s AS s, @i AS i, @b AS b, @f AS f, @d AS d, @g AS g, @n AS n, 42 AS answer, N'lit' AS lit");
    assert.deepEqual(r.recordset, [
      {
        s: "Ölçü 'ß' 😀",
        i: -7,
        b: '-9007199254740993',
        f: false,
        d: when,
        g: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
        n: null,
        answer: 42,
        lit: 'lit',
      },
    ]);

    const v = await pool
      .request()
      .query('SELECT CollectionID, RuleCount FROM v_CollectionSummary WHERE RuleCount > 0 ORDER BY RuleCount DESC');
    assert.deepEqual(v.recordset, [
      { CollectionID: 'P0100014', RuleCount: 3 },
      { CollectionID: 'P0100010', RuleCount: 1 },
    ]);
    assert.equal(v.recordset.columns.RuleCount.type, sql.Int);

    const n = await pool
      .request()
      .input('c', sql.NVarChar(8), 'SMS00002')
      .query('SELECT COUNT(*) AS members FROM v_FullCollectionMembership WHERE CollectionID = @c');
    assert.deepEqual(n.recordset, [{ members: 4 }]);
  });

  test('a batch answers several result sets', async () => {
    const r = await pool
      .request()
      .batch("SELECT COUNT(*) AS users FROM v_R_User; SELECT Name FROM v_Collection WHERE Name LIKE N'%users%' ORDER BY Name");
    const sets = r.recordsets as sql.IRecordSet<Record<string, unknown>>[];
    assert.deepEqual(sets[0], [{ users: 4 }]);
    assert.deepEqual(
      sets[1].map((x) => x.Name),
      ['All Users', 'Intune Users', 'Sales Team Users', '東京オフィス Users 🚀'],
    );
  });

  test('errors: SQL Server-shaped ERROR tokens, and the pool stays usable', async () => {
    await assert.rejects(
      pool.request().query('SELECT * FROM v_Missing'),
      (e: sql.RequestError) => e instanceof sql.RequestError && e.number === 208 && e.message === "Invalid object name 'v_Missing'.",
    );
    await assert.rejects(
      pool.request().query('SELECT Nope FROM v_Collection'),
      (e: sql.RequestError) => e.number === 207 && e.message === "Invalid column name 'Nope'.",
    );
    await assert.rejects(pool.request().batch('SELEKT 1'), (e: sql.RequestError) => e.number === 102);
    await assert.rejects(
      pool.request().query('SELECT CollectionID FROM v_Collection WHERE CollectionID = @missing'),
      (e: sql.RequestError) => e.number === 137,
    );
    const ok = await pool
      .request()
      .input('id', sql.NVarChar(8), 'P010001B')
      .query('SELECT Name FROM v_Collection WHERE CollectionID = @id');
    assert.deepEqual(ok.recordset, [{ Name: '東京オフィス Users 🚀' }]);
  });

  test('fails loudly: T-SQL it does not translate, other procedures, unknown parameter types, untyped expressions', async () => {
    logged.length = 0;
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => pool.request().query('SELECT TOP 1 Name FROM v_Collection'), /cannot run 'TOP'/],
      [() => pool.request().query("SELECT ISNULL(Name, '') AS n FROM v_Collection"), /T-SQL only/],
      [() => pool.request().query("SELECT Name + ' x' AS n FROM v_Collection"), /string concatenation/],
      [() => pool.request().query('SELECT Name FROM v_Collection LIMIT 1'), /LIMIT is SQLite-only/],
      [() => pool.request().query("DELETE FROM v_Collection WHERE CollectionID = 'SMS00002'"), /only SELECT statements/],
      [() => pool.request().execute('sp_who'), /RPC sp_who is not supported/],
      [
        () => pool.request().input('x', sql.Decimal(10, 2), 1.5).query('SELECT Name FROM v_Collection WHERE MemberCount > @x'),
        /TDS type 0x6a/,
      ],
      [
        () => pool.request().query('SELECT MemberCount * 2 AS twice FROM v_Collection'),
        /cannot tell the SQL Server type of result column 1 'twice'/,
      ],
    ];
    for (const [run, message] of cases) {
      await assert.rejects(run(), (e: sql.RequestError) => {
        assert.match(e.message, message);
        return true;
      });
    }
    assert.equal(logged.length, cases.length, `one log line per refusal:\n${logged.join('\n')}`);
    assert.ok(logged.every((l) => l.startsWith('test server:')));
    const ok = await pool.request().query('SELECT COUNT(*) AS n FROM v_Collection WHERE CollectionType = 1');
    assert.deepEqual(ok.recordset, [{ n: 5 }]);
    // the fixture is untouched by the refused DELETE
    assert.equal((await pool.request().query("SELECT CollectionID FROM v_Collection WHERE CollectionID = 'SMS00002'")).recordset.length, 1);
  });

  test('statements records every SQL text in order', async () => {
    const before = queriesOf(server).length;
    await pool.request().input('id', sql.Int, 2063597571).query('SELECT User_Name0 FROM v_R_User WHERE ResourceID = @id');
    await pool.request().batch("SELECT Name FROM v_Collection WHERE CollectionID = 'P0100021'");
    assert.deepEqual(queriesOf(server).slice(before), [
      'SELECT User_Name0 FROM v_R_User WHERE ResourceID = @id',
      "SELECT Name FROM v_Collection WHERE CollectionID = 'P0100021'",
    ]);
    assert.ok(server.statements.includes('SELECT 1;'), 'the pool check is recorded too');
    assert.ok(
      server.statements.some((s) => s.startsWith('set ')),
      "tedious's SET batch is recorded too",
    );
  });

  test('a pool of 4 serves 40 concurrent queries on at most 4 connections (+ the probe mssql opens on connect)', async () => {
    const loginsBefore = server.logins;
    const ids = [2063597569, 2063597570, 2063597571, 2063597572];
    const names = ['aoneill', 'tyamada', 'bjorn', 'svc sql'];
    await withPool(server, { pool: { max: 4, min: 0 } }, async (p) => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          p
            .request()
            .input('id', sql.Int, ids[i % 4])
            .query<{ User_Name0: string }>('SELECT User_Name0 FROM v_R_User WHERE ResourceID = @id'),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.recordset[0].User_Name0),
        Array.from({ length: 40 }, (_, i) => names[i % 4]),
      );
    });
    const opened = server.logins - loginsBefore;
    assert.ok(opened >= 2 && opened <= 5, `${opened} logins`);
  });
});

describe('TDS test server: timeouts, cancellation, closing, fixture checks', () => {
  test('a request timeout sends ATTENTION: ETIMEOUT, then the same connection serves the next query', async () => {
    const server = await startTdsTestServer({ fixtureFiles: [TINY], queryDelayMs: 600 });
    try {
      await withPool(server, { requestTimeout: 100, pool: { max: 1, min: 0 } }, async (p) => {
        await assert.rejects(p.request().query('SELECT Name FROM v_Collection'), (e: sql.RequestError) => e.code === 'ETIMEOUT');
        const patient = (p.request as (conf: { requestTimeout: number }) => sql.Request).call(p, { requestTimeout: 15_000 });
        const r = await patient.input('id', sql.NVarChar(8), 'P0100021').query('SELECT Name FROM v_Collection WHERE CollectionID = @id');
        assert.deepEqual(r.recordset, [{ Name: "O'Neill Project" }]);
        const cancelled = p.request();
        const pending = cancelled.query('SELECT CollectionID FROM v_Collection');
        setImmediate(() => cancelled.cancel());
        await assert.rejects(pending, (e: sql.RequestError) => e.code === 'ECANCEL');
      });
      assert.equal(
        server.logins,
        2,
        "mssql's probe on connect, then one pooled connection throughout: timeouts and cancels did not cost it",
      );
    } finally {
      await server.close();
    }
  });

  test('a closed server refuses connections (no wait for the connect timeout)', async () => {
    const server = await startTdsTestServer({ fixtureFiles: [TINY] });
    await server.close();
    const pool = new sql.ConnectionPool(config(server, { connectionTimeout: 60_000 }));
    await assert.rejects(pool.connect(), (e: sql.ConnectionError) => {
      assert.equal(e.code, 'ESOCKET');
      assert.match(causes(e).join(' '), /ECONNREFUSED/);
      return true;
    });
    await pool.close();
  });

  test('options: user, password and database are honoured', async () => {
    const server = await startTdsTestServer({ fixtureFiles: [TINY], user: "Søren O'Brien", password: 'pä$$ wörd', database: 'CM_ABC' });
    try {
      assert.equal(server.connectionString().includes("User Id=Søren O'Brien"), true);
      await withPool(server, {}, async (p) => {
        assert.deepEqual((await p.request().query('SELECT COUNT(*) AS n FROM v_R_User')).recordset, [{ n: 4 }]);
      });
    } finally {
      await server.close();
    }
  });

  test('fixtures: a column without a SQL Server type is refused at start, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tds-fixture-'));
    try {
      const unknownType = join(dir, 'unknown-type.sql');
      writeFileSync(unknownType, 'CREATE TABLE v_Odd (ResourceID INT, Score DECIMAL(10,2));');
      await assert.rejects(startTdsTestServer({ fixtureFiles: [unknownType] }), /table v_Odd\.Score: type 'DECIMAL\(10,2\)' is unknown/);

      const computed = join(dir, 'computed.sql');
      writeFileSync(computed, 'CREATE TABLE t (a INT);\nCREATE VIEW v_Calc AS SELECT a * 2 AS Twice FROM t;');
      await assert.rejects(
        startTdsTestServer({ fixtureFiles: [computed] }),
        /view v_Calc\.Twice: computed column without a type \(declare it: -- tds-type: v_Calc\.Twice <TYPE>\)/,
      );

      const broken = join(dir, 'broken.sql');
      writeFileSync(broken, 'CREATE TABLE t (a INT;');
      await assert.rejects(
        startTdsTestServer({ fixtureFiles: [broken] }),
        (e: Error) => e.message.includes(broken) && /does not load into SQLite/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TDS test server: large results stream', () => {
  const TOTAL = 300_000;
  let dir: string;
  let server: TdsTestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tds-large-'));
    const fixture = join(dir, 'large.sql');
    writeFileSync(
      fixture,
      [
        'CREATE TABLE v_R_User (ResourceID INT, User_Name0 NVARCHAR(64));',
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${TOTAL})`,
        "INSERT INTO v_R_User (ResourceID, User_Name0) SELECT 16777216 + i, 'Zoë O''Brien ' || i FROM n;",
      ].join('\n'),
    );
    server = await startTdsTestServer({ fixtureFiles: [fixture] });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${TOTAL} rows arrive whole and in order; a cancel mid-result stops it and the connection serves the next query`, async () => {
    await withPool(server, { pool: { max: 1, min: 0 } }, async (p) => {
      const all = await p
        .request()
        .query<{ ResourceID: number; User_Name0: string }>('SELECT ResourceID, User_Name0 FROM v_R_User ORDER BY ResourceID');
      assert.equal(all.recordset.length, TOTAL);
      assert.deepEqual(all.rowsAffected, [TOTAL]);
      assert.deepEqual(all.recordset[0], { ResourceID: 16777217, User_Name0: "Zoë O'Brien 1" });
      assert.deepEqual(all.recordset[TOTAL - 1], { ResourceID: 16777216 + TOTAL, User_Name0: `Zoë O'Brien ${TOTAL}` });
      assert.ok(
        all.recordset.every((r, i) => r.ResourceID === 16777217 + i),
        'rows in order, none lost or repeated',
      );

      const loginsBefore = server.logins;
      const streamed = p.request();
      streamed.stream = true;
      let received = 0;
      const ended = new Promise<unknown>((resolve) => {
        streamed.on('row', () => {
          if (++received === 1000) streamed.cancel();
        });
        streamed.on('error', resolve);
        streamed.on('done', () => resolve(undefined));
      });
      streamed.query('SELECT ResourceID, User_Name0 FROM v_R_User ORDER BY ResourceID');
      const error = await ended;
      assert.equal((error as sql.RequestError | undefined)?.code, 'ECANCEL');
      assert.ok(received >= 1000, `${received} rows before the cancel`);

      const next = await p
        .request()
        .input('id', sql.Int, 16777216 + 4242)
        .query('SELECT User_Name0 FROM v_R_User WHERE ResourceID = @id');
      assert.deepEqual(next.recordset, [{ User_Name0: "Zoë O'Brien 4242" }]);
      assert.equal(server.logins, loginsBefore, 'the cancelled connection was reused, not replaced');
    });
  });
});
