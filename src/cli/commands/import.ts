// `cm2intune import`: phase 1. Shows the steps (the preview is the dry run), asks, runs them with
// the journal beside the plan, and writes a report. A second run after a complete one has nothing to do.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { proposeImport, readImportPicture, executeImport, type ImportRead } from '../../core/phases/import';
import type { Step } from '../../core/phases/steps';
import type { StepOutcome } from '../../core/phases/execute';
import { CliError, parseOptions, type CliIo, type Command } from '../cli';
import { asCliError, openCliSession } from '../session';

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
Exit codes: 0 done (or nothing to do), 1 a step failed, 2 bad usage or an unreadable plan.`,
  async run(argv, io) {
    const { values } = parseOptions(argv, { plan: { type: 'string' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } }, usage);
    if (!values.plan) throw new CliError(`--plan is required.\n${usage}`);
    const session = await openCliSession(values.plan, io, 'import', Boolean(values['dry-run']));
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      io.err(`Reading ${session.site.origin} and the ${session.tenantLabel} tenant ${session.tenantId} ...`);
      const read = await readImportPicture(session, controller.signal);
      printVerdicts(read, io);
      const steps = await proposeImport(read, session.graph, controller.signal);
      if (steps.length === 0) {
        io.out('Nothing to import: every selected object is in Intune with its assignments.');
        return 0;
      }
      printSteps(steps, io);
      if (values['dry-run']) {
        io.out('Dry run: nothing was written.');
        return 0;
      }
      if (!values.yes) {
        const ok = await io.confirm(`Send these ${steps.length} requests to tenant ${session.tenantId}?`);
        if (!ok) throw new CliError('not confirmed: nothing was written. Add --yes to run without asking.', 2);
      }
      const started = Date.now();
      const run = await executeImport(session, read, steps, {
        signal: controller.signal,
        onProgress: (o, done, total) => io.err(`[${done}/${total}] ${o.status.padEnd(10)} ${o.step.title}${o.message ? ` — ${o.message}` : ''}`),
      });
      const report = reportPath(session.planFile);
      writeFileSync(report, renderReport(session.planFile, read, run.outcomes, Date.now() - started));
      io.out(`Import: ${run.done} done, ${run.failed} failed, ${run.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s. Report: ${report}`);
      return run.failed + run.skipped > 0 ? 1 : 0;
    } catch (error) {
      if (controller.signal.aborted) throw new CliError('cancelled. Steps already sent are in the journal; run the command again to resume.', 1);
      throw asCliError(error);
    } finally {
      process.off('SIGINT', onSigint);
      await session.close();
    }
  },
};

export const reportPath = (planFile: string) => planFile.replace(/\.json$/i, '') + '.import-report.md';

function printVerdicts(read: ImportRead, io: CliIo) {
  const selected = read.picture.items.filter((i) => i.selected);
  const count = (state: string) => selected.filter((i) => i.state === state).length;
  io.out(`${read.picture.items.length} objects in the site, ${selected.length} selected by the plan: ${count('imported')} already in Intune, ${count('importable')} importable, ${count('partial')} partly importable, ${count('blocked')} blocked.`);
  for (const f of read.picture.findings) io.out(`  ${f.severity}: ${f.message}`);
  if (read.reconciled.length) io.out(`  Settled ${read.reconciled.length} step(s) left open by an earlier run (found in Intune: ${read.reconciled.filter((r) => r.intuneId).length}).`);
}

function printSteps(steps: Step[], io: CliIo) {
  const by = (action: Step['action']) => steps.filter((s) => s.action === action).length;
  io.out(`\nPreview: ${steps.length} requests — ${by('createGroup')} group(s) to create, ${by('addMembers')} membership update(s) of up to 20 members, ${by('create')} object(s) to create, ${by('assign')} assignment(s):`);
  // Membership updates go 20 members a request; one line per group reads better.
  let n = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.action === 'addMembers') {
      let j = i;
      let members = 0;
      while (j < steps.length && steps[j].action === 'addMembers' && steps[j].key === s.key) members += (steps[j++].request.body as { 'members@odata.bind': string[] })['members@odata.bind'].length;
      io.out(`  ${String(++n).padStart(3)}. ${s.title.replace(/^Add \d+ member\(s\)/, `Add ${members} member(s)`)}${j - i > 1 ? ` (${j - i} requests)` : ''}`);
      i = j - 1;
    } else io.out(`  ${String(++n).padStart(3)}. ${s.title}`);
  }
}

function renderReport(planFile: string, read: ImportRead, outcomes: StepOutcome[], ms: number): string {
  const lines = [`# cm2intune import report — ${basename(planFile)}`, '', `${new Date().toISOString()}, ${(ms / 1000).toFixed(1)} s`, '', '## Steps', '', '| # | Step | Outcome | Intune id / detail |', '|---|---|---|---|'];
  outcomes.forEach((o, i) => lines.push(`| ${i + 1} | ${o.step.title.replace(/\|/g, '\\|')} | ${o.status} | ${(o.intuneId ?? o.message ?? '').replace(/\|/g, '\\|')} |`));
  lines.push('', '## Objects not imported or imported in part', '');
  // The item's state and its reasons (each once) come from the picture: a blocked object reads blocked.
  for (const item of read.picture.items) {
    if (item.selected && item.reasons.length === 0 && (item.state === 'importable' || item.state === 'imported')) continue;
    const why = item.selected || item.stateReasons.length ? item.reasons : ['not selected by the plan'];
    lines.push(`- **${item.translation.source.name}** (${item.translation.source.platform}, ${item.state}): ${why.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}
