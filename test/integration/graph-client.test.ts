// The Graph port against the sandbox tenant (src/sandbox/tenant), throttled per service like
// Graph but with short windows: paging, $batch with inner 429 and 424, pacing, cancellation, a create lost
// after commit, redaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox/tenant';
import { createSandboxTokenSource, SANDBOX_TOKEN } from '../../src/core/tenant/auth/sandbox';
import { GraphOutcomeUnknownError } from '../../src/core/tenant/errors';
import { createGraphPort, type GraphPortOptions } from '../../src/core/tenant/graph-client';
import type { BatchRequest } from '../../src/core/tenant/graph-port';
import { recordingLog } from '../support/graph-fakes';

async function withSandbox(options: Parameters<typeof startSandboxTenant>[0], run: (tenant: SandboxTenant) => Promise<void>) {
  const tenant = await startSandboxTenant(options);
  try {
    await run(tenant);
  } finally {
    await tenant.close();
  }
}

function portFor(tenant: SandboxTenant, extra: Partial<GraphPortOptions> = {}) {
  const { lines, log } = recordingLog();
  const port = createGraphPort({
    baseUrl: tenant.url,
    tokenSource: createSandboxTokenSource(tenant.tenantId),
    log,
    retry: { baseDelayMs: 20, maxDelayMs: 3_000, maxRetries: 8 },
    ...extra,
  });
  return { port, lines };
}

/** Intune's default limits: these tests write groups, which Entra ID's windows throttle. */
const INTUNE = { writesPerWindow: 100, windowMs: 20_000 };

const group = (name: string, nick: string) => ({
  displayName: name,
  mailEnabled: false,
  mailNickname: nick,
  securityEnabled: true,
  groupTypes: [],
});

test('paging: every seeded user comes back exactly once through @odata.nextLink', async () => {
  await withSandbox({ throttle: false }, async (tenant) => {
    const { port } = portFor(tenant);
    const users = await port.listAll<{ id: string; userPrincipalName: string }>('/users', {
      query: { $top: 50, $select: 'id,userPrincipalName' },
    });
    const expected = tenant
      .objects()
      .users.map((u) => u.id)
      .sort();
    assert.equal(users.length, expected.length);
    assert.deepEqual(users.map((u) => u.id).sort(), expected);
    assert.equal(tenant.stats().requests, Math.ceil(expected.length / 50));
  });
});

test('pacing: 45 creates against a 20-writes-per-second tenant all succeed, none duplicated, no 429 reaches the caller', async () => {
  // Groups are Entra ID's: its write window is the one that counts.
  await withSandbox({ throttle: { ...INTUNE, directory: { writesPerWindow: 20, writesWindowMs: 1_000 } } }, async (tenant) => {
    const { port, lines } = portFor(tenant, { pacing: { directory: { writes: { limit: 20, windowMs: 1_000 } } } });
    const names = Array.from({ length: 45 }, (_, i) => `Wave ${i + 1} – O'Neil Zürich`);
    const created = await Promise.all(
      names.map((n, i) => port.create<{ id: string; displayName: string }>('/groups', group(n, `wave${i + 1}`))),
    );
    assert.deepEqual(
      created.map((g) => g.displayName),
      names,
    );
    const inTenant = tenant.objects().groups.filter((g) => String(g.displayName).startsWith('Wave '));
    assert.equal(inTenant.length, 45);
    assert.equal(new Set(inTenant.map((g) => g.displayName)).size, 45);
    assert.ok(!lines.join('\n').includes(SANDBOX_TOKEN));
  });
});

test('pacing at the quota: 100 creates, singles and $batch mixed, against 40 writes per 2 s: none throttled, each once', async () => {
  await withSandbox({ throttle: { ...INTUNE, directory: { writesPerWindow: 40, writesWindowMs: 2_000 } } }, async (tenant) => {
    const { port, lines } = portFor(tenant, { pacing: { directory: { writes: { limit: 40, windowMs: 2_000 } } } });
    const singles = Array.from({ length: 50 }, (_, i) =>
      port.create<{ displayName: string }>('/groups', group(`Quota single ${i} – Brontë's`, `qs${i}`)),
    );
    const batch = port.batch(
      Array.from({ length: 50 }, (_, i): BatchRequest => ({
        id: `q${i}`,
        method: 'POST',
        path: '/groups',
        body: group(`Quota batch ${i} – Łódź`, `qb${i}`),
      })),
    );
    const [results, ...created] = await Promise.all([batch, ...singles]);
    assert.equal(created.length, 50);
    assert.deepEqual(
      results.filter((r) => r.outcome !== 'ok'),
      [],
    );
    const names = tenant
      .objects()
      .groups.map((g) => String(g.displayName))
      .filter((n) => n.startsWith('Quota '));
    assert.equal(names.length, 100);
    assert.equal(new Set(names).size, 100);
    // Pacing, not retrying: the tenant never had to say 429, so no request was resent.
    assert.equal(tenant.stats().throttled, 0, lines.join('\n'));
    assert.equal(tenant.stats().writes, 100);
    assert.ok(!lines.some((l) => /429/.test(l)), lines.join('\n'));
  });
});

test('$batch: inner 429s from an over-eager client are retried; a failed prerequisite yields 424 for its dependent', async () => {
  // The port is paced for 100 writes but the tenant allows 10 per second: inner 429s are certain.
  await withSandbox({ throttle: { ...INTUNE, directory: { writesPerWindow: 10, writesWindowMs: 1_000 } } }, async (tenant) => {
    const { port, lines } = portFor(tenant, { pacing: { directory: { writes: { limit: 100, windowMs: 1_000 } } } });
    const requests: BatchRequest[] = Array.from({ length: 25 }, (_, i) => ({
      id: `g${i}`,
      method: 'POST',
      path: '/groups',
      body: group(`Batch group ${i} – Ærø`, `batch${i}`),
    }));
    requests.push(
      { id: 'missing', method: 'PATCH', path: '/groups/00000000-0000-0000-0000-00000000dead', body: { description: 'x' } },
      {
        id: 'after-missing',
        method: 'PATCH',
        path: '/groups/00000000-0000-0000-0000-00000000beef',
        body: { description: 'y' },
        dependsOn: ['missing'],
      },
    );
    const results = await port.batch(requests);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    for (let i = 0; i < 25; i++) assert.equal(byId[`g${i}`].outcome, 'ok', `g${i}: ${byId[`g${i}`].status} ${byId[`g${i}`].message ?? ''}`);
    assert.equal(byId.missing.status, 404);
    assert.equal(byId.missing.outcome, 'failed');
    assert.ok(byId.missing.requestId, 'request-id of the failure is kept');
    assert.equal(byId['after-missing'].status, 424);
    assert.equal(byId['after-missing'].outcome, 'failed');
    assert.ok(tenant.stats().throttled > 0, 'the tenant did throttle inner requests');
    assert.ok(lines.some((l) => /\$batch g\d+: POST \/groups -> HTTP 429/.test(l)));
    assert.equal(
      tenant.objects().groups.filter((g) => String(g.displayName).startsWith('Batch group')).length,
      25,
      'each group exactly once',
    );
  });
});

test('a create whose connection is reset after commit is reported unknown and reconciled by lookup, not duplicated', async () => {
  await withSandbox({ throttle: false }, async (tenant) => {
    const { port, lines } = portFor(tenant);
    tenant.faults.inject({ kind: 'reset-after-commit', count: 1, method: 'POST', pathIncludes: 'groups' });
    const name = "Pilot – D'Arcy's devices";
    const error = await port.create('/groups', group(name, 'pilotdarcy')).catch((e) => e);
    assert.ok(error instanceof GraphOutcomeUnknownError, String(error));
    const found = await port.listAll<{ displayName: string }>('/groups', {
      query: { $filter: `displayName eq '${name.replace(/'/g, "''")}'` },
    });
    assert.deepEqual(
      found.map((g) => g.displayName),
      [name],
      'the group exists once: the lost create was not resent',
    );
    assert.ok(lines.some((l) => /outcome unknown, not resent/.test(l)));
  });
});

test('503 and a 429 storm on reads are absorbed; cancellation stops a slow request', async () => {
  await withSandbox({ throttle: false }, async (tenant) => {
    const { port } = portFor(tenant);
    tenant.faults.inject({ kind: '503', count: 1 });
    tenant.faults.inject({ kind: '429-storm', count: 2, retryAfterSeconds: 1 });
    const org = await port.listAll<{ displayName: string }>('/organization');
    assert.equal(org[0].displayName, 'Contoso');
    tenant.faults.inject({ kind: 'latency', ms: 5_000 });
    const controller = new AbortController();
    const pending = port.get('/groups', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { name: 'AbortError' });
    tenant.faults.clear();
  });
});
