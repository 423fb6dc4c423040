// `cm2intune authority`: phase 4 (docs/authority.md). preflight and verify read both sides; guide
// walks the admin through the switch in the ConfigMgr console as a checklist kept in the journal.
// Nothing here switches the tenant: the product never calls an API for that.
import { setMaxListeners } from 'node:events';
import { CancelledError, UserError } from '../../core/errors';
import {
  authorityPreflightToText,
  authorityVerificationToText,
  guideToText,
  type AuthorityVerification,
  type GuideState,
} from '../../core/phases/authority';
import {
  confirmAuthorityStep,
  readAuthorityGuide,
  readAuthorityVerification,
  recordAuthorityVerification,
  runAuthorityPreflight,
} from '../../core/phases/authority-read';
import { tenantName } from '../../core/phases/render';
import { watchUntil } from '../../core/phases/waves';
import type { MigrationSession } from '../../core/session';
import { numberOption, parseOptions, type CliIo, type Command } from '../cli';
import { openCliSession } from '../session';

const usage =
  'Usage: cm2intune authority preflight|guide|verify --plan <plan.migration.json> [--json] [--confirm-step <id> [--tenant-name <name>]] [--watch]';

const ACTIONS = ['preflight', 'guide', 'verify'] as const;
type Action = (typeof ACTIONS)[number];
const DEFAULT_TIMEOUT_MINUTES = 480;

export const authority: Command = {
  name: 'authority',
  summary: "Phase 4: preflight, guided switch and verification of the tenant's MDM authority change",
  help: `${usage}

  preflight   checks that the tenant can switch: the site's build (1610 or later), the tenant's
              authority (still Configuration Manager), the users left in the subscription
              collection licensed, the admin licensed (authority.admin), each wave verified or
              skipped (authority.skipWaves); lists the devices that won't migrate, the DEP and VPP
              tokens, enrollment restrictions and device enrollment managers with what to do,
              and counts the devices that will switch
  guide       the switch, step by step, as a checklist the journal keeps: you make the switch in
              the ConfigMgr console (the product never switches the tenant). In a terminal it
              asks you to confirm each step; the last step needs the tenant's name typed.
              Reopened, it resumes at the first step not done.
  verify      the authority is Intune, the devices the preflight expected have switched (--watch:
              read again until they have or the time is up), the tenant-level policies are in
              Intune; says first and loudly if the subscription was removed instead

Options:
  --plan <file>           the migration plan
  --json                  print the result as JSON
  --confirm-step <id>     guide: mark this step done without asking (scripts, tests); steps go in order
  --tenant-name <name>    guide: the tenant's name, typed, to confirm the last step
  --watch                 verify: poll until verified or the time is up
  --interval <s>          verify --watch: seconds between reads (default 60)
  --timeout <min>         verify --watch: minutes (default authority.verifyTimeoutMinutes, else ${DEFAULT_TIMEOUT_MINUTES})

Exit codes: 0 ok (nothing blocks, the step was marked done, verified), 1 blocked, a step refused
or not verified (yet), 2 bad usage or an unreadable plan, 130 stopped by you.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        plan: { type: 'string' },
        json: { type: 'boolean' },
        'confirm-step': { type: 'string' },
        'tenant-name': { type: 'string' },
        watch: { type: 'boolean' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
      },
      usage,
    );
    const action = positionals[0] as Action | undefined;
    if (!action || !ACTIONS.includes(action) || positionals.length > 1)
      throw new UserError(`say what to do: ${ACTIONS.join(', ')}.\n${usage}`);
    if (!values.plan) throw new UserError(`--plan is required.\n${usage}`);
    if ((values['confirm-step'] !== undefined || values['tenant-name'] !== undefined) && action !== 'guide')
      throw new UserError(`--confirm-step and --tenant-name go with "authority guide".\n${usage}`);
    if (values['tenant-name'] !== undefined && values['confirm-step'] === undefined)
      throw new UserError(`--tenant-name confirms a step: give --confirm-step too.\n${usage}`);
    if ((values.watch || values.interval || values.timeout) && action !== 'verify')
      throw new UserError(`--watch, --interval and --timeout go with "authority verify".\n${usage}`);
    const number = (text: string | undefined, name: string, min: number) => numberOption(text, name, min, usage);
    const intervalS = number(values.interval, '--interval', 1) ?? 60;
    const timeoutMin = number(values.timeout, '--timeout', 0.01);

    const session = await openCliSession(values.plan, io, 'authority', false);
    const controller = new AbortController();
    // One read fans out to a dozen requests on this signal: not a leak.
    setMaxListeners(50, controller.signal);
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      io.err(`Reading ${session.site.origin} and the ${session.tenantLabel} tenant for phase 4 ...`);
      if (action === 'preflight') return await preflight(session, io, values.json, controller.signal);
      if (action === 'guide')
        return await guide(
          session,
          io,
          { json: values.json, step: values['confirm-step'], typed: values['tenant-name'] },
          controller.signal,
        );
      return await verify(session, io, { json: values.json, watch: values.watch, intervalS, timeoutMin }, controller);
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof CancelledError)) throw new CancelledError('cancelled.');
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
      await session.close();
    }
  },
};

async function preflight(session: MigrationSession, io: CliIo, json: boolean | undefined, signal: AbortSignal): Promise<number> {
  const { preflight: p } = await runAuthorityPreflight(session, signal);
  io.out(
    json ? JSON.stringify(p, null, 2) : authorityPreflightToText(p, { tenant: tenantName(session), plan: session.planFile }).trimEnd(),
  );
  return p.ready ? 0 : 1;
}

async function guide(
  session: MigrationSession,
  io: CliIo,
  options: { json?: boolean; step?: string; typed?: string },
  signal: AbortSignal,
): Promise<number> {
  let read = await readAuthorityGuide(session, signal);
  const show = () =>
    io.out(
      options.json ? JSON.stringify({ tenantName: read.tenantName, ...read.state }, null, 2) : guideToText(read.state, read).trimEnd(),
    );
  // The first step is the preflight itself: run it, so the journal holds a fresh one.
  const preflightFirst = async (id: string) => {
    if (id !== 'preflight' || read.state.steps[0].done) return;
    const { preflight: p } = await runAuthorityPreflight(session, signal);
    if (!p.ready) io.err(authorityPreflightToText(p, { tenant: tenantName(session), plan: session.planFile }).trimEnd());
  };
  if (options.step !== undefined) {
    await preflightFirst(options.step);
    const title = read.state.steps.find((x) => x.id === options.step)?.title ?? options.step;
    const state = confirmAuthorityStep(session, read, options.step, options.typed);
    read = { ...read, state };
    if (options.json) show();
    else io.out(stepDoneText(title, state));
    return 0;
  }
  show();
  while (read.state.next) {
    const next = read.state.next;
    if (next.confirmTenantName) {
      const typed = io.ask ? await io.ask(`Type the tenant's name ("${read.tenantName}") to mark "${next.title}" done:`) : undefined;
      if (typed === undefined) return stopAt(io, next.id, read.tenantName, true);
      if (!typed) return stopAt(io, next.id, read.tenantName, true);
      read = { ...read, state: confirmAuthorityStep(session, read, next.id, typed) };
    } else {
      const yes = await io.confirm(`Step "${next.title}" done?`);
      if (yes === undefined) {
        io.err(`No terminal to ask on: mark a step done with --confirm-step ${next.id}.`);
        return 0;
      }
      if (!yes) return stopAt(io, next.id, read.tenantName, false);
      await preflightFirst(next.id);
      read = { ...read, state: confirmAuthorityStep(session, read, next.id) };
    }
    io.out(`Marked done: ${next.title}.`);
  }
  io.out('Every step is done: run `cm2intune authority verify --watch`.');
  return 0;
}

/** After a step confirmed by --confirm-step: what is next, with its warning in full. */
function stepDoneText(title: string, state: GuideState): string {
  const lines = [`Marked done: ${title}.`];
  const next = state.next;
  if (!next) lines.push('Every step is done: run `cm2intune authority verify --watch`.');
  else {
    lines.push(`Next: ${next.title} (${next.id}).`, ...next.detail.map((d) => `  ${d}`));
    if (next.warning) lines.push(...next.warning.map((w) => `  !! ${w}`));
  }
  return lines.join('\n');
}

function stopAt(io: CliIo, id: string, tenant: string, name: boolean): number {
  io.err(
    `Stopped at step "${id}": it stays open. Run the guide again to resume there, or mark it done with --confirm-step ${id}${name ? ` --tenant-name "${tenant}"` : ''}.`,
  );
  return 0;
}

async function verify(
  session: MigrationSession,
  io: CliIo,
  options: { json?: boolean; watch?: boolean; intervalS: number; timeoutMin?: number },
  controller: AbortController,
): Promise<number> {
  const print = (v: AuthorityVerification, extra: Record<string, unknown> = {}) =>
    io.out(options.json ? JSON.stringify({ ...v, ...extra }, null, 2) : authorityVerificationToText(v).trimEnd());
  if (!options.watch) {
    const v = await readAuthorityVerification(session, controller.signal);
    recordAuthorityVerification(session, v);
    print(v);
    return v.state === 'verified' ? 0 : 1;
  }
  const timeoutMs = (options.timeoutMin ?? session.plan.authority?.verifyTimeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000;
  const result = await watchUntil(() => readAuthorityVerification(session, controller.signal), {
    // Removed or not switched: waiting would only time out.
    done: (v) => v.state !== 'switching',
    timeoutMs,
    intervalMs: options.intervalS * 1000,
    signal: controller.signal,
    progress: (v) => io.err(`[${new Date().toISOString().slice(11, 19)}] ${v.switched}/${v.expected} devices switched (${v.state})`),
  });
  if (controller.signal.aborted)
    throw new CancelledError('stopped watching; the devices go on switching: run "authority verify" again to see where they are.');
  const v = result.final;
  recordAuthorityVerification(session, v);
  print(v, { timedOut: result.timedOut });
  if (result.timedOut) io.out(`Time is up (${timeoutMs / 60_000} min): ${v.expected - v.switched} device(s) did not switch.`);
  return v.state === 'verified' ? 0 : 1;
}
