// Pacing per Graph service, end to end: the executor and the Graph port against the sandbox
// tenant throttled per service with small limits. Member additions (Entra ID's windows) and
// Intune creates (Intune's) go out side by side, each at its own service's full rate, and the
// tenant never has to say 429.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxTenant } from '../../src/sandbox/tenant';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import { Journal } from '../../src/core/ledger/journal';
import { executeSteps } from '../../src/core/phases/execute';
import { placeholder } from '../../src/core/placeholders';
import type { Step } from '../../src/core/phases/steps';
import { trustedRoot } from './sandbox-helpers';

const LIMIT = 10;
const WINDOW_MS = 1_000;

test('group member writes and Intune writes proceed in their own windows at once, and nothing is throttled', async () => {
  const tenant = await startSandboxTenant({
    throttle: { writesPerWindow: LIMIT, windowMs: WINDOW_MS, directory: { writesPerWindow: LIMIT, writesWindowMs: WINDOW_MS } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-pacing-'));
  try {
    // Graph answers a write in some tens of milliseconds at best.
    tenant.faults.inject({ kind: 'latency', ms: 40 });
    const envelopes: { at: number; intune: number; directory: number }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith('/$batch')) {
        const inner = (JSON.parse(String(init?.body)) as { requests: { url: string }[] }).requests;
        const intune = inner.filter((r) => r.url.startsWith('/deviceManagement/')).length;
        envelopes.push({ at: Date.now(), intune, directory: inner.length - intune });
      }
      return fetch(input, init);
    };
    const graph = createGraphPort({
      baseUrl: tenant.url,
      tokenSource: createSandboxTokenSource(tenant.tenantId),
      fetch: recording,
      pacing: { writes: { limit: LIMIT, windowMs: WINDOW_MS }, directory: { writes: { limit: LIMIT, windowMs: WINDOW_MS } } },
    });
    const users = tenant.objects().users.slice(0, 30);
    const steps: Step[] = [
      {
        id: 'group',
        key: 'group:P01000AA',
        action: 'createGroup',
        title: 'Create the group',
        request: {
          method: 'POST',
          path: '/groups',
          version: 'v1.0',
          body: { displayName: 'Pacing', mailEnabled: false, mailNickname: 'cm2intune-P01000AA', securityEnabled: true, groupTypes: [] },
        },
        needs: [],
        verify: '',
      },
      ...users.map((u, i): Step => ({
        id: `members:${i}`,
        key: 'group:P01000AA',
        action: 'addMembers',
        title: `Add ${String(u.userPrincipalName)}`,
        request: {
          method: 'PATCH',
          path: `/groups/${placeholder('group:P01000AA')}`,
          version: 'v1.0',
          body: { 'members@odata.bind': [`${tenant.url}/v1.0/directoryObjects/${u.id}`] },
        },
        needs: ['group:P01000AA'],
        verify: '',
      })),
      ...Array.from({ length: 30 }, (_, i): Step => ({
        id: `create:${i}`,
        key: `ci:${i}`,
        action: 'create',
        title: `Create root ${i}`,
        request: {
          method: 'POST',
          path: '/deviceManagement/deviceConfigurations',
          version: 'beta',
          body: trustedRoot(`Pacing root ${i}`),
          odataType: '#microsoft.graph.iosTrustedRootCertificate',
        },
        needs: [],
        verify: '',
      })),
    ];
    const outcomes = await executeSteps(steps, {
      graph,
      journal: Journal.open(join(dir, 'pacing.ledger')),
      phase: 'import',
      ids: new Map(),
      reconcile: () => Promise.resolve(null),
    });
    assert.deepEqual(
      outcomes.filter((o) => o.status !== 'done').map((o) => `${o.step.title}: ${o.message}`),
      [],
    );
    const stats = tenant.stats();
    assert.equal(stats.throttled, 0, `no 429: ${JSON.stringify(stats.throttledByService)}`);
    assert.equal(stats.writes, 61);
    const group = tenant.objects().groups.find((g) => g.mailNickname === 'cm2intune-P01000AA')!;
    assert.equal(tenant.objects().groupMembers[group.id].length, 30);
    // Every $batch touches one service.
    for (const e of envelopes) assert.ok(e.intune === 0 || e.directory === 0, JSON.stringify(e));
    // Side by side: some window of WINDOW_MS saw more writes leave than one service allows,
    // which one shared budget could never do.
    const busiest = Math.max(
      ...envelopes.map((e) =>
        envelopes.filter((x) => x.at >= e.at && x.at < e.at + WINDOW_MS).reduce((n, x) => n + x.intune + x.directory, 0),
      ),
    );
    assert.ok(busiest > LIMIT, `busiest window ${busiest} writes: ${JSON.stringify(envelopes)}`);
    for (const service of ['intune', 'directory'] as const) {
      const most = Math.max(
        ...envelopes.map((e) => envelopes.filter((x) => x.at >= e.at && x.at < e.at + WINDOW_MS).reduce((n, x) => n + x[service], 0)),
      );
      assert.ok(most <= LIMIT, `${service}: ${most} writes in one window`);
    }
  } finally {
    await tenant.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
