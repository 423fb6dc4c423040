// `cm2intune prepare`: phase 2. Prints the readiness table (exit 1 while anything blocks); with
// --fix shows the fixes (the preview is the dry run), asks, and runs them with the journal.
import { basename } from 'node:path';
import { CancelledError, UserError } from '../../core/errors';
import {
  assessReadiness,
  executeFixes,
  fixReportToMarkdown,
  readinessToJson,
  readinessToText,
  readPrepareSources,
  writeFixReport,
} from '../../core/phases/prepare';
import { tenantName, waitText } from '../../core/phases/render';
import { parseOptions, type Command } from '../cli';
import type { PacerWait } from '../../core/tenant/pacer';
import { openCliSession } from '../session';

const usage = 'Usage: cm2intune prepare --plan <plan.migration.json> [--wave <name>] [--json] [--fix [--dry-run] [--yes]]';

export const prepareCommand: Command = {
  name: 'prepare',
  summary: 'Phase 2: check that Intune is ready for the users to move, and fix what cm2intune can',
  help: `${usage}

Checks the tenant against the site and the plan: the MDM authority, the imported objects, groups
and assignments, every user's Intune licence and usage location, the NDES and Exchange
connectors, the SCEP server URL. Each check is ok, warning or blocking, with its evidence.

Options:
  --plan <file>   the migration plan
  --wave <name>   check the users of this wave only (default: the subscription collection and every wave)
  --json          print the checks as JSON
  --fix           also run the fixes cm2intune can make: the licence the plan names in
                  prepare.assignLicenseSku, the SCEP URL in prepare.scepServerUrl
  --dry-run       with --fix: show the fixes and stop; nothing is written
  --yes           with --fix: don't ask; run the fixes shown

The fixes' report (<plan>.prepare-report.md) is written beside the plan.
Exit codes: 0 ready (nothing blocks), 1 something blocks or a fix failed, 2 bad usage or an
unreadable plan, 130 stopped by you.`,
  async run(argv, io) {
    const { values } = parseOptions(
      argv,
      {
        plan: { type: 'string' },
        wave: { type: 'string' },
        json: { type: 'boolean' },
        fix: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean' },
      },
      usage,
    );
    if (!values.plan) throw new UserError(`--plan is required.\n${usage}`);
    if ((values['dry-run'] || values.yes) && !values.fix) throw new UserError(`--dry-run and --yes go with --fix.\n${usage}`);
    const fixing = Boolean(values.fix) && !values['dry-run'];
    const session = await openCliSession(values.plan, io, 'prepare', !fixing);
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const tenant = tenantName(session);
      const wave = values.wave;
      // A wait of the reads and of the fixes is said the same way, on its own line.
      const onWait = (w: PacerWait) => io.err(`  ${waitText(w)}`);
      io.err(`Reading ${session.site.origin} and ${tenant} ...`);
      let readiness = assessReadiness(await readPrepareSources(session, { wave, signal: controller.signal, onWait }), session.plan, {
        wave,
      });
      const context = { plan: basename(session.planFile), tenant };
      const show = () =>
        io.out(values.json ? JSON.stringify(readinessToJson(readiness), null, 2) : readinessToText(readiness, context).trimEnd());
      // --json prints one document: the table after the fixes when they run, else the table now.
      const runsFixes = fixing && readiness.steps.length > 0;
      if (!(values.json && runsFixes)) show();
      if (!values.fix || readiness.steps.length === 0) {
        if (values.fix && !values.json) io.out('Nothing to fix.');
        return readiness.blocking ? 1 : 0;
      }
      if (values['dry-run']) {
        if (!values.json) io.out('Dry run: nothing was written.');
        return readiness.blocking ? 1 : 0;
      }
      if (!values.yes) {
        const answer = await io.confirm(`Send these ${readiness.steps.length} requests to ${tenant}?`);
        if (answer === undefined)
          throw new UserError('there is no terminal to ask on: add --yes to run without asking. Nothing was written.', 2);
        if (!answer) throw new CancelledError('not confirmed: nothing was written. Add --yes to run without asking.');
      }
      const started = Date.now();
      const run = await executeFixes(session, readiness.steps, {
        signal: controller.signal,
        onProgress: (o, done, total) =>
          io.err(`[${done}/${total}] ${o.status.padEnd(10)} ${o.step.title}${o.message ? ` — ${o.message}` : ''}`),
        onWait,
      });
      // What the fixes changed, read again: the table after them is the truth, not the plan of them.
      readiness = assessReadiness(await readPrepareSources(session, { wave, signal: controller.signal, onWait }), session.plan, { wave });
      const file = writeFixReport(
        session.planFile,
        fixReportToMarkdown({ ...context, ms: Date.now() - started, outcomes: run.outcomes, after: readiness }),
      );
      if (!values.json) {
        io.out('');
        io.out(`After the fixes (${run.done} done, ${run.failed} failed):`);
      }
      show();
      // on stderr: --json keeps stdout one document
      io.err(`Report: ${file}`);
      return run.failed || readiness.blocking ? 1 : 0;
    } catch (error) {
      if (controller.signal.aborted)
        throw new CancelledError('cancelled. Fixes already sent are in the journal; run the command again to resume.');
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
      await session.close();
    }
  },
};
