// Shared by the import-*.test.ts files: the Contoso site over TDS (one server per file), a sandbox
// tenant reachable over HTTP from a CLI child process, a plan in a scratch folder pointing at both,
// and a normalised view of what the sandbox holds (to compare runs without ids).
import { spawn, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import { buildOptions } from '../../esbuild.mjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { executeImport, proposeImport, readImportPicture } from '../../src/core/phases/import';
import { startSandboxTenant, type SandboxOptions, type SandboxState, type SandboxTenant } from '../../src/sandbox/tenant';
import { openSession } from '../../src/core/session';
import { PASSWORD_ENV } from '../../src/core/site';
import type { PacingOptions } from '../../src/core/tenant';
import { repoRoot, type CliResult } from '../support/cli';
import { CONTOSO_CA_FILE, contosoPlan } from '../../src/sandbox/site/contoso/plan';
import { startTdsTestServer, type TdsTestServer } from '../../src/sandbox/site/tds';

export const CONTOSO_SQL = join(__dirname, '../../src/sandbox/site/contoso/contoso.sql');

export function startContosoSite(): Promise<TdsTestServer> {
  return startTdsTestServer({ fixtureFiles: [CONTOSO_SQL], log: () => {} });
}

export interface ImportWorld {
  dir: string;
  planFile: string;
  /** The plan's file name, relative to `dir` (the CLI's cwd). */
  planArg: string;
  sandbox: SandboxTenant;
  /**
   * Called after each write the sandbox applied, before its answer leaves (a promise holds the
   * answer until it settles): the fault suite kills a run at an exact write from here (a poll fell
   * behind a fast burst, and a run could end before a kill timed after the write landed).
   */
  onWrite?: () => void | Promise<void>;
  /** Environment for the CLI child: the SQL password, nothing else secret. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Which sample site a world's plan points at: Contoso unless told. */
export interface SampleSite {
  caFile: string;
  planArg: string;
  plan(site: TdsTestServer, tenant: Record<string, unknown>, extra: Record<string, unknown>): object;
}
const CONTOSO: SampleSite = {
  caFile: CONTOSO_CA_FILE,
  planArg: 'contoso pilot.migration.json',
  plan: (site, tenant, extra) => contosoPlan(site, { name: 'Contoso hybrid MDM to Intune standalone (import test)', tenant, extra }),
};

/** A scratch folder (with an apostrophe and a space, as users' folders have) holding a plan for `site` and a fresh sandbox. */
export async function openWorld(
  site: TdsTestServer,
  sandboxOptions: SandboxOptions = { throttle: false },
  planExtra: Record<string, unknown> = {},
  sample: SampleSite = CONTOSO,
): Promise<ImportWorld> {
  const dir = mkdtempSync(join(tmpdir(), "cm2intune import O'Neil "));
  const hooks = sandboxOptions.hooks ?? {
    admin: () => ({ status: 404, body: { error: { code: 'NotFound', message: 'No world endpoints in an import world.' } } }),
    afterWrite: () => world.onWrite?.(),
  };
  const sandbox = await startSandboxTenant({ ...sandboxOptions, hooks });
  writeFileSync(join(dir, sample.caFile), site.caPem);
  const planArg = sample.planArg;
  const plan = sample.plan(site, { sandbox: true, url: sandbox.url }, planExtra);
  const planFile = join(dir, planArg);
  writeFileSync(planFile, `// written by the import tests\n${JSON.stringify(plan, null, 2)}\n`);
  const world: ImportWorld = {
    dir,
    planFile,
    planArg,
    sandbox,
    env: { [PASSWORD_ENV]: site.password, CM2INTUNE_VERBOSE: '' },
    close: async () => {
      await sandbox.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export const MARKER = /\[cm2intune:([^\]]+)\]/;

/**
 * What the sandbox holds, without ids: every Intune object by type + name + marker (with its
 * binds and assignment targets by group name), every group by name with its members (UPNs).
 * Two runs that did the same thing give the same value.
 */
export function normalise(state: SandboxState) {
  const groupName = new Map(state.groups.map((g) => [g.id, String(g.displayName)]));
  const objectLabel = new Map<string, string>();
  const intune = [...state.deviceConfigurations, ...state.deviceCompliancePolicies, ...state.mobileApps];
  for (const o of intune) objectLabel.set(o.id, `${o['@odata.type']}|${o.displayName}`);
  const upn = new Map(state.users.map((u) => [u.id, String(u.userPrincipalName)]));
  const objects = intune
    .map((o) => ({
      type: String(o['@odata.type']),
      displayName: String(o.displayName),
      marker: MARKER.exec(String(o.description ?? ''))?.[1] ?? null,
      binds: Object.fromEntries(
        Object.entries(state.bindings[o.id] ?? {})
          .sort()
          .map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map((id) => objectLabel.get(id) ?? `missing ${id}`).sort()]),
      ),
      assignments: (state.assignments[o.id] ?? [])
        .map((a) => {
          const t = a.target as { '@odata.type': string; groupId?: string };
          return `${a.intent ?? ''}|${t['@odata.type']}|${t.groupId ? (groupName.get(t.groupId) ?? `missing ${t.groupId}`) : ''}`;
        })
        .sort(),
    }))
    .sort((a, b) => `${a.marker}|${a.type}|${a.displayName}`.localeCompare(`${b.marker}|${b.type}|${b.displayName}`));
  const groups = state.groups
    .map((g) => ({
      displayName: String(g.displayName),
      mailNickname: String(g.mailNickname ?? ''),
      members: (state.groupMembers[g.id] ?? []).map((id) => upn.get(id) ?? id).sort(),
    }))
    .sort((a, b) => `${a.displayName}|${a.mailNickname}`.localeCompare(`${b.displayName}|${b.mailNickname}`));
  const terms = state.termsAndConditions.map((t) => ({
    displayName: String(t.displayName),
    assignments: (state.assignments[t.id] ?? []).length,
  }));
  return { objects, groups, terms };
}

export async function sandboxStats(
  url: string,
): Promise<{ requests: number; writes: number; throttled: number; byStatus: Record<string, number> }> {
  const res = await fetch(`${url}/_sandbox/stats`);
  return (await res.json()) as { requests: number; writes: number; throttled: number; byStatus: Record<string, number> };
}

/** Polls until `check` returns something other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 5,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Phase 1 in this process (no CLI), with pacing sized for an unthrottled sandbox unless told otherwise. */
export async function importInProcess(planFile: string, password: string, pacing: PacingOptions = FAST_PACING) {
  const session = await openSession(planFile, { use: 'import', password, pacing });
  try {
    const read = await readImportPicture(session);
    const steps = await proposeImport(read, session.graph);
    const run = await executeImport(session, read, steps);
    return { read, steps, run };
  } finally {
    await session.close();
  }
}

/** For a sandbox with throttling off: the client's own pacing must not be what the test waits on. */
export const FAST_PACING: PacingOptions = { writes: { limit: 10_000, windowMs: 20_000 }, reads: { limit: 100_000, windowMs: 20_000 } };

const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

/**
 * Bundles the CLI with esbuild.mjs's own options (into `dir`), so a test that starts it many times
 * doesn't pay tsx's start-up each time, and runs what ships.
 */
export async function bundleCli(dir: string): Promise<string> {
  const outfile = join(dir, 'cli.js');
  const cli = buildOptions({ outdir: dir }).find((o) => String(o.outfile).endsWith('/cli.js'))!;
  await build({ ...cli, outfile, sourcemap: false });
  return outfile;
}

/** The real CLI in a child process (tsx on the sources, or a bundle), for tests that kill it: the child and its result. */
export function spawnCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; bundle?: string },
): { child: ChildProcess; result: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const entry = options.bundle ? [options.bundle] : ['--import', tsxLoader, join(repoRoot, 'src/cli/main.ts')];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.cwd,
    env: { ...process.env, INIT_CWD: options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result };
}

/** A small seeded PRNG (mulberry32), so a failing random run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
