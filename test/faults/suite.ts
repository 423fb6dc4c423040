// Runs the fault suite (trials.ts, fuzz.ts) with given counts and a seed, and sums the figures.
// Used by `npm run test:faults` (run.ts, full counts) and by the reduced form in
// test/integration/faults-reduced.test.ts (a fixed choice per category).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/cli';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { bundleCli, seededRandom, startContosoSite } from '../integration/import-world';
import { cleanReference, type TrialContext, type TrialResult } from './trials';

/** The floor for a full run. */
export const FULL = { kill: 300, faults: 100, concurrent: 20, fuzz: 10_000, tds: 40 };
/** Where runs write their figures (`full.json`, `partial.json`, `reduced.json`) and failing fuzz inputs. */
export const RESULTS_DIR = join(repoRoot, '.bench/faults');

export interface Figures {
  trials: number;
  killTrials: number;
  /** Proxy fault runs whose fault hit at least one request (those that hit none are `faultMisses`). */
  faultRuns: number;
  faultMisses: number;
  concurrentRuns: number;
  /** Faults that hit: kills, proxy faults that matched a request, concurrent pairs. */
  faults: number;
  fuzzCases: number;
  duplicates: number;
  divergences: number;
  crashes: number;
  failedTrials: number;
  failedCases: number;
}

export const emptyFigures = (): Figures => ({
  trials: 0,
  killTrials: 0,
  faultRuns: 0,
  faultMisses: 0,
  concurrentRuns: 0,
  faults: 0,
  fuzzCases: 0,
  duplicates: 0,
  divergences: 0,
  crashes: 0,
  failedTrials: 0,
  failedCases: 0,
});

export function addTrial(f: Figures, r: TrialResult): void {
  f.trials++;
  if (r.family === 'kill') f.killTrials++;
  else if (r.family === 'fault') {
    if (r.missed) f.faultMisses++;
    else f.faultRuns++;
  } else f.concurrentRuns++;
  f.faults += r.faults;
  f.duplicates += r.duplicates;
  f.divergences += r.divergences;
  f.crashes += r.crashes;
  // A problem that is none of the three (a kill point never reached) still fails the trial.
  if (r.problems.length) f.failedTrials++;
}

export function describeTrial(r: TrialResult): string {
  const head = `${r.problems.length ? 'FAIL' : r.missed ? 'miss' : 'ok  '} ${r.id} [seed ${r.seed}] ${r.what} (${(r.ms / 1000).toFixed(1)} s)`;
  return [head, ...r.problems.map((p) => `       ${p}`)].join('\n');
}

export interface Bench {
  site: TdsTestServer;
  ctx: TrialContext;
  close(): Promise<void>;
}

/** The site, the CLI bundle and the clean reference every trial compares with. */
export async function openBench(): Promise<Bench> {
  const site = await startContosoSite();
  const scratch = mkdtempSync(join(tmpdir(), 'cm2intune-faults-'));
  try {
    const bundle = await bundleCli(scratch);
    const reference = await cleanReference(site);
    return {
      site,
      ctx: { site, bundle, reference },
      close: async () => {
        await site.close();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await site.close();
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** Per-trial seeds derived from the run's seed, so `--only kill-17 --seed S` replays trial 17 alone. */
export function trialSeed(runSeed: number, family: string, index: number): number {
  const r = seededRandom((runSeed ^ (family.length * 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  return Math.floor(r() * 2 ** 31);
}

/** Runs `jobs` at a time; results in order. */
export async function pool<T>(
  count: number,
  jobs: number,
  work: (i: number) => Promise<T>,
  onDone?: (r: T, i: number) => void,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
        onDone?.(out[i], i);
      }
    }),
  );
  return out;
}
