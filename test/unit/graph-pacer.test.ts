import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer, TokenBucket } from '../../src/core/tenant/pacer';
import { FakeClock } from '../support/graph-fakes';

/** Starts `n` takes and records the fake time at which each was granted. */
function startTakes(bucket: TokenBucket, clock: FakeClock, n: number, signal?: AbortSignal) {
  const granted: number[] = [];
  const all = Array.from({ length: n }, () => bucket.take(1, signal).then(() => granted.push(clock.now())));
  return { granted, all };
}

test('Intune defaults: 20 at once, then never more than 100 writes in any 20 s window', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ limit: 100, windowMs: 20_000 }, clock);
  assert.equal(bucket.capacity, 20);
  const { granted } = startTakes(bucket, clock, 300, undefined);
  await clock.advance(0);
  assert.equal(granted.length, 20, 'the burst goes out at once');
  await clock.advance(60_000);
  assert.ok(granted.length >= 250, `steady rate reached: ${granted.length}`);
  for (let i = 0; i < granted.length; i++) {
    const inWindow = granted.filter((t) => t >= granted[i] && t < granted[i] + 20_000).length;
    assert.ok(inWindow <= 100, `window starting at ${granted[i]} ms holds ${inWindow} grants`);
  }
  // Over a long run the rate approaches (limit - burst) per window.
  const lastWindow = granted.filter((t) => t >= 40_000 && t < 60_000).length;
  assert.ok(lastWindow >= 79 && lastWindow <= 81, `steady state ${lastWindow} per 20 s`);
});

test('burst is configurable and the next token follows at the refill rate', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ limit: 40, windowMs: 2_000, burst: 10 }, clock);
  const { granted } = startTakes(bucket, clock, 11);
  await clock.advance(0);
  assert.equal(granted.length, 10);
  // rate = (40 - 10) / 2000 ms = 1 token per 66.7 ms
  await clock.advance(60);
  assert.equal(granted.length, 10);
  await clock.advance(10);
  assert.equal(granted.length, 11);
  assert.ok(granted[10] >= 66 && granted[10] <= 70, `11th at ${granted[10]} ms`);
});

test('Retry-After pauses the bucket and drains it, so requests trickle afterwards', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ limit: 100, windowMs: 20_000 }, clock);
  await clock.advance(0);
  assert.equal(bucket.available(), 20);
  bucket.pause(3_000);
  assert.equal(bucket.available(), 0);
  const { granted } = startTakes(bucket, clock, 3);
  await clock.advance(2_999);
  assert.equal(granted.length, 0, 'nothing before Retry-After has passed');
  await clock.advance(2_000);
  // After the pause the bucket restarts empty: 4 tokens per second, not a burst of 20.
  assert.deepEqual(granted, [3_250, 3_500, 3_750]);
});

test('waiters are served in order and an aborted wait leaves the queue', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ limit: 2, windowMs: 1_000, burst: 1 }, clock);
  const order: string[] = [];
  await bucket.take(1);
  const controller = new AbortController();
  const a = bucket.take(1).then(() => order.push('a'));
  const b = bucket.take(1, controller.signal).then(() => order.push('b'), (e: Error) => order.push(`b:${e.name}`));
  const c = bucket.take(1).then(() => order.push('c'));
  controller.abort();
  await clock.advance(5_000);
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ['b:AbortError', 'a', 'c']);
});

test('a write takes a write token and a request token; a chunk larger than the burst is refused', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({ writes: { limit: 40, windowMs: 2_000, burst: 10 }, reads: { limit: 100, windowMs: 2_000, burst: 20 } }, clock);
  await pacer.acquire({ writes: 8, reads: 2 });
  assert.equal(pacer.writes.available(), 2);
  assert.equal(pacer.reads.available(), 10);
  assert.equal(pacer.maxAtOnce(), 10);
  await assert.rejects(pacer.writes.take(11), RangeError);
  pacer.throttled('write', 1_000);
  assert.equal(pacer.writes.available(), 0);
  assert.equal(pacer.reads.available(), 10, 'a write throttle does not stop reads');
});
