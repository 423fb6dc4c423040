// One writing run per plan: a second one stops with a clear message; a lock left by a killed run
// is taken over; read-only sessions (preview, status, the tree) never wait for or take the lock.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox/tenant';
import { openSession, PlanError } from '../../src/core/session';

let sandbox: SandboxTenant;
let planFile: string;
before(async () => {
  sandbox = await startSandboxTenant({ throttle: false });
  const dir = mkdtempSync(join(tmpdir(), "cm2intune-lock-"));
  writeFileSync(join(dir, 'site.snapshot.json'), '{}');
  planFile = join(dir, "O'Brien's plan.migration.json");
  writeFileSync(planFile, JSON.stringify({ version: 1, name: 'Lock', site: { source: 'snapshot', path: 'site.snapshot.json' }, tenant: { sandbox: true, url: sandbox.url } }));
});
after(() => sandbox.close());

test('a second writing session on the same plan is refused until the first closes', async () => {
  const first = await openSession(planFile, { use: 'import' });
  await assert.rejects(openSession(planFile, { use: 'import' }), (e: Error) => e instanceof PlanError && /Another cm2intune run \(process \d+\) is writing/.test(e.message));
  const reader = await openSession(planFile, { use: 'status', readOnly: true });
  await reader.close();
  await first.close();
  assert.equal(existsSync(planFile.replace(/\.json$/, '.ledger.lock')), false, 'the lock is removed on close');
  const again = await openSession(planFile, { use: 'import' });
  await again.close();
});

test('a lock left by a process that is gone is taken over', async () => {
  const lock = planFile.replace(/\.json$/, '.ledger.lock');
  writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
  const session = await openSession(planFile, { use: 'import' });
  await session.close();
  assert.equal(existsSync(lock), false);
});
