// "Connect your site" from VS Code: test the site connection, sign in to the tenant, export a
// site snapshot. The texts are the core's, the same as the CLI's `site test` and `site export`.
import { isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/errors';
import { siteSnapshotEdits } from '../core/plan/edit';
import type { MigrationPlan, SqlSiteSource } from '../core/plan/types';
import type { TokenSource } from '../core/tenant/auth/token-source';
import type { Ctx } from './ctx';
import { applyToPlan } from './planActions';
import { currentPlan, parsePlan, passwordKey, planText, sqlPassword, withSession } from './session';

interface PlanAt {
  uri: vscode.Uri;
  /** As messages name it: relative to the workspace. */
  name: string;
  dir: vscode.Uri;
  plan: MigrationPlan;
}

/**
 * The plan a command works on (a Uri argument, else the current plan) and its content: as the
 * editor shows it (`saved: false`, so a site just filled in is tested before it is saved), or as
 * saved (what a session signs in with). A plan with errors stops here, naming the first.
 */
async function planAt(target: unknown, saved: boolean): Promise<PlanAt> {
  const uri = target instanceof vscode.Uri ? target : await currentPlan();
  if (!uri) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const name = vscode.workspace.asRelativePath(uri);
  const text = saved ? Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8') : await planText(uri);
  const parsed = parsePlan(text, uri);
  if ('error' in parsed) throw new UserError(`${name}${parsed.line ? ` line ${parsed.line}` : ''}: ${parsed.error}`);
  return { uri, name, dir: vscode.Uri.joinPath(uri, '..'), plan: parsed.plan };
}

function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted)
    throw new UserError(`cm2intune ${what} only in a trusted workspace: trust this workspace first (Manage Workspace Trust).`);
}

/**
 * Runs `work` with progress on the plan's site database: a SQL site with its password (stored,
 * or asked once before the progress shows; a failed login forgets it), a sandbox world's sample
 * site with the world started meanwhile.
 */
async function withSiteDatabase<T>(
  ctx: Ctx,
  at: PlanAt,
  title: string,
  work: (config: SqlSiteSource, password: string | undefined, report: (message: string) => void, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const site = at.plan.site;
  const password = site.source === 'sql' ? await sqlPassword(ctx, site, true) : undefined;
  return ctx.ui.progress(title, (report, signal) => siteDatabase(ctx, at, password, (config, pw) => work(config, pw, report, signal)));
}

async function siteDatabase<T>(
  ctx: Ctx,
  at: PlanAt,
  password: string | undefined,
  work: (config: SqlSiteSource, password: string | undefined) => Promise<T>,
): Promise<T> {
  const site = at.plan.site;
  if (site.source === 'snapshot') throw new Error('siteDatabase: a snapshot has no database');
  const core = await import('./core');
  if (site.source === 'sandbox') {
    const world = await (
      await import('../sandbox')
    ).startWorldForPlan({ dir: resolve(at.dir.fsPath, site.world), log: (line) => ctx.log.info(line) });
    try {
      return await work(core.worldSiteSource(world), world.site.password);
    } finally {
      await world.close();
    }
  }
  try {
    return await work(site, password);
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOGIN') await ctx.extension.secrets.delete(passwordKey(site));
    throw error;
  }
}

const where = (site: MigrationPlan['site']) =>
  site.source === 'sql' ? `${site.server} (${site.database})` : site.source === 'sandbox' ? 'the sample site' : site.path;

/** "Test site connection": which site the plan's database holds, or what to fix. Returns the text shown. */
export async function testSiteConnection(ctx: Ctx, target?: unknown): Promise<string> {
  const at = await planAt(target, false);
  const core = await import('./core');
  const site = at.plan.site;
  if (site.source === 'snapshot') {
    const text = core.snapshotNothingToConnect(site.path);
    ctx.ui.info(text);
    return text;
  }
  requireTrust('connects to a site database');
  const report = await withSiteDatabase(
    ctx,
    at,
    `cm2intune: testing the connection to ${where(site)}`,
    (config, password, _report, signal) =>
      core.testSiteConnection(config, { planDir: at.dir.fsPath, password, log: (line) => ctx.log.warn(line) }, signal),
  );
  const text = `${site.source === 'sandbox' ? 'Sample site (sandbox world): ' : ''}${core.siteConnectionText(report)}`;
  ctx.log.info(`${at.name}: ${text}`);
  ctx.ui.info(text);
  // The tree may read the site now (the password is stored).
  ctx.pictures.refresh(at.uri.toString());
  return text;
}

/** "Sign in to the tenant": with the plan's tenant and app registration; says who and which tenant. */
export async function signIn(ctx: Ctx, target?: unknown): Promise<string> {
  const at = await planAt(target, true);
  if (at.plan.tenant.sandbox) {
    const text = `${at.name} uses the sandbox tenant (a local stand-in for Microsoft Graph on this machine): no sign-in is needed. For your own tenant, set "tenant" to { "id": "<Directory (tenant) ID>", "cloud": "global", "clientId": "<your app registration>" } (docs/sign-in.md).`;
    ctx.ui.info(text);
    return text;
  }
  let source: TokenSource | undefined;
  const text = await ctx.ui.progress(`cm2intune: signing in to tenant ${at.plan.tenant.id}`, () =>
    // The status session signs in with the read scopes and checks the tenant the plan is pinned to.
    withSession(ctx, at.uri, 'status', { readOnly: true, askPassword: false, onSignIn: (s) => (source = s) }, (session) =>
      Promise.resolve(
        `Signed in with ${source?.describe() ?? 'your VS Code account'}: tenant ${session.tenantId} (${session.tenantLabel} cloud) answers, as ${at.name} names it.`,
      ),
    ),
  );
  ctx.log.info(text);
  ctx.ui.info(text);
  ctx.pictures.refresh(at.uri.toString());
  return text;
}

/**
 * "Export site snapshot": reads the plan's site database and writes a snapshot file where the
 * admin chooses; then offers to point the plan's site at it, as an edit of the plan they see.
 */
export async function exportSiteSnapshot(ctx: Ctx, target?: unknown): Promise<vscode.Uri> {
  const at = await planAt(target, false);
  const site = at.plan.site;
  if (site.source === 'snapshot')
    throw new UserError(
      `${at.name} reads its site from a snapshot already (${site.path}): to export a new one, set "site" to the site database ({ "source": "sql", ... }).`,
    );
  requireTrust('reads a site database');
  const suggested = vscode.Uri.joinPath(at.dir, `${site.source === 'sql' ? site.siteCode : 'sample'}.snapshot.json`);
  const file = await ctx.ui.saveLocation('Save the site snapshot', suggested, { 'Site snapshot': ['json'] });
  if (!file) throw new CancelledError('no location chosen for the snapshot');
  const core = await import('./core');
  const model = await withSiteDatabase(
    ctx,
    at,
    `cm2intune: exporting ${where(site)} to a snapshot`,
    async (config, password, report, signal) => {
      report('reading the site database (read-only)…');
      const source = core.openSiteSource(config, { planDir: at.dir.fsPath, password, log: (line) => ctx.log.info(line) });
      try {
        const read = await source.read({ signal });
        report('writing the snapshot…');
        await core.writeSnapshotFile(file.fsPath, read);
        return read;
      } finally {
        await source.close();
      }
    },
  );
  const text = core.snapshotWrittenText(vscode.workspace.asRelativePath(file), model);
  ctx.log.info(text);
  // Inside the plan's folder the plan names it relatively (plans move with their folder).
  const fromPlan = relative(at.dir.fsPath, file.fsPath);
  const path = fromPlan.startsWith('..') || isAbsolute(fromPlan) ? file.fsPath : fromPlan.split('\\').join('/');
  const use = await ctx.ui.confirm(
    `${text} Point the plan's site at it?`,
    `"site" in ${at.name} becomes { "source": "snapshot", "path": "${path}" }: an edit you see in the editor, to save or undo. The plan then reads the file, offline, instead of the database.`,
    'Use the snapshot',
  );
  if (use) {
    await applyToPlan(at.uri, (text) => siteSnapshotEdits(text, path));
    ctx.log.info(`${at.name}: site set to the snapshot ${path} (unsaved)`);
  } else ctx.ui.info(text);
  return file;
}
