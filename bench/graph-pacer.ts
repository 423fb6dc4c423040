// Pacer figures: writes (group creates, so Entra ID's write window) through the Graph port against
// the sandbox tenant throttled per service (sliding window per app) with a short window (40 writes
// / 2 s), over 6 windows' worth of writes,
// half single creates and half through $batch, all queued at once so the pacer has to order them.
//
// writeRateRatio = steady write rate achieved / limit. The first `limit` writes may leave at once
// (that is the quota of the first window); every further `limit` writes need one more window. So
// the rate is (writes - limit) per elapsed time: 1.0 means every window was used in full, > 1
// would mean the limit was exceeded. throttledShare = 429 answers (inner ones included) / writes
// applied: 0 means pacing, not retrying, kept us under the limit. A slot is reused one window after
// its answer came back, so each request's latency is lost once per window: the ratio is about
// window / (window + latency), which a 20 s Intune window makes ten times smaller than this 2 s one.
import { startSandboxTenant } from '../src/sandbox/tenant';
import { createSandboxTokenSource } from '../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../src/core/tenant/graph-client';

export async function benchPacer({ limit = 40, windowMs = 2_000, windows = 6 } = {}): Promise<Record<string, number>> {
  const writes = limit * windows;
  const tenant = await startSandboxTenant({
    throttle: { writesPerWindow: limit, windowMs, directory: { writesPerWindow: limit, writesWindowMs: windowMs } },
  });
  try {
    const port = createGraphPort({
      baseUrl: tenant.url,
      tokenSource: createSandboxTokenSource(),
      pacing: { directory: { writes: { limit, windowMs } } },
    });
    const group = (name: string, nick: string) => ({
      displayName: name,
      mailEnabled: false,
      mailNickname: nick,
      securityEnabled: true,
      groupTypes: [],
    });
    // Sign-in, first connection and JIT warm-up are not pacing: one read before the clock starts.
    await port.get('/organization');
    const started = Date.now();
    const singles = Array.from({ length: writes / 2 }, (_, i) => port.create('/groups', group(`Bench single ${i}`, `bs${i}`)));
    const batched = port.batch(
      Array.from({ length: writes / 2 }, (_, i) => ({
        id: `b${i}`,
        method: 'POST' as const,
        path: '/groups',
        body: group(`Bench batch ${i}`, `bb${i}`),
      })),
    );
    const [results] = await Promise.all([batched, ...singles]);
    const elapsed = Date.now() - started;
    const failed = results.filter((r) => r.outcome !== 'ok').length;
    if (failed > 0) throw new Error(`${failed} batched creates failed; the figures would be meaningless.`);
    const stats = tenant.stats();
    return {
      'pacer.writes': stats.writes,
      'pacer.windows': Number((elapsed / windowMs).toFixed(2)),
      'pacer.elapsedMs': elapsed,
      'pacer.writeRateRatio': Number(((stats.writes - limit) / (elapsed / windowMs) / limit).toFixed(3)),
      'pacer.throttledShare': Number((stats.throttled / Math.max(1, stats.writes)).toFixed(3)),
    };
  } finally {
    await tenant.close();
  }
}
