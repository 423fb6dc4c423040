import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer, requestCost, serviceOf, SlidingWindow, type Permit } from '../../src/core/tenant/pacer';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import type { BatchRequest } from '../../src/core/tenant/graph-port';
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

// ---- One budget per Graph service ----

test('requests are paced by the service that owns their path, at its cost', () => {
  assert.equal(serviceOf('/deviceManagement/deviceConfigurations'), 'intune');
  assert.equal(serviceOf('deviceManagement/deviceCompliancePolicies/abc/assign'), 'intune');
  assert.equal(serviceOf('/v1.0/deviceAppManagement/mobileApps?$top=999'), 'intune');
  assert.equal(serviceOf('/deviceManagement/managedDevices?$filter=x'), 'intuneDevices');
  assert.equal(serviceOf("/deviceManagement/managedDevices('abc')"), 'intuneDevices');
  assert.equal(serviceOf('/users/u1/managedDevices'), 'intuneDevices');
  assert.equal(serviceOf('/groups/{{id:group:P0100020}}'), 'directory');
  assert.equal(serviceOf('/users?$filter=userPrincipalName%20in%20(%27a%27)'), 'directory');
  assert.equal(serviceOf('/users/u1/assignLicense'), 'directory');
  assert.equal(serviceOf('/subscribedSkus'), 'directory');
  assert.equal(serviceOf('/organization'), 'directory');
  // Entra ID's resource units: the published base costs and query adjustments, never below 1.
  assert.equal(requestCost('POST', '/deviceManagement/deviceConfigurations'), 1);
  assert.equal(requestCost('PATCH', '/groups/g1'), 1);
  assert.equal(requestCost('GET', '/users'), 2);
  assert.equal(requestCost('GET', '/users?$filter=x&$select=id,userPrincipalName'), 1);
  assert.equal(requestCost('GET', '/groups/g1/members?$select=id&$top=999'), 2);
  assert.equal(requestCost('GET', '/groups/g1/transitiveMembers'), 5);
  assert.equal(requestCost('GET', '/subscribedSkus'), 3);
  assert.equal(requestCost('GET', '/organization?$select=id&$top=1'), 1);
});

test('a 429 from the directory pauses the directory only: Intune writes go on at once', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({}, clock);
  pacer.throttled('write', 30_000, 'directory');
  const granted: string[] = [];
  const intune = pacer.acquire({ writes: 1 }, undefined, 'intune').then((p) => (granted.push(`intune@${clock.now()}`), p));
  const devices = pacer.acquire({ writes: 1 }, undefined, 'intuneDevices').then((p) => (granted.push(`devices@${clock.now()}`), p));
  const directory = pacer.acquire({ writes: 1 }, undefined, 'directory').then((p) => (granted.push(`directory@${clock.now()}`), p));
  await clock.advance(0);
  assert.deepEqual(granted, ['intune@0', 'devices@0']);
  await clock.advance(29_999);
  assert.deepEqual(granted, ['intune@0', 'devices@0'], 'nothing to the directory before its Retry-After');
  await clock.advance(1_000);
  assert.equal(granted.length, 3);
  for (const p of [intune, devices, directory]) (await p).done();
  // The other way round too.
  pacer.throttled('write', 30_000, 'intune');
  const after = await Promise.race([pacer.acquire({ writes: 1 }, undefined, 'directory'), clock.advance(1).then(() => 'waited')]);
  assert.notEqual(after, 'waited', 'an Intune 429 does not hold the directory');
});

test('each service has its own quota: a full Intune window does not hold directory writes, nor the device family', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({ writes: { limit: 2, windowMs: 20_000 }, directory: { writes: { limit: 3, windowMs: 150_000 } } }, clock);
  const full = await pacer.acquire({ writes: 2 }, undefined, 'intune');
  full.done();
  assert.equal(pacer.services.intune.writes.available(), 0);
  const directory = await pacer.acquire({ writes: 3 }, undefined, 'directory');
  directory.done();
  assert.equal(pacer.services.directory.writes.available(), 0);
  assert.equal(pacer.services.intuneDevices.writes.available(), 200, 'managed devices: 200 writes per 20 s by default');
  assert.equal(pacer.services.directory.reads.available(), 3500 - 3, 'each directory write costs a resource unit too');
  assert.equal(pacer.maxAtOnce('directory'), 3);
  assert.equal(pacer.maxAtOnce('intuneDevices'), 200);
});

/** Lets the port's HTTP plumbing (streams, middleware) run: it needs more than a microtask turn. */
async function advance(clock: FakeClock, ms: number) {
  await clock.advance(ms);
  await new Promise((resolve) => setTimeout(resolve, 30));
  await clock.advance(0);
}

/** A Graph double over `fetch`: answers every request 2xx (or as `answer` says), records when each envelope left. */
function fakeGraph(
  clock: FakeClock,
  answer: (method: string, url: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 201 }),
) {
  const sent: { at: number; urls: string[] }[] = [];
  const reply = (method: string, url: string) => {
    const a = answer(method, url);
    return {
      ...a,
      body: a.status < 300 ? { id: `id-${sent.length}-${url}` } : { error: { code: 'TooManyRequests', message: 'slow down' } },
    };
  };
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const path = url.pathname.replace(/^\/(v1\.0|beta)/, '');
    const body = init?.body ? (JSON.parse(String(init.body)) as { requests?: { id: string; method: string; url: string }[] }) : {};
    if (path === '/$batch') {
      sent.push({ at: clock.now(), urls: body.requests!.map((r) => r.url) });
      const responses = body.requests!.map((r) => {
        const inner = reply(r.method, r.url);
        return { id: r.id, ...inner, headers: { 'Content-Type': 'application/json', ...inner.headers } };
      });
      return new Response(JSON.stringify({ responses }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    sent.push({ at: clock.now(), urls: [path] });
    const r = reply(init?.method ?? 'GET', path);
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json', ...r.headers } });
  }) as typeof fetch;
  return { sent, fetchImpl };
}

test('$batch: a mix of Intune and directory requests is split per service, and the Intune part never waits for the directory', async () => {
  const clock = new FakeClock();
  const { sent, fetchImpl } = fakeGraph(clock);
  const port = createGraphPort({
    baseUrl: 'http://127.0.0.1:9',
    tokenSource: createSandboxTokenSource(),
    clock,
    fetch: fetchImpl,
    pacing: { directory: { writes: { limit: 10, windowMs: 60_000 } } },
  });
  // The directory's write window is full (another run's member additions, say).
  const held = await port.internals.pacer.acquire({ writes: 10 }, undefined, 'directory');
  const requests: BatchRequest[] = [];
  for (let i = 0; i < 6; i++) {
    requests.push({ id: `m${i}`, method: 'PATCH', path: '/groups/g1', body: { 'members@odata.bind': [`u${i}`] } });
    requests.push({
      id: `c${i}`,
      method: 'POST',
      path: '/deviceManagement/deviceConfigurations',
      body: { displayName: `c${i}` },
      version: 'beta',
    });
  }
  const done = port.batch(requests);
  await advance(clock, 10);
  assert.equal(sent.length, 1, 'the Intune chunk left at once');
  assert.ok(
    sent[0].urls.every((u) => u.startsWith('/deviceManagement/')),
    `one service per envelope: ${sent[0].urls.join(' ')}`,
  );
  assert.equal(sent[0].urls.length, 6);
  held.done();
  await advance(clock, 59_989);
  assert.equal(sent.length, 1, 'the directory chunk waits for its own window');
  await advance(clock, 100);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].urls, Array(6).fill('/groups/g1'));
  const results = await done;
  assert.deepEqual(
    results.map((r) => r.outcome),
    Array(12).fill('ok'),
  );
});

test('an inner 429 from the directory holds back directory requests only; a single Intune create leaves meanwhile', async () => {
  const clock = new FakeClock();
  let directory429 = 1;
  const { sent, fetchImpl } = fakeGraph(clock, (_method, url) =>
    url.startsWith('/groups') && directory429-- > 0 ? { status: 429, headers: { 'Retry-After': '30' } } : { status: 201 },
  );
  const port = createGraphPort({ baseUrl: 'http://127.0.0.1:9', tokenSource: createSandboxTokenSource(), clock, fetch: fetchImpl });
  const members = port.batch([{ id: 'm', method: 'PATCH', path: '/groups/g1', body: { 'members@odata.bind': ['u1'] } }]);
  await advance(clock, 10);
  assert.equal(sent.length, 1);
  const create = port.create('/deviceManagement/deviceConfigurations', { displayName: 'x' }, { version: 'beta' });
  await advance(clock, 10);
  assert.equal(sent.length, 2, 'the Intune create did not wait out the directory Retry-After');
  assert.deepEqual(sent[1].urls, ['/deviceManagement/deviceConfigurations']);
  await create;
  const group = port.create('/groups', { displayName: 'g' });
  await advance(clock, 20_000);
  assert.equal(sent.length, 2, 'the directory waits its 30 s');
  await advance(clock, 15_000);
  assert.equal((await members)[0].outcome, 'ok');
  await group;
  assert.equal(sent.length, 4);
});
