// Phase 2 in VS Code. "cm2intune: Check readiness (phase 2)": the same readiness checks and text as
// `cm2intune prepare`, read-only, shown beside the plan. "cm2intune: Fix readiness (phase 2)": the
// fixes of `prepare --fix` (the same steps, executor and journal): the readiness text with the
// fixes as the preview, a modal question, progress, then the checks read again as the report.
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/errors';
import { basename } from 'node:path';
import { tenantName } from '../core/phases/render';
import type { Ctx } from './ctx';
import { PREVIEW_SCHEME, type PreviewDocuments } from './importCommand';
import { reportActions } from './reports';
import { readWaits, runProgress } from './runProgress';
import { currentPlan, withSession } from './session';

export interface ReadinessResult {
  ready: boolean;
  blocking: number;
  checks: { id: string; state: string; summary: string }[];
  text: string;
}

/** A plan's Uri, or a tree node that names one (and maybe a check). */
type Target = vscode.Uri | { kind?: string; plan?: vscode.Uri; check?: { id: string; title: string } } | undefined;

const targetPlan = (target: unknown) =>
  target instanceof vscode.Uri
    ? target
    : (target as Exclude<Target, vscode.Uri>)?.plan instanceof vscode.Uri
      ? (target as { plan: vscode.Uri }).plan
      : undefined;

export async function checkReadiness(ctx: Ctx, previews: PreviewDocuments, plan?: unknown): Promise<ReadinessResult> {
  if (!vscode.workspace.isTrusted)
    throw new UserError('Checking readiness reads your site and tenant: trust this workspace first (Manage Workspace Trust).');
  const uri = targetPlan(plan) ?? (await currentPlan());
  if (!uri) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const name = vscode.workspace.asRelativePath(uri);
  const { readPrepareSources, assessReadiness, readinessToText } = await import('./core');
  return withSession(ctx, uri, 'prepare', { readOnly: true, askPassword: true }, async (session) => {
    ctx.log.info(`Checking readiness of ${name}: reading ${session.site.origin} and ${tenantName(session)} ...`);
    const readiness = await ctx.ui.progress(`cm2intune: checking readiness of ${name}`, async (report, signal) =>
      assessReadiness(await readPrepareSources(session, { signal, onWait: readWaits(ctx, report) }), session.plan),
    );
    ctx.log.info(`Read: ${readiness.checks.length} check(s), ${readiness.blocking} blocking.`);
    const text = readinessToText(readiness, { plan: name, tenant: tenantName(session) });
    for (const c of readiness.checks)
      ctx.log[c.state === 'blocking' ? 'error' : c.state === 'warning' ? 'warn' : 'info'](`${c.title}: ${c.summary}`);
    const doc = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name.replace(/\.json$/i, '')} readiness.txt` });
    previews.set(doc, text);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc), {
      preview: false,
      viewColumn: vscode.ViewColumn.Beside,
    });
    const summary = readiness.blocking
      ? `${name}: ${readiness.blocking} readiness check(s) block the move.`
      : `${name}: ready, nothing blocks the move.`;
    if (readiness.blocking) ctx.ui.warn(summary);
    else ctx.ui.info(summary);
    return {
      ready: readiness.blocking === 0,
      blocking: readiness.blocking,
      checks: readiness.checks.map((c) => ({ id: c.id, state: c.state, summary: c.summary })),
      text,
    };
  });
}

export interface FixResult {
  /** Requests proposed (after a check's own, when run from one); 0: nothing to fix. */
  proposed: number;
  done: number;
  failed: number;
  /** Checks still blocking after the fixes. */
  blocking: number;
  message: string;
  /** The preview, then the report: the readiness text after the fixes. */
  text: string;
}

const readinessDoc = (name: string, suffix: string) =>
  vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name.replace(/\.json$/i, '')} ${suffix}.txt` });

/**
 * "cm2intune: Fix readiness (phase 2)": on the plan (or a tree check: then only that check's
 * fixes). The fixes are the CLI's `prepare --fix`: what the plan allows (a licence SKU, the SCEP
 * URL) and the groups cm2intune created.
 */
export async function fixReadiness(ctx: Ctx, previews: PreviewDocuments, target?: unknown): Promise<FixResult> {
  if (!vscode.workspace.isTrusted)
    throw new UserError('Fixing readiness writes to your Intune tenant: trust this workspace first (Manage Workspace Trust).');
  const uri = targetPlan(target) ?? (await currentPlan());
  if (!uri) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const only =
    (target as { kind?: string; check?: { id: string; title: string } } | undefined)?.kind === 'check'
      ? (target as { check: { id: string; title: string } }).check
      : undefined;
  const name = vscode.workspace.asRelativePath(uri);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) throw new UserError(`${name} has unsaved changes: save it first; the fixes run from the saved plan.`);
  try {
    return await fixWith(ctx, previews, uri, name, only);
  } finally {
    // Licences, groups and URLs changed (or may have, after a cancel): every view reads again.
    ctx.pictures.refresh(uri.toString());
  }
}

async function fixWith(
  ctx: Ctx,
  previews: PreviewDocuments,
  uri: vscode.Uri,
  name: string,
  only: { id: string; title: string } | undefined,
): Promise<FixResult> {
  const { readPrepareSources, assessReadiness, readinessToText, executeFixes, fixReportToMarkdown, writeFixReport } =
    await import('./core');
  return withSession(ctx, uri, 'prepare', { askPassword: true }, async (session) => {
    const tenant = tenantName(session);
    const context = { plan: name, tenant };
    const read = (title: string) =>
      ctx.ui.progress(title, async (report, signal) => {
        ctx.log.info(`${title.replace(/^cm2intune: /, '')}: reading ${session.site.origin} and ${tenant} ...`);
        const readiness = assessReadiness(await readPrepareSources(session, { signal, onWait: readWaits(ctx, report) }), session.plan);
        ctx.log.info(
          `Read: ${readiness.checks.length} check(s), ${readiness.blocking} blocking, ${readiness.steps.length} fix(es) proposed.`,
        );
        return readiness;
      });
    const before = await read(`cm2intune: checking readiness of ${name}`);
    const check = only && before.checks.find((c) => c.id === only.id);
    const wanted = check ? new Set(check.fixSteps) : undefined;
    const steps = wanted ? before.steps.filter((s) => wanted.has(s.id)) : before.steps;
    if (steps.length === 0) {
      const message = only
        ? `Nothing to fix for "${only.title}": ${check ? check.summary : 'the check is gone'}.`
        : `Nothing to fix: ${before.blocking ? `${before.blocking} check(s) block, and none of them is something cm2intune can fix (see "Check readiness")` : 'nothing blocks the move'}.`;
      ctx.ui.info(message);
      return { proposed: 0, done: 0, failed: 0, blocking: before.blocking, message, text: readinessToText(before, context) };
    }
    // The preview is the readiness text with the fixes about to run, as `prepare --fix --dry-run` prints it.
    const preview = readinessToText({ ...before, steps }, context);
    const doc = readinessDoc(name, 'fixes');
    previews.set(doc, preview);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    const question = `Fix readiness in ${tenant}: send ${steps.length} request(s)${only ? ` for "${only.title}"` : ''}, listed in the preview?`;
    const detail = `Plan: ${name}. The same fixes as "cm2intune prepare --fix", each kept in the journal beside the plan.`;
    if (!(await ctx.ui.confirm(question, detail, 'Fix'))) throw new CancelledError('fixes not confirmed: nothing was written');

    ctx.log.info(`Fix readiness of ${name} in ${tenant}: ${steps.length} request(s)`);
    const started = Date.now();
    const run = await ctx.ui.progress('cm2intune: fixing readiness', async (report, signal) => {
      const progress = runProgress(ctx, report, steps.length);
      try {
        return await executeFixes(session, steps, { signal, onProgress: progress.onProgress, onWait: progress.onWait });
      } catch (error) {
        if (!signal.aborted) throw error;
        throw new CancelledError(
          `Fixes cancelled after ${progress.settled} of ${steps.length} request(s); the journal keeps what was sent: run "Fix readiness" again to go on.`,
        );
      }
    });
    // What the fixes changed, read again: the table after them is the report, not the plan of them.
    const after = await read(`cm2intune: checking readiness of ${name} again`);
    const text = `After the fixes (${run.done} done, ${run.failed} failed):\n\n${readinessToText(after, context)}`;
    previews.set(doc, text);
    // The same report file `prepare --fix` writes beside the plan.
    const file = writeFixReport(
      session.planFile,
      fixReportToMarkdown({ plan: basename(uri.fsPath), tenant, ms: Date.now() - started, outcomes: run.outcomes, after }),
    );
    const message = `${name}: ${run.done} of ${steps.length} fix(es) done${run.failed ? `, ${run.failed} failed` : ''}; ${
      after.blocking ? `${after.blocking} check(s) still block the move.` : 'nothing blocks the move.'
    }`;
    ctx.log.info(`${message} Report: ${file}`);
    if (run.failed || after.blocking) ctx.ui.warn(message, reportActions(ctx, uri));
    else ctx.ui.info(message, reportActions(ctx, uri));
    return { proposed: steps.length, done: run.done, failed: run.failed, blocking: after.blocking, message, text };
  });
}
