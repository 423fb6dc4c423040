// Opening what a plan names: its site (read only), its tenant (real, or the sandbox started
// in-process with its state kept beside the plan) and its journal. A run signed in to another
// tenant than the plan's stops here, before anything is read or written.
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors';
import { Journal, ledgerPathFor } from './ledger/journal';
import { loadPlanFile, PlanReadError } from './plan';
import type { MigrationPlan } from './plan/types';
import { openSiteSource, type SiteSource } from './site';
import { createGraphPort, createSandboxTokenSource, type GraphPort, type Log, type PacingOptions, type TokenSource } from './tenant';
import { scopesFor, qualifyScopes, type ScopeUse } from './tenant/scopes';
import { GraphMalformedResponseError } from './tenant/errors';
import { fieldsProblem } from './tenant/shape';
import type { Cloud } from './plan/types';

/** The plan can't be used as it is, or another run holds it: exit code 2. */
export class PlanError extends UserError {
  constructor(message: string) {
    super(message, 2);
  }
}

export interface SessionOptions {
  /** What the session is for: decides the scopes asked for. */
  use: ScopeUse;
  readOnly?: boolean;
  /** SQL password (CM2INTUNE_SQL_PASSWORD or a prompt); not needed for snapshots. */
  password?: string;
  /** Sign-in for a real tenant; the CLI passes MSAL, the extension VS Code's provider. */
  tokenSource?(tenant: { id: string; cloud: Cloud; clientId?: string }, planDir: string): TokenSource;
  log?: Log;
  pacing?: PacingOptions;
  /**
   * Starts the sandbox tenant for a plan that names it without a URL. The faces pass it, loading
   * the sandbox only then: the core never imports it (it is a rehearsal world, not product code).
   */
  startSandbox?: SandboxStarter;
  /** Starts the sandbox world a plan names (its folder); loaded by the faces only then. */
  startWorld?: WorldStarter;
}

/** A started sandbox tenant, as the core sees it. */
export interface StartedSandbox {
  url: string;
  close(): Promise<void>;
}
export type SandboxStarter = (options: { persistPath: string }) => Promise<StartedSandbox>;

/** A started sandbox world (`cm2intune sandbox start`): its sample site over TDS and its tenant. */
export interface StartedWorld {
  site: { server: string; port: number; database: string; siteCode: string; user: string; password: string; caFile: string };
  tenant: { url: string };
  close(): Promise<void>;
}
export type WorldStarter = (options: { dir: string; log?: (line: string) => void }) => Promise<StartedWorld>;

/** The world folder a plan names (site or tenant), absolute; undefined when it names none. */
export function worldDirOf(plan: MigrationPlan, planDir: string): string | undefined {
  const world = plan.site.source === 'sandbox' ? plan.site.world : plan.tenant.sandbox ? plan.tenant.world : undefined;
  return world === undefined ? undefined : resolve(planDir, world);
}

export interface MigrationSession {
  planFile: string;
  planDir: string;
  plan: MigrationPlan;
  site: SiteSource;
  graph: GraphPort;
  tenantId: string;
  /** `sandbox` or the cloud name, for messages. */
  tenantLabel: string;
  /** Opened for a preview, a status or the tree: nothing may be written, not even the journal. */
  readOnly: boolean;
  journal: Journal;
  close(): Promise<void>;
}

/** Where the in-process sandbox keeps its state for a plan: beside it. */
export const sandboxStatePath = (planFile: string) => planFile.replace(/\.json$/i, '') + '.sandbox.json';

/** The plan's `graph` options as the Graph port takes them (unset: the port's defaults). */
function graphLimits(plan: MigrationPlan): { requestTimeoutMs?: number; maxPages?: number } {
  const seconds = plan.graph?.requestTimeoutSeconds;
  return { requestTimeoutMs: seconds === undefined ? undefined : seconds * 1000, maxPages: plan.graph?.maxPages };
}

export async function openSession(planFile: string, options: SessionOptions): Promise<MigrationSession> {
  const full = resolve(planFile);
  let plan: MigrationPlan | undefined;
  try {
    const loaded = loadPlanFile(full);
    plan = loaded.plan;
    if (!plan) {
      const errors = loaded.findings.filter((f) => f.severity === 'error');
      const first = errors[0];
      throw new PlanError(
        `${planFile} has ${errors.length} error(s); the first: ${first.range!.start.line + 1}:${first.range!.start.character + 1}: ${first.message} Run \`cm2intune validate ${planFile}\` for all.`,
      );
    }
  } catch (error) {
    if (error instanceof PlanReadError) throw new PlanError(error.message);
    throw error;
  }
  const planDir = dirname(full);
  const log = options.log ?? (() => {});
  const closers: (() => Promise<void>)[] = [];
  try {
    let sandbox: StartedSandbox | undefined;
    let graph: GraphPort;
    let expectedTenant: string | undefined;
    let tenantLabel: string;
    let world: StartedWorld | undefined;
    const worldDir = worldDirOf(plan, planDir);
    if (worldDir) {
      if (!options.startWorld) throw new PlanError(`${planFile} names the sandbox world in ${worldDir}, and this run cannot start it.`);
      world = await options.startWorld({ dir: worldDir, log: (line) => log('info', line) });
      closers.push(() => world!.close());
      log('info', `Started the sandbox world in ${worldDir} (a rehearsal on this machine: not a real site, not Microsoft Graph)`);
    }
    if (plan.tenant.sandbox) {
      let url = plan.tenant.world !== undefined ? world?.tenant.url : plan.tenant.url;
      if (!url) {
        if (!options.startSandbox)
          throw new PlanError(
            `${planFile} asks for the sandbox tenant, and this run cannot start it: give tenant.url of a running sandbox.`,
          );
        sandbox = await options.startSandbox({ persistPath: sandboxStatePath(full) });
        closers.push(() => sandbox!.close());
        url = sandbox.url;
        log('info', `Started the sandbox tenant (not Microsoft Graph) at ${url}, state in ${sandboxStatePath(planFile)}`);
      }
      graph = createGraphPort({ baseUrl: url, tokenSource: createSandboxTokenSource(), log, pacing: options.pacing, ...graphLimits(plan) });
      expectedTenant = plan.tenant.id;
      tenantLabel = 'sandbox';
    } else {
      if (!options.tokenSource) throw new PlanError('This plan names a real tenant, and this run has no way to sign in.');
      const cloud = plan.tenant.cloud ?? 'global';
      const tokenSource = options.tokenSource({ id: plan.tenant.id, cloud, clientId: plan.tenant.clientId }, planDir);
      graph = createGraphPort({
        cloud,
        tokenSource,
        scopes: qualifyScopes(scopesFor(options.use, { readOnly: options.readOnly, createGroups: plan.groups?.createMissing }), cloud),
        log,
        pacing: options.pacing,
        ...graphLimits(plan),
      });
      expectedTenant = plan.tenant.id;
      tenantLabel = cloud;
    }
    const organization = await graph.listAll<{ id: string; displayName?: string }>('/organization', {
      query: { $select: 'id,displayName' },
    });
    const malformed = fieldsProblem(organization, { id: 'string' }, 'organization');
    if (malformed) throw new GraphMalformedResponseError('GET', '/v1.0/organization', 200, malformed);
    const tenantId = organization[0]?.id;
    if (!tenantId) throw new PlanError('The tenant did not say which organization it is (GET /organization returned nothing).');
    if (expectedTenant && expectedTenant.toLowerCase() !== tenantId.toLowerCase()) {
      throw new PlanError(
        `Signed in to tenant ${tenantId}, but ${planFile} is pinned to ${expectedTenant}: sign in to that tenant, or fix tenant.id in the plan. Nothing was read or written.`,
      );
    }
    const site =
      plan.site.source === 'sandbox' && world
        ? openSiteSource(
            {
              source: 'sql',
              server: world.site.server,
              port: world.site.port,
              database: world.site.database,
              siteCode: world.site.siteCode,
              auth: { type: 'sql', user: world.site.user },
              encryption: { caFile: world.site.caFile },
            },
            { planDir, password: world.site.password, log: (line) => log('info', line) },
          )
        : openSiteSource(plan.site, { planDir, password: options.password, log: (line) => log('info', line) });
    closers.push(() => site.close());
    if (!options.readOnly) closers.push(lockJournal(ledgerPathFor(full), planFile));
    const journal = Journal.open(ledgerPathFor(full));
    closers.push(async () => journal.close());
    return {
      planFile,
      planDir,
      plan,
      site,
      graph,
      tenantId,
      tenantLabel,
      readOnly: Boolean(options.readOnly),
      journal,
      close: () => closeAll(closers),
    };
  } catch (error) {
    // The opening error is the one to report; a failure to close what was half opened is logged.
    await closeAll(closers).catch((closeError) =>
      log('warn', `Closing after a failed start: ${closeError instanceof Error ? closeError.message : String(closeError)}`),
    );
    throw error;
  }
}

/**
 * Closes what a session opened, last opened first (the list itself is left as it is, so a second
 * call closes in the same order). Every closer runs; what failed is thrown once all have run.
 */
export async function closeAll(closers: readonly (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const messages = errors.map((e) => (e instanceof Error ? e.message : String(e)));
    throw new AggregateError(errors, `Closing the session failed ${errors.length} times: ${messages.join('; ')}`);
  }
}

/**
 * One writing run per plan at a time (a CLI and an editor, or two terminals, would both create
 * everything): `<ledger>.lock` holds the owner's pid and host. The rule (docs/cli.md):
 * - taken atomically: the complete file is written under a private name, then hard-linked to the
 *   lock name, which fails if the lock exists; nobody ever sees a half-written lock;
 * - a lock whose owner is alive, or on another host (whose pids we can't check), is never removed;
 * - a lock whose owner on this host is gone is moved aside (rename is atomic) and taken over;
 * - a lock that can't be read is removed only when it names no live pid and is older than
 *   LOCK_GRACE_MS; otherwise the run stops and says how to check and delete it by hand.
 */
export function lockJournal(ledger: string, planFile: string): () => Promise<void> {
  const lock = `${ledger}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (linkLock(lock, mine)) {
      return async () => {
        try {
          if (readFileSync(lock, 'utf8') === mine) unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    }
    let seen: string;
    let age: number;
    try {
      seen = readFileSync(lock, 'utf8');
      age = Date.now() - statSync(lock).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try again
      throw new PlanError(
        `Can't read ${lock} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): if no other cm2intune run is writing with ${planFile}, delete it.`,
      );
    }
    const owner = parseLock(seen);
    if (owner.pid !== undefined && owner.host === hostname() && isAlive(owner.pid)) {
      throw new PlanError(
        `Another cm2intune run (process ${owner.pid}) is writing with ${planFile} right now: wait for it to finish. If it is gone, delete ${lock}.`,
      );
    }
    if (owner.host !== undefined && owner.host !== hostname()) {
      throw new PlanError(
        `Another cm2intune run on ${owner.host} (process ${owner.pid ?? 'unknown'}) holds ${lock}: wait for it to finish. If it is gone, delete ${lock}.`,
      );
    }
    if (!owner.complete && (age < LOCK_GRACE_MS || (owner.pid !== undefined && isAlive(owner.pid)))) {
      throw new PlanError(
        `${lock} can't be read as a lock (it names no owner cm2intune can check): another run may be starting. If no other cm2intune run is writing with ${planFile}, delete it.`,
      );
    }
    takeOverStale(lock, seen);
  }
  throw new PlanError(`Could not take ${lock}: other runs keep taking it. Delete it if no other cm2intune run is going on.`);
}

/** A garbled lock younger than this may belong to a run we can't identify: left alone. */
const LOCK_GRACE_MS = 60_000;

/** Exclusive create of a complete file: write it under a private name, then link() it into place. */
function linkLock(lock: string, content: string): boolean {
  const temp = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    linkSync(temp, lock);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links (FAT, some shares): exclusive create. A reader may then
    // see the file empty for an instant, which the grace rule for unreadable locks covers.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    try {
      writeFileSync(lock, content, { flag: 'wx' });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // a temp file left behind is harmless
    }
  }
}

function parseLock(text: string): { pid?: number; host?: string; complete: boolean } {
  try {
    const value = JSON.parse(text) as { pid?: unknown; host?: unknown };
    if (Number.isInteger(value.pid) && (value.pid as number) > 0 && typeof value.host === 'string') {
      return { pid: value.pid as number, host: value.host, complete: true };
    }
  } catch {
    // garbled: look for a pid below
  }
  const pid = Number(/"pid"\s*:\s*(\d+)/.exec(text)?.[1]);
  return { pid: pid > 0 ? pid : undefined, complete: false };
}

/**
 * Moves the stale lock aside (atomic), so of two runs taking over only one removes it. If what
 * was moved is not what was judged stale (a new owner linked it in between), it is put back.
 */
function takeOverStale(lock: string, judged: string): void {
  const aside = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another run took it over first
    throw error;
  }
  if (readFileSync(aside, 'utf8') !== judged) {
    try {
      linkSync(aside, lock);
    } catch {
      // someone holds it now: that run goes on, this one tries again and is refused
    }
  }
  unlinkSync(aside);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
