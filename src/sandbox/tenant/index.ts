// The sandbox tenant: a local, in-memory, Graph-compatible HTTP server (NOT Microsoft Graph) for
// the demo and the tests. See docs/sandbox-tenant.md.
import type { Server } from 'node:http';
import { DEFAULT_THROTTLE, listen, SandboxEngine, type TenantHooks } from './server';
import { makeSeed } from './seed/make-seed';
import { loadState, stateFromSeed } from './store';
import type { Fault, SandboxSeed, SandboxState, SandboxStats, ThrottleOptions } from './types';

export type { TenantHooks } from './server';
export type { Fault, GraphObject, SandboxSeed, SandboxState, SandboxStats, ThrottleOptions } from './types';

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
  /** Intune-style limits; default 100 writes and 2000 requests per 20 s per app. false: off. */
  throttle?: ThrottleOptions | false;
  /** The sandbox world's admin endpoints and write hook (src/sandbox/world). */
  hooks?: TenantHooks;
}

export async function startSandboxTenant(options: SandboxOptions = {}): Promise<SandboxTenant> {
  const seed = options.seed ?? defaultSeed();
  const state: SandboxState = (options.persistPath && loadState(options.persistPath)) || stateFromSeed(seed);
  const throttle = options.throttle === false ? false : { ...DEFAULT_THROTTLE, ...options.throttle };
  const engine = new SandboxEngine({ state, seed, persistPath: options.persistPath, throttle, hooks: options.hooks });
  const server: Server = await listen(engine, options.port ?? 0);
  return {
    url: engine.url,
    tenantId: state.tenantId,
    faults: { inject: (f) => engine.inject(f), clear: () => engine.clearFaults() },
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
