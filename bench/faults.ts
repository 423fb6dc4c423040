// The fault suite's figures (docs/testing-faults.md), from the latest full run of
// `npm run test:faults` (.bench/faults/full.json): bench does not run the suite (it takes over an
// hour on 2 cores), it reports it, and says when there is no full run or the run is old.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const FULL_RUN_FILE = join(__dirname, '../.bench/faults/full.json');
/** Older than this, the figures are reported with a note: the code has likely moved on. */
const OLD_DAYS = 7;

export async function benchFaults(file = FULL_RUN_FILE, now = Date.now()): Promise<Record<string, number | string>> {
  if (!existsSync(file))
    return { 'faults.note': `no full fault run: ${file} is missing; run \`npm run test:faults\` (about an hour on 2 cores).` };
  let run: { format?: string; full?: boolean; seed?: number; finishedAt?: string; elapsedMs?: number; figures?: Record<string, number> };
  try {
    run = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { 'faults.note': `${file} is not readable JSON (${(error as Error).message}); run \`npm run test:faults\` again.` };
  }
  if (run.format !== 'cm2intune-fault-run/1' || !run.figures)
    return { 'faults.note': `${file} is not a fault run file; run \`npm run test:faults\` again.` };
  const f = run.figures;
  const finished = Date.parse(run.finishedAt ?? '') || statSync(file).mtimeMs;
  const ageDays = (now - finished) / 86_400_000;
  const figures: Record<string, number | string> = {
    'faults.trials': f.trials,
    'faults.killTrials': f.killTrials,
    'faults.faultRuns': f.faultRuns,
    'faults.concurrentRuns': f.concurrentRuns,
    'faults.faults': f.faults,
    'faults.fuzzCases': f.fuzzCases,
    'faults.duplicates': f.duplicates,
    'faults.divergences': f.divergences,
    'faults.crashes': f.crashes,
    'faults.failedTrials': f.failedTrials,
    'faults.failedCases': f.failedCases,
    'faults.seed': run.seed ?? 0,
    'faults.elapsedMinutes': Number(((run.elapsedMs ?? 0) / 60_000).toFixed(1)),
    'faults.finishedAt': new Date(finished).toISOString(),
    'faults.ageDays': Number(ageDays.toFixed(1)),
  };
  if (ageDays > OLD_DAYS)
    figures['faults.note'] =
      `the latest full fault run is ${Math.floor(ageDays)} days old (${new Date(finished).toISOString()}); run \`npm run test:faults\` again.`;
  return figures;
}
