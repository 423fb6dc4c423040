// Opening what a plan names: its site (read only), its tenant (real, or the sandbox started
// in-process with its state kept beside the plan) and its journal. A run signed in to another
// tenant than the plan's stops here, before anything is read or written.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
        if (!options.startSandbox) throw new PlanError(`${planFile} asks for the sandbox tenant, and this run cannot start it: give tenant.url of a running sandbox.`);
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
    const organization = await graph.listAll<{ id: string; displayName?: string }>('/organization', { query: { $select: 'id,displayName' } });
    const malformed = fieldsProblem(organization, { id: 'string' }, 'organization');
    if (malformed) throw new GraphMalformedResponseError('GET', '/v1.0/organization', 200, malformed);
    const tenantId = organization[0]?.id;
    if (!tenantId) throw new PlanError('The tenant did not say which organization it is (GET /organization returned nothing).');
    if (expectedTenant && expectedTenant.toLowerCase() !== tenantId.toLowerCase()) {
      throw new PlanError(`Signed in to tenant ${tenantId}, but ${planFile} is pinned to ${expectedTenant}: sign in to that tenant, or fix tenant.id in the plan. Nothing was read or written.`);
    }
    const site =
      plan.site.source === 'sandbox' && world
        ? openSiteSource(
            { source: 'sql', server: world.site.server, port: world.site.port, database: world.site.database, siteCode: world.site.siteCode, auth: { type: 'sql', user: world.site.user }, encryption: { caFile: world.site.caFile } },
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
    await closeAll(closers).catch((closeError) => log('warn', `Closing after a failed start: ${closeError instanceof Error ? closeError.message : String(closeError)}`));
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
 * everything): `<ledger>.lock` holds the owner's pid. A lock left by a killed run is taken over.
 */
function lockJournal(ledger: string, planFile: string): () => Promise<void> {
  const lock = `${ledger}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, mine, { flag: 'wx' });
      return async () => {
        try {
          if (readFileSync(lock, 'utf8') === mine) unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(readFileSync(lock, 'utf8'));
      } catch {
        // unreadable: treat as stale
      }
      if (owner.pid && owner.host === hostname() && isAlive(owner.pid)) {
        throw new PlanError(`Another cm2intune run (process ${owner.pid}) is writing with ${planFile} right now: wait for it to finish. If it is gone, delete ${lock}.`);
      }
      unlinkSync(lock);
    }
  }
  throw new PlanError(`Could not take ${lock}: delete it if no other cm2intune run is going on.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
