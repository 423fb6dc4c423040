// "Open the sample migration": the sandbox world (sample site + sandbox tenant, as hybrid MDM links
// them) in the workspace's .sandbox folder, made on first use, and its plan opened in the editor,
// so the tree, the dashboard and the phase commands rehearse on it. The world is started again
// from the folder whenever the plan is used.
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/errors';
import type { Ctx } from './ctx';

export async function openSampleMigration(ctx: Ctx, target?: unknown): Promise<vscode.Uri> {
  if (!vscode.workspace.isTrusted)
    throw new UserError('The sample migration starts a local site and tenant: trust this workspace first (Manage Workspace Trust).');
  const dir = target instanceof vscode.Uri ? target : await chooseFolder(ctx);
  const { openSandboxWorld, WORLD_PLAN_FILE, worldPlanText } = await import('../sandbox');
  const plan = vscode.Uri.joinPath(dir, WORLD_PLAN_FILE);
  await ctx.ui.progress('cm2intune: preparing the sample migration (sandbox world)', async () => {
    // Opening it once makes the world's files on first use; afterwards the plan starts it on demand.
    const world = await openSandboxWorld({ dir: dir.fsPath, log: (line) => ctx.log.info(line) });
    try {
      try {
        await vscode.workspace.fs.stat(plan);
      } catch {
        await vscode.workspace.fs.writeFile(plan, Buffer.from(worldPlanText(), 'utf8'));
      }
    } finally {
      await world.close();
    }
  });
  ctx.log.info(`Sample migration: ${plan.fsPath} (sandbox world in ${dir.fsPath}; not a real site, not Microsoft Graph)`);
  await vscode.window.showTextDocument(plan);
  ctx.pictures.refresh(plan.toString());
  return plan;
}

async function chooseFolder(ctx: Ctx): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) return vscode.Uri.joinPath(folder.uri, '.sandbox');
  const picked = await ctx.ui.saveLocation('Folder for the sample migration (sandbox world)', vscode.Uri.file('cm2intune-sample'), {});
  if (!picked) throw new CancelledError('no folder chosen for the sample migration');
  return picked;
}
