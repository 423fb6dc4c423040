// `npm run test:faults -- [options]`: the full fault suite (docs/testing-faults.md).
//   --kill N --faults N --concurrent N --fuzz N --tds N   counts (defaults: the full run)
//   --seed S        the run's seed (default: random; printed first)
//   --jobs J        trials at once (default 2)
//   --only ID,...   replay these trials (kill-17, fault-3, concurrent-0) with --seed S
//   --fuzz-case N,… replay these fuzz cases with --seed S
//   --out FILE      where the figures go (default .bench/faults/full.json for a full run,
//                   .bench/faults/partial.json otherwise: bench only reads a full run's)
// Exits 1 when any trial or case failed (a fault that hit no request is a miss, not a pass).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleCli } from '../integration/import-world';
import { contosoModel, fuzz, type FuzzFigures } from './fuzz';
import { addTrial, describeTrial, emptyFigures, FULL, openBench, pool, RESULTS_DIR, trialSeed, type Figures } from './suite';
import { concurrentTrial, faultTrial, killLiveRuns, killTrial, type TrialResult } from './trials';

export interface FaultRunFile {
  format: 'cm2intune-fault-run/1';
  full: boolean;
  seed: number;
  startedAt: string;
  finishedAt: string;
  elapsedMs: number;
  counts: typeof FULL;
  figures: Figures & { fuzzCrashes: number; fuzzSlowCases: number; fuzzMaxCaseMs: number; fuzzCliCases: number; fuzzTdsCases: number };
  failedTrials: Pick<TrialResult, 'id' | 'seed' | 'what' | 'problems'>[];
  failedCases: FuzzFigures['failures'];
  trialMs: Record<string, number>;
}

async function main() {
  const { values } = parseArgs({
    options: {
      kill: { type: 'string' },
      faults: { type: 'string' },
      concurrent: { type: 'string' },
      fuzz: { type: 'string' },
      tds: { type: 'string' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      only: { type: 'string' },
      'fuzz-case': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const counts = {
    kill: Number(values.kill ?? FULL.kill),
    faults: Number(values.faults ?? FULL.faults),
    concurrent: Number(values.concurrent ?? FULL.concurrent),
    fuzz: Number(values.fuzz ?? FULL.fuzz),
    tds: Number(values.tds ?? FULL.tds),
  };
  const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
  const jobs = Number(values.jobs ?? 2);
  const only = values.only?.split(',').map((s) => s.trim());
  const fuzzOnly = values['fuzz-case']?.split(',').map(Number);
  const replay = Boolean(only || fuzzOnly);
  const full = !replay && counts.kill >= FULL.kill && counts.faults >= FULL.faults && counts.fuzz >= FULL.fuzz;
  const log = (line: string) => process.stdout.write(line + '\n');
  log(
    `fault suite: seed ${seed} (replay one trial: npm run test:faults -- --seed ${seed} --only <id>); ${JSON.stringify(counts)}, ${jobs} at a time`,
  );
  const started = Date.now();
  const figures = emptyFigures();
  const failedTrials: FaultRunFile['failedTrials'] = [];
  const trialMs: Record<string, number> = { kill: 0, fault: 0, concurrent: 0 };

  const trials: { id: string; family: string; run: (ctx: Parameters<typeof killTrial>[0]) => Promise<TrialResult> }[] = [];
  // A fault that hits no request (a users read on a tenant whose groups are full) tests nothing:
  // fault trials go on, up to twice the count, until `counts.faults` of them hit.
  const add = (family: 'kill' | 'fault' | 'concurrent', n: number) => {
    for (let i = 0; i < (family === 'fault' && !only ? 2 * n : n); i++) {
      const id = `${family}-${i}`;
      if (only && !only.includes(id)) continue;
      const s = trialSeed(seed, family, i);
      trials.push({
        id,
        family,
        run: (ctx) =>
          family === 'kill' ? killTrial(ctx, id, s) : family === 'fault' ? faultTrial(ctx, id, s) : concurrentTrial(ctx, id, s),
      });
    }
  };
  // A replay runs only what it names: --only trials, or --fuzz-case cases.
  if (!fuzzOnly) {
    add('kill', only ? Math.max(counts.kill, 10_000) : counts.kill);
    add('fault', only ? Math.max(counts.faults, 10_000) : counts.faults);
    add('concurrent', only ? Math.max(counts.concurrent, 10_000) : counts.concurrent);
  }

  if (trials.length) {
    const bench = await openBench();
    log(`reference: ${bench.ctx.reference.writes} writes, ${bench.ctx.reference.readRequests} requests before the first write`);
    try {
      await pool(
        trials.length,
        jobs,
        async (i) => (trials[i].family === 'fault' && !only && figures.faultRuns >= counts.faults ? undefined : trials[i].run(bench.ctx)),
        (r) => {
          if (!r) return;
          addTrial(figures, r);
          trialMs[r.family] += r.ms;
          if (r.problems.length) failedTrials.push({ id: r.id, seed: r.seed, what: r.what, problems: r.problems });
          log(describeTrial(r));
        },
      );
    } finally {
      await bench.close();
    }
  }

  let fz: FuzzFigures | undefined;
  if (!only && (counts.fuzz > 0 || fuzzOnly)) {
    const model = await contosoModel();
    const fuzzStarted = Date.now();
    const scratch = mkdtempSync(join(tmpdir(), 'cm2intune-fuzz-cli-'));
    const bundle = fuzzOnly ? undefined : await bundleCli(scratch);
    fz = await fuzz(model, {
      cases: counts.fuzz,
      seed,
      bundle,
      tdsCases: fuzzOnly ? 0 : counts.tds,
      only: fuzzOnly,
      saveDir: join(RESULTS_DIR, `cases-${seed}`),
      onFailure: (f) =>
        log(
          `FAIL fuzz case ${f.index} [seed ${seed}, case seed ${f.seed}] ${f.kind}: ${f.mutation}\n       ${f.reason}\n       replay: npm run test:faults -- --seed ${seed} --fuzz-case ${f.index}`,
        ),
    });
    rmSync(scratch, { recursive: true, force: true });
    trialMs.fuzz = Date.now() - fuzzStarted;
    log(
      `fuzz: ${fz.cases} cases (${Object.entries(fz.byKind)
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )}; ${fz.cliCases} also through the CLI), ${fz.crashes} crashes, ${fz.slowCases} over the time bound, slowest ${Math.round(fz.maxCaseMs)} ms`,
    );
  }
  if (fz) {
    figures.fuzzCases = fz.cases;
    figures.crashes += fz.crashes;
    figures.failedCases = fz.failures.length;
  }

  const file: FaultRunFile = {
    format: 'cm2intune-fault-run/1',
    full,
    seed,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    elapsedMs: Date.now() - started,
    counts,
    figures: {
      ...figures,
      fuzzCrashes: fz?.crashes ?? 0,
      fuzzSlowCases: fz?.slowCases ?? 0,
      fuzzMaxCaseMs: Math.round(fz?.maxCaseMs ?? 0),
      fuzzCliCases: fz?.cliCases ?? 0,
      fuzzTdsCases: fz?.tdsCases ?? 0,
    },
    failedTrials,
    failedCases: fz?.failures ?? [],
    trialMs,
  };
  const out = values.out
    ? resolve(process.env.INIT_CWD ?? process.cwd(), values.out)
    : join(RESULTS_DIR, full ? 'full.json' : 'partial.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(file, null, 2) + '\n');
  const f = figures;
  log(
    `\n${f.trials} trials (${f.killTrials} kill, ${f.faultRuns} fault runs that hit + ${f.faultMisses} missed, ${f.concurrentRuns} concurrent), ${f.faults} faults, ${f.fuzzCases} fuzz cases: ${f.duplicates} duplicates, ${f.divergences} divergences, ${f.crashes} crashes; ${f.failedTrials} trial(s) and ${f.failedCases} case(s) failed (${((Date.now() - started) / 60_000).toFixed(1)} min). Figures: ${out}`,
  );
  if (!replay && f.faultRuns < counts.faults)
    log(`note: only ${f.faultRuns} fault runs hit a request (${f.faultMisses} missed); the floor is ${FULL.faults}.`);
  process.exitCode = f.failedTrials + f.failedCases > 0 || (!replay && f.faultRuns < counts.faults) ? 1 : 0;
}

// Only as a program: importing this file must never start a full run.
if (require.main === module) {
  // Interrupted: no CLI run of a trial may outlive the runner.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killLiveRuns();
      process.exit(130);
    });
  }
  main().catch((error) => {
    process.stderr.write(`fault suite failed to run: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  });
}
