// The extension face: thin. Every piece of migration logic lives in src/core.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import type { Ctx } from './ctx';
import { registerPlanDiagnostics } from './diagnostics';
import { newPlan } from './newPlan';
import { registerPlanTree } from './tree';

export function activate(extension: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('cm2intune', { log: true });
  const ctx: Ctx = { extension, log, subscriptions: extension.subscriptions };
  extension.subscriptions.push(log);
  registerPlanDiagnostics(ctx);
  const tree = registerPlanTree(ctx);
  registerCommands(ctx, {
    'cm2intune.newPlan': newPlan,
    'cm2intune.refresh': () => tree.refresh(),
  });
  log.info('cm2intune activated');
}

export function deactivate(): void {}
