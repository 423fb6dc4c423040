// Opening a plan's session from the CLI: the SQL password from the environment or a hidden
// prompt, MSAL sign-in for a real tenant, every failure as one CliError line.
import { resolve } from 'node:path';
import { loginName, PASSWORD_ENV, SiteSqlError, SnapshotError } from '../core/site';
import type { SqlSiteSource } from '../core/plan/types';
import { openSession, PlanError, type MigrationSession } from '../core/session';
import { loadPlanFile } from '../core/plan';
import { tokenSourceFromEnv } from '../core/tenant/auth/msal';
import { GraphRequestError, GraphOutcomeUnknownError, type ScopeUse } from '../core/tenant';
import { CliError, type CliIo } from './cli';
import { promptPassword } from './terminal';

export async function openCliSession(planArg: string, io: CliIo, use: ScopeUse, readOnly: boolean): Promise<MigrationSession> {
  const planFile = resolve(io.cwd, planArg);
  // An unreadable or invalid plan is reported by openSession below, in one line.
  const site = safePlanSite(planFile);
  const password = site?.source === 'sql' ? await sqlPassword(site, io) : undefined;
  try {
    return await openSession(planFile, {
      use,
      readOnly,
      password,
      log: (level, message) => {
        if (level === 'warn' || level === 'error' || io.env.CM2INTUNE_VERBOSE) io.err(`${level}: ${message}`);
      },
      // Loaded only for a plan that asks for the in-process sandbox tenant.
      startSandbox: async (persistPath) => (await import('../core/sandbox/tenant')).startSandboxTenant({ persistPath }),
      tokenSource: (tenant, planDir) => {
        if (!tenant.clientId) throw new CliError(`${planArg}: tenant.clientId is missing: sign-in needs your app registration's Application (client) ID (docs/sign-in.md).`);
        return tokenSourceFromEnv({ tenantId: tenant.id, clientId: tenant.clientId, cloud: tenant.cloud, planDir, onDeviceCode: (m) => io.err(m) }, io.env);
      },
    });
  } catch (error) {
    throw asCliError(error);
  }
}

/** The site database password: CM2INTUNE_SQL_PASSWORD, or asked on the terminal (not echoed). */
export async function sqlPassword(site: SqlSiteSource, io: CliIo): Promise<string> {
  const password = io.env[PASSWORD_ENV] || (await promptPassword(`Password for ${loginName(site)} on ${site.server}: `));
  if (!password) throw new CliError(`no password for the site database: set ${PASSWORD_ENV} (there is no terminal to ask on).`);
  return password;
}

function safePlanSite(planFile: string) {
  try {
    return loadPlanFile(planFile).plan?.site;
  } catch {
    return undefined;
  }
}

/** Known failures become one line; anything else stays an error for main() to print. */
export function asCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof PlanError) return new CliError(error.message, 2);
  if (error instanceof SiteSqlError || error instanceof SnapshotError || error instanceof GraphRequestError || error instanceof GraphOutcomeUnknownError) {
    return new CliError(error.message, 1);
  }
  return error;
}
