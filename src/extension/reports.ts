// The reports runs write beside the plan, opened rendered, and the log: what every run's end
// message offers ("Open report", "Show log") and the palette's "Open report" / "Show log".
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { newestReport } from '../core/phases/render';
import type { Ctx } from './ctx';
import { currentPlan } from './session';
import type { MessageActions } from './ui';

/** Opens a Markdown file or virtual document rendered; in the editor as text where the Markdown preview is missing. */
export async function showRendered(uri: vscode.Uri, column = vscode.ViewColumn.Active): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri, undefined, { sideBySide: false, locked: true });
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true, viewColumn: column });
  }
}

/** `cm2intune.openReport`: the newest report beside the plan (`plan`: its Uri, else the plan the view follows), rendered. */
export async function openReport(_ctx: Ctx, plan?: unknown): Promise<vscode.Uri> {
  const uri = plan instanceof vscode.Uri ? plan : await currentPlan();
  if (!uri) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const file = newestReport(uri.fsPath);
  if (!file)
    throw new UserError(
      `${vscode.workspace.asRelativePath(uri)} has no report yet: a report is written beside the plan by each import and each "Fix readiness".`,
    );
  const report = vscode.Uri.file(file);
  await showRendered(report);
  return report;
}

/** `cm2intune.showLog`: the cm2intune log, without taking the focus. */
export function showLog(ctx: Ctx): void {
  ctx.log.show(true);
}

/** The end message's buttons: the plan's report and the log. */
export const reportActions = (ctx: Ctx, plan: vscode.Uri): MessageActions => ({
  'Open report': () => vscode.commands.executeCommand('cm2intune.openReport', plan),
  'Show log': () => showLog(ctx),
});
