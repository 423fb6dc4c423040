// Phase 4 in VS Code, the same core as `cm2intune authority` (docs/authority.md): "Check authority
// switch readiness" (the preflight beside the plan), "Switch the MDM authority — guided" (the
// checklist in a webview, the warning first, the tenant's name typed before the last step), and
// "Verify the MDM authority" (the devices switching counted, paced). cm2intune never switches the
// tenant: the admin does, in the ConfigMgr console.
import * as vscode from 'vscode';
import { CancelledError, isCancelledError, isUserError, UserError } from '../core/errors';
import type { AuthorityVerification, GuideState } from '../core/phases/authority';
import type { GuideView } from '../core/phases/overview';
import { tenantName as sessionTenantName } from '../core/phases/render';
import type { Ctx } from './ctx';
import { dashboardReading } from './dashboard';
import { webviewPage } from './webviewPage';
import { PREVIEW_SCHEME, type PreviewDocuments } from './importCommand';
import { currentPlan, withSession } from './session';

type Target = vscode.Uri | { plan?: vscode.Uri } | undefined;

async function planOf(target: unknown, action: string): Promise<vscode.Uri> {
  if (!vscode.workspace.isTrusted)
    throw new UserError(`${action} reads your site and tenant: trust this workspace first (Manage Workspace Trust).`);
  const node = target as Exclude<Target, vscode.Uri>;
  const plan = target instanceof vscode.Uri ? target : node?.plan instanceof vscode.Uri ? node.plan : await currentPlan();
  if (!plan) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  return plan;
}

export interface AuthorityCheckResult {
  ready: boolean;
  blocking: number;
  switching: number;
  checks: { id: string; state: string; summary: string }[];
  text: string;
}

/** "cm2intune: Check authority switch readiness (phase 4)": the preflight, kept in the journal (verify compares against it). */
export async function checkAuthority(ctx: Ctx, previews: PreviewDocuments, target?: unknown): Promise<AuthorityCheckResult> {
  const plan = await planOf(target, 'Checking the authority switch');
  const name = vscode.workspace.asRelativePath(plan);
  const { runAuthorityPreflight, authorityPreflightToText } = await import('./core');
  try {
    return await withSession(ctx, plan, 'authority', { askPassword: true }, async (session) => {
      const { preflight } = await ctx.ui.progress(`cm2intune: checking whether ${name}'s tenant can switch`, (_report, signal) =>
        runAuthorityPreflight(session, signal),
      );
      const text = authorityPreflightToText(preflight, { tenant: sessionTenantName(session), plan: name });
      for (const c of preflight.checks)
        ctx.log[c.state === 'blocking' ? 'error' : c.state === 'warning' ? 'warn' : 'info'](`${c.title}: ${c.summary}`);
      const doc = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name.replace(/\.json$/i, '')} authority preflight.txt` });
      previews.set(doc, text);
      await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      const summary = preflight.ready
        ? `${name}: nothing blocks the switch; ${preflight.switching.length} device(s) will switch.`
        : `${name}: ${preflight.blocking} check(s) block the MDM authority switch.`;
      if (preflight.ready) ctx.ui.info(summary);
      else ctx.ui.warn(summary);
      return {
        ready: preflight.ready,
        blocking: preflight.blocking,
        switching: preflight.switching.length,
        checks: preflight.checks.map((c) => ({ id: c.id, state: c.state, summary: c.summary })),
        text,
      };
    });
  } finally {
    ctx.pictures.refresh(plan.toString());
  }
}

// ---------------------------------------------------------------------------------------------
// The guided switch

/** The page's model from the core's checklist: the warning said first, the next step marked. */
export function guideView(state: GuideState, tenantName: string, warning: readonly string[], problem?: string): GuideView {
  return {
    tenantName,
    warning: [...warning],
    steps: state.steps.map((s) => ({
      id: s.id,
      title: s.title,
      detail: s.detail,
      warning: s.warning,
      confirmTenantName: s.confirmTenantName,
      done: s.done,
      at: s.at,
      next: state.next?.id === s.id,
    })),
    done: state.done,
    problem,
  };
}

export interface GuideResult {
  view: GuideView;
  /** Set when a step was asked to be marked done: whether it was. */
  confirmed?: boolean;
}

/** Options for scripts and tests (as the CLI's --confirm-step): mark a step done the way the page's button does. */
export interface GuideOptions {
  confirmStep?: string;
  tenantName?: string;
}

let guidePanel: { panel: vscode.WebviewPanel; plan: string } | undefined;

/**
 * "cm2intune: Switch the MDM authority — guided (phase 4)": the checklist where the journal left it,
 * in a webview. Each step is marked done by the admin; the first one runs the preflight again.
 */
export async function switchAuthorityGuided(ctx: Ctx, target?: unknown, options: GuideOptions = {}): Promise<GuideResult> {
  const plan = await planOf(target, 'The guided switch');
  const panel = showGuidePanel(ctx, plan);
  const result = options.confirmStep
    ? await confirmGuideStep(ctx, plan, options.confirmStep, options.tenantName)
    : { view: await readGuide(ctx, plan) };
  void panel.webview.postMessage({ type: 'guide', guide: result.view });
  return result;
}

async function readGuide(ctx: Ctx, plan: vscode.Uri, problem?: string): Promise<GuideView> {
  const { readAuthorityGuide, REMOVE_WARNING } = await import('./core');
  return withSession(ctx, plan, 'authority', { askPassword: true }, async (session) => {
    const read = await ctx.ui.progress('cm2intune: reading the checklist', (_report, signal) => readAuthorityGuide(session, signal));
    return guideView(read.state, read.tenantName, REMOVE_WARNING, problem);
  });
}

/** Marks one step done, as the page's button does; a refusal is the page's problem line (and a warning). */
async function confirmGuideStep(ctx: Ctx, plan: vscode.Uri, step: string, typed?: string): Promise<GuideResult> {
  const { readAuthorityGuide, confirmAuthorityStep, runAuthorityPreflight, REMOVE_WARNING } = await import('./core');
  try {
    return await withSession(ctx, plan, 'authority', { askPassword: true }, async (session) => {
      let read = await readAuthorityGuide(session);
      // The first step is the preflight itself: run it, so the journal holds a fresh one.
      if (step === 'preflight' && !read.state.steps[0]?.done) {
        await ctx.ui.progress('cm2intune: running the phase-4 preflight', (_report, signal) => runAuthorityPreflight(session, signal));
        read = await readAuthorityGuide(session);
      }
      const state = confirmAuthorityStep(session, read, step, typed);
      const title = read.state.steps.find((s) => s.id === step)?.title ?? step;
      ctx.log.info(`Phase 4 checklist: marked done: ${title}`);
      if (state.done) ctx.ui.info('Every step of the switch is done: run "cm2intune: Verify the MDM authority (phase 4)".');
      return { view: guideView(state, read.tenantName, REMOVE_WARNING), confirmed: true };
    });
  } catch (error) {
    if (!isUserError(error)) throw error;
    ctx.log.warn(error.message);
    ctx.ui.warn(error.message);
    return { view: await readGuide(ctx, plan, error.message), confirmed: false };
  } finally {
    ctx.pictures.refresh(plan.toString());
  }
}

function showGuidePanel(ctx: Ctx, plan: vscode.Uri): vscode.WebviewPanel {
  if (guidePanel && guidePanel.plan === plan.toString()) {
    guidePanel.panel.reveal();
    return guidePanel.panel;
  }
  guidePanel?.panel.dispose();
  const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel(
    'cm2intune.authorityGuide',
    'Switch the MDM authority (phase 4)',
    vscode.ViewColumn.Active,
    {
      enableScripts: true,
      localResourceRoots: [dist],
      retainContextWhenHidden: true,
    },
  );
  const mine = { panel, plan: plan.toString() };
  guidePanel = mine;
  let busy = false;
  panel.webview.onDidReceiveMessage(
    async (m: { type?: string; step?: unknown; typedTenantName?: unknown }) => {
      try {
        if (m?.type === 'ready') {
          void panel.webview.postMessage({ type: 'guide', guide: await readGuide(ctx, plan) });
        } else if (m?.type === 'confirm' && typeof m.step === 'string' && !busy) {
          busy = true;
          const typed = typeof m.typedTenantName === 'string' ? m.typedTenantName : undefined;
          const { view } = await confirmGuideStep(ctx, plan, m.step, typed);
          void panel.webview.postMessage({ type: 'guide', guide: view });
        }
      } catch (error) {
        if (isCancelledError(error)) return;
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.error(`The guided switch: ${message}`);
        ctx.ui.error(message, () => ctx.log.show(true));
      } finally {
        if (m?.type === 'confirm') busy = false;
      }
    },
    undefined,
    ctx.subscriptions,
  );
  panel.onDidDispose(() => guidePanel === mine && (guidePanel = undefined), undefined, ctx.subscriptions);
  panel.webview.html = guideHtml(panel.webview, vscode.Uri.joinPath(dist, 'webview.js'));
  return panel;
}

function guideHtml(webview: vscode.Webview, script: vscode.Uri): string {
  return webviewPage(webview, {
    script,
    title: 'Switch the MDM authority (phase 4)',
    waiting: 'Reading the checklist…',
    style: `  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px 16px; max-width: 60em; }`,
  });
}

// ---------------------------------------------------------------------------------------------
// Verify

export interface AuthorityVerifyResult {
  state: AuthorityVerification['state'];
  switched: number;
  expected: number;
  timedOut: boolean;
  headline: string;
  readings: { switched: number; expected: number }[];
}

export interface AuthorityVerifyOptions {
  /** Read again until verified or the time is up (default: once). */
  watch?: boolean;
  intervalSeconds?: number;
  timeoutMinutes?: number;
}

/** "cm2intune: Verify the MDM authority (phase 4)": the authority, the devices switching counted, the tenant-level policies. */
export async function verifyAuthority(ctx: Ctx, target?: unknown, options: AuthorityVerifyOptions = {}): Promise<AuthorityVerifyResult> {
  const plan = await planOf(target, 'Verifying the MDM authority');
  const { readAuthorityVerification, recordAuthorityVerification, authorityVerificationToText, watchUntil } = await import('./core');
  const setting = vscode.workspace.getConfiguration('cm2intune').get<number>('authority.verifyIntervalSeconds') ?? 60;
  const intervalMs = Math.max(1, options.intervalSeconds ?? setting) * 1000;
  try {
    return await withSession(ctx, plan, 'authority', { askPassword: true }, async (session) => {
      const timeoutMs = (options.timeoutMinutes ?? session.plan.authority?.verifyTimeoutMinutes ?? 480) * 60_000;
      const readings: { switched: number; expected: number }[] = [];
      let shown = 0;
      const { final: v, timedOut } = await ctx.ui.progress('cm2intune: verifying the MDM authority', async (report, signal) => {
        const result = await watchUntil(() => readAuthorityVerification(session, signal), {
          // Once, unless watching; removed or not switched: waiting would change nothing.
          done: (read) => !options.watch || read.state !== 'switching',
          timeoutMs,
          intervalMs,
          signal,
          progress: (read) => {
            const last = readings[readings.length - 1];
            readings.push({ switched: read.switched, expected: read.expected });
            // Each change of the count is kept: the journal holds the devices switching over time.
            if (!last || last.switched !== read.switched || last.expected !== read.expected) {
              recordAuthorityVerification(session, read);
              // In the log as each reading comes, not only the verdict at the end.
              ctx.log.info(`MDM authority ${read.authority}: ${read.switched} of ${read.expected} device(s) switched`);
            }
            dashboardReading(plan, {
              kind: 'authority',
              at: new Date().toISOString(),
              state: read.state,
              switched: read.switched,
              expected: read.expected,
            });
            const share = read.expected ? (100 * read.switched) / read.expected : 0;
            report(`${read.switched} of ${read.expected} device(s) switched — authority ${read.authority}`, Math.max(0, share - shown));
            shown = Math.max(shown, share);
          },
        });
        if (signal.aborted) throw new CancelledError('Stopped watching the switch; it goes on: verify again to see where it is.');
        return result;
      });
      const text = authorityVerificationToText(v);
      ctx.log[v.state === 'removed' ? 'error' : 'info'](text);
      // Loud first when the content was removed instead of switched.
      if (v.state === 'removed') ctx.ui.error(v.headline, () => ctx.log.show(true));
      else if (v.state === 'verified') ctx.ui.info(v.headline, () => ctx.log.show(true));
      else
        ctx.ui.warn(timedOut ? `${v.headline} Time is up: the devices not switched are in the log.` : v.headline, () => ctx.log.show(true));
      return { state: v.state, switched: v.switched, expected: v.expected, timedOut, headline: v.headline, readings };
    });
  } finally {
    ctx.pictures.refresh(plan.toString());
  }
}
