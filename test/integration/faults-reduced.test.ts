// The fault suite's reduced form (docs/testing-faults.md; the full one is `npm run test:faults`):
// fixed seeds and choices so each category runs once — kill -9 during the reads, in a write burst,
// in the throttle pause and in a resume; each proxy fault shape; two runs at once; ~1,000 fuzz
// cases of plans, digests and snapshots (a few through the CLI and over TDS). Every trial ends with
// a clean final run and the whole tenant compared with a clean reference run.
//
// KNOWN_DEFECTS lists what fails on this branch because a fix of issue 17 has not landed yet:
// those run as `todo` (reported, never counted as passing). Remove an entry once its fix is merged.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { contosoModel, fuzz, type FuzzFailure, type FuzzFigures } from '../../test/faults/fuzz';
import { addTrial, describeTrial, emptyFigures, openBench, RESULTS_DIR, type Bench } from '../../test/faults/suite';
import { concurrentTrial, faultTrial, killTrial, type FaultChoice, type TrialResult } from '../../test/faults/trials';

/** Trials that fail until an issue-17 fix lands (id -> the fix): they run as `todo`. */
const KNOWN_DEFECTS: Record<string, string> = {};
/** Fuzz failures that wait for an issue-17 fix, by kind and reason; any other failure fails the test. */
const KNOWN_FUZZ: { kinds: string[]; reason: RegExp; fix: string }[] = [];
const known = (kind: string, reason: string) =>
  KNOWN_FUZZ.find((k) => k.kinds.includes(kind) && k.reason.test(reason.replace(/^unexpected: /, '')));

const KILLS = [
  { id: 'kill-read', point: 'read', seed: 101 },
  { id: 'kill-burst', point: 'burst', seed: 102 },
  { id: 'kill-pause', point: 'pause', seed: 103 },
  { id: 'kill-resume', point: 'resume', seed: 104 },
] as const;

const GET_CONFIGS = { method: 'GET', pathIncludes: 'deviceConfigurations' };
const POST_CONFIGS = { method: 'POST', pathIncludes: 'deviceConfigurations' };
const FAULTS: { id: string; seed?: number; choice: FaultChoice }[] = [
  { id: 'fault-read-html', choice: { plan: 'read-html', prefill: 'complete', target: GET_CONFIGS, count: 1, after: 0 } },
  { id: 'fault-read-empty-object', choice: { plan: 'read-empty-object', prefill: 'complete', target: GET_CONFIGS, count: 1, after: 0 } },
  // Killed in the app creates (~34 writes): the resume reads the apps' list as `{}`.
  {
    id: 'fault-read-empty-object-partial',
    seed: 1_247_038_380,
    choice: {
      plan: 'read-empty-object',
      prefill: 'partial',
      prefillWrites: 30,
      target: { method: 'GET', pathIncludes: 'mobileApps' },
      count: 3,
      after: 0,
    },
  },
  {
    id: 'fault-read-value-null',
    choice: { plan: 'read-value-null', prefill: 'complete', target: { method: 'GET', pathIncludes: 'mobileApps' }, count: 1, after: 0 },
  },
  {
    id: 'fault-read-truncated',
    choice: {
      plan: 'read-truncated',
      prefill: 'complete',
      target: { method: 'GET', pathIncludes: 'deviceCompliancePolicies' },
      count: 1,
      after: 0,
    },
  },
  { id: 'fault-nextlink-loop', choice: { plan: 'nextlink-loop', prefill: 'complete', target: GET_CONFIGS, after: 0, deadlineMs: 45_000 } },
  {
    id: 'fault-nextlink-loop-groups',
    seed: 165_139_834,
    choice: {
      plan: 'nextlink-loop',
      prefill: 'complete',
      target: { method: 'GET', pathIncludes: '/groups' },
      after: 0,
      deadlineMs: 45_000,
    },
  },
  { id: 'fault-numeric-id', choice: { plan: 'numeric-id', prefill: 'partial', target: POST_CONFIGS, count: 2, after: 0 } },
  {
    id: 'fault-batch-no-responses',
    choice: { plan: 'batch-no-responses', prefill: 'partial', target: { method: 'POST', pathIncludes: '$batch' }, count: 1, after: 1 },
  },
  { id: 'fault-reset-after', choice: { plan: 'reset-after', prefill: 'partial', target: POST_CONFIGS, count: 2, after: 0 } },
  // Held 5 s, not forever: the run waits it out. The full run holds for 10 minutes, which only a
  // per-request timeout ends (issue 17); that would cost CI its deadline while the fix is pending.
  { id: 'fault-hold', choice: { plan: 'hold', prefill: 'partial', target: POST_CONFIGS, count: 1, after: 0, holdMs: 5_000 } },
  {
    id: 'fault-storm-no-retry-after',
    choice: { plan: 'storm-no-retry-after', prefill: 'partial', target: POST_CONFIGS, count: 3, after: 0 },
  },
  { id: 'fault-inner-429', choice: { plan: 'inner-429', prefill: 'partial', target: POST_CONFIGS, count: 4, after: 0 } },
  { id: 'fault-inner-504', choice: { plan: 'inner-504', prefill: 'partial', target: POST_CONFIGS, count: 2, after: 0 } },
  { id: 'fault-inner-missing', choice: { plan: 'inner-missing', prefill: 'partial', target: POST_CONFIGS, count: 2, after: 0 } },
];
const CONCURRENT = [
  { id: 'concurrent-together', variant: 'together', seed: 301 },
  { id: 'concurrent-stale-lock', variant: 'stale-lock', seed: 302 },
] as const;
const FUZZ = { cases: 1_000, seed: 20_261_130, tds: 5 };

describe('fault suite (reduced)', { concurrency: 2 }, () => {
  let bench: Bench;
  const figures = emptyFigures();
  let fuzzed: Promise<FuzzFigures>;
  before(async () => {
    bench = await openBench();
    // The fuzzer runs beside the trials: they mostly wait on the CLI, it mostly computes.
    fuzzed = contosoModel().then((model) =>
      fuzz(model, { cases: FUZZ.cases, seed: FUZZ.seed, bundle: bench.ctx.bundle, tdsCases: FUZZ.tds }),
    );
    fuzzed.catch(() => {});
  });
  after(async () => {
    await fuzzed?.catch(() => {});
    await bench?.close();
    const fz = await fuzzed?.catch(() => undefined);
    if (fz) Object.assign(figures, { fuzzCases: fz.cases, crashes: figures.crashes + fz.crashes, failedCases: fz.failures.length });
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(
      join(RESULTS_DIR, 'reduced.json'),
      JSON.stringify({ format: 'cm2intune-fault-run/1', full: false, finishedAt: new Date().toISOString(), figures }, null, 2) + '\n',
    );
  });

  const check = (t: { diagnostic(m: string): void }, r: TrialResult) => {
    addTrial(figures, r);
    t.diagnostic(describeTrial(r));
    assert.ok(!r.missed, `${r.id}: the fault hit no request, so the trial tested nothing: ${r.what}`);
    assert.deepEqual(r.problems, [], describeTrial(r));
  };
  const options = (id: string) => ({ timeout: 240_000, ...(KNOWN_DEFECTS[id] ? { todo: KNOWN_DEFECTS[id] } : {}) });

  for (const k of KILLS)
    it(`${k.id}: kill -9 (${k.point}), then a clean final run matches the reference`, options(k.id), async (t) =>
      check(t, await killTrial(bench.ctx, k.id, k.seed, k.point, { pauseSpreadMs: 3_000 })),
    );
  for (const f of FAULTS)
    it(`${f.id}: the run under the fault, then a clean final run matches the reference`, options(f.id), async (t) =>
      check(t, await faultTrial(bench.ctx, f.id, f.seed ?? 200, f.choice)),
    );
  for (const c of CONCURRENT)
    it(`${c.id}: two imports of one plan at once, one writes`, options(c.id), async (t) =>
      check(t, await concurrentTrial(bench.ctx, c.id, c.seed, c.variant, { afterKill: true })),
    );

  for (const kind of ['plan', 'plan (CLI)', 'digest', 'app-digest', 'snapshot', 'digest (TDS)']) {
    const line = (f: FuzzFailure) => `case ${f.index} [seed ${FUZZ.seed}] ${f.mutation}: ${f.reason}`;
    it(`fuzz: ${kind} cases exit 0/1/2, no stack trace, in bounded time`, { timeout: 600_000 }, async (t) => {
      const fz = await fuzzed;
      const ran = kind === 'plan (CLI)' ? fz.cliCases : (fz.byKind[kind] ?? 0);
      t.diagnostic(`${ran} ${kind} case(s) of ${fz.cases} (seed ${FUZZ.seed}); slowest case ${Math.round(fz.maxCaseMs)} ms`);
      assert.ok(ran > 0, `the reduced fuzz ran no ${kind} case`);
      assert.deepEqual(fz.failures.filter((f) => f.kind === kind && !known(kind, f.reason)).map(line), []);
    });
    if (KNOWN_FUZZ.some((k) => k.kinds.includes(kind))) {
      it(
        `fuzz: ${kind} cases that fail on a known issue-17 defect`,
        {
          timeout: 600_000,
          todo: KNOWN_FUZZ.filter((k) => k.kinds.includes(kind))
            .map((k) => k.fix)
            .join('; '),
        },
        async () => {
          const fz = await fuzzed;
          assert.deepEqual(fz.failures.filter((f) => f.kind === kind && known(kind, f.reason)).map(line), []);
        },
      );
    }
  }
});
