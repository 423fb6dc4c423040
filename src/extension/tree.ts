// The cm2intune view, a map of the migration by phase: phase 1's section holds the plan's ConfigMgr
// objects by kind, each with its state (every state its own icon shape) and its Intune counterpart
// or verdict, and the deployed collections with the groups they map to; then phase 2's readiness
// checks, phase 3's waves and phase 4's switch. Roots are cheap (no read); phase 1's section asks
// the picture store, which reads site and tenant once (phases 2 and 3 once more, together); the
// tree only draws what it gets. A filter (state, kind, platform) narrows phase 1's objects.
import * as vscode from 'vscode';
import { platformLabel } from '../core/translate/common';
import type { Ctx } from './ctx';
import { PLAN_GLOB } from './diagnostics';
import { planPhases, planPicture, type PlanPicture } from './pictures';
import { currentPlan, needsPassword, notePlanEditor, parsePlan, planText } from './session';
import {
  countsInWords,
  countsShort,
  explainItem,
  itemLook,
  LOOK_LABELS,
  LOOK_MARKS,
  LOOK_ORDER,
  stateCounts,
  type ItemLook,
} from '../core/analysis/summary';
import { describeFilter, isEmptyFilter, matchesFilter, type PictureFilter } from '../core/analysis/filter';
import { describeSeverityCounts, severityCounts, type Severity } from '../core/findings';
import { loginName } from '../core/site/sql/login';
import type { GroupMapping, PictureItem } from '../core/analysis';
import type { MigrationPlan } from '../core/plan';
import type { TranslationKind } from '../core/translate/types';
import type { AuthorityRead, PhasesRead, WavePhaseRead } from '../core/phases/overview';
import type { AuthorityCheck, GuideState } from '../core/phases/authority';
import type { CheckState, ReadinessCheck } from '../core/phases/prepare';
import type { DeviceState, DeviceVerdict, WaveUser } from '../core/phases/waves';
import type { WaveStatusName } from '../core/phases/waves-read';

export const VIEW_ID = 'cm2intune.objects';

type RootId =
  | 'phase1'
  | 'compliance'
  | 'configuration'
  | 'certificate'
  | 'wifi'
  | 'vpn'
  | 'email'
  | 'app'
  | 'terms'
  | 'collections'
  | 'readiness'
  | 'waves'
  | 'authority';

/** The roots whose children come from phases 2 to 4 (PictureStore.phases), not the picture. */
const PHASE_ROOTS: RootId[] = ['readiness', 'waves', 'authority'];
/** The view's top level: the four phases. Every other root is a section inside phase 1. */
const TOP_ROOTS: RootId[] = ['phase1', ...PHASE_ROOTS];
/** Phase 1's sections whose objects come from the picture (by kind), in the order shown. */
const KIND_ROOTS = (): (typeof ROOTS)[number][] => ROOTS.filter((r) => r.kinds.length > 0);

const ROOTS: { id: RootId; label: string; icon: string; kinds: TranslationKind[] }[] = [
  { id: 'phase1', label: 'Phase 1 · Import', icon: 'cloud-upload', kinds: [] },
  { id: 'compliance', label: 'Compliance policies', icon: 'shield', kinds: ['compliance'] },
  { id: 'configuration', label: 'Configuration items', icon: 'settings-gear', kinds: ['configuration'] },
  { id: 'certificate', label: 'Certificate profiles', icon: 'workspace-trusted', kinds: ['trustedRoot', 'scep', 'pfx'] },
  { id: 'wifi', label: 'Wi-Fi', icon: 'radio-tower', kinds: ['wifi'] },
  { id: 'vpn', label: 'VPN', icon: 'lock', kinds: ['vpn'] },
  { id: 'email', label: 'E-mail', icon: 'mail', kinds: ['email'] },
  { id: 'app', label: 'Apps', icon: 'package', kinds: ['app'] },
  { id: 'terms', label: 'Terms and conditions', icon: 'law', kinds: ['termsAndConditions'] },
  { id: 'collections', label: 'Collections → groups', icon: 'organization', kinds: [] },
  { id: 'readiness', label: 'Phase 2 · Readiness', icon: 'checklist', kinds: [] },
  { id: 'waves', label: 'Phase 3 · Waves', icon: 'versions', kinds: [] },
  { id: 'authority', label: 'Phase 4 · MDM authority', icon: 'arrow-swap', kinds: [] },
];

// Each state its own shape (not only its colour): a pass circle, a triangle, a cross.
// Colours every theme defines, high contrast included (VS Code leaves list.errorForeground and
// list.warningForeground undefined there, so those icons came out in plain text colour).
const CHECK_ICONS: Record<CheckState, { icon: string; color: string; label: string }> = {
  ok: { icon: 'pass', color: 'testing.iconPassed', label: 'ok' },
  warning: { icon: 'warning', color: 'editorWarning.foreground', label: 'warning' },
  blocking: { icon: 'error', color: 'errorForeground', label: 'blocking' },
};

const WAVE_ICONS: Record<WaveStatusName, { icon: string; color?: string }> = {
  planned: { icon: 'circle-large-outline' },
  'preflight ok': { icon: 'check', color: 'charts.blue' },
  'preflight blocked': { icon: 'error', color: 'errorForeground' },
  'runbook written': { icon: 'file-code', color: 'charts.blue' },
  'applied on the site': { icon: 'server-process', color: 'charts.yellow' },
  'devices moving': { icon: 'sync', color: 'charts.yellow' },
  verified: { icon: 'pass-filled', color: 'testing.iconPassed' },
};

const DEVICE_ICONS: Record<DeviceState, { icon: string; color?: string; label: string }> = {
  intune: { icon: 'pass-filled', color: 'testing.iconPassed', label: 'in Intune' },
  waiting: { icon: 'watch', color: 'charts.yellow', label: 'not moved yet' },
  wontFollow: { icon: 'circle-slash', color: 'editorWarning.foreground', label: "won't follow its user" },
};

// Every look its own shape, colour only as a second cue: a filled check (all of it in Intune), an
// outline check (in Intune, settings left out), an upload arrow (will be created), a half star
// (will be created without some settings), a diff (changed in Intune), a cross, a slashed circle.
export const LOOK_ICONS: Record<ItemLook, { icon: string; color?: string; meaning: string }> = {
  imported: { icon: 'pass-filled', color: 'testing.iconPassed', meaning: 'in Intune, every setting carried over' },
  partlyImported: { icon: 'pass', color: 'charts.yellow', meaning: 'in Intune, but some settings were left out or changed' },
  importable: { icon: 'cloud-upload', color: 'charts.blue', meaning: 'the import will create it with every setting' },
  partial: { icon: 'star-half', color: 'charts.yellow', meaning: 'the import will create it without some settings' },
  drifted: { icon: 'diff-modified', color: 'editorWarning.foreground', meaning: 'in Intune, but changed there since the import' },
  blocked: { icon: 'error', color: 'errorForeground', meaning: "can't be imported (the tooltip says why)" },
  notImported: { icon: 'circle-slash', color: 'disabledForeground', meaning: 'left out by the plan (include it from its menu)' },
};

const COLLECTION_ICONS = {
  mapped: { icon: 'pass-filled', color: 'testing.iconPassed', meaning: 'collection: maps to an Entra ID group' },
  create: { icon: 'add', color: 'charts.blue', meaning: 'collection: the import creates a cloud group for it' },
  unused: { icon: 'dash', color: 'disabledForeground', meaning: 'collection: no group needed (nothing imported is assigned to it)' },
  unmapped: { icon: 'question', color: 'editorWarning.foreground', meaning: 'collection: maps to no group (map it from its menu)' },
} as const;

const icon = (id: string, color?: string) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);

/** Every node of the view; `kind` tells them apart (also for tests through the extension's API). */
export type Node =
  | { kind: 'root'; root: RootId; plan: vscode.Uri }
  | { kind: 'object'; item: PictureItem; plan: vscode.Uri }
  | { kind: 'collection'; mapping: GroupMapping; plan: vscode.Uri }
  | { kind: 'check'; check: ReadinessCheck | AuthorityCheck; plan: vscode.Uri; phase?: 4 }
  | { kind: 'group'; label: string; icon: string; description?: string; children: Node[]; plan: vscode.Uri; id: string }
  | { kind: 'step'; step: GuideState['steps'][number]; next: boolean; plan: vscode.Uri }
  | { kind: 'wave'; wave: WavePhaseRead; plan: vscode.Uri }
  | { kind: 'waveUser'; wave: string; user: WaveUser; devices: DeviceVerdict[]; plan: vscode.Uri }
  | { kind: 'device'; device: DeviceVerdict; plan: vscode.Uri }
  | { kind: 'message'; text: string; detail?: string; icon: string; color?: string; command?: vscode.Command; id?: string };

type Loaded = PlanPicture;

export class ObjectsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loading?: { plan: string; picture: Promise<Loaded> };
  private target?: vscode.Uri;
  /** What phase 1's objects are narrowed to; undefined = all. */
  private shownFilter?: PictureFilter;
  /** The plan's problems as the Problems panel counts them ('' = none), for the view's message. */
  private problems = '';
  /** The view, once made: its message says what is filtered and the plan's problems. */
  view?: vscode.TreeView<Node>;

  constructor(private readonly ctx: Ctx) {}

  get filter(): PictureFilter | undefined {
    return this.shownFilter;
  }

  /** Narrows phase 1's objects (undefined or empty: all of them); the roots count what is shown. */
  setFilter(filter: PictureFilter | undefined): void {
    this.shownFilter = isEmptyFilter(filter) ? undefined : filter;
    void vscode.commands.executeCommand('setContext', 'cm2intune.treeFiltered', !!this.shownFilter);
    this.updateMessage();
    this.changed.fire(undefined);
  }

  /** The view's message: the filter, then the plan's problems, each when there is one. */
  get message(): string {
    return [this.shownFilter ? `Filtered: ${describeFilter(this.shownFilter)}` : '', this.problems].filter(Boolean).join('\n');
  }

  private updateMessage(): void {
    if (!this.view) return;
    this.view.message = this.message || undefined;
    this.view.description = this.shownFilter ? 'filtered' : undefined;
  }

  /** The plan's problems, counted from its diagnostics as the Problems panel counts them. */
  noteProblems(plan: vscode.Uri | undefined): void {
    const counts = plan ? planProblemCounts(plan) : undefined;
    // Errors and warnings only: an information alone is not worth a line above the tree.
    const text = counts ? describeSeverityCounts({ ...counts, info: 0 }) : '';
    const next = text ? `${vscode.workspace.asRelativePath(plan!)}: ${text} (see the Problems panel)` : '';
    if (next === this.problems) return;
    this.problems = next;
    this.updateMessage();
  }

  /** Repaint: the picture is asked for again (the store reads only what the plan's change needs). */
  refresh = () => {
    this.loading = undefined;
    this.loaded = undefined;
    this.phasesLoading = undefined;
    this.phasesLoaded = undefined;
    this.rootNodes.clear();
    this.changed.fire(undefined);
  };

  /** Draws again from what was read (nothing is read again). */
  repaint = () => this.changed.fire(undefined);

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
        // Phase 1's sections change with what was read (terms and conditions, kinds a filter leaves empty).
        const hasTerms = value.picture.items.some((i) => i.translation.source.kind === 'termsAndConditions');
        if (hasTerms || this.shownFilter) return this.changed.fire(this.rootNode('phase1', plan));
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

  private phasesLoading?: { plan: string; read: Promise<PhasesRead> };
  private phasesLoaded?: { plan: string; read: PhasesRead };

  /** Phases 2 and 3 of `plan`, asked for once per repaint; the phase roots are repainted with their counts. */
  phases(plan: vscode.Uri): Promise<PhasesRead> {
    if (this.phasesLoading?.plan === plan.toString()) return this.phasesLoading.read;
    const read: Promise<PhasesRead> = Promise.resolve(
      vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Reading readiness and waves' }, () => planPhases(this.ctx, plan)),
    );
    this.phasesLoading = { plan: plan.toString(), read };
    read.then(
      (value) => {
        if (this.phasesLoading?.read !== read) return;
        this.phasesLoaded = { plan: plan.toString(), read: value };
        for (const node of this.rootNodes.values())
          if (node.kind === 'root' && PHASE_ROOTS.includes(node.root) && node.plan.toString() === plan.toString()) this.changed.fire(node);
      },
      () => undefined,
    );
    return read;
  }

  private phasesSettled(plan: vscode.Uri): PhasesRead | undefined {
    return this.phasesLoaded?.plan === plan.toString() ? this.phasesLoaded.read : undefined;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.roots();
    if (node.kind === 'root' && node.root === 'phase1') return this.phase1Sections(node.plan);
    if (node.kind === 'wave') return waveChildren(node.wave, node.plan);
    if (node.kind === 'waveUser') return node.devices.map((device) => ({ kind: 'device', device, plan: node.plan }));
    if (node.kind === 'group') return node.children;
    if (node.kind !== 'root') return [];
    if (PHASE_ROOTS.includes(node.root)) {
      let read: PhasesRead;
      try {
        read = await this.phases(node.plan);
      } catch (error) {
        return [readFailure(error)];
      }
      if (node.root === 'authority') return authorityChildren(read, node.plan);
      return node.root === 'readiness' ? readinessChildren(read, node.plan) : wavesChildren(read, node.plan);
    }
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
      .filter((item) => kinds.includes(item.translation.source.kind) && matchesFilter(item, this.shownFilter))
      .sort((a, b) => a.translation.source.name.localeCompare(b.translation.source.name) || a.key.localeCompare(b.key))
      .map((item) => ({ kind: 'object', item, plan: node.plan }));
  }

  private async roots(): Promise<Node[]> {
    const plan = await currentPlan();
    this.target = plan;
    this.noteProblems(plan);
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
      // Counted as the Problems panel counts them; before VS Code checked the plan, as cm2intune does.
      const counts = planProblemCounts(plan);
      const problems = counts.error ? describeSeverityCounts(counts) : `${parsed.errors} error${parsed.errors === 1 ? '' : 's'}`;
      return [
        {
          kind: 'message',
          text: `${name} has ${problems}`,
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
    return TOP_ROOTS.map((id) => this.rootNode(id, plan));
  }

  /**
   * Phase 1's sections: a root per kind (terms and conditions only when the site has them; with a
   * filter, only kinds with objects shown), the collections, and the legend. Cheap: the picture is
   * asked for, not awaited, so the counts come when it is read.
   */
  private phase1Sections(plan: vscode.Uri): Node[] {
    void this.picture(plan).catch(() => undefined);
    const settled = this.settled(plan);
    const kinds = KIND_ROOTS().filter((r) => {
      const items = settled?.picture.items.filter((i) => r.kinds.includes(i.translation.source.kind));
      if (r.id === 'terms') return !!items?.length;
      if (!this.shownFilter || !items) return true;
      return items.some((i) => matchesFilter(i, this.shownFilter));
    });
    return [...kinds.map((r) => this.rootNode(r.id, plan)), this.rootNode('collections', plan), legendNode()];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        if (node.id) item.id = node.id;
        item.description = node.detail;
        item.tooltip = node.detail ? `${node.text}\n\n${node.detail}` : node.text;
        item.iconPath = icon(node.icon, node.color);
        item.command = node.command;
        item.contextValue = 'message';
        return item;
      }
      case 'root': {
        const root = ROOTS.find((r) => r.id === node.root)!;
        // Phase 1 opens at once: its sections are the map an admin starts from.
        const item = new vscode.TreeItem(
          root.label,
          root.id === 'phase1' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `root:${root.id}`;
        item.iconPath = icon(root.icon);
        // Phase roots carry their phase's commands as buttons.
        item.contextValue = PHASE_ROOTS.includes(root.id) || root.id === 'phase1' ? `phase.${root.id}` : 'kind';
        if (PHASE_ROOTS.includes(root.id)) {
          const read = this.phasesSettled(node.plan);
          if (read) item.description = phaseRootSummary(root.id, read);
          return item;
        }
        const picture = this.settled(node.plan)?.picture;
        if (!picture) return item;
        if (root.id === 'collections') {
          item.description = collectionsSummary(picture.groups);
          return item;
        }
        const all = root.id === 'phase1' ? picture.items : picture.items.filter((i) => root.kinds.includes(i.translation.source.kind));
        const shown = all.filter((i) => matchesFilter(i, this.shownFilter));
        const counts = stateCounts(shown);
        item.description = this.shownFilter ? countsShort(counts).replace(/^\d+/, `${shown.length} of ${all.length}`) : countsShort(counts);
        item.tooltip = new vscode.MarkdownString(
          [
            `**${md(root.label)}**`,
            md(countsInWords(counts)) + (this.shownFilter ? ` (of ${all.length}, filtered)` : ''),
            '',
            legendMarkdown(),
          ].join('\n\n'),
        );
        return item;
      }
      case 'object': {
        const item = objectItem(node.item);
        item.command = { command: 'cm2intune.showObject', title: 'Show details', arguments: [node] };
        return item;
      }
      case 'collection':
        return collectionItem(node.mapping);
      case 'check':
        return checkItem(node.check, node.phase);
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = icon(node.icon);
        item.description = node.description;
        item.contextValue = node.id;
        return item;
      }
      case 'step':
        return stepItem(node.step, node.next);
      case 'wave':
        return waveItem(node.wave);
      case 'waveUser':
        return waveUserItem(node.wave, node.user, node.devices);
      case 'device':
        return deviceItem(node.device);
    }
  }
}

function phaseRootSummary(root: RootId, read: PhasesRead): string | undefined {
  if (root === 'authority') {
    if (!read.authority) return undefined;
    if (!read.authority.ok) return 'not read';
    const { preflight, guide, verification } = read.authority.value;
    if (verification)
      return verification.state === 'removed'
        ? 'SUBSCRIPTION REMOVED'
        : `${verification.state} · ${verification.switched} of ${verification.expected} switched`;
    return `${preflight.ready ? 'ready' : `${preflight.blocking} blocking`} · ${guide.steps.filter((s) => s.done).length} of ${guide.steps.length} steps done`;
  }
  if (root === 'readiness') {
    if (!read.readiness.ok) return 'not read';
    const r = read.readiness.value;
    const warnings = r.checks.filter((c) => c.state === 'warning').length;
    return r.blocking
      ? `${r.blocking} blocking${warnings ? ` · ${warnings} warning` : ''}`
      : `ready${warnings ? ` · ${warnings} warning` : ''}`;
  }
  const verified = read.waves.filter((w) => w.status?.status === 'verified').length;
  return read.waves.length ? `${read.waves.length} · ${verified} verified` : 'none in the plan';
}

function readinessChildren(read: PhasesRead, plan: vscode.Uri): Node[] {
  if (!read.readiness.ok) return [readFailure(new Error(read.readiness.error), 'Could not check readiness')];
  return read.readiness.value.checks.map((check) => ({ kind: 'check', check, plan }));
}

function wavesChildren(read: PhasesRead, plan: vscode.Uri): Node[] {
  if (read.waves.length === 0)
    return [
      {
        kind: 'message',
        text: 'The plan has no waves',
        detail: 'List the users of each wave under "waves" in the plan (docs/waves.md).',
        icon: 'info',
        command: { command: 'vscode.open', title: 'Open plan', arguments: [plan] },
      },
    ];
  return read.waves.map((wave) => ({ kind: 'wave', wave, plan }));
}

/** A wave's preflight checks that did not pass, then its users with their devices. */
function waveChildren(wave: WavePhaseRead, plan: vscode.Uri): Node[] {
  if (!wave.read.ok) return [readFailure(new Error(wave.read.error), `Could not read wave "${wave.name}"`)];
  const { preflight, verification } = wave.read.value;
  const failed: Node[] = preflight.checks
    .filter((c) => !c.ok)
    .map((c) => ({ kind: 'message', text: c.message, icon: c.blocking ? 'error' : 'warning', detail: c.blocking ? 'blocks' : undefined }));
  const users: Node[] = preflight.users.map((user) => ({
    kind: 'waveUser',
    wave: wave.name,
    user,
    devices: verification.devices.filter((d) => !!user.upn && d.user?.toLowerCase() === user.upn.toLowerCase()),
    plan,
  }));
  return [...failed, ...users];
}

/** Phase 4's section: the preflight's findings, the checklist, and after the switch the verification. */
function authorityChildren(read: PhasesRead, plan: vscode.Uri): Node[] {
  if (!read.authority) return [];
  if (!read.authority.ok) return [readFailure(new Error(read.authority.error), 'Could not read phase 4')];
  const a: AuthorityRead = read.authority.value;
  const done = a.guide.steps.filter((s) => s.done).length;
  const nodes: Node[] = [
    {
      kind: 'group',
      id: 'authority.preflight',
      label: 'Preflight',
      icon: a.preflight.ready ? 'pass' : 'error',
      // After the switch the preflight (a check of a hybrid tenant) is history: Verification says where it stands.
      description: a.verification
        ? 'made before the switch'
        : a.preflight.ready
          ? `ready · ${a.preflight.switching.length} device(s) will switch`
          : `${a.preflight.blocking} blocking · ${a.preflight.switching.length} device(s) will switch`,
      children: a.preflight.checks.map((check) => ({ kind: 'check', check, plan, phase: 4 })),
      plan,
    },
    {
      kind: 'group',
      id: 'authority.checklist',
      label: 'Checklist (the switch, in the ConfigMgr console)',
      icon: 'tasklist',
      description: `${done} of ${a.guide.steps.length} done`,
      children: a.guide.steps.map((step) => ({ kind: 'step', step, next: a.guide.next?.id === step.id, plan })),
      plan,
    },
  ];
  const v = a.verification;
  const verification: Node[] = v
    ? [
        {
          kind: 'message',
          text: v.state === 'removed' ? 'THE SUBSCRIPTION WAS REMOVED, NOT SWITCHED' : `Authority: ${v.authority}`,
          detail: v.headline,
          icon: v.state === 'removed' ? 'error' : v.state === 'verified' ? 'pass-filled' : 'sync',
        },
        {
          kind: 'message',
          text: `Devices switched: ${v.switched} of ${v.expected}`,
          detail: v.devices
            .filter((d) => d.state !== 'switched')
            .slice(0, 10)
            .map((d) => `${d.deviceName}: ${d.reason ?? d.state}`)
            .join('\n'),
          icon: v.switched === v.expected ? 'pass' : 'watch',
        },
        ...v.policies.map((p): Node => ({
          kind: 'message',
          text: `${p.label}: ${p.now}${p.before === null ? '' : ` (${p.before} before)`}`,
          detail: p.note,
          icon: p.ok ? 'pass' : 'warning',
        })),
      ]
    : [{ kind: 'message', text: 'Not switched yet: the MDM authority is still Configuration Manager', icon: 'circle-large-outline' }];
  nodes.push({
    kind: 'group',
    id: 'authority.verification',
    label: 'Verification',
    icon: 'pulse',
    description: v ? `${v.switched} of ${v.expected} switched` : 'not switched yet',
    children: verification,
    plan,
  });
  return nodes;
}

function stepItem(step: GuideState['steps'][number], next: boolean): vscode.TreeItem {
  const tree = new vscode.TreeItem(step.title, vscode.TreeItemCollapsibleState.None);
  tree.id = `step:${step.id}`;
  tree.iconPath = step.done
    ? icon('pass-filled', 'testing.iconPassed')
    : next
      ? icon('arrow-right', 'charts.blue')
      : icon('circle-large-outline');
  tree.description = step.done ? `done ${step.at?.slice(0, 16).replace('T', ' ') ?? ''}` : next ? 'next' : '';
  const lines = [`**${md(step.title)}**`, '', ...step.detail.map((d) => `- ${md(d)}`)];
  if (step.warning?.length) lines.push('', ...step.warning.map((w) => `**${md(w)}**`));
  tree.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
  tree.contextValue = 'step';
  // The checklist is walked in its page, where the warning is said first.
  tree.command = { command: 'cm2intune.switchAuthorityGuided', title: 'Open the guided switch' };
  return tree;
}

function checkItem(check: ReadinessCheck | AuthorityCheck, phase?: 4): vscode.TreeItem {
  const state = CHECK_ICONS[check.state];
  const tree = new vscode.TreeItem(check.title, vscode.TreeItemCollapsibleState.None);
  tree.id = `${phase === 4 ? 'authority-check' : 'check'}:${check.id}`;
  tree.iconPath = icon(state.icon, state.color);
  tree.description = check.summary;
  const fixSteps = 'fixSteps' in check ? check.fixSteps : [];
  // The fix is offered where cm2intune can make it (the plan allows it and something is to do).
  tree.contextValue = fixSteps.length ? 'check.fixable' : 'check';
  const lines = [`**${md(check.title)}** — ${state.label}`, '', md(check.summary)];
  if (check.evidence.length) lines.push('', '**Evidence**', ...check.evidence.map((e) => `- ${md(e)}`));
  if (check.instructions && check.state !== 'ok') lines.push('', '**To do**', md(check.instructions));
  if (fixSteps.length) lines.push('', `cm2intune can fix this: ${fixSteps.length} request(s) (*Fix readiness*).`);
  tree.tooltip = new vscode.MarkdownString(lines.join('\n'));
  tree.accessibilityInformation = { label: `${check.title}, ${state.label}: ${check.summary}` };
  return tree;
}

function waveItem(wave: WavePhaseRead): vscode.TreeItem {
  const tree = new vscode.TreeItem(wave.name, vscode.TreeItemCollapsibleState.Collapsed);
  tree.id = `wave:${wave.name}`;
  tree.contextValue = 'wave';
  if (!wave.read.ok) {
    tree.iconPath = icon('error', 'errorForeground');
    tree.description = 'could not be read';
    tree.tooltip = wave.read.error;
    return tree;
  }
  const status = wave.status?.status ?? 'planned';
  const look = WAVE_ICONS[status];
  tree.iconPath = icon(look.icon, look.color);
  const { verification, preflight } = wave.read.value;
  tree.description = `${wave.status?.line ?? status} · ${preflight.users.length} user(s)`;
  const lines = [`**${md(wave.name)}** — ${md(wave.status?.line ?? status)}`, '', md(verification.summary)];
  const notOk = preflight.checks.filter((c) => !c.ok);
  if (notOk.length) lines.push('', '**Preflight**', ...notOk.map((c) => `- ${c.blocking ? 'blocks' : 'warning'}: ${md(c.message)}`));
  tree.tooltip = new vscode.MarkdownString(lines.join('\n'));
  return tree;
}

function waveUserItem(_wave: string, user: WaveUser, devices: DeviceVerdict[]): vscode.TreeItem {
  const label = user.upn ?? user.uniqueName;
  const tree = new vscode.TreeItem(
    label,
    devices.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  const moved = devices.filter((d) => d.state === 'intune').length;
  tree.iconPath = icon('person');
  tree.description = devices.length ? `${moved} of ${devices.length} device(s) in Intune` : 'no managed device';
  tree.tooltip = `${label}\n${user.uniqueName} (resource ${user.resourceId})`;
  tree.contextValue = 'waveUser';
  return tree;
}

function deviceItem(device: DeviceVerdict): vscode.TreeItem {
  const look = DEVICE_ICONS[device.state];
  const tree = new vscode.TreeItem(device.deviceName, vscode.TreeItemCollapsibleState.None);
  tree.iconPath = icon(look.icon, look.color);
  tree.description = look.label;
  tree.tooltip = device.reason ? `${device.deviceName}: ${look.label}\n\n${device.reason}` : `${device.deviceName}: ${look.label}`;
  tree.contextValue = 'device';
  tree.accessibilityInformation = { label: `${device.deviceName}, ${look.label}` };
  return tree;
}

function collectionsSummary(groups: GroupMapping[]): string {
  const n = (status: ReturnType<typeof collectionLook>) => groups.filter((g) => collectionLook(g) === status).length;
  const parts = [
    n('mapped') && `${n('mapped')} mapped`,
    n('create') && `${n('create')} to create`,
    n('unmapped') && `${n('unmapped')} unmapped`,
  ].filter(Boolean);
  return [String(groups.length), ...parts].join(' · ');
}

/** A collection's look: a group to create that nothing is assigned to is not created. */
const collectionLook = (m: GroupMapping): keyof typeof COLLECTION_ICONS =>
  m.status === 'create' && m.assignedBy === 0 ? 'unused' : m.status;

/** The legend, as a section at the end of phase 1: each icon with what it means. */
function legendNode(): Node {
  const line = (id: string, look: { icon: string; color?: string; meaning: string }, label: string, mark?: string): Node => ({
    kind: 'message',
    id: `legend:${id}`,
    text: mark ? `${mark} ${label}` : label,
    detail: look.meaning,
    icon: look.icon,
    color: look.color,
  });
  return {
    kind: 'group',
    id: 'legend',
    label: 'Legend',
    icon: 'info',
    description: 'what the icons and marks mean',
    plan: vscode.Uri.parse('cm2intune:legend'),
    children: [
      ...LOOK_ORDER.map((look) => line(look, LOOK_ICONS[look], LOOK_LABELS[look], LOOK_MARKS[look])),
      ...(Object.keys(COLLECTION_ICONS) as (keyof typeof COLLECTION_ICONS)[]).map((k) =>
        line(`collection.${k}`, COLLECTION_ICONS[k], k === 'unused' ? 'no group needed' : k === 'create' ? 'group to create' : k),
      ),
    ],
  };
}

/** The legend in a tooltip: the marks the roots count with. */
const legendMarkdown = () =>
  LOOK_ORDER.map((look) => `${LOOK_MARKS[look]} ${LOOK_LABELS[look]}: ${md(LOOK_ICONS[look].meaning)}`).join('  \n');

/** The plan's diagnostics per severity, all sources (VS Code's JSON service and cm2intune's), as the Problems panel counts them. */
export function planProblemCounts(plan: vscode.Uri): Record<Severity, number> {
  const of: Record<number, Severity> = {
    [vscode.DiagnosticSeverity.Error]: 'error',
    [vscode.DiagnosticSeverity.Warning]: 'warning',
    [vscode.DiagnosticSeverity.Information]: 'info',
  };
  return severityCounts(vscode.languages.getDiagnostics(plan).flatMap((d) => (of[d.severity] ? [of[d.severity]] : [])));
}

function objectItem(item: PictureItem): vscode.TreeItem {
  const t = item.translation;
  const platform = platformLabel(t.source.platform);
  const tree = new vscode.TreeItem(t.source.name, vscode.TreeItemCollapsibleState.None);
  tree.id = `object:${item.key}`;
  const look = itemLook(item);
  const state = { ...LOOK_ICONS[look], label: LOOK_LABELS[look] };
  tree.iconPath = icon(state.icon, state.color);
  // The state first, so the side bar's default width never cuts it off; the counterpart is in the tooltip.
  tree.description = [state.label, platform].filter(Boolean).join(' · ');
  // include/exclude offered where it changes something; terms and conditions are never imported
  tree.contextValue = t.source.kind === 'termsAndConditions' ? 'object' : item.selected ? 'object.selected' : 'object.excluded';
  tree.tooltip = objectTooltip(item, state.label);
  // A web app has no platform: no empty part between commas for a screen reader to read.
  tree.accessibilityInformation = { label: [t.source.name, platform, state.label].filter(Boolean).join(', ') };
  return tree;
}

const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

function objectTooltip(item: PictureItem, stateLabel: string): vscode.MarkdownString {
  const t = item.translation;
  // Two lines, not one run-on paragraph: Markdown joins lines unless they end in a backslash.
  const lines = [`**${md(t.source.name)}** — ${stateLabel}`, '', `ConfigMgr: \`${t.source.uniqueId}\`${item.counterpart ? '\\' : ''}`];
  if (item.counterpart) lines.push(`Intune: ${md(item.counterpart.displayName)} (\`${item.counterpart.id}\`)`);
  const { why, leftOut, changed } = explainItem(item);
  if (why.length) lines.push('', '**Why**', ...why.map((r) => `- ${md(r)}`));
  if (leftOut.length) lines.push('', '**Settings left out**', ...leftOut.map((d) => `- ${md(d.name)}: ${md(d.reason)}`));
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
  const look = collectionLook(mapping);
  const members = mapping.memberCount === undefined ? '' : ` · ${mapping.memberCount} member${mapping.memberCount === 1 ? '' : 's'}`;
  tree.description =
    look === 'mapped'
      ? `→ ${names}${members}`
      : look === 'create'
        ? `→ new group ${names}${members}`
        : look === 'unused'
          ? 'no group needed'
          : 'unmapped';
  tree.iconPath = icon(COLLECTION_ICONS[look].icon, COLLECTION_ICONS[look].color);
  tree.tooltip = new vscode.MarkdownString(`**${md(mapping.collectionName)}** (${mapping.collectionId})\n\n${md(mapping.reason)}`);
  tree.contextValue = 'collection';
  return tree;
}

function readFailure(error: unknown, text = 'Could not read the site and tenant'): Node {
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'message',
    text,
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
  // Many objects can be selected at once: include and exclude take the whole selection.
  tree.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  void vscode.commands.executeCommand('setContext', 'cm2intune.treeFiltered', false);
  ctx.subscriptions.push(
    tree.view,
    // The message counts the plan's problems as the Problems panel does, so it follows them.
    vscode.languages.onDidChangeDiagnostics(async (e) => {
      if (!e.uris.some((u) => u.path.endsWith('.migration.json'))) return;
      const plan = await currentPlan();
      if (!plan || !e.uris.some((u) => u.toString() === plan.toString())) return;
      tree.noteProblems(plan);
      // A plan with errors shows them as its only row (no read): that row's count follows too.
      if (planProblemCounts(plan).error) tree.repaint();
    }),
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
