// Closing a session: last opened first, every time it is closed, and a failure to close is
// reported instead of swallowed (a journal that did not close may not have reached the disk).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeAll, openSession, PlanError } from '../../src/core/session';

function opened(names: string[], failing: Record<string, string> = {}) {
  const order: string[] = [];
  const closers = names.map((name) => async () => {
    order.push(name);
    if (failing[name]) throw new Error(failing[name]);
  });
  return { closers, order };
}

test('closers run last opened first, and again in that order when closed twice', async () => {
  const { closers, order } = opened(['sandbox', 'site', 'lock', 'journal']);
  await closeAll(closers);
  await closeAll(closers);
  assert.deepEqual(order, ['journal', 'lock', 'site', 'sandbox', 'journal', 'lock', 'site', 'sandbox']);
});

test('a closer that fails does not stop the others, and its error is thrown', async () => {
  const { closers, order } = opened(['sandbox', 'site', 'journal'], { journal: 'EIO: i/o error, close' });
  await assert.rejects(closeAll(closers), /EIO: i\/o error, close/);
  assert.deepEqual(order, ['journal', 'site', 'sandbox']);
});

test('several failures are reported together', async () => {
  const { closers } = opened(['sandbox', 'site', 'journal'], { site: 'connection pool busy', sandbox: 'server not running' });
  await assert.rejects(closeAll(closers), (error: AggregateError) => {
    assert.equal(error.errors.length, 2);
    assert.match(error.message, /failed 2 times: connection pool busy; server not running/);
    return true;
  });
});

// The sandbox tenant is not part of the core: the face that opens the session starts it.
test('a sandbox plan without a url: the face starts the sandbox, with its state beside the plan', async () => {
  const dir = mkdtempSync(join(tmpdir(), "cm2intune-session-O'Brien "));
  writeFileSync(join(dir, 'site.snapshot.json'), '{}');
  const planFile = join(dir, 'pilot.migration.json');
  writeFileSync(
    planFile,
    JSON.stringify({ version: 1, name: 'Pilot', site: { source: 'snapshot', path: 'site.snapshot.json' }, tenant: { sandbox: true } }),
  );
  await assert.rejects(
    openSession(planFile, { use: 'status', readOnly: true }),
    (e: Error) => e instanceof PlanError && /asks for the sandbox tenant, and this run cannot start it/.test(e.message),
  );
  const started: string[] = [];
  await assert.rejects(
    openSession(planFile, {
      use: 'status',
      readOnly: true,
      startSandbox: async ({ persistPath }) => {
        started.push(persistPath);
        throw new Error('port in use');
      },
    }),
    /port in use/,
  );
  assert.deepEqual(started, [join(dir, 'pilot.migration.sandbox.json')]);
});
