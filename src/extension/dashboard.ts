// The migration dashboard: one webview panel, strict CSP (no inline script, a nonce for the one
// script and style), content from the bundled dist/webview.js only; data arrives by postMessage.
import * as vscode from 'vscode';
import { summarizePicture, type DashboardModel } from '../core/analysis/summary';
import type { Ctx } from './ctx';
import type { WatchReading } from '../core/phases/overview';
import type { DashboardRun } from './dashboardActions';
import { DashboardFeed } from './dashboardFeed';
import { planPhases, planPicture } from './pictures';
import { webviewPage } from './webviewPage';

let open: { panel: vscode.WebviewPanel; feed: DashboardFeed; plan?: vscode.Uri } | undefined;

/** The open dashboard's feed (for the extension tests: what the page was sent, a message as the page sends it). */
export const openDashboardFeed = (): DashboardFeed | undefined => open?.feed;

/**
 * "cm2intune: Show migration dashboard" for `plan`: the picture at once, then phases 2 and 3 (one
 * more read, kept like the picture). `reveal: false` repaints an open dashboard in place.
 */
export async function openDashboard(ctx: Ctx, plan: vscode.Uri, reveal = true): Promise<vscode.WebviewPanel> {
  const loaded = await planPicture(ctx, plan);
  const model = summarizePicture(`${vscode.workspace.asRelativePath(plan)} — ${loaded.tenant}`, loaded.picture);
  const panel = showDashboard(ctx, model, reveal);
  open!.plan = plan;
  const [read, { phasesOverview, migrationStages }] = await Promise.all([planPhases(ctx, plan), import('./core')]);
  const overview = phasesOverview(read, new Date().toISOString());
  open?.feed.showPhases({ ...overview, stages: migrationStages({ objects: model.totals, phases: overview }).stages });
  return panel;
}

/**
 * A watch's new reading (Verify wave, Verify the MDM authority): the open dashboard of that plan
 * draws it at once, from what it was last sent, without reading the site and the tenant again.
 */
export function dashboardReading(plan: vscode.Uri, reading: WatchReading): void {
  if (open?.plan?.toString() !== plan.toString()) return;
  // The core is loaded already: the watch reads through it.
  void import('./core').then(({ withReading, migrationStages }) => {
    const shown = open?.plan?.toString() === plan.toString() ? open.feed.shown : undefined;
    if (!shown?.model || !shown.phases) return;
    const phases = withReading(shown.phases, reading);
    open!.feed.showPhases({ ...phases, stages: migrationStages({ objects: shown.model.totals, phases }).stages });
  });
}

/** An open dashboard follows what a command changed: repainted when its plan's pictures are read again. */
export function followRefreshes(ctx: Ctx): void {
  ctx.subscriptions.push(
    ctx.pictures.onDidRefresh((key) => {
      const plan = open?.plan;
      if (!plan || (key !== undefined && key !== plan.toString())) return;
      openDashboard(ctx, plan, false).catch((error: unknown) =>
        ctx.log.warn(`The dashboard could not be repainted: ${error instanceof Error ? error.message : String(error)}`),
      );
    }),
  );
}

function showDashboard(ctx: Ctx, model: DashboardModel, reveal: boolean): vscode.WebviewPanel {
  const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
  if (!open) {
    const panel = vscode.window.createWebviewPanel('cm2intune.dashboard', 'Migration dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [dist],
    });
    // The first message waits for the script to say it is listening: the feed answers that.
    const feed = new DashboardFeed(panel.webview, (request) => runForPage(ctx, request));
    panel.onDidDispose(
      () => {
        feed.dispose();
        open = undefined;
      },
      undefined,
      ctx.subscriptions,
    );
    panel.webview.html = dashboardPage(panel.webview, vscode.Uri.joinPath(dist, 'webview.js'));
    open = { panel, feed };
  }
  open.feed.show(model);
  if (reveal) open.panel.reveal();
  return open.panel;
}

/** Runs what the page asked for and the allow-list let through; a phase's command gets the dashboard's plan. */
async function runForPage(ctx: Ctx, request: DashboardRun): Promise<unknown> {
  // The plan stands in its place even when unknown (the command then asks), so a wave's name stays second.
  const plan = open?.plan;
  try {
    return await vscode.commands.executeCommand(request.command, ...(request.plan ? [plan] : []), ...request.args);
  } catch (error) {
    // A command's own failures are shown by the command; this is one that could not start (not installed).
    ctx.log.warn(`The dashboard could not run ${request.command}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** The dashboard: dist/webview.js draws it, fed by postMessage. */
export function dashboardPage(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, script: vscode.Uri): string {
  return webviewPage(webview, {
    script,
    title: 'Migration dashboard',
    waiting: 'Reading the site and the tenant…',
    style: `  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px 16px; }
  .badges { display: flex; flex-wrap: wrap; gap: 8px 16px; }
  vscode-table { margin-bottom: 16px; }
  .waves { display: flex; flex-wrap: wrap; gap: 24px; }
  .wave-chart h3 { margin: 8px 0 4px; font-size: 1em; }`,
  });
}
