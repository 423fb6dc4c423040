// One object's detail in VS Code: `cm2intune.showObject` opens it as a webview (the core's HTML, no
// script: the strict CSP allows only this page's style; "Show drift" is a command link), and
// `cm2intune.showDrift` opens the drift of a drifted object as a diff of two read-only documents.
import * as vscode from 'vscode';
import { driftedSettings, driftTexts, driftTitle, objectDetail, renderObjectDetailHtml } from '../core/analysis/detail';
import type { PictureItem } from '../core/analysis';
import { nameWithPlatform } from '../core/analysis/selection';
import { UserError } from '../core/errors';
import type { Cloud } from '../core/plan/types';
import type { Ctx } from './ctx';
import { planPicture } from './pictures';
import { currentPlan, parsePlan, planText, withSession } from './session';
import { webviewPage } from './webviewPage';

/** The read-only documents the drift diff shows (expected ↔ in Intune now). */
export const DRIFT_SCHEME = 'cm2intune-drift';

/** What both commands take: a tree object node, or the plan (a Uri string) and the item's key. */
export type ObjectTarget = { kind: 'object'; item: PictureItem; plan: vscode.Uri } | { plan?: string; key: string };

export class DriftDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

interface Loaded {
  plan: vscode.Uri;
  item: PictureItem;
  cloud?: Cloud;
}

const NO_PLAN = 'No migration plan in this workspace: create one with "cm2intune: New migration plan".';

/** The object the command was given, or the one the admin picks (from the palette). */
async function load(ctx: Ctx, arg: unknown, which: 'all' | 'drifted'): Promise<Loaded | undefined> {
  const target = arg as Partial<ObjectTarget> | undefined;
  let plan: vscode.Uri | undefined;
  let key: string | undefined;
  if (target && 'kind' in target && target.kind === 'object' && target.item && target.plan) {
    plan = target.plan;
    key = target.item.key;
  } else if (target && 'key' in target && typeof target.key === 'string') {
    plan = target.plan ? vscode.Uri.parse(target.plan) : await currentPlan();
    key = target.key;
  } else plan = await currentPlan();
  if (!plan) throw new UserError(NO_PLAN);
  const parsed = parsePlan(await planText(plan), plan);
  if ('error' in parsed) throw new UserError(`${vscode.workspace.asRelativePath(plan)}: ${parsed.error}`);
  const tenant = parsed.plan.tenant;
  const cloud = tenant.sandbox ? undefined : tenant.cloud;
  const { picture } = await planPicture(ctx, plan);
  if (key === undefined) {
    const items = picture.items.filter((i) => which === 'all' || i.state === 'drifted');
    if (!items.length) throw new UserError(`No object of ${vscode.workspace.asRelativePath(plan)} has drifted in Intune.`);
    const label = (i: PictureItem) => `${i.translation.source.name} · ${i.translation.source.platform} · ${i.key}`;
    const picked = await ctx.ui.pick(
      which === 'all' ? 'Show the detail of' : 'Show the drift of',
      items.map((i) => ({ label: label(i), description: i.state })),
    );
    if (!picked) return undefined;
    key = items.find((i) => label(i) === picked)!.key;
  }
  const item = picture.items.find((i) => i.key === key);
  if (!item)
    throw new UserError(
      `${vscode.workspace.asRelativePath(plan)} has no object ${key} in its picture: the site may have changed; run "cm2intune: Refresh" and choose it in the view again.`,
    );
  return { plan, item, cloud };
}

/** Open details by `plan|key`, with what reopens each. */
const panels = new Map<string, { panel: vscode.WebviewPanel; plan: vscode.Uri; key: string }>();

/** `cm2intune.showObject`: the detail of one object, one tab per object (shown again if open). */
export async function showObject(ctx: Ctx, arg: unknown, reveal = true): Promise<vscode.WebviewPanel | undefined> {
  const loaded = await load(ctx, arg, 'all');
  if (!loaded) return undefined;
  const { plan, item, cloud } = loaded;
  const detail = objectDetail(item, { cloud });
  const id = `${plan.toString()}|${item.key}`;
  const panel = draw(ctx, plan, item, detail, reveal);
  // Drawn at once from the picture; then, for an object in Intune, again with its drift by
  // settings once its Intune object is read (one GET), while the tab is still open.
  if (item.counterpart && item.translation.request && !item.wrongType)
    void readTenantBody(ctx, plan, item)
      .then((tenantBody) => {
        if (tenantBody && panels.get(id)?.panel === panel) draw(ctx, plan, item, objectDetail(item, { cloud, tenantBody }), false);
      })
      .catch((error: unknown) =>
        ctx.log.warn(
          `The settings of ${item.key} could not be compared with Intune: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  return panel;
}

/** The paired Intune object as the tenant has it now, read through the plan's session (read-only, no password prompt). */
async function readTenantBody(ctx: Ctx, plan: vscode.Uri, item: PictureItem): Promise<Record<string, unknown> | undefined> {
  const resource = item.translation.request?.resource;
  const counterpart = item.counterpart;
  if (!resource || !counterpart) return undefined;
  const { readIntuneObject } = await import('./core');
  return withSession(ctx, plan, 'import', { readOnly: true, askPassword: false }, (session) =>
    readIntuneObject(session.graph, resource, counterpart.id),
  );
}

/** The detail's tab, opened or drawn again in place. */
function draw(
  ctx: Ctx,
  plan: vscode.Uri,
  item: PictureItem,
  detail: ReturnType<typeof objectDetail>,
  reveal: boolean,
): vscode.WebviewPanel {
  const id = `${plan.toString()}|${item.key}`;
  let panel = panels.get(id)?.panel;
  if (!panel) {
    panel = vscode.window.createWebviewPanel('cm2intune.objectDetail', detail.name, vscode.ViewColumn.Active, {
      enableScripts: false,
      // Only the drift link runs a command; the admin-center link opens in the browser.
      enableCommandUris: ['cm2intune.showDrift'],
      localResourceRoots: [],
    });
    panels.set(id, { panel, plan, key: item.key });
    panel.onDidDispose(() => panels.delete(id), undefined, ctx.subscriptions);
  }
  const showDrift = `command:cm2intune.showDrift?${encodeURIComponent(JSON.stringify([{ plan: plan.toString(), key: item.key }]))}`;
  panel.title = nameWithPlatform(detail.name, detail.platform);
  panel.webview.html = detailPage(panel.webview, detail.name, renderObjectDetailHtml(detail, { showDrift }));
  if (reveal) panel.reveal();
  return panel;
}

/** An open detail follows the picture: drawn again (in place) when its plan is read again, e.g. after an import. */
export function followDetailRefreshes(ctx: Ctx): void {
  ctx.subscriptions.push(
    ctx.pictures.onDidRefresh((key) => {
      for (const open of [...panels.values()]) {
        if (key !== undefined && key !== open.plan.toString()) continue;
        showObject(ctx, { plan: open.plan.toString(), key: open.key }, false).catch((error: unknown) =>
          ctx.log.warn(`The detail of ${open.key} could not be drawn again: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    }),
  );
}

/** `cm2intune.showDrift`: what cm2intune expects (from ConfigMgr) beside what Intune has now. */
export async function showDrift(
  ctx: Ctx,
  docs: DriftDocuments,
  arg: unknown,
): Promise<{ left: vscode.Uri; right: vscode.Uri } | undefined> {
  const loaded = await load(ctx, arg, 'drifted');
  if (!loaded) return undefined;
  const { plan, item } = loaded;
  const name = item.translation.source.name;
  const notDrifted = () => new UserError(`"${name}" has not drifted in Intune (it is ${item.state}): there is no drift to show.`);
  if (!item.counterpart || (item.state !== 'drifted' && item.state !== 'imported')) throw notDrifted();
  if (!item.translation.request)
    throw new UserError(`"${name}" has nothing cm2intune would create, so there is no expected payload to compare.`);
  const body = (await readTenantBody(ctx, plan, item))!;
  // An imported object has drifted when one of its settings changed in Intune.
  if (item.state === 'imported' && driftedSettings(item, body).length === 0) throw notDrifted();
  const texts = driftTexts(item, body);
  // The names are the tabs' titles; a slash in an object's name would split the path.
  const file = (what: string) =>
    vscode.Uri.from({
      scheme: DRIFT_SCHEME,
      path: `/${name.replace(/[/\\]/g, '∕')} — ${what}.json`,
      query: `${plan.toString()}|${item.key}`,
    });
  const left = file('expected (from ConfigMgr)');
  const right = file('in Intune now');
  docs.set(left, texts.expected);
  docs.set(right, texts.actual);
  // The tab's title is short; its tooltip shows both documents' names (expected ↔ in Intune now).
  await vscode.commands.executeCommand('vscode.diff', left, right, driftTitle(name), { preview: false });
  return { left, right };
}

/** The page: no script at all (webviewPage's CSP then allows none); colours come from the theme. */
export function detailPage(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, title: string, body: string): string {
  return webviewPage(webview, {
    title,
    body,
    style: `  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 16px; }
  h1 { font-size: 1.5em; margin-bottom: 4px; }
  h2 { font-size: 1.15em; margin-top: 20px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 2px; }
  .meta { color: var(--vscode-descriptionForeground); margin-top: 0; }
  .hint { color: var(--vscode-descriptionForeground); }
  a { color: var(--vscode-textLink-foreground); }
  a.action { display: inline-block; padding: 2px 10px; margin-right: 8px; border: 1px solid var(--vscode-button-border, var(--vscode-textLink-foreground)); border-radius: 2px; text-decoration: none; }
  .table-scroll { overflow-x: auto; max-width: 100%; }
  table { border-collapse: collapse; width: 100%; table-layout: auto; }
  /* Headers break between words only; a value may break inside a word where it must (a long URL),
     names break between their camel-case words (<wbr>); wider than the group, the box scrolls. */
  th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  th { overflow-wrap: normal; word-break: normal; hyphens: manual; }
  td { overflow-wrap: break-word; }
  table.settings { min-width: 30em; }
  .none { color: var(--vscode-descriptionForeground); font-style: italic; }
  th { font-weight: 600; }
  tr.outcome-changed td { background: var(--vscode-diffEditor-insertedTextBackground, transparent); }
  tr.outcome-dropped td { background: var(--vscode-diffEditor-removedTextBackground, transparent); }
  tr.outcome-changed .mark, tr.outcome-dropped .mark { font-weight: bold; }
  code, pre { font-family: var(--vscode-editor-font-family); }
  pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow: auto; }
  pre code { background: none; color: inherit; }
  .state-drifted, .state-blocked { font-weight: 600; }`,
  });
}
