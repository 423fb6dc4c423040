// Phase 3 in VS Code, the same core as `cm2intune wave`: "Prepare wave runbook" (and its undo) opens
// the PowerShell the admin runs on the site server as an untitled document (the product never
// changes the site); "Verify wave" reads both sides until the wave's devices have moved or the
// wave's time is up, paced, with the device count as progress.
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/errors';
import type { WaveVerification } from '../core/phases/waves';
import type { Ctx } from './ctx';
import { dashboardReading } from './dashboard';
import { currentPlan, parsePlan, planText, withSession } from './session';

/** What the tree hands a wave command: the wave's node. */
type WaveTarget = { kind?: string; plan?: vscode.Uri; wave?: { name: string } };

export interface RunbookResult {
  wave: string;
  undo: boolean;
  /** The script as opened (LF line ends: the editor saves it as the admin chooses). */
  text: string;
  document: vscode.Uri;
}

export interface VerifyResult {
  wave: string;
  state: WaveVerification['state'];
  moved: number;
  expected: number;
  timedOut: boolean;
  /** Devices that should have moved and did not, with why. */
  notMoved: { deviceName: string; reason?: string }[];
  /** Each reading's device count, in order: what the progress showed. */
  readings: { moved: number; expected: number }[];
  message: string;
}

export interface VerifyOptions {
  /** Seconds between two reads (default: the setting cm2intune.waves.verifyIntervalSeconds). */
  intervalSeconds?: number;
  /** Minutes in all (default: the wave's verifyTimeoutMinutes, else 60). */
  timeoutMinutes?: number;
}

/** The plan and the wave: from a tree node, a plan Uri and a wave name, or asked. */
async function waveTarget(ctx: Ctx, target: unknown, waveName: unknown, action: string): Promise<{ plan: vscode.Uri; wave: string }> {
  if (!vscode.workspace.isTrusted)
    throw new UserError(`${action} reads your site and tenant: trust this workspace first (Manage Workspace Trust).`);
  const node = target as WaveTarget | undefined;
  const plan = target instanceof vscode.Uri ? target : node?.plan instanceof vscode.Uri ? node.plan : await currentPlan();
  if (!plan) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  if (node?.kind === 'wave' && node.wave) return { plan, wave: node.wave.name };
  if (typeof waveName === 'string' && waveName) return { plan, wave: waveName };
  const name = vscode.workspace.asRelativePath(plan);
  const parsed = parsePlan(await planText(plan), plan);
  if ('error' in parsed) throw new UserError(`${name}: ${parsed.error}`);
  const waves = parsed.plan.waves ?? [];
  if (waves.length === 0) throw new UserError(`${name} has no waves: list each wave's users under "waves" in the plan (docs/waves.md).`);
  if (waves.length === 1) return { plan, wave: waves[0].name };
  const chosen = await ctx.ui.pick(
    `${action}: which wave of ${name}?`,
    waves.map((w) => ({ label: w.name, description: `${w.users.length} user(s)` })),
  );
  if (!chosen) throw new CancelledError('no wave chosen');
  return { plan, wave: chosen };
}

/** "cm2intune: Prepare wave runbook (phase 3)" (`undo`: its undo runbook). */
export async function prepareWaveRunbook(ctx: Ctx, target?: unknown, waveName?: unknown, undo = false): Promise<RunbookResult> {
  const action = undo ? 'Preparing the undo runbook' : 'Preparing the wave runbook';
  const { plan, wave } = await waveTarget(ctx, target, waveName, action);
  const name = vscode.workspace.asRelativePath(plan);
  const { waveRunbookFor, recordWave, renderPreflight } = await import('./core');
  const result = await withSession(ctx, plan, 'waves', { askPassword: true }, async (session) => {
    const { text, preflight } = await ctx.ui.progress(`cm2intune: reading the site and tenant for wave "${wave}"`, (_report, signal) =>
      waveRunbookFor(session, wave, { undo, signal }),
    );
    ctx.log.info(renderPreflight(preflight));
    if (!undo && !preflight.ok) {
      const blocking = preflight.checks.filter((c) => !c.ok && c.blocking).map((c) => c.message);
      throw new UserError(
        `Wave "${preflight.wave}" does not pass preflight, so no runbook: ${blocking.join('; ')}. Fix that, or list the check under the wave's "preflightOverride" in ${name}.`,
      );
    }
    recordWave(session, preflight.wave, undo ? 'undo' : 'runbook');
    return { wave: preflight.wave, text };
  });
  // Untitled: the admin saves it where the site server can reach it, and runs it there.
  const doc = await vscode.workspace.openTextDocument({ language: 'powershell', content: result.text });
  await vscode.window.showTextDocument(doc, { preview: false });
  const message = undo
    ? `The undo runbook of wave "${result.wave}" is open: save it and run it on the site server in Windows PowerShell 5.1 (first with -DryRun); the users go back to the subscription collection.`
    : `The runbook of wave "${result.wave}" is open: save it and run it on the site server in Windows PowerShell 5.1 (first with -DryRun), then "Verify wave".`;
  ctx.log.info(message);
  ctx.ui.info(message);
  ctx.pictures.refresh(plan.toString()); // the wave's state: runbook written
  return { wave: result.wave, undo, text: result.text, document: doc.uri };
}

const STATE_WORDS: Record<WaveVerification['state'], string> = {
  planned: 'runbook not applied',
  runbookNotApplied: 'runbook not applied',
  appliedOnSite: 'applied on the site',
  moving: 'moving',
  verified: 'verified',
};

/** "cm2intune: Verify wave (phase 3)": both sides, read again every interval until done or the time is up. */
export async function verifyWave(ctx: Ctx, target?: unknown, waveName?: unknown, options: VerifyOptions = {}): Promise<VerifyResult> {
  const { plan, wave } = await waveTarget(ctx, target, waveName, 'Verifying a wave');
  const { readWave, recordWave, renderVerification, watchWave } = await import('./core');
  const setting = vscode.workspace.getConfiguration('cm2intune').get<number>('waves.verifyIntervalSeconds') ?? 30;
  const intervalMs = Math.max(1, options.intervalSeconds ?? setting) * 1000;
  try {
    return await withSession(ctx, plan, 'waves', { askPassword: true }, async (session) => {
      const planWave = session.plan.waves?.find((w) => w.name.toLowerCase() === wave.toLowerCase());
      const timeoutMs = (options.timeoutMinutes ?? planWave?.verifyTimeoutMinutes ?? 60) * 60_000;
      const readings: { moved: number; expected: number }[] = [];
      let shown = 0;
      const result = await ctx.ui.progress(`cm2intune: verifying wave "${planWave?.name ?? wave}"`, (report, signal) =>
        watchWave(async () => (await readWave(session, wave, signal)).verification, {
          timeoutMs,
          intervalMs,
          signal,
          progress: (v) => {
            const last = readings[readings.length - 1];
            readings.push({ moved: v.moved, expected: v.expected });
            // Each change of the count is kept: the dashboard draws the devices moving over time.
            if (!last || last.moved !== v.moved || last.expected !== v.expected) {
              recordWave(session, v.wave, 'verify', { ok: v.state === 'verified', moved: v.moved, expected: v.expected });
              // In the log as each reading comes, not only the verdict at the end.
              ctx.log.info(`Wave "${v.wave}": ${v.moved} of ${v.expected} device(s) in Intune — ${STATE_WORDS[v.state]}`);
            }
            dashboardReading(plan, {
              kind: 'wave',
              wave: v.wave,
              at: new Date().toISOString(),
              moved: v.moved,
              expected: v.expected,
              state: v.state,
            });
            const share = v.expected ? (100 * v.moved) / v.expected : 0;
            report(`${v.moved} of ${v.expected} device(s) in Intune — ${STATE_WORDS[v.state]}`, Math.max(0, share - shown));
            shown = Math.max(shown, share);
          },
        }).then((r) => {
          if (signal.aborted)
            throw new CancelledError(`Stopped watching wave "${wave}"; the wave goes on: verify it again to see where it is.`);
          return r;
        }),
      );
      const v = result.final;
      ctx.log.info(renderVerification(v));
      let message = v.summary;
      if (v.state === 'planned' || v.state === 'runbookNotApplied') {
        ctx.ui.warn(message, () => ctx.log.show(true));
      } else if (result.timedOut) {
        const names = result.notMoved.map((d) => d.deviceName);
        message = `${v.summary} Time is up (${timeoutMs / 60_000} min): ${names.length} device(s) did not move: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''} (why: in the log).`;
        ctx.ui.warn(message, () => ctx.log.show(true));
      } else ctx.ui.info(message, () => ctx.log.show(true));
      return {
        wave: v.wave,
        state: v.state,
        moved: v.moved,
        expected: v.expected,
        timedOut: result.timedOut,
        notMoved: result.notMoved.map((d) => ({ deviceName: d.deviceName, reason: d.reason })),
        readings,
        message,
      };
    });
  } finally {
    ctx.pictures.refresh(plan.toString());
  }
}
