// `cm2intune wave`: phase 3, one wave at a time (docs/waves.md). preflight and verify read both
// sides; runbook writes the PowerShell the admin runs on the site server (the product never
// changes the site); status rebuilds the wave's state from the site, the tenant and the journal.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CancelledError, UserError } from '../../core/errors';
import { DEFAULT_VERIFY_TIMEOUT_MINUTES, findWave, renderPreflight, renderVerification, watchWave } from '../../core/phases/waves';
import { readWave, readWavePreflight, recordWave, waveEvents, waveRunbookFor, waveStatus } from '../../core/phases/waves-read';
import { numberOption, parseOptions, type Command } from '../cli';
import { openCliSession } from '../session';

const usage =
  'Usage: cm2intune wave preflight|runbook|verify|status --plan <plan.migration.json> --wave <name> [-o wave.ps1] [--undo] [--watch]';

const ACTIONS = ['preflight', 'runbook', 'verify', 'status'] as const;
type Action = (typeof ACTIONS)[number];

export const wave: Command = {
  name: 'wave',
  summary: 'Phase 3: preflight, runbook, verification and state of a wave of users',
  help: `${usage}

  preflight   checks the wave's users on the site and in Entra ID (found, licensed, not in an
              earlier wave, not a device enrollment manager), whether the objects in Intune reach
              them (groups ready), and lists devices that won't follow
  runbook     writes the PowerShell runbook that moves the wave (ConfigurationManager module,
              run it on the site server; -DryRun only says what it would do); --undo: the one
              that undoes the wave
  verify      checks both sides: the exclude rule and the subscription collection's membership
              on the site, each wave device managed by Intune in the tenant; --watch polls until
              every device that should move has, or the plan's verifyTimeoutMinutes are up
  status      the wave's state (planned, preflight ok, runbook written, applied on the site,
              devices n of m in Intune, verified)

Options:
  --plan <file>        the migration plan
  --wave <name>        the wave (its name in the plan)
  -o, --out <file>     runbook: write the script here (default: print it)
  --undo               runbook: the undo runbook
  --watch              verify: poll until verified or the time is up
  --interval <s>       verify --watch: seconds between reads (default 30)
  --timeout <min>      verify --watch: minutes (default the wave's verifyTimeoutMinutes, else ${DEFAULT_VERIFY_TIMEOUT_MINUTES})
  --json               print the result as JSON

Exit codes: 0 ok (preflight passed, runbook written, wave verified), 1 preflight blocked or
devices not moved (yet), 2 bad usage or an unreadable plan, 130 stopped by you.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        plan: { type: 'string' },
        wave: { type: 'string' },
        out: { type: 'string', short: 'o' },
        undo: { type: 'boolean' },
        watch: { type: 'boolean' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const action = positionals[0] as Action | undefined;
    if (!action || !ACTIONS.includes(action) || positionals.length > 1)
      throw new UserError(`say what to do: ${ACTIONS.join(', ')}.\n${usage}`);
    if (!values.plan) throw new UserError(`--plan is required.\n${usage}`);
    if (!values.wave) throw new UserError(`--wave is required (a wave's name in the plan).\n${usage}`);
    if ((values.out || values.undo) && action !== 'runbook') throw new UserError(`-o and --undo go with "wave runbook".\n${usage}`);
    if ((values.watch || values.interval || values.timeout) && action !== 'verify')
      throw new UserError(`--watch, --interval and --timeout go with "wave verify".\n${usage}`);
    const number = (text: string | undefined, name: string, min: number) => numberOption(text, name, min, usage);
    const intervalS = number(values.interval, '--interval', 1) ?? 30;
    const timeoutMin = number(values.timeout, '--timeout', 0.01);

    const session = await openCliSession(values.plan, io, action === 'status' ? 'status' : 'waves', action === 'status');
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const { wave: planWave } = findWave(session.plan, values.wave);
      const name = planWave.name;
      io.err(`Reading ${session.site.origin} and the ${session.tenantLabel} tenant for wave "${name}" ...`);
      if (action === 'preflight') {
        const preflight = await readWavePreflight(session, name, controller.signal);
        recordWave(session, name, 'preflight', { ok: preflight.ok });
        io.out(values.json ? JSON.stringify(preflight, null, 2) : renderPreflight(preflight));
        return preflight.ok ? 0 : 1;
      }
      if (action === 'runbook') {
        const { text, preflight } = await waveRunbookFor(session, name, { undo: values.undo, signal: controller.signal });
        if (!values.undo && !preflight.ok) {
          io.err(renderPreflight(preflight));
          throw new UserError(
            `wave "${name}" does not pass preflight: no runbook written. Fix what is marked BLOCK, or list the check under the wave's "preflightOverride" in the plan.`,
            1,
          );
        }
        recordWave(session, name, values.undo ? 'undo' : 'runbook');
        if (values.out) {
          const file = resolve(io.cwd, values.out);
          writeFileSync(file, text.replace(/\n/g, '\r\n'), 'utf8');
          io.out(`Wrote ${file}: run it on the site server in Windows PowerShell 5.1 (first with -DryRun).`);
        } else {
          io.out(text.trimEnd());
        }
        return 0;
      }
      if (action === 'verify') {
        if (!values.watch) {
          const { verification } = await readWave(session, name, controller.signal);
          recordWave(session, name, 'verify', {
            ok: verification.state === 'verified',
            moved: verification.moved,
            expected: verification.expected,
          });
          io.out(values.json ? JSON.stringify(verification, null, 2) : renderVerification(verification));
          return verification.state === 'verified' ? 0 : 1;
        }
        const timeoutMs = (timeoutMin ?? planWave.verifyTimeoutMinutes ?? DEFAULT_VERIFY_TIMEOUT_MINUTES) * 60_000;
        const result = await watchWave(async () => (await readWave(session, name, controller.signal)).verification, {
          timeoutMs,
          intervalMs: intervalS * 1000,
          signal: controller.signal,
          progress: (v) => io.err(`[${new Date().toISOString().slice(11, 19)}] ${v.moved}/${v.expected} devices in Intune (${v.state})`),
        });
        if (controller.signal.aborted)
          throw new CancelledError('stopped watching; the wave goes on: run "wave verify" again to see where it is.');
        const v = result.final;
        recordWave(session, name, 'verify', { ok: v.state === 'verified', moved: v.moved, expected: v.expected });
        io.out(values.json ? JSON.stringify(result, null, 2) : renderVerification(v));
        if (result.timedOut) io.out(`Time is up (${timeoutMs / 60_000} min): ${result.notMoved.length} devices did not move.`);
        return v.state === 'verified' ? 0 : 1;
      }
      const read = await readWave(session, name, controller.signal);
      const state = waveStatus(read, waveEvents(session.journal, name));
      if (values.json)
        io.out(
          JSON.stringify(
            { wave: name, status: state.status, moved: read.verification.moved, expected: read.verification.expected },
            null,
            2,
          ),
        );
      else io.out(`Wave "${name}": ${state.line}.`);
      return 0;
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof CancelledError)) throw new CancelledError('cancelled.');
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
      await session.close();
    }
  },
};
