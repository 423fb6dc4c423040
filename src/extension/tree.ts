// The cm2intune view: the plan's ConfigMgr objects by kind, each with its Intune counterpart or
// verdict and a state, and the deployed collections with the groups they map to. Roots are
// cheap (no read); the first expanded root asks the picture store, which reads site and tenant
// once; the tree only draws what it gets.
import * as vscode from 'vscode';
import { platformLabel } from '../core/translate/common';
import type { Ctx } from './ctx';
import { PLAN_GLOB } from './diagnostics';
import { planPicture, type PlanPicture } from './pictures';
import { currentPlan, needsPassword, notePlanEditor, parsePlan, planText } from './session';
import { STATE_LABELS } from '../core/phases/render';
import { loginName } from '../core/site/sql/login';
import type { GroupMapping, ItemState, PictureItem } from '../core/analysis';
import type { MigrationPlan } from '../core/plan';
import type { TranslationKind } from '../core/translate/types';

export const VIEW_ID = 'cm2intune.objects';

type RootId = 'compliance' | 'configuration' | 'certificate' | 'wifi' | 'vpn' | 'email' | 'app' | 'terms' | 'collections';

const ROOTS: { id: RootId; label: string; icon: string; kinds: TranslationKind[] }[] = [
  { id: 'compliance', label: 'Compliance policies', icon: 'shield', kinds: ['compliance'] },
  { id: 'configuration', label: 'Configuration items', icon: 'settings-gear', kinds: ['configuration'] },
  { id: 'certificate', label: 'Certificate profiles', icon: 'workspace-trusted', kinds: ['trustedRoot', 'scep', 'pfx'] },
  { id: 'wifi', label: 'Wi-Fi', icon: 'radio-tower', kinds: ['wifi'] },
  { id: 'vpn', label: 'VPN', icon: 'lock', kinds: ['vpn'] },
  { id: 'email', label: 'E-mail', icon: 'mail', kinds: ['email'] },
  { id: 'app', label: 'Apps', icon: 'package', kinds: ['app'] },
  { id: 'terms', label: 'Terms and conditions', icon: 'law', kinds: ['termsAndConditions'] },
  { id: 'collections', label: 'Collections → groups', icon: 'organization', kinds: [] },
];

const STATE_ICONS: Record<ItemState, { icon: string; color?: string }> = {
  notImported: { icon: 'circle-slash', color: 'disabledForeground' },
  importable: { icon: 'cloud-upload', color: 'charts.blue' },
  partial: { icon: 'cloud-upload', color: 'charts.yellow' },
  imported: { icon: 'pass-filled', color: 'testing.iconPassed' },
  drifted: { icon: 'diff-modified', color: 'list.warningForeground' },
  blocked: { icon: 'error', color: 'list.errorForeground' },
};

const icon = (id: string, color?: string) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);

/** Every node of the view; `kind` tells them apart (also for tests through the extension's API). */
export type Node =
  | { kind: 'root'; root: RootId; plan: vscode.Uri }
  | { kind: 'object'; item: PictureItem; plan: vscode.Uri }
  | { kind: 'collection'; mapping: GroupMapping; plan: vscode.Uri }
  | { kind: 'message'; text: string; detail?: string; icon: string; command?: vscode.Command };

type Loaded = PlanPicture;

export class ObjectsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loading?: { plan: string; picture: Promise<Loaded> };
  private target?: vscode.Uri;

  constructor(private readonly ctx: Ctx) {}

  /** Repaint: the picture is asked for again (the store reads only what the plan's change needs). */
  refresh = () => {
    this.loading = undefined;
    this.loaded = undefined;
    this.rootNodes.clear();
    this.changed.fire(undefined);
  };

  /** The same object for a root between refreshes, so it can be repainted alone. */
  private readonly rootNodes = new Map<string, Node>();
  private rootNode(root: RootId, plan: vscode.Uri): Node {
    const key = `${plan.toString()}|${root}`;
    let node = this.rootNodes.get(key);
    if (!node) this.rootNodes.set(key, (node = { kind: 'root', root, plan }));
    return node;
  }

  /** Repaint when the plan the view follows changed (active editor, setting). */
  retarget = async () => {
    const next = await currentPlan();
    if (next?.toString() !== this.target?.toString()) this.refresh();
  };

  /** The picture of `plan` as edited, asked for once per repaint (progress shows in the view). */
  picture(plan: vscode.Uri): Promise<Loaded> {
    if (this.loading?.plan === plan.toString()) return this.loading.picture;
    const picture: Promise<Loaded> = Promise.resolve(
      vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Reading site and tenant' }, () => planPicture(this.ctx, plan)),
    );
    this.loading = { plan: plan.toString(), picture };
    // Once read, repaint the roots with their counts: root by root, so a root being expanded
    // meanwhile stays expanded (a whole-tree refresh would race with it). Only a new root (terms
    // and conditions) needs the whole tree.
    picture.then(
      (value) => {
        if (this.loading?.picture !== picture) return;
        this.loaded = value;
        const hasTerms = value.picture.items.some((i) => i.translation.source.kind === 'termsAndConditions');
        if (hasTerms) return this.changed.fire(undefined);
        for (const node of this.rootNodes.values())
          if (node.kind === 'root' && node.plan.toString() === plan.toString()) this.changed.fire(node);
      },
      () => undefined,
    );
    return picture;
  }

  private loaded?: Loaded;
  private settled(plan: vscode.Uri): Loaded | undefined {
    return this.loaded?.plan.toString() === plan.toString() ? this.loaded : undefined;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.roots();
    if (node.kind !== 'root') return [];
    let loaded: Loaded;
    try {
      loaded = await this.picture(node.plan);
    } catch (error) {
      return [readFailure(error)];
    }
    if (node.root === 'collections') {
      return [...loaded.picture.groups]
        .sort((a, b) => a.collectionName.localeCompare(b.collectionName))
        .map((mapping) => ({ kind: 'collection', mapping, plan: node.plan }));
    }
    const kinds = ROOTS.find((r) => r.id === node.root)!.kinds;
    return loaded.picture.items
      .filter((item) => kinds.includes(item.translation.source.kind))
      .sort((a, b) => a.translation.source.name.localeCompare(b.translation.source.name) || a.key.localeCompare(b.key))
      .map((item) => ({ kind: 'object', item, plan: node.plan }));
  }

  private async roots(): Promise<Node[]> {
    const plan = await currentPlan();
    this.target = plan;
    if (!plan) return []; // the welcome view offers "New migration plan"
    const name = vscode.workspace.asRelativePath(plan);
    let text: string;
    try {
      text = await planText(plan);
    } catch {
      return [{ kind: 'message', text: `Cannot read ${name}`, detail: 'Check the cm2intune.plan setting.', icon: 'error' }];
    }
    const parsed = parsePlan(text, plan);
    if ('error' in parsed) {
      return [
        {
          kind: 'message',
          text: `${name} has ${parsed.errors} error${parsed.errors === 1 ? '' : 's'}`,
          detail: `${parsed.line ? `line ${parsed.line}: ` : ''}${parsed.error}`,
          icon: 'error',
          command: { command: 'vscode.open', title: 'Open plan', arguments: [plan] },
        },
      ];
    }
    if (!vscode.workspace.isTrusted) {
      return [
        {
          kind: 'message',
          text: 'Trust this workspace to read its site and tenant',
          detail: 'In an untrusted workspace cm2intune only checks the plan.',
          icon: 'workspace-untrusted',
          command: { command: 'workbench.trust.manage', title: 'Manage workspace trust' },
        },
      ];
    }
    if (await needsPassword(this.ctx, parsed.plan)) {
      const site = parsed.plan.site as Extract<MigrationPlan['site'], { source: 'sql' }>;
      return [
        {
          kind: 'message',
          text: `Enter the password for ${loginName(site)} on ${site.server}`,
          detail: "Read-only access to the site database; kept in VS Code's secret storage.",
          icon: 'key',
          command: { command: 'cm2intune.enterSitePassword', title: 'Enter password', arguments: [plan] },
        },
      ];
    }
    const settled = this.settled(plan);
    return ROOTS.filter(
      (r) => r.id !== 'terms' || settled?.picture.items.some((i) => i.translation.source.kind === 'termsAndConditions'),
    ).map((r) => this.rootNode(r.id, plan));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.tooltip = node.detail ? `${node.text}\n\n${node.detail}` : node.text;
        item.iconPath = icon(node.icon);
        item.command = node.command;
        item.contextValue = 'message';
        return item;
      }
      case 'root': {
        const root = ROOTS.find((r) => r.id === node.root)!;
        const item = new vscode.TreeItem(root.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `root:${root.id}`;
        item.iconPath = icon(root.icon);
        item.contextValue = 'kind';
        const picture = this.settled(node.plan)?.picture;
        if (picture)
          item.description = rootSummary(
            root.id === 'collections' ? undefined : picture.items.filter((i) => root.kinds.includes(i.translation.source.kind)),
            root.id === 'collections' ? picture.groups : undefined,
          );
        return item;
      }
      case 'object':
        return objectItem(node.item);
      case 'collection':
        return collectionItem(node.mapping);
    }
  }
}

function rootSummary(items?: PictureItem[], groups?: GroupMapping[]): string {
  if (groups) {
    const mapped = groups.filter((g) => g.status === 'mapped').length;
    return `${groups.length} · ${mapped} mapped`;
  }
  const list = items ?? [];
  const imported = list.filter((i) => i.state === 'imported' || i.state === 'drifted').length;
  return `${list.length}${imported ? ` · ${imported} imported` : ''}`;
}

function objectItem(item: PictureItem): vscode.TreeItem {
  const t = item.translation;
  const platform = platformLabel(t.source.platform);
  const tree = new vscode.TreeItem(t.source.name, vscode.TreeItemCollapsibleState.None);
  tree.id = `object:${item.key}`;
  const state = { ...STATE_ICONS[item.state], label: STATE_LABELS[item.state] };
  tree.iconPath = icon(state.icon, state.color);
  tree.description = [platform, item.counterpart ? `→ ${item.counterpart.displayName}` : state.label].filter(Boolean).join(' · ');
  // include/exclude offered where it changes something; terms and conditions are never imported
  tree.contextValue = t.source.kind === 'termsAndConditions' ? 'object' : item.selected ? 'object.selected' : 'object.excluded';
  tree.tooltip = objectTooltip(item, state.label);
  tree.accessibilityInformation = { label: `${t.source.name}, ${platform}, ${state.label}` };
  return tree;
}

const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

function objectTooltip(item: PictureItem, stateLabel: string): vscode.MarkdownString {
  const t = item.translation;
  const lines = [`**${md(t.source.name)}** — ${stateLabel}`, '', `ConfigMgr: \`${t.source.uniqueId}\``];
  if (item.counterpart) lines.push(`Intune: ${md(item.counterpart.displayName)} (\`${item.counterpart.id}\`)`);
  const reasons = [...item.stateReasons, ...t.verdict.reasons];
  if (reasons.length) lines.push('', '**Why**', ...reasons.map((r) => `- ${md(r)}`));
  if (t.verdict.droppedSettings.length)
    lines.push('', '**Settings left out**', ...t.verdict.droppedSettings.map((d) => `- ${md(d.name)}: ${md(d.reason)}`));
  const changed = (t.verdict.settings ?? []).flatMap((o) => (o.outcome === 'changed' ? [o] : []));
  if (changed.length)
    lines.push('', '**Settings changed**', ...changed.map((o) => `- ${md(o.setting)}: ${md(o.from)} → ${md(o.to)} (${md(o.reason)})`));
  if (t.verdict.notes.length) lines.push('', '**Notes**', ...t.verdict.notes.map((n) => `- ${md(n)}`));
  if (item.deployments.length)
    lines.push(
      '',
      '**Deployed to**',
      ...item.deployments.map((d) => `- ${md(d.collectionName)} (${d.collectionId})${d.intent ? ` — ${d.intent}` : ''}`),
    );
  if (item.assignmentNotes.length) lines.push('', ...item.assignmentNotes.map((n) => `- ${md(n)}`));
  return new vscode.MarkdownString(lines.join('\n'));
}

function collectionItem(mapping: GroupMapping): vscode.TreeItem {
  const tree = new vscode.TreeItem(mapping.collectionName, vscode.TreeItemCollapsibleState.None);
  tree.id = `collection:${mapping.collectionId}`;
  const names = mapping.groups.map((g) => g.displayName).join(', ');
  tree.description = mapping.status === 'mapped' ? `→ ${names}` : mapping.status === 'create' ? `→ new group ${names}` : 'unmapped';
  tree.iconPath =
    mapping.status === 'mapped'
      ? icon('pass-filled', 'testing.iconPassed')
      : mapping.status === 'create'
        ? icon('add', 'charts.blue')
        : icon('question', 'list.warningForeground');
  tree.tooltip = new vscode.MarkdownString(`**${md(mapping.collectionName)}** (${mapping.collectionId})\n\n${md(mapping.reason)}`);
  tree.contextValue = 'collection';
  return tree;
}

function readFailure(error: unknown): Node {
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'message',
    text: 'Could not read the site and tenant',
    detail: message,
    icon: 'error',
    command: { command: 'cm2intune.refresh', title: 'Try again' },
  };
}

export function registerObjectsTree(ctx: Ctx): ObjectsTree {
  const tree = new ObjectsTree(ctx);
  // "Refresh", an import, a new password: the store read again, so the view draws again.
  ctx.subscriptions.push(ctx.pictures.onDidRefresh(() => tree.refresh()));
  const watcher = vscode.workspace.createFileSystemWatcher(PLAN_GLOB);
  const isPlan = (doc: vscode.TextDocument) => doc.uri.path.endsWith('.migration.json');
  ctx.subscriptions.push(
    vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    watcher,
    watcher.onDidCreate(tree.retarget),
    watcher.onDidDelete(tree.retarget),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      notePlanEditor(editor);
      void tree.retarget();
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => isPlan(doc) && tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('cm2intune.plan') && tree.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(tree.refresh),
  );
  return tree;
}
