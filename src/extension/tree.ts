// The cm2intune view: the workspace's migration plans and how many findings each has.
// (Phase 1 replaces the children with the site's objects and their Intune counterparts.)
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { PLAN_GLOB } from './diagnostics';

class PlanItem extends vscode.TreeItem {
  constructor(uri: vscode.Uri, problems: number) {
    super(vscode.workspace.asRelativePath(uri), vscode.TreeItemCollapsibleState.None);
    this.resourceUri = uri;
    this.description = problems === 0 ? 'no problems' : `${problems} problem${problems === 1 ? '' : 's'}`;
    this.iconPath = new vscode.ThemeIcon(problems === 0 ? 'pass' : 'warning');
    this.command = { command: 'vscode.open', title: 'Open plan', arguments: [uri] };
    this.contextValue = 'plan';
  }
}

class PlanTree implements vscode.TreeDataProvider<PlanItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  refresh = () => this.changed.fire();

  async getChildren(): Promise<PlanItem[]> {
    const uris = await vscode.workspace.findFiles(PLAN_GLOB, '**/node_modules/**', 50);
    return uris
      .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
      .map((uri) => new PlanItem(uri, vscode.languages.getDiagnostics(uri).length));
  }

  getTreeItem(item: PlanItem): PlanItem {
    return item;
  }
}

export function registerPlanTree(ctx: Ctx): PlanTree {
  const tree = new PlanTree();
  const watcher = vscode.workspace.createFileSystemWatcher(PLAN_GLOB);
  ctx.subscriptions.push(
    vscode.window.createTreeView('cm2intune.objects', { treeDataProvider: tree, showCollapseAll: true }),
    watcher,
    watcher.onDidCreate(tree.refresh),
    watcher.onDidDelete(tree.refresh),
    vscode.languages.onDidChangeDiagnostics(tree.refresh),
  );
  return tree;
}
