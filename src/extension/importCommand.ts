// "cm2intune: Import objects (phase 1)": preview -> modal confirm -> run with cancellable
// progress -> report. The steps come from the core; this file only shows them and asks.
import * as vscode from 'vscode';
import { UserCancelled } from './commands';
import type { Ctx } from './ctx';
import { currentPlan, withSession } from './session';
import type { ObjectsTree } from './tree';
import { executeImport, nothingToImportMessage, proposalNotes, proposeImport, readImportPicture, type ImportRead } from '../core/phases/import';
import type { Step } from '../core/phases/steps';

export const PREVIEW_SCHEME = 'cm2intune-preview';

/**
 * Test hook, honoured only when passed explicitly as the command's argument: `confirm: true`
 * answers the modal confirmation (which tests can't click), `plan` picks the plan.
 */
export interface ImportArgs {
  confirm?: boolean;
  plan?: vscode.Uri;
}

export interface ImportResult {
  proposed: number;
  done: number;
  failed: number;
  skipped: number;
  message: string;
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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function countSteps(steps: Step[]) {
  return {
    objects: steps.filter((s) => s.action === 'create').length,
    assignments: steps.filter((s) => s.action === 'assign').length,
    groups: steps.filter((s) => s.action === 'createGroup').length,
  };
}

function previewMarkdown(planName: string, tenant: string, read: ImportRead, steps: Step[]): string {
  const n = countSteps(steps);
  const lines = [
    `# Import preview: ${planName}`,
    '',
    `Tenant: ${tenant}. Nothing has been written yet: these ${plural(steps.length, 'step')} run in this order after you confirm.`,
    `${plural(n.objects, 'object')} to create, ${plural(n.assignments, 'assignment')}, ${plural(n.groups, 'group')} to create.`,
    '',
    '## Steps',
    '',
    ...steps.map((s, i) => `${i + 1}. ${s.title}`),
  ];
  const creating = new Set(steps.filter((s) => s.action === 'create').map((s) => s.key));
  const partial = read.picture.items.filter((i) => creating.has(i.key) && i.translation.verdict.droppedSettings.length);
  if (partial.length) {
    lines.push('', '## Settings left out', '');
    for (const item of partial) {
      lines.push(`- **${item.translation.source.name}**`);
      for (const d of item.translation.verdict.droppedSettings) lines.push(`  - ${d.name}: ${d.reason}`);
    }
  }
  const findings = read.picture.findings.filter((f) => f.severity !== 'info');
  if (findings.length) lines.push('', '## To know', '', ...findings.map((f) => `- ${f.severity}: ${f.message}`));
  return lines.join('\n') + '\n';
}

export async function importObjects(ctx: Ctx, tree: ObjectsTree, previews: PreviewDocuments, arg?: unknown): Promise<ImportResult> {
  const args: ImportArgs = arg && typeof arg === 'object' && !(arg instanceof vscode.TreeItem) && ('confirm' in arg || 'plan' in arg) ? (arg as ImportArgs) : {};
  if (!vscode.workspace.isTrusted) throw new Error('Importing writes to your Intune tenant: trust this workspace first (Manage Workspace Trust), then run the import again.');
  const plan = args.plan ?? (await currentPlan());
  if (!plan) throw new Error('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const name = vscode.workspace.asRelativePath(plan);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === plan.toString());
  if (open?.isDirty) throw new Error(`${name} has unsaved changes: save it first; the import runs from the saved plan.`);

  // the tree shows what the tenant has afterwards, also after a cancel or a failure
  try {
    return await importWith(ctx, previews, plan, name, args);
  } finally {
    tree.refresh();
  }
}

async function importWith(ctx: Ctx, previews: PreviewDocuments, plan: vscode.Uri, name: string, args: ImportArgs): Promise<ImportResult> {
  return withSession(ctx, plan, 'import', { askPassword: true }, async (session) => {
    const tenant = `${session.tenantLabel === 'sandbox' ? 'the sandbox tenant' : `tenant ${session.tenantId} (${session.tenantLabel})`}`;
    const { read, steps } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `cm2intune: reading ${name}'s site and tenant`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const read = await readImportPicture(session, abort.signal);
          for (const r of read.reconciled) ctx.log.info(`reconciled ${r.step}: ${r.intuneId ? `found as ${r.intuneId}` : 'not in the tenant'}`);
          return { read, steps: await proposeImport(read, session.graph, abort.signal) };
        } finally {
          sub.dispose();
        }
      },
    );
    for (const f of read.picture.findings) ctx.log[f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warn' : 'info'](`${name}: ${f.message}`);
    if (steps.length === 0) {
      const message = nothingToImportMessage(proposalNotes(read, steps));
      ctx.log.info(message);
      void vscode.window.showInformationMessage(message);
      return { proposed: 0, done: 0, failed: 0, skipped: 0, message };
    }

    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name.replace(/\.json$/, '')} import preview.md` });
    previews.set(uri, previewMarkdown(name, tenant, read, steps));
    await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true });

    const n = countSteps(steps);
    const question = `Import into ${tenant}: create ${plural(n.objects, 'object')}, ${plural(n.assignments, 'assignment')} and ${plural(n.groups, 'group')} (${plural(steps.length, 'step')}, listed in the preview)?`;
    // The test hook answers the modal only in an extension test host, never for other extensions.
    const confirmed = (args.confirm === true && ctx.extension.extensionMode === vscode.ExtensionMode.Test)
      || (await vscode.window.showWarningMessage(question, { modal: true, detail: `Plan: ${name}. Steps already done are found again by their marker, never created twice.` }, 'Import')) === 'Import';
    if (!confirmed) throw new UserCancelled();

    ctx.log.info(`Import from ${name} into ${tenant}: ${steps.length} step(s)`);
    const run = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'cm2intune: importing', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let settled = 0;
        try {
          return await executeImport(session, read, steps, {
            signal: abort.signal,
            onProgress: (outcome, done, total) => {
              settled = done;
              progress.report({ increment: 100 / total, message: `${done}/${total} ${outcome.step.title}` });
            },
          });
        } catch (error) {
          if (!abort.signal.aborted) throw error;
          const message = `Import cancelled after ${settled} of ${steps.length} step(s); the journal keeps what was done, and the next run goes on from there.`;
          ctx.log.warn(message);
          void vscode.window.showInformationMessage(message);
          throw new UserCancelled();
        } finally {
          sub.dispose();
        }
      },
    );
    for (const o of run.outcomes) {
      const line = `${o.status}: ${o.step.title}${o.intuneId ? ` -> ${o.intuneId}` : ''}${o.message ? ` (${o.message})` : ''}`;
      if (o.status === 'failed') ctx.log.error(line);
      else if (o.status === 'skipped') ctx.log.warn(line);
      else ctx.log.info(line);
    }
    const message = `Import into ${tenant}: ${run.done} of ${steps.length} step(s) done` +
      (run.failed ? `, ${run.failed} failed` : '') + (run.skipped ? `, ${run.skipped} skipped` : '') + '.';
    ctx.log.info(message);
    if (run.failed || run.skipped) {
      void vscode.window.showWarningMessage(`${message} Run the import again to retry; see the log for each step.`, 'Show log').then((c) => c && ctx.log.show(true));
    } else {
      void vscode.window.showInformationMessage(message);
    }
    return { proposed: steps.length, done: run.done, failed: run.failed, skipped: run.skipped, message };
  });
}
