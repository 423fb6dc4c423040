// The sandbox tenant: a local, in-memory, Graph-compatible HTTP server (NOT Microsoft Graph) for
// the demo and the tests. See docs/sandbox-tenant.md.
import type { Server } from 'node:http';
import { listen, SandboxEngine, type TenantHooks } from './server';
import { makeSeed } from './seed/make-seed';
import { loadState, stateFromSeed } from './store';
import { resolveThrottle } from './throttle';
import type { Fault, SandboxSeed, SandboxState, SandboxStats, ThrottleOptions } from './types';

export type { TenantHooks } from './server';
export type {
  DirectoryThrottle,
  Fault,
  GraphObject,
  IntuneThrottle,
  SandboxSeed,
  SandboxState,
  SandboxStats,
  ThrottleOptions,
} from './types';

let contoso: SandboxSeed | undefined;
/**
 * The Contoso seed (matches the sample ConfigMgr site in src/sandbox/site/contoso), generated on
 * first use: the same as the committed seed/contoso.seed.json (a test checks), which the package
 * therefore need not carry. Callers must not change it (structuredClone it first).
 */
export function defaultSeed(): SandboxSeed {
  return (contoso ??= makeSeed());
}

export interface SandboxTenant {
  /** http://127.0.0.1:<port> — the Graph base; clients append /v1.0 or /beta. */
  readonly url: string;
  readonly tenantId: string;
  faults: { inject(f: Fault): void; clear(): void };
  /** New limits from now on (as `throttle` in the options; false: off), counting afresh. */
  setThrottle(throttle: ThrottleOptions | false): void;
  stats(): SandboxStats;
  /** A snapshot (deep copy) of everything the tenant holds, for assertions. */
  objects(): SandboxState;
  /** The live state, read-only by convention (no copy): for the world's frequent reads. */
  peek(): SandboxState;
  /** Changes the state outside Graph and persists it (the world moving devices, the wizard). */
  update(change: (state: SandboxState) => void): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** The seed (a file: `readSeedFile`); default the Contoso seed. */
  seed?: SandboxSeed;
  port?: number;
  /** Keep the state in this JSON file: resumed from it when it exists, rewritten after each write. */
  persistPath?: string;
  /**
   * Limits per service and app, like Graph's: Intune 100 writes and 2000 requests per 20 s
   * (managed devices: `devices`, 200 and 2000), Entra ID (`directory`) 3,500 resource units per
   * 10 s and 3,000 writes per 150 s. false: off.
   */
  throttle?: ThrottleOptions | false;
  /** The sandbox world's admin endpoints and write hook (src/sandbox/world). */
  hooks?: TenantHooks;
}

export async function startSandboxTenant(options: SandboxOptions = {}): Promise<SandboxTenant> {
  const seed = options.seed ?? defaultSeed();
  const state: SandboxState = (options.persistPath && loadState(options.persistPath)) || stateFromSeed(seed);
  const throttle = options.throttle === false ? false : resolveThrottle(options.throttle);
  const engine = new SandboxEngine({ state, seed, persistPath: options.persistPath, throttle, hooks: options.hooks });
  const server: Server = await listen(engine, options.port ?? 0);
  return {
    url: engine.url,
    tenantId: state.tenantId,
    faults: { inject: (f) => engine.inject(f), clear: () => engine.clearFaults() },
    setThrottle: (t) => engine.setThrottle(t === false ? false : resolveThrottle(t)),
    stats: () => engine.stats(),
    objects: () => structuredClone(engine.state),
    peek: () => engine.state,
    update: (change) => engine.update(change),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
