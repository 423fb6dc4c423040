// Opening a plan's session from VS Code: which plan, the SQL password (asked once, kept in
// SecretStorage, never in settings or the plan), VS Code sign-in for a real tenant, and one
// session at a time per plan (the in-process sandbox and the journal belong to one user).
import * as vscode from 'vscode';
import { PLAN_GLOB, planChecks, planTexts } from './diagnostics';
import { createVsCodeTokenSource } from './auth';
import type { Ctx } from './ctx';
import { CancelledError, UserError } from '../core/errors';
import type { MigrationSession } from '../core/session';
import { PlanReadError, type MigrationPlan, type SqlSiteSource } from '../core/plan';
import type { ScopeUse } from '../core/tenant';
import { loginName, PASSWORD_ENV } from '../core/site/sql/login';

const isPlanUri = (uri: vscode.Uri) => uri.scheme === 'file' && uri.path.endsWith('.migration.json');

let lastPlanEditor: vscode.Uri | undefined;

/** Remembers the last plan shown in an editor, so a preview or the log in front doesn't switch plans. */
export function notePlanEditor(editor: vscode.TextEditor | undefined): void {
  if (editor && isPlanUri(editor.document.uri)) lastPlanEditor = editor.document.uri;
}

/**
 * The plan the view and the phase commands work on: the `cm2intune.plan` setting, else the
 * plan in the active editor (or the last plan that was), else the first plan of the workspace
 * (by path).
 */
export async function currentPlan(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const setting = vscode.workspace.getConfiguration('cm2intune').get<string>('plan')?.trim();
  if (setting) {
    if (/^([a-z]:)?[\\/]/i.test(setting)) return vscode.Uri.file(setting);
    if (folder) return vscode.Uri.joinPath(folder.uri, setting);
  }
  notePlanEditor(vscode.window.activeTextEditor);
  const uris = (await vscode.workspace.findFiles(PLAN_GLOB, '**/node_modules/**', 50)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const last = lastPlanEditor?.toString();
  return uris.find((u) => u.toString() === last) ?? uris[0];
}

/** The plan's text as the editor has it (unsaved edits included), else from disk. */
export async function planText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return planTexts.text(open);
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

/** The plan, or the reason it can't be used (first error with its line). */
export function parsePlan(text: string, uri: vscode.Uri): { plan: MigrationPlan } | { error: string; errors: number; line?: number } {
  try {
    const checked = planChecks.check(text, uri.fsPath);
    const errors = checked.findings.filter((f) => f.severity === 'error');
    if (checked.plan && errors.length === 0) return { plan: checked.plan };
    const first = errors[0];
    return {
      error: first?.message ?? 'the plan is not valid',
      errors: Math.max(errors.length, 1),
      line: first?.range ? first.range.start.line + 1 : undefined,
    };
  } catch (error) {
    if (error instanceof PlanReadError) return { error: error.message, errors: 1 };
    throw error;
  }
}

export const passwordKey = (site: SqlSiteSource) =>
  `cm2intune.sql:${site.server.toLowerCase()}:${site.port ?? 1433}/${site.database.toLowerCase()}/${site.auth.type === 'ntlm' ? `${site.auth.domain}\\` : ''}${site.auth.user}`.toLowerCase();

/** The stored SQL password, or (when `ask`) a prompt whose answer is stored. Undefined: none. */
export async function sqlPassword(ctx: Ctx, site: SqlSiteSource, ask: boolean): Promise<string | undefined> {
  const key = passwordKey(site);
  const stored = await ctx.extension.secrets.get(key);
  if (stored) return stored;
  if (process.env[PASSWORD_ENV]) return undefined; // the core reads it
  if (!ask) return undefined;
  const entered = await ctx.ui.password(
    `Password for ${loginName(site)} on ${site.server} (${site.database})`,
    "Read-only access to the ConfigMgr site database. Kept in VS Code's secret storage, never in the plan.",
  );
  if (!entered) throw new CancelledError('no password entered');
  await ctx.extension.secrets.store(key, entered);
  return entered;
}

export const needsPassword = (ctx: Ctx, plan: MigrationPlan) =>
  plan.site.source === 'sql' && !process.env[PASSWORD_ENV]
    ? ctx.extension.secrets.get(passwordKey(plan.site)).then((p) => !p)
    : Promise.resolve(false);

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` with an open session of the plan, after any other session of the same plan ended.
 * A SQL login failure forgets the stored password, so the next attempt asks again.
 */
export async function withSession<T>(
  ctx: Ctx,
  uri: vscode.Uri,
  use: ScopeUse,
  options: { readOnly?: boolean; askPassword: boolean },
  work: (session: MigrationSession) => Promise<T>,
): Promise<T> {
  const key = uri.toString();
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      // Reading a site or a tenant runs what the plan names: only in a trusted workspace.
      if (!vscode.workspace.isTrusted)
        throw new UserError(
          'cm2intune reads a site or a tenant only in a trusted workspace: trust this workspace first (Manage Workspace Trust).',
        );
      // The session connects to what the saved plan names, so the password is looked up for that
      // server too, never for an unsaved edit of it.
      const parsed = parsePlan(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'), uri);
      const site = 'plan' in parsed ? parsed.plan.site : undefined;
      const password = site?.source === 'sql' ? await sqlPassword(ctx, site, options.askPassword) : undefined;
      const { openSession } = await import('./core');
      const session = await openSession(uri.fsPath, {
        use,
        readOnly: options.readOnly,
        password,
        startSandbox: async (options) => (await import('../sandbox')).startSandboxForPlan(options),
        startWorld: async (options) => (await import('../sandbox')).startWorldForPlan(options),
        tokenSource: (tenant) => {
          if (!tenant.clientId)
            throw new UserError(
              `${vscode.workspace.asRelativePath(uri)} names tenant ${tenant.id} without "clientId": add the app registration's client id to "tenant" (see docs/sign-in.md).`,
            );
          return createVsCodeTokenSource({ clientId: tenant.clientId, tenantId: tenant.id, cloud: tenant.cloud });
        },
        log: (level, message) => ctx.log[level](message),
        // Loaded only for a plan that asks for the in-process sandbox tenant.
      });
      try {
        return await work(session);
      } catch (error) {
        if (site?.source === 'sql' && (error as { code?: string }).code === 'ELOGIN') await ctx.extension.secrets.delete(passwordKey(site));
        throw error;
      } finally {
        await session.close();
      }
    });
  queues.set(key, run);
  try {
    return await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}
