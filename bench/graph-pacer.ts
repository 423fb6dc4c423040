// Pacer figures: N writes through the Graph port against the sandbox tenant throttled like
// Intune with a short window (40 writes / 2 s). writeRateRatio = achieved writes per window /
// limit (1.0 would be perfect use of the quota; the pacer aims a little under it); throttledShare
// = 429 answers / writes sent (0 means pacing, not retrying, kept us under the limit).
import { startSandboxTenant } from '../src/core/sandbox/tenant';
import { createSandboxTokenSource } from '../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../src/core/tenant/graph-client';

export async function benchPacer(): Promise<Record<string, number>> {
  const limit = 40;
  const windowMs = 2_000;
  const writes = 200;
  const tenant = await startSandboxTenant({ throttle: { writesPerWindow: limit, windowMs } });
  try {
    const port = createGraphPort({ baseUrl: tenant.url, tokenSource: createSandboxTokenSource(), pacing: { writes: { limit, windowMs } } });
    const started = Date.now();
    // Half single creates, half through $batch, all at once: the pacer has to order them.
    const singles = Array.from({ length: writes / 2 }, (_, i) =>
      port.create('/groups', { displayName: `Bench single ${i}`, mailEnabled: false, mailNickname: `bs${i}`, securityEnabled: true, groupTypes: [] }),
    );
    const batched = port.batch(
      Array.from({ length: writes / 2 }, (_, i) => ({ id: `b${i}`, method: 'POST' as const, path: '/groups', body: { displayName: `Bench batch ${i}`, mailEnabled: false, mailNickname: `bb${i}`, securityEnabled: true, groupTypes: [] } })),
    );
    await Promise.all([...singles, batched]);
    const elapsed = Date.now() - started;
    const stats = tenant.stats();
    return {
      'pacer.writes': stats.writes,
      'pacer.elapsedMs': elapsed,
      'pacer.writeRateRatio': Number((stats.writes / (elapsed / windowMs) / limit).toFixed(3)),
      'pacer.throttledShare': Number((stats.throttled / Math.max(1, stats.writes)).toFixed(3)),
    };
  } finally {
    await tenant.close();
  }
}
