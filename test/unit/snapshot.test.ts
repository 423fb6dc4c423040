import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConnectionString } from '../../src/cli/commands/site';
import { UserError } from '../../src/core/errors';
import { openSiteSource, readSnapshotFile, SnapshotError, writeSnapshotFile } from '../../src/core/site';
import type { SiteModel } from '../../src/core/site/model';
import { expected, loadContosoModel } from '../fixtures/contoso/load';
import { runCli } from '../support/cli';

describe('site snapshots', () => {
  let dir: string;
  let model: SiteModel;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cm2intune-snapshot-'));
    model = await loadContosoModel();
    file = join(dir, 'site.snapshot.json');
    await writeSnapshotFile(file, model, new Date('2024-05-01T10:00:00Z'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back the model it wrote, with the snapshot as origin', async () => {
    const source = openSiteSource({ source: 'snapshot', path: 'site.snapshot.json' }, { planDir: dir });
    assert.equal(source.origin, file);
    const read = await source.read();
    assert.deepEqual(read, { ...model, origin: file });
    const raw = await readSnapshotFile(file);
    assert.equal(raw.exportedFrom, 'sqljs:contoso.sql');
    assert.equal(raw.exportedAt, '2024-05-01T10:00:00.000Z');
    const obrien = read.users.find((u) => u.resourceId === expected.samples.obrien.resourceId);
    assert.equal(obrien?.fullName, expected.samples.obrien.fullName);
  });

  it('names the file and the JSON pointer of the first schema error', async () => {
    const bad = JSON.parse(readFileSync(file, 'utf8'));
    bad.site.users[3].resourceId = 'two';
    const badFile = join(dir, 'bad.snapshot.json');
    writeFileSync(badFile, JSON.stringify(bad));
    await assert.rejects(readSnapshotFile(badFile), (e: Error) => {
      assert.ok(e instanceof SnapshotError);
      assert.equal(e.message.split('\n').length, 1);
      assert.match(
        e.message,
        new RegExp(
          `^${badFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at /site/users/3/resourceId: not a valid site snapshot: must be integer`,
        ),
      );
      return true;
    });
    delete bad.site.users[3].resourceId;
    bad.site.users[3].resourceId = 1;
    delete bad.site.collections[0].rules;
    writeFileSync(badFile, JSON.stringify(bad));
    await assert.rejects(readSnapshotFile(badFile), /at \/site\/collections\/0\/rules: not a valid site snapshot: is missing/);
  });

  it('says what is wrong with a file that is not JSON or not there', async () => {
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"format": ');
    await assert.rejects(
      readSnapshotFile(notJson),
      (e: Error) => e instanceof SnapshotError && /broken\.json: not valid JSON/.test(e.message),
    );
    await assert.rejects(
      readSnapshotFile(join(dir, 'missing.json')),
      /missing\.json: no such file; write one with `cm2intune site export`/,
    );
  });

  it('site summary prints counts per kind and platform, and JSON on request', async () => {
    const text = await runCli(['site', 'summary', '--snapshot', file]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Users\\s+${expected.counts.users}\\s`));
    assert.match(text.stdout, /trustedRoot\s+1\s+1\s+1\s+1\s+4/);
    assert.match(text.stdout, /Legacy import – broken digest .*DTD or entities/);
    const json = await runCli(['site', 'summary', '--snapshot', file, '--json']);
    const summary = JSON.parse(json.stdout);
    assert.equal(summary.counts.collections, expected.counts.collections);
    assert.deepEqual(summary.packages, expected.packagesByKind);
    assert.equal(summary.objects.wifi.ios, 3, 'two current Wi-Fi profiles and an expired one: the summary counts what the site has');
    const missing = await runCli(['site', 'summary', '--snapshot', join(dir, 'nope.json')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
  });
});

describe('connection strings', () => {
  it('reads server, port, database, login and encryption flags', () => {
    assert.deepEqual(
      parseConnectionString(
        'Server=tcp:cm01.contoso.com,14330;Database=CM_P01;User Id=CONTOSO\\svc-cm-read;Encrypt=true;TrustServerCertificate=false',
        { ca: 'ca.pem' },
      ),
      {
        source: 'sql',
        server: 'cm01.contoso.com',
        port: 14330,
        database: 'CM_P01',
        siteCode: 'P01',
        auth: { type: 'ntlm', domain: 'CONTOSO', user: 'svc-cm-read' },
        encryption: { encrypt: true, trustServerCertificate: false, caFile: 'ca.pem' },
      },
    );
    const sqlLogin = parseConnectionString('Data Source=localhost;Initial Catalog=ConfigMgr;UID=cm_reader', { siteCode: 'P02' });
    assert.deepEqual(sqlLogin.auth, { type: 'sql', user: 'cm_reader' });
    assert.equal(sqlLogin.siteCode, 'P02');
  });

  it('refuses a password in the connection string and says where it goes instead', () => {
    assert.throws(
      () => parseConnectionString('Server=x;Database=CM_P01;User Id=sa;Password=Secret1!'),
      (e: Error) => e instanceof UserError && /CM2INTUNE_SQL_PASSWORD/.test(e.message) && !e.message.includes('Secret1!'),
    );
    assert.throws(() => parseConnectionString('Server=x;Database=Other;User Id=sa'), /--site-code/);
    assert.throws(() => parseConnectionString('Server=x,notaport;Database=CM_P01;User Id=sa'), /not a port number/);
  });
});
