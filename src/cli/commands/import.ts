// `cm2intune import`: phase 1. Shows the steps (the preview is the dry run), asks, runs them with
// the journal beside the plan, and writes a report. A second run after a complete one has nothing to do.
import { basename } from 'node:path';
import { CancelledError, UserError } from '../../core/errors';
import { proposeImport, readImportPicture, executeImport } from '../../core/phases/import';
import {
  describeCounts,
  importPreview,
  importReport,
  previewToText,
  reportSummary,
  tenantName,
  waitText,
  writeImportReport,
} from '../../core/phases/render';
import { parseOptions, type Command } from '../cli';
import type { PacerWait } from '../../core/tenant/pacer';
import { openCliSession } from '../session';

const usage = 'Usage: cm2intune import --plan <plan.migration.json> [--dry-run] [--yes]';

export const importCommand: Command = {
  name: 'import',
  summary: 'Phase 1: create the selected ConfigMgr objects and their assignments in Intune',
  help: `${usage}

Reads the site and the tenant, says per object whether it can be imported, and lists the steps
it would take (groups, objects, assignments). Without --yes it asks before writing anything.

Options:
  --plan <file>   the migration plan
  --dry-run       show the steps and stop; nothing is written
  --yes           don't ask; run the steps shown

The journal (<plan>.ledger) and the report (<plan>.import-report.md) are written beside the plan.
A run that is killed or cut off resumes without duplicates: run the same command again.
Exit codes: 0 done (or nothing to do), 1 a step failed, 2 bad usage or an unreadable plan,
130 stopped by you (Ctrl+C, or "no" to the question).`,
  async run(argv, io) {
    const { values } = parseOptions(argv, { plan: { type: 'string' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } }, usage);
    if (!values.plan) throw new UserError(`--plan is required.\n${usage}`);
    const session = await openCliSession(values.plan, io, 'import', Boolean(values['dry-run']));
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const tenant = tenantName(session);
      // A wait of the reads and of the run is said the same way, on its own line.
      const onWait = (w: PacerWait) => io.err(`  ${waitText(w)}`);
      io.err(`Reading ${session.site.origin} and ${tenant} ...`);
      const read = await readImportPicture(session, controller.signal, { onWait });
      const steps = await proposeImport(read, session.graph, controller.signal);
      const preview = importPreview(read, steps, { plan: basename(session.planFile), tenant });
      io.out(previewToText(preview).trimEnd());
      if (steps.length === 0) return 0;
      if (values['dry-run']) {
        io.out('Dry run: nothing was written.');
        return 0;
      }
      if (!values.yes) {
        const answer = await io.confirm(`Send these ${steps.length} requests to ${tenant} (${describeCounts(preview.counts)})?`);
        if (answer === undefined)
          throw new UserError('there is no terminal to ask on: add --yes to run without asking. Nothing was written.', 2);
        if (!answer) throw new CancelledError('not confirmed: nothing was written. Add --yes to run without asking.');
      }
      const started = Date.now();
      const run = await executeImport(session, read, steps, {
        signal: controller.signal,
        onProgress: (o, done, total) =>
          io.err(`[${done}/${total}] ${o.status.padEnd(10)} ${o.step.title}${o.message ? ` — ${o.message}` : ''}`),
        onWait,
      });
      const report = importReport(read, run.outcomes, { plan: basename(session.planFile), tenant, ms: Date.now() - started });
      const file = writeImportReport(session.planFile, report);
      io.out(`${reportSummary(report)} ${report.seconds.toFixed(1)} s. Report: ${file}`);
      return run.failed + run.skipped > 0 ? 1 : 0;
    } catch (error) {
      if (controller.signal.aborted)
        throw new CancelledError('cancelled. Steps already sent are in the journal; run the command again to resume.');
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
      await session.close();
    }
  },
};
