import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer, SlidingWindow, type Permit } from '../../src/core/tenant/pacer';
import { FakeClock } from '../support/graph-fakes';

/**
 * Starts `n` requests of one slot each; each is answered `latencyMs` after it was granted.
 * Records when each left (`sent`) and when its answer came back (`answered`).
 */
function startRequests(window: SlidingWindow, clock: FakeClock, n: number, latencyMs = 0) {
  const sent: number[] = [];
  const answered: number[] = [];
  const all = Array.from({ length: n }, () =>
    window.take(1).then(async (permit) => {
      sent.push(clock.now());
      if (latencyMs > 0) await clock.sleep(latencyMs);
      answered.push(clock.now());
      permit.done();
    }),
  );
  return { sent, answered, all };
}

/** The most events that fall into one window [t, t + windowMs), over every start t at an event. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const t of times) most = Math.max(most, times.filter((x) => x >= t && x < t + windowMs).length);
  return most;
}

test('Intune defaults with 150 ms latency: never more than 100 writes in any 20 s window, yet the full quota each window', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 100, windowMs: 20_000 }, clock);
  assert.equal(window.capacity, 100);
  const { sent, answered } = startRequests(window, clock, 600, 150);
  await clock.advance(0);
  assert.equal(sent.length, 100, 'the whole quota is usable at once');
  await clock.advance(100_000);
  // The service counts a request between its arrival and its answer: both ends must stay within the limit.
  assert.equal(busiestWindow(sent, 20_000), 100);
  assert.equal(busiestWindow(answered, 20_000), 100);
  // Each wave of 100 leaves one window plus one latency after the previous wave's answers.
  assert.deepEqual([...new Set(sent)], [0, 20_150, 40_300, 60_450, 80_600]);
  assert.equal(sent.length, 500, `five full windows in 100 s: ${sent.length}`);
});

test('full rate over several windows when requests are answered at once', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 40, windowMs: 2_000 }, clock);
  const { sent } = startRequests(window, clock, 240);
  await clock.advance(10_001);
  assert.equal(sent.length, 240);
  assert.equal(busiestWindow(sent, 2_000), 40);
  // (writes after the first window) / (time) = exactly the limit: 200 writes in 5 windows.
  assert.equal(sent[sent.length - 1], 10_000);
});

test('a slot ages from when its answer came back, and a request still on the wire holds its slot', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 2, windowMs: 1_000 }, clock);
  const a = await window.take(1);
  const b = await window.take(1);
  const order: number[] = [];
  const c = window.take(1).then((p) => (order.push(clock.now()), p));
  const d = window.take(1).then((p) => (order.push(clock.now()), p));
  await clock.advance(300);
  a.done();
  await clock.advance(1_000);
  assert.deepEqual(order, [1_300], 'c leaves 1 s after a was answered; b is still on the wire');
  await clock.advance(3_700);
  b.done();
  await clock.advance(999);
  assert.equal(order.length, 1);
  await clock.advance(1);
  assert.deepEqual(order, [1_300, 6_000]);
  (await c).done();
  (await d).done();
});

test('an unused permit frees its slot at once; done twice counts once', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 3, windowMs: 1_000 }, clock);
  const p = await window.take(2);
  assert.equal(window.available(), 1);
  p.unused();
  p.done();
  assert.equal(window.available(), 3);
  const q = await window.take(1);
  q.done();
  q.done();
  assert.equal(window.available(), 2);
});

test('Retry-After pauses the window; afterwards requests trickle at the steady rate, not in a burst', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 10, windowMs: 1_000 }, clock);
  const first = startRequests(window, clock, 10);
  await clock.advance(500);
  assert.equal(first.sent.length, 10);
  window.pause(2_000);
  assert.equal(window.available(), 0);
  const { sent } = startRequests(window, clock, 3);
  await clock.advance(1_999);
  assert.equal(sent.length, 0, 'nothing before Retry-After has passed');
  await clock.advance(1_000);
  // The window is taken as full and evenly spread: one slot per 100 ms after the pause ends.
  assert.deepEqual(sent, [2_600, 2_700, 2_800]);
});

test('a pause never frees a slot earlier than the recorded answers say', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 10, windowMs: 10_000 }, clock);
  startRequests(window, clock, 10);
  await clock.advance(1_000);
  window.pause(1_000);
  const { sent } = startRequests(window, clock, 1);
  await clock.advance(8_999);
  assert.equal(sent.length, 0, 'the answers at 0 ms hold their slots until 10 s');
  await clock.advance(1);
  assert.deepEqual(sent, [10_000]);
});

test('$batch accounting: a chunk of 20 writes waits for 20 free slots, and later requests queue behind it', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({ writes: { limit: 40, windowMs: 2_000 }, reads: { limit: 100, windowMs: 2_000 } }, clock);
  assert.equal(pacer.maxAtOnce(), 40);
  const first = await pacer.acquire({ writes: 20 });
  first.done();
  await clock.advance(100);
  const second = await pacer.acquire({ writes: 15, reads: 3 });
  second.done();
  assert.equal(pacer.writes.available(), 5);
  assert.equal(pacer.reads.available(), 100 - 20 - 18, 'a write also takes a request slot');
  const granted: string[] = [];
  const batch = pacer.acquire({ writes: 20 }).then((p) => (granted.push(`batch@${clock.now()}`), p));
  const single = pacer.acquire({ writes: 1 }).then((p) => (granted.push(`single@${clock.now()}`), p));
  await clock.advance(1_899);
  assert.deepEqual(granted, [], '5 free slots are not enough for the chunk, and the single does not jump the queue');
  await clock.advance(1);
  assert.deepEqual(granted, ['batch@2000', 'single@2000']);
  (await batch).done();
  (await single).done();
  await assert.rejects(pacer.writes.take(41), RangeError);
  pacer.throttled('write', 1_000);
  assert.equal(pacer.writes.available(), 0);
  assert.ok(pacer.reads.available() > 0, 'a write throttle does not stop reads');
});

test('cancellation while waiting: the aborted waiter leaves the queue, the others keep their order', async () => {
  const clock = new FakeClock();
  const window = new SlidingWindow({ limit: 1, windowMs: 1_000 }, clock);
  const order: string[] = [];
  const held = await window.take(1);
  const controller = new AbortController();
  const a = window.take(1).then((p) => (order.push('a'), p.done()));
  const b = window.take(1, controller.signal).then(
    () => order.push('b'),
    (e: Error) => order.push(`b:${e.name}`),
  );
  const c = window.take(1).then((p) => (order.push('c'), p.done()));
  controller.abort();
  await clock.advance(100);
  held.done();
  await clock.advance(5_000);
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ['b:AbortError', 'a', 'c']);
});

test('a write cancelled while waiting for a request slot gives its write slot back', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({ writes: { limit: 5, windowMs: 1_000 }, reads: { limit: 1, windowMs: 1_000 } }, clock);
  const read: Permit = await pacer.acquire({ reads: 1 });
  const controller = new AbortController();
  const write = pacer.acquire({ writes: 1 }, controller.signal);
  await clock.advance(10);
  assert.equal(pacer.writes.available(), 4, 'the write slot is taken while the request slot is awaited');
  controller.abort();
  await assert.rejects(write, { name: 'AbortError' });
  assert.equal(pacer.writes.available(), 5);
  read.done();
});
