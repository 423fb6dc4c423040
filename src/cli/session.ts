// Opening a plan's session from the CLI: the SQL password from the environment or a hidden
// prompt, MSAL sign-in for a real tenant. Failures are the core's UserErrors: main() prints one line.
import { resolve } from 'node:path';
import { UserError } from '../core/errors';
import { loginName, PASSWORD_ENV } from '../core/site';
import type { SqlSiteSource } from '../core/plan/types';
import { openSession, type MigrationSession } from '../core/session';
import { loadPlanFile } from '../core/plan';
import { tokenSourceFromEnv } from '../core/tenant/auth/msal';
import type { ScopeUse } from '../core/tenant';
import type { CliIo } from './cli';
import { promptPassword } from './terminal';

export async function openCliSession(planArg: string, io: CliIo, use: ScopeUse, readOnly: boolean): Promise<MigrationSession> {
  const planFile = resolve(io.cwd, planArg);
  // An unreadable or invalid plan is reported by openSession below, in one line.
  const site = safePlanSite(planFile);
  const password = site?.source === 'sql' ? await sqlPassword(site, io) : undefined;
  return openSession(planFile, {
    use,
    readOnly,
    password,
    startSandbox: async (options) => (await import('../sandbox')).startSandboxForPlan(options),
    startWorld: async (options) => (await import('../sandbox')).startWorldForPlan(options),
    log: (level, message) => {
      if (level === 'warn' || level === 'error' || io.env.CM2INTUNE_VERBOSE) io.err(`${level}: ${message}`);
    },
    tokenSource: (tenant, planDir) => {
      if (!tenant.clientId)
        throw new UserError(
          `${planArg}: tenant.clientId is missing: sign-in needs your app registration's Application (client) ID (docs/sign-in.md).`,
        );
      return tokenSourceFromEnv(
        { tenantId: tenant.id, clientId: tenant.clientId, cloud: tenant.cloud, planDir, onDeviceCode: (m) => io.err(m) },
        io.env,
      );
    },
  });
}

/** The site database password: CM2INTUNE_SQL_PASSWORD, or asked on the terminal (not echoed). */
export async function sqlPassword(site: SqlSiteSource, io: CliIo): Promise<string> {
  const password = io.env[PASSWORD_ENV] || (await promptPassword(`Password for ${loginName(site)} on ${site.server}: `));
  if (!password) throw new UserError(`no password for the site database: set ${PASSWORD_ENV} (there is no terminal to ask on).`);
  return password;
}

function safePlanSite(planFile: string) {
  try {
    return loadPlanFile(planFile).plan?.site;
  } catch {
    return undefined;
  }
}
