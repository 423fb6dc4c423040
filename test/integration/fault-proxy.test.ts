// The fault suite's own instruments (test/faults): the proxy injects exactly what it claims, and
// the tenant comparison counts duplicates and divergences as docs/testing-faults.md says. If these
// are wrong the suite's zeros mean nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox/tenant';
import { startFaultProxy, type FaultProxy } from '../faults/proxy';
import { compareStates } from '../faults/trials';
import { normalise } from './import-world';
import { trustedRoot } from './sandbox-helpers';

const CONFIGS = '/beta/deviceManagement/deviceConfigurations';
const auth = { Authorization: 'Bearer fault-proxy-test', 'Content-Type': 'application/json' };

describe('fault proxy', () => {
  let sandbox: SandboxTenant;
  let proxy: FaultProxy;
  const get = (path: string) => fetch(`${proxy.url}${path}`, { headers: auth });
  const post = (path: string, body: unknown) => fetch(`${proxy.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const configs = () => sandbox.objects().deviceConfigurations.length;
  before(async () => {
    sandbox = await startSandboxTenant({ throttle: false });
    proxy = await startFaultProxy(sandbox.url);
  });
  after(async () => {
    await proxy?.close();
    await sandbox?.close();
  });

  it('passes requests through untouched without a rule', async () => {
    const res = await post(CONFIGS, trustedRoot('Through the proxy'));
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { displayName: string }).displayName, 'Through the proxy');
    assert.equal(((await (await get(CONFIGS)).json()) as { value: unknown[] }).value.length, configs());
  });

  it('answers 200 with each malformed body, once per count, after `after` matches', async () => {
    const cases: [Parameters<FaultProxy['add']>[0]['fault'], (text: string, type: string | null) => void][] = [
      [{ kind: 'body', shape: 'html' }, (t, type) => (assert.match(type ?? '', /text\/html/), assert.match(t, /^<!DOCTYPE html>/))],
      [{ kind: 'body', shape: 'empty-object' }, (t) => assert.equal(t, '{}')],
      [{ kind: 'body', shape: 'value-null' }, (t) => assert.equal(t, '{"value":null}')],
      [{ kind: 'body', shape: 'truncated' }, (t) => assert.throws(() => JSON.parse(t))],
      [
        { kind: 'body', shape: 'numeric-id' },
        (t) => assert.equal(typeof (JSON.parse(t) as { value: { id: unknown }[] }).value[0].id, 'number'),
      ],
      [
        { kind: 'body', shape: 'nextlink-loop' },
        (t) => assert.equal((JSON.parse(t) as Record<string, string>)['@odata.nextLink'], `${proxy.url}${CONFIGS}`),
      ],
    ];
    for (const [fault, check] of cases) {
      proxy.add({ fault, method: 'GET', pathIncludes: 'deviceConfigurations', after: 1, count: 1 });
      assert.equal((await get(CONFIGS)).status, 200);
      const hit = await get(CONFIGS);
      assert.equal(hit.status, 200, fault.kind);
      check(await hit.text(), hit.headers.get('content-type'));
      const next = await get(CONFIGS);
      assert.ok(Array.isArray(((await next.json()) as { value: unknown }).value), 'spent after count');
      proxy.clear();
    }
  });

  it('resets before (nothing applied) and after (applied) forwarding', async () => {
    const before = configs();
    proxy.add({ fault: { kind: 'reset-before' }, method: 'POST', count: 1 });
    await assert.rejects(post(CONFIGS, trustedRoot('Reset before')));
    assert.equal(configs(), before, 'not applied');
    proxy.add({ fault: { kind: 'reset-after' }, method: 'POST', count: 1 });
    await assert.rejects(post(CONFIGS, trustedRoot('Reset after')));
    assert.equal(configs(), before + 1, 'applied, answer lost');
    proxy.clear();
  });

  it('429 storms with and without Retry-After', async () => {
    proxy.add({ fault: { kind: '429-storm', retryAfterSeconds: 3 }, count: 1 });
    proxy.add({ fault: { kind: '429-storm' }, count: 1 });
    const a = await get(CONFIGS);
    const b = await get(CONFIGS);
    assert.deepEqual([a.status, a.headers.get('retry-after'), b.status, b.headers.get('retry-after')], [429, '3', 429, null]);
    assert.equal((await get(CONFIGS)).status, 200);
    proxy.clear();
  });

  it('inner $batch faults: 429 withheld (and its dependant 424), 504 applied, a missing answer, no responses at all', async () => {
    const before = configs();
    const batch = (names: string[], dependsOn?: boolean) => ({
      requests: names.map((n, i) => ({
        id: String(i + 1),
        method: 'POST',
        url: '/deviceManagement/deviceConfigurations',
        headers: { 'Content-Type': 'application/json' },
        body: trustedRoot(n),
        ...(dependsOn && i > 0 ? { dependsOn: [String(i)] } : {}),
      })),
    });
    proxy.add({ fault: { kind: 'inner-status', status: 429, retryAfterSeconds: 2 }, pathIncludes: 'deviceConfigurations', count: 1 });
    const throttled = (await (await post('/beta/$batch', batch(['Inner A', 'Inner B'], true))).json()) as {
      responses: { id: string; status: number; headers?: Record<string, string> }[];
    };
    const byId = new Map(throttled.responses.map((r) => [r.id, r]));
    assert.equal(byId.get('1')!.status, 429);
    assert.equal(byId.get('1')!.headers!['Retry-After'], '2');
    assert.equal(byId.get('2')!.status, 424);
    assert.equal(configs(), before, 'a 429 and what depends on it never reach the sandbox');

    proxy.add({ fault: { kind: 'inner-status', status: 504 }, pathIncludes: 'deviceConfigurations', after: 1, count: 1 });
    const unknown = (await (await post('/beta/$batch', batch(['Inner C', 'Inner D']))).json()) as {
      responses: { id: string; status: number }[];
    };
    assert.deepEqual(unknown.responses.map((r) => [r.id, r.status]).sort(), [
      ['1', 201],
      ['2', 504],
    ]);
    assert.equal(configs(), before + 2, 'a 504 was applied');

    proxy.add({ fault: { kind: 'inner-missing' }, pathIncludes: 'deviceConfigurations', count: 1 });
    const missing = (await (await post('/beta/$batch', batch(['Inner E', 'Inner F']))).json()) as { responses: { id: string }[] };
    assert.deepEqual(
      missing.responses.map((r) => r.id),
      ['2'],
    );

    proxy.add({ fault: { kind: 'body', shape: 'batch-no-responses' }, pathIncludes: '$batch', count: 1 });
    const none = (await (await post('/beta/$batch', batch(['Inner G']))).json()) as Record<string, unknown>;
    assert.equal(none.responses, undefined);
    assert.equal(proxy.hits()['inner-429'], 1);
    proxy.clear();
  });

  it('holds an answer until the client gives up', async () => {
    proxy.add({ fault: { kind: 'hold', ms: 60_000 }, count: 1 });
    const started = Date.now();
    await assert.rejects(fetch(`${proxy.url}${CONFIGS}`, { headers: auth, signal: AbortSignal.timeout(300) }));
    assert.ok(Date.now() - started >= 290);
    proxy.clear();
  });
});

describe('tenant comparison', () => {
  it('counts extra copies as duplicates and every other difference as a divergence', async () => {
    const sandbox = await startSandboxTenant({ throttle: false });
    try {
      const reference = normalise(sandbox.objects());
      assert.deepEqual(compareStates(reference, reference), { duplicates: 0, divergences: [], duplicateNames: [] });
      const state = structuredClone(reference);
      state.groups.push(structuredClone(state.groups[0]));
      state.groups[1].members.push('someone@contoso.com');
      state.groups.splice(2, 1);
      const result = compareStates(state, reference);
      assert.equal(result.duplicates, 1);
      assert.deepEqual(result.duplicateNames, [`group ${reference.groups[0].displayName}|${reference.groups[0].mailNickname} ×2`]);
      assert.equal(result.divergences.length, 2, result.divergences.join('\n'));
      assert.match(result.divergences.join('\n'), /members: extra someone@contoso\.com/);
      assert.match(result.divergences.join('\n'), /is missing/);
    } finally {
      await sandbox.close();
    }
  });
});
