// "cm2intune: Import objects (phase 1)": preview (rendered) -> modal confirm -> run with cancellable
// progress that says what it waits for, the log written as steps settle -> report beside the
// plan, offered with the log at the end. The steps and every text come from the core; this file only shows and asks.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/errors';
import {
  describeCounts,
  importPreview,
  importReport,
  mdText,
  nothingToImportMessage,
  previewAfterRun,
  previewLeftOut,
  previewToMarkdown,
  reportSummary,
  tenantName,
  writeImportReport,
} from '../core/phases/render';
import type { Ctx } from './ctx';
import { reportActions, showRendered } from './reports';
import { readWaits, runProgress, type RunProgress } from './runProgress';
import { currentPlan, withSession } from './session';

export const PREVIEW_SCHEME = 'cm2intune-preview';

export interface ImportResult {
  proposed: number;
  done: number;
  failed: number;
  skipped: number;
  message: string;
  /** The report beside the plan (the same file the CLI writes); absent when nothing ran. */
  report?: string;
}

/** Read-only documents for previews, by URI. */
export class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
}

/** `plan`: a plan's Uri (another command, the explorer); else the plan the view follows. */
export async function importObjects(ctx: Ctx, previews: PreviewDocuments, plan?: unknown): Promise<ImportResult> {
  if (!vscode.workspace.isTrusted)
    throw new UserError(
      'Importing writes to your Intune tenant: trust this workspace first (Manage Workspace Trust), then run the import again.',
    );
  const uri = plan instanceof vscode.Uri ? plan : await currentPlan();
  if (!uri) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const name = vscode.workspace.asRelativePath(uri);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) throw new UserError(`${name} has unsaved changes: save it first; the import runs from the saved plan.`);

  // The import reads the tenant afresh (it must see it as it is); afterwards every view reads
  // again, also after a cancel or a failure.
  try {
    return await importWith(ctx, previews, uri, name);
  } finally {
    ctx.pictures.refresh(uri.toString());
  }
}

async function importWith(ctx: Ctx, previews: PreviewDocuments, plan: vscode.Uri, name: string): Promise<ImportResult> {
  const { executeImport, proposeImport, readImportPicture } = await import('./core');
  return withSession(ctx, plan, 'import', { askPassword: true }, async (session) => {
    const tenant = tenantName(session);
    // Logged as it happens: the log tells the run's story while it runs, not all at once after.
    ctx.log.info(`Reading ${session.site.origin} and ${tenant} for ${name} ...`);
    const { read, steps } = await ctx.ui.progress(`cm2intune: reading ${name}'s site and tenant`, async (report, signal) => {
      report(`reading ${session.site.origin} and ${tenant}`);
      const read = await readImportPicture(session, signal, { onWait: readWaits(ctx, report) });
      ctx.log.info(
        `Read ${read.picture.items.length} site object(s) and ${read.tenantObjects.length} Intune object(s); settled ${read.reconciled.length} step(s) an earlier run left open.`,
      );
      for (const r of read.reconciled) ctx.log.info(`reconciled ${r.step}: ${r.intuneId ? `found as ${r.intuneId}` : 'not in the tenant'}`);
      report('working out the steps');
      return { read, steps: await proposeImport(read, session.graph, signal) };
    });
    for (const f of read.picture.findings)
      ctx.log[f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warn' : 'info'](`${name}: ${f.message}`);
    const preview = importPreview(read, steps, { plan: basename(plan.fsPath), tenant });
    if (steps.length === 0) {
      const message = nothingToImportMessage(preview);
      ctx.log.info(message);
      ctx.ui.info(message);
      return { proposed: 0, done: 0, failed: 0, skipped: 0, message };
    }

    // The preview is a document to read, rendered beside the plan; the same text stays the
    // document's source and turns into the result once the run is over.
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name.replace(/\.json$/, '')} import preview.md` });
    previews.set(uri, previewToMarkdown(preview));
    await vscode.workspace.openTextDocument(uri);
    await showRendered(uri, vscode.ViewColumn.Beside);

    const question = `Import into ${tenant}: create ${describeCounts(preview.counts)} (${steps.length} requests, listed in the preview)?`;
    const detail = [
      `Plan: ${name}.`,
      previewLeftOut(preview),
      'Steps already done are found again by their marker, never created twice.',
    ].filter(Boolean);
    if (!(await ctx.ui.confirm(question, detail.join(' '), 'Import'))) {
      throw new CancelledError('import not confirmed: nothing was written');
    }

    ctx.log.info(`Import from ${name} into ${tenant}: ${steps.length} step(s)`);
    const started = Date.now();
    let progress: RunProgress | undefined;
    const settled = () => progress?.settled ?? 0;
    let run: Awaited<ReturnType<typeof executeImport>>;
    try {
      run = await ctx.ui.progress('cm2intune: importing', async (report, signal) => {
        report(`0/${steps.length} sending the first requests`);
        progress = runProgress(ctx, report, steps.length);
        try {
          return await executeImport(session, read, steps, { signal, onProgress: progress.onProgress, onWait: progress.onWait });
        } catch (error) {
          if (!signal.aborted) throw error;
          const message = `Import cancelled after ${settled()} of ${steps.length} step(s); the journal keeps what was done, and the next run goes on from there.`;
          ctx.log.warn(message);
          ctx.ui.info(message, () => ctx.log.show(true));
          throw new CancelledError(message);
        }
      });
    } catch (error) {
      // The preview must not go on saying nothing was written.
      const why = error instanceof Error ? error.message : String(error);
      previews.set(
        uri,
        `# Import stopped: ${mdText(basename(plan.fsPath))}\n\n**Stopped after ${settled()} of ${steps.length} step(s):** ${mdText(why)}\n\nThe journal beside the plan keeps what was done; run the import again to go on.\n`,
      );
      throw error;
    }
    const summary = importReport(read, run.outcomes, { plan: basename(plan.fsPath), tenant, ms: Date.now() - started });
    const file = writeImportReport(session.planFile, summary);
    previews.set(uri, previewAfterRun(summary, basename(file)));
    const message = reportSummary(summary);
    ctx.log.info(`${message} Report: ${file}`);
    if (run.failed || run.skipped)
      ctx.ui.warn(`${message} Run the import again to retry; the report beside the plan says why for each step.`, reportActions(ctx, plan));
    else ctx.ui.info(message, reportActions(ctx, plan));
    return { proposed: steps.length, done: run.done, failed: run.failed, skipped: run.skipped, message, report: file };
  });
}
