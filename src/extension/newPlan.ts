import * as vscode from 'vscode';
import { STARTER_PLAN } from '../core/plan/starter';
import type { Ctx } from './ctx';
import { CancelledError } from '../core/errors';

/**
 * "New migration plan": writes the starter plan into the first workspace folder under a free
 * name (cm2intune.migration.json, cm2intune-2.migration.json, ...) and opens it. Without a
 * folder it asks where to save. An explicit target Uri may be passed (tests, other commands).
 */
export async function newPlan(ctx: Ctx, target?: unknown): Promise<vscode.Uri> {
  const uri = target instanceof vscode.Uri ? target : await chooseTarget(ctx);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(STARTER_PLAN, 'utf8'));
  ctx.log.info(`New migration plan: ${uri.fsPath}`);
  await vscode.window.showTextDocument(uri);
  return uri;
}

async function chooseTarget(ctx: Ctx): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const picked = await ctx.ui.saveLocation('Save the new migration plan', vscode.Uri.file('cm2intune.migration.json'), {
      'Migration plan': ['migration.json'],
    });
    if (!picked) throw new CancelledError('no location chosen for the new plan');
    return picked;
  }
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.joinPath(folder.uri, n === 1 ? 'cm2intune.migration.json' : `cm2intune-${n}.migration.json`);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      return uri;
    }
  }
}
