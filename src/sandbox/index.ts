// The sandbox world's surface for the faces (CLI, extension) and the demo. Faces load this module
// only when a plan names the sandbox (dynamic import), so it never sits on the activation path;
// the core never imports it, and it imports nothing of the product (its shapes match the core's
// SandboxStarter and WorldStarter structurally).
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSandboxTenant } from './tenant';
import { startSandboxWorld, type SandboxWorld } from './world';

export { startSandboxTenant } from './tenant';
export { startSandboxWorld, type SandboxWorld } from './world';
export { WORLD_PLAN_FILE, worldPlan, worldPlanText } from './site/contoso/plan';

/** Starts the sandbox tenant for a plan, its state kept where the core says (beside the plan). */
export async function startSandboxForPlan({ persistPath }: { persistPath: string }): Promise<{ url: string; close(): Promise<void> }> {
  const tenant = await startSandboxTenant({ persistPath });
  return { url: tenant.url, close: () => tenant.close() };
}

/** What a plan needs of a running world: the sample site's connection and the tenant's URL. */
export interface WorldEndpoints {
  site: { server: string; port: number; database: string; siteCode: string; user: string; password: string; caFile: string };
  tenant: { url: string; tenantId: string };
}

interface RunningFile extends WorldEndpoints {
  pid: number;
}

const LOCK = 'world.lock';
const RUNNING = 'world.running.json';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the folder's lock, or undefined (no lock, or a lock whose owner is gone: then it is removed). */
function lockOwner(dir: string): number | undefined {
  const lock = join(dir, LOCK);
  let pid: number;
  try {
    pid = Number(JSON.parse(readFileSync(lock, 'utf8')).pid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A lock is linked into place complete, so an unreadable one was not written by us: leave it.
    throw new Error(`${lock} is not a sandbox world lock: delete it if no cm2intune sandbox runs from ${dir}.`);
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
  try {
    unlinkSync(lock);
  } catch {
    // another process took it over first
  }
  return undefined;
}

/** Takes the folder's lock atomically (a complete file linked into place); false when another process holds it. */
function takeLock(dir: string): boolean {
  const lock = join(dir, LOCK);
  const temp = join(dir, `${LOCK}.${process.pid}.tmp`);
  writeFileSync(temp, JSON.stringify({ pid: process.pid }));
  try {
    linkSync(temp, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

async function waitForRunning(dir: string, pid: number, timeoutMs: number): Promise<WorldEndpoints> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const running = JSON.parse(readFileSync(join(dir, RUNNING), 'utf8')) as RunningFile;
      if (running.pid === pid) return { site: running.site, tenant: running.tenant };
    } catch {
      // not written yet
    }
    if (!isAlive(pid)) throw new Error(`The sandbox world in ${dir} was being started by process ${pid}, which stopped: try again.`);
    if (Date.now() > deadline)
      throw new Error(
        `The sandbox world in ${dir} is held by process ${pid}, which has not finished starting it: stop that process or try again.`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface OpenedWorld extends WorldEndpoints {
  /** Set when this process started the world (it runs until close); unset when it joined one already running. */
  world?: SandboxWorld;
  close(): Promise<void>;
}

/**
 * The world in `dir`: joined when another process (`cm2intune sandbox start`, the editor) already
 * runs it, else started here, with the folder locked so two processes never run one world at once.
 */
export async function openSandboxWorld(options: {
  dir: string;
  log?: (line: string) => void;
  timeoutMs?: number;
  moveDelayMs?: number;
}): Promise<OpenedWorld> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner = lockOwner(dir);
    if (owner !== undefined) {
      const endpoints = await waitForRunning(dir, owner, options.timeoutMs ?? 60_000);
      options.log?.(`Joined the sandbox world in ${dir} run by process ${owner}.`);
      return { ...endpoints, close: async () => {} };
    }
    if (!takeLock(dir)) continue;
    try {
      const world = await startSandboxWorld({ dir, moveDelayMs: options.moveDelayMs });
      const endpoints: WorldEndpoints = {
        site: {
          server: world.site.server,
          port: world.site.port,
          database: world.site.database,
          siteCode: world.site.siteCode,
          user: world.site.user,
          password: world.site.password,
          caFile: world.site.caFile,
        },
        tenant: world.tenant,
      };
      const running = join(dir, RUNNING);
      writeFileSync(`${running}.tmp`, JSON.stringify({ pid: process.pid, ...endpoints } satisfies RunningFile, null, 2));
      renameSync(`${running}.tmp`, running);
      return {
        ...endpoints,
        world,
        close: async () => {
          try {
            await world.close();
          } finally {
            for (const f of [RUNNING, LOCK]) if (existsSync(join(dir, f))) unlinkSync(join(dir, f));
          }
        },
      };
    } catch (error) {
      unlinkSync(join(dir, LOCK));
      throw error;
    }
  }
  throw new Error(`Could not take the sandbox world in ${dir}: another process keeps taking it. Try again.`);
}

/** The core's WorldStarter: the world a plan names, started or joined. */
export async function startWorldForPlan(options: {
  dir: string;
  log?: (line: string) => void;
}): Promise<WorldEndpoints & { close(): Promise<void> }> {
  // A plan names a world that `sandbox start` made; it never makes a new world in some folder.
  if (!existsSync(join(options.dir, 'world.json')))
    throw new Error(
      `${options.dir} holds no sandbox world: run \`cm2intune sandbox start --dir ${options.dir}\` to make one, or fix the plan's "world".`,
    );
  return openSandboxWorld(options);
}
