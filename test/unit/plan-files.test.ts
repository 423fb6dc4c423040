// Files a plan names: a relative path stays in the plan's folder (validate says when it leaves),
// an absolute one is read only if it is a regular file within the size limit, and no message
// ever quotes what the file holds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPlanFile, PlanReadError } from '../../src/core/plan';
import { PLAN_FILE_LIMIT_BYTES, SNAPSHOT_FILE_LIMIT_BYTES } from '../../src/core/plan/files';
import { openSiteSource, SnapshotError } from '../../src/core/site';
import { poolConfig, SiteSqlError } from '../../src/core/site/sql/connection';
import { repoRoot, runCli } from '../support/cli';

// What /etc/shadow holds: a hash no message may ever show.
const SECRET = 'root:$6$Zq9x$SECRET-HASH-4f1a2b:19700:0:99999:7:::';
const leaks = (text: string) => text.includes('SECRET-HASH') || text.includes('root:$6$');

describe('files a plan names', () => {
  let top: string;
  let planDir: string;
  let outside: string;
  before(() => {
    top = mkdtempSync(join(tmpdir(), 'cm2intune-plan-files-'));
    planDir = join(top, 'plans');
    mkdirSync(planDir);
    outside = join(top, 'secret.txt');
    writeFileSync(outside, SECRET + '\n');
  });
  after(() => rmSync(top, { recursive: true, force: true }));

  const writePlan = (site: object, name = 'p.migration.json') => {
    const file = join(planDir, name);
    writeFileSync(file, JSON.stringify({ version: 1, name: 'Files', site, tenant: { sandbox: true } }, null, 2));
    return file;
  };
  const readSnapshot = (path: string) => openSiteSource({ source: 'snapshot', path }, { planDir }).read();

  it('a relative path that leaves the plan folder is a validate error, naming where it leads', () => {
    const loaded = loadPlanFile(writePlan({ source: 'snapshot', path: '../secret.txt' }));
    assert.equal(loaded.plan, undefined, 'the plan does not load');
    const finding = loaded.findings.find((f) => f.code === 'plan/path-leaves-plan-folder');
    assert.ok(finding, JSON.stringify(loaded.findings));
    assert.equal(finding.severity, 'error');
    assert.equal(finding.pointer, '/site/path');
    assert.match(
      finding.message,
      /Snapshot "\.\.\/secret\.txt" leads out of the plan's folder \(to .*secret\.txt\).*write its absolute path/,
    );
    assert.equal(leaks(finding.message), false);
    // The same for the SQL CA file.
    const sql = loadPlanFile(
      writePlan(
        {
          source: 'sql',
          server: 'cm01',
          database: 'CM_P01',
          siteCode: 'P01',
          auth: { type: 'sql', user: 'r' },
          encryption: { caFile: '../../ca.pem' },
        },
        'sql.migration.json',
      ),
    );
    assert.deepEqual(
      sql.findings.filter((f) => f.code === 'plan/path-leaves-plan-folder').map((f) => f.pointer),
      ['/site/encryption/caFile'],
    );
  });

  it('a relative path inside the folder is fine, and reading it never leaves the folder either way', async () => {
    assert.deepEqual(
      loadPlanFile(writePlan({ source: 'snapshot', path: 'sub/../site.json' })).findings.filter(
        (f) => f.code === 'plan/path-leaves-plan-folder',
      ),
      [],
    );
    await assert.rejects(
      readSnapshot('../secret.txt'),
      (e: Error) => e instanceof SnapshotError && /leads out of the plan's folder/.test(e.message) && !leaks(e.message),
    );
  });

  it('a link inside the folder that leads out of it is refused when read', async () => {
    symlinkSync(outside, join(planDir, 'linked.snapshot.json'));
    await assert.rejects(
      readSnapshot('linked.snapshot.json'),
      (e: Error) => e instanceof SnapshotError && /is a link that leads out of the plan's folder/.test(e.message) && !leaks(e.message),
    );
  });

  it('an absolute path to a file that is not a snapshot (/etc/shadow) is read, and the error does not quote it', async () => {
    await assert.rejects(readSnapshot(outside), (e: Error) => {
      assert.ok(e instanceof SnapshotError, String(e));
      assert.match(e.message, /secret\.txt: not valid JSON( \(at character \d+\))?, so not a site snapshot; check the path/);
      assert.equal(leaks(e.message), false, e.message);
      return true;
    });
  });

  it('/dev/zero, a pipe and a folder are refused as not regular files, without reading them', async () => {
    await assert.rejects(
      readSnapshot('/dev/zero'),
      (e: Error) => e instanceof SnapshotError && /\/dev\/zero: can't read the snapshot: it is not a regular file/.test(e.message),
    );
    const fifo = join(planDir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    // No writer ever opens the pipe: reading it would wait forever.
    await assert.rejects(readSnapshot('pipe.json'), (e: Error) => e instanceof SnapshotError && /not a regular file/.test(e.message));
    await assert.rejects(
      readSnapshot(top),
      (e: Error) => e instanceof SnapshotError && /it is a folder, not a snapshot file/.test(e.message),
    );
  });

  it('a snapshot over the size limit is refused before it is read', async () => {
    const big = join(planDir, 'huge.snapshot.json');
    const fd = openSync(big, 'w');
    execFileSync('truncate', ['-s', String(SNAPSHOT_FILE_LIMIT_BYTES + 1), big]); // sparse: no disk used
    closeSync(fd);
    await assert.rejects(
      readSnapshot('huge.snapshot.json'),
      (e: Error) => e instanceof SnapshotError && /it is 512 MB, over the 512 MB limit; no real snapshot is that large/.test(e.message),
    );
  });

  it('the plan file itself: /dev/zero and an oversized plan are refused, a non-JSON file is not quoted', () => {
    assert.throws(
      () => loadPlanFile('/dev/zero'),
      (e: Error) => e instanceof PlanReadError && /\/dev\/zero: can't read the plan: it is not a regular file/.test(e.message),
    );
    const big = join(planDir, 'big.migration.json');
    writeFileSync(big, '');
    execFileSync('truncate', ['-s', String(PLAN_FILE_LIMIT_BYTES + 1), big]);
    assert.throws(
      () => loadPlanFile(big),
      (e: Error) => e instanceof PlanReadError && /over the 16 MB limit/.test(e.message),
    );
    assert.throws(
      () => loadPlanFile(outside),
      (e: Error) => e instanceof PlanReadError && /not valid JSON/.test(e.message) && !leaks(e.message),
    );
  });

  it('the SQL CA file: /dev/zero is refused, a relative path out of the folder too', () => {
    const config = (caFile: string) => ({
      source: 'sql' as const,
      server: 'cm01',
      database: 'CM_P01',
      siteCode: 'P01',
      auth: { type: 'sql' as const, user: 'r' },
      encryption: { caFile },
    });
    assert.throws(
      () => poolConfig(config('/dev/zero'), { planDir, password: 'x' }, {}),
      (e: Error) =>
        e instanceof SiteSqlError && /encryption\.caFile \/dev\/zero: can't read the CA file: it is not a regular file/.test(e.message),
    );
    assert.throws(
      () => poolConfig(config('../secret.txt'), { planDir, password: 'x' }, {}),
      (e: Error) => e instanceof SiteSqlError && /leads out of the plan's folder/.test(e.message) && !leaks(e.message),
    );
  });

  it('a file named on the command line is read from where the user ran it, even above that folder', async () => {
    copyFileSync(join(repoRoot, 'samples/fabrikam.snapshot.json'), join(top, 'fabrikam.snapshot.json'));
    const r = await runCli(['site', 'summary', '--snapshot', '../fabrikam.snapshot.json', '--json'], { cwd: planDir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).siteCode, 'FAB');
  });
});
