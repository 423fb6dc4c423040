// Contract of the sandbox tenant's injected faults, admin endpoints and persistence, over HTTP.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SandboxTenant } from '../../src/sandbox/tenant/index';
import { client, trustedRoot, withSandbox } from './sandbox-helpers';

const CONFIGS = '/beta/deviceManagement/deviceConfigurations';

describe('sandbox tenant: faults and admin endpoints', () => {
  let tenant: SandboxTenant;
  let g: ReturnType<typeof client>;
  const admin = (method: string, what: string, body?: unknown) =>
    fetch(`${tenant.url}/_sandbox/${what}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  before(async () => {
    tenant = await withSandbox();
    g = client(tenant);
  });
  after(() => tenant?.close());

  it('429-storm: the next N requests get 429 with the given Retry-After (admin endpoint)', async () => {
    assert.equal((await admin('POST', 'faults', { kind: '429-storm', count: 2, retryAfterSeconds: 7 })).status, 204);
    const a = await g.get('/v1.0/organization');
    const b = await g.get('/v1.0/organization');
    const c = await g.get('/v1.0/organization');
    assert.deepEqual([a.status, b.status, c.status], [429, 429, 200]);
    assert.equal(a.headers.get('retry-after'), '7');
    assert.equal(a.body.error.code, 'TooManyRequests');
  });

  it('503: the next N requests get 503 (in-process API)', async () => {
    tenant.faults.inject({ kind: '503', count: 1 });
    assert.equal((await g.get('/v1.0/organization')).status, 503);
    assert.equal((await g.get('/v1.0/organization')).status, 200);
  });

  it('reset-after-commit: the write is applied, the client sees a connection reset', async () => {
    tenant.faults.inject({ kind: 'reset-after-commit', count: 1, method: 'POST', pathIncludes: 'deviceConfigurations' });
    assert.equal((await g.get(CONFIGS)).status, 200, 'reads do not trigger it');
    await assert.rejects(
      () => g.post(CONFIGS, trustedRoot('Committed then reset')),
      (e: Error) => /fetch failed|socket|reset/i.test(`${e.message} ${String((e as { cause?: unknown }).cause)}`),
    );
    const found = await g.get(`${CONFIGS}?$filter=${encodeURIComponent("displayName eq 'Committed then reset'")}`);
    assert.equal(found.body.value.length, 1, 'the object exists although no answer came');
    assert.equal((await g.post(CONFIGS, trustedRoot('After the reset'))).status, 201, 'one-shot');
  });

  it('reset-after-commit inside a $batch resets after the whole batch is applied', async () => {
    tenant.faults.inject({ kind: 'reset-after-commit', count: 1, pathIncludes: 'groups' });
    const group = (n: string) => ({ displayName: n, mailEnabled: false, mailNickname: n.replace(/\W/g, ''), securityEnabled: true });
    await assert.rejects(() =>
      g.post('/v1.0/$batch', {
        requests: [
          { id: '1', method: 'POST', url: '/groups', headers: { 'Content-Type': 'application/json' }, body: group('Batch reset A') },
          { id: '2', method: 'POST', url: '/groups', headers: { 'Content-Type': 'application/json' }, body: group('Batch reset B') },
        ],
      }),
    );
    assert.equal(tenant.objects().groups.filter((x) => String(x.displayName).startsWith('Batch reset')).length, 2);
  });

  it('latency delays each request; clear() removes every fault', async () => {
    tenant.faults.inject({ kind: 'latency', ms: 150 });
    const started = Date.now();
    assert.equal((await g.get('/v1.0/organization')).status, 200);
    assert.ok(Date.now() - started >= 140, 'answered no sooner than the injected latency');
    tenant.faults.inject({ kind: '503', count: 5 });
    tenant.faults.clear();
    assert.equal((await g.get('/v1.0/organization')).status, 200);
  });

  it('refuses malformed faults; stats, state and reset endpoints', async () => {
    assert.equal((await admin('POST', 'faults', { kind: 'meteor', count: 1 })).status, 400);
    const stats = (await (await admin('GET', 'stats')).json()) as {
      requests: number;
      writes: number;
      throttled: number;
      byStatus: Record<string, number>;
    };
    assert.ok(stats.requests > 5);
    assert.ok(stats.writes >= 4);
    assert.equal(stats.throttled, 2);
    assert.equal(stats.byStatus['503'], 1);
    assert.deepEqual(stats, JSON.parse(JSON.stringify(tenant.stats())));
    const state = (await (await admin('GET', 'state')).json()) as { deviceConfigurations: unknown[] };
    assert.equal(state.deviceConfigurations.length, tenant.objects().deviceConfigurations.length);
    assert.equal((await admin('POST', 'reset')).status, 204);
    assert.equal(tenant.objects().deviceConfigurations.length, 0);
    assert.equal(tenant.stats().requests, 0);
    assert.equal((await admin('GET', 'nothing')).status, 404);
  });
});

describe('sandbox tenant: persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-sandbox-'));
  const file = join(dir, 'tenant state.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the state after each write and resumes from it', async () => {
    const first = await withSandbox({ persistPath: file });
    let id: string;
    try {
      assert.equal(existsSync(file), false, 'reads alone do not write');
      await client(first).get('/v1.0/groups');
      assert.equal(existsSync(file), false);
      const created = await client(first).post(CONFIGS, trustedRoot("Persisted – O'Brien's root"));
      id = created.body.id;
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(saved.format, 'cm2intune-sandbox-state/1');
      assert.ok(saved.deviceConfigurations.some((c: { id: string }) => c.id === id));
      assert.deepEqual(readdirSync(dir), ['tenant state.json'], 'no temp file left behind');
    } finally {
      await first.close();
    }
    const second = await withSandbox({ persistPath: file });
    try {
      const read = await client(second).get(`${CONFIGS}/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.displayName, "Persisted – O'Brien's root");
    } finally {
      await second.close();
    }
  });
});
