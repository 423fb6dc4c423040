// Closing a session: last opened first, every time it is closed, and a failure to close is
// reported instead of swallowed (a journal that did not close may not have reached the disk).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeAll } from '../../src/core/session';

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
