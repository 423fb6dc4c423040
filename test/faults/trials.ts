// The fault suite's trials (docs/testing-faults.md). Each trial gets a fresh sandbox tenant and a
// fresh plan folder (journal, lock) against the one Contoso site, does something hostile to a run
// of the real CLI (bundled, in child processes), then runs a clean final import to completion and
// compares the whole tenant (objects by marker with binds and assignment targets, groups and
// members) with a clean reference run. Three families:
// - kill: SIGKILL at a random point in time: during the reads, inside a write burst, in a
//   throttle pause (a tenant that allows fewer Intune writes than the run has), or twice (the
//   resume killed too);
// - fault: one fault from the loopback proxy (proxy.ts) hitting a run that starts on an empty,
//   a half-imported or a fully imported tenant;
// - concurrent: two imports of one plan at once (together, staggered, racing for a stale lock).
// Everything random comes from the trial's seed: `npm run test:faults -- --only <id> --seed <s>`
// replays one trial.
import { applyEdits, modify } from 'jsonc-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { executeImport, proposeImport, readImportPicture } from '../../src/core/phases/import';
import { openSession } from '../../src/core/session';
import {
  FAST_PACING,
  importInProcess,
  normalise,
  openWorld,
  seededRandom,
  spawnCli,
  waitFor,
  type ImportWorld,
} from '../integration/import-world';
import { faultLabel, startFaultProxy, type FaultProxy, type ProxyFault, type ProxyRule } from './proxy';

export type Family = 'kill' | 'fault' | 'concurrent';
type State = ReturnType<typeof normalise>;

export interface Reference {
  state: State;
  writes: number;
  /** Requests the clean run made before its first write (the reads). */
  readRequests: number;
}

export interface TrialResult {
  id: string;
  family: Family;
  seed: number;
  /** What was done, in words (kill point, fault and where it hit, variant). */
  what: string;
  /** Faults that actually hit a request (proxy trials; kill trials count their kills). */
  faults: number;
  duplicates: number;
  divergences: number;
  crashes: number;
  /** A proxy fault that matched no request: the trial tested nothing (neither passed nor failed). */
  missed?: boolean;
  /** One line per problem found; empty when the trial passed. */
  problems: string[];
  ms: number;
}

export interface TrialContext {
  site: TdsTestServer;
  bundle: string;
  reference: Reference;
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
/** The import command's documented exit codes (0 done, 1 a step failed, 2 bad usage or plan). */
const EXIT_CODES = new Set([0, 1, 2]);
/** Longest a single run may take in a trial before it is called hung (the throttle pause is 20 s). */
export const RUN_DEADLINE_MS = Number(process.env.FAULTS_RUN_DEADLINE_MS ?? 120_000);
/** How long a held answer is held: well past any sensible per-request timeout. */
export const HOLD_MS = Number(process.env.FAULTS_HOLD_MS ?? 10 * 60_000);

interface Run {
  label: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killedByUs: boolean;
  hung: boolean;
}

const live = new Set<import('node:child_process').ChildProcess>();

/** Kills every CLI run a trial still has going (the runner calls it when it is interrupted). */
export function killLiveRuns(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** The CLI on the world's plan; killed when `stop` resolves true (or at the deadline: then `hung`). */
async function cli(
  ctx: TrialContext,
  w: ImportWorld,
  label: string,
  args: string[],
  stop?: (exited: () => boolean) => Promise<boolean>,
  deadlineMs = RUN_DEADLINE_MS,
): Promise<Run> {
  const { child, result } = spawnCli([...args], { cwd: w.dir, env: w.env, bundle: ctx.bundle });
  live.add(child);
  void result.finally(() => live.delete(child)).catch(() => {});
  let exited = false;
  let killedByUs = false;
  let hung = false;
  void result.then(() => (exited = true));
  const deadline = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  try {
    if (stop && (await stop(() => exited)) && !exited) {
      killedByUs = true;
      child.kill('SIGKILL');
    }
    const r = await result;
    return {
      label,
      code: r.code,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
      killedByUs: killedByUs && r.signal === 'SIGKILL',
      hung,
    };
  } finally {
    clearTimeout(deadline);
  }
}

const importArgs = (w: ImportWorld) => ['import', '--plan', w.planArg, '--yes'];
const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);

/** Crash = a stack trace, or an end that is neither a documented exit code nor our own kill. */
function crashesOf(run: Run, problems: string[]): number {
  const out = `${run.stdout}\n${run.stderr}`;
  if (STACK.test(out)) {
    problems.push(`crash: ${run.label} printed a stack trace: ${tail(out.slice(out.search(STACK) - 200))}`);
    return 1;
  }
  if (run.killedByUs || run.hung) return 0;
  if (run.code === null || !EXIT_CODES.has(run.code)) {
    problems.push(`crash: ${run.label} ended with ${run.signal ?? `exit ${run.code}`}, not a documented exit code: ${tail(out)}`);
    return 1;
  }
  return 0;
}

/**
 * The whole tenant against the reference: duplicates are extra copies of an object (marker),
 * a group (name + nickname), a member or an assignment; divergences are everything else that
 * differs (missing, changed, extra-but-not-a-copy).
 */
export function compareStates(actual: State, expected: State): { duplicates: number; divergences: string[]; duplicateNames: string[] } {
  const divergences: string[] = [];
  const duplicateNames: string[] = [];
  let duplicates = 0;
  const count = <T>(list: T[], key: (x: T) => string) => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
    return m;
  };
  const compareLists = <T>(what: string, a: T[], e: T[], key: (x: T) => string, inner: (x: T, y: T, name: string) => void) => {
    const ca = count(a, key),
      ce = count(e, key);
    for (const [k, xs] of ca) {
      const want = ce.get(k)?.length ?? 0;
      if (want === 0) divergences.push(`${what} ${k} is in the tenant but not after a clean run`);
      else if (xs.length > want) {
        duplicates += xs.length - want;
        duplicateNames.push(`${what} ${k} ×${xs.length}`);
      }
      if (want > 0) inner(xs[0], ce.get(k)![0], k);
    }
    for (const [k] of ce) if (!ca.has(k)) divergences.push(`${what} ${k} is missing`);
  };
  const compareSets = (what: string, a: string[], e: string[]) => {
    const ca = count(a, (x) => x),
      ce = count(e, (x) => x);
    for (const [k, xs] of ca) {
      const want = ce.get(k)?.length ?? 0;
      if (want === 0) divergences.push(`${what}: extra ${k}`);
      else if (xs.length > want) {
        duplicates += xs.length - want;
        duplicateNames.push(`${what}: ${k} ×${xs.length}`);
      }
    }
    for (const [k] of ce) if (!ca.has(k)) divergences.push(`${what}: missing ${k}`);
  };
  compareLists(
    'object',
    actual.objects,
    expected.objects,
    (o) => `${o.marker ?? `(no marker) ${o.displayName}`}|${o.type}`,
    (x, y, k) => {
      if (x.displayName !== y.displayName) divergences.push(`object ${k}: named "${x.displayName}", not "${y.displayName}"`);
      if (JSON.stringify(x.binds) !== JSON.stringify(y.binds))
        divergences.push(`object ${k}: binds ${JSON.stringify(x.binds)}, not ${JSON.stringify(y.binds)}`);
      compareSets(`object ${k} assignments`, x.assignments, y.assignments);
    },
  );
  compareLists(
    'group',
    actual.groups,
    expected.groups,
    (g) => `${g.displayName}|${g.mailNickname}`,
    (x, y, k) => compareSets(`group ${k} members`, x.members, y.members),
  );
  compareLists(
    'terms',
    actual.terms,
    expected.terms,
    (t) => t.displayName,
    (x, y, k) => {
      if (x.assignments !== y.assignments) divergences.push(`terms ${k}: ${x.assignments} assignments, not ${y.assignments}`);
    },
  );
  return { duplicates, divergences, duplicateNames };
}

async function proposedSteps(ctx: TrialContext, w: ImportWorld): Promise<string[]> {
  const session = await openSession(w.planFile, { use: 'import', readOnly: true, password: ctx.site.password, pacing: FAST_PACING });
  try {
    return (await proposeImport(await readImportPicture(session), session.graph)).map((s) => s.title);
  } finally {
    await session.close();
  }
}

/** The end of every trial: a clean final run to completion, a further run that would propose nothing, the tenant compared. */
async function finish(ctx: TrialContext, w: ImportWorld, result: TrialResult, runs: Run[]): Promise<void> {
  const final = await cli(ctx, w, 'the final clean run', importArgs(w));
  runs.push(final);
  if (final.hung) result.problems.push(`divergence: the final clean run did not finish in ${RUN_DEADLINE_MS} ms: ${tail(final.stderr)}`);
  else if (final.code !== 0 || !/Import into .*: (\d+) of \1 step\(s\) done\.|Nothing to import/.test(final.stdout)) {
    result.problems.push(
      `divergence: the final clean run did not complete (exit ${final.code ?? final.signal}): ${tail(final.stdout + '\n' + final.stderr)}`,
    );
  } else {
    // What a further run would propose, read in this process (a CLI start costs more than the read).
    const steps = await proposedSteps(ctx, w).catch((e: Error) => [`(the read failed: ${e.message})`]);
    if (steps.length)
      result.problems.push(
        `divergence: a further run after the final run still proposes ${steps.length} step(s): ${steps.slice(0, 3).join('; ')}`,
      );
  }
  for (const run of runs) result.crashes += crashesOf(run, result.problems);
  const { duplicates, divergences, duplicateNames } = compareStates(normalise(w.sandbox.objects()), ctx.reference.state);
  result.duplicates += duplicates;
  if (duplicateNames.length)
    result.problems.push(
      `duplicates: ${duplicateNames.slice(0, 8).join('; ')}${duplicateNames.length > 8 ? ` (+${duplicateNames.length - 8})` : ''}`,
    );
  for (const d of divergences.slice(0, 8)) result.problems.push(`divergence: ${d}`);
  if (divergences.length > 8) result.problems.push(`divergence: … ${divergences.length - 8} more`);
  result.divergences +=
    divergences.length +
    result.problems.filter((p) => p.startsWith('divergence: the final') || p.startsWith('divergence: a further run')).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];
const between = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** Resolves true once the sandbox has taken `writes` writes (or the run ended by itself: false). */
const atWrites =
  (w: ImportWorld, writes: number, extraMs = 0) =>
  (exited: () => boolean) =>
    new Promise<boolean>((resolve) => {
      // Decided inside the sandbox's write, not by polling: under load a poll saw the whole burst
      // (and the run's exit) before it saw write `writes` (kill-23, seed 1126642325). The answer of
      // the write that reached the point is held until the kill, so the run can't end before it
      // (other answers flow meanwhile): with a timer alone the run sometimes finished first.
      let settled = false;
      const settle = (reached: boolean) => {
        if (settled) return;
        settled = true;
        w.onWrite = undefined;
        clearInterval(watch);
        clearTimeout(deadline);
        resolve(reached && !exited());
      };
      const watch = setInterval(() => exited() && settle(false), 20);
      // A run that ends (or stalls) short of the point: no write comes to decide it.
      const deadline = setTimeout(() => settle(false), RUN_DEADLINE_MS);
      const check = (): Promise<void> | undefined => {
        if (w.sandbox.stats().writes < writes) return undefined;
        w.onWrite = undefined;
        if (!extraMs) return void settle(true);
        // Held a little past the kill: the answer must not leave before the process is gone.
        return new Promise<void>((release) =>
          setTimeout(() => {
            settle(true);
            setTimeout(release, 50);
          }, extraMs),
        );
      };
      w.onWrite = check;
      void check();
    });

/**
 * The throttle pause: the pacer stops once Intune's window is full, which is near write 100 but
 * not exactly (a $batch waits for all its slots), so it is found by watching: writes stop coming
 * for `quietMs` after at least `minWrites`. Then `extraMs` later, inside the pause, kill.
 */
const atPause =
  (w: ImportWorld, minWrites: number, extraMs = 0, quietMs = 1_500) =>
  async (exited: () => boolean) => {
    let last = -1;
    let since = Date.now();
    const reached = await waitFor(
      'the throttle pause',
      () => {
        if (exited()) return false;
        const now = w.sandbox.stats().writes;
        if (now !== last) {
          last = now;
          since = Date.now();
          return undefined;
        }
        return now >= minWrites && Date.now() - since >= quietMs ? true : undefined;
      },
      RUN_DEADLINE_MS,
      20,
    ).catch(() => false);
    if (reached && extraMs) await sleep(extraMs);
    return reached && !exited();
  };

export const KILL_POINTS = ['read', 'burst', 'pause', 'resume'] as const;
/** The pause trials' tenant: half Intune's write limit, below the ~70 Intune writes of a Contoso import. */
const PAUSE_THROTTLE = { writesPerWindow: 50, windowMs: 20_000 };
export type KillPoint = (typeof KILL_POINTS)[number];

/** SIGKILL at a random point of one of the four kinds, then the final run. */
export async function killTrial(
  ctx: TrialContext,
  id: string,
  seed: number,
  point?: KillPoint,
  options: { pauseSpreadMs?: number } = {},
): Promise<TrialResult> {
  const random = seededRandom(seed);
  const kind = point ?? pick(random, KILL_POINTS);
  const started = Date.now();
  const { writes, readRequests } = ctx.reference;
  const result: TrialResult = {
    id,
    family: 'kill',
    seed,
    what: '',
    faults: 0,
    duplicates: 0,
    divergences: 0,
    crashes: 0,
    problems: [],
    ms: 0,
  };
  // Contoso's import has fewer Intune writes than Intune's 100 per 20 s (its groups and members
  // are Entra ID's, paced apart), so a pause needs a tenant that allows fewer: it answers 429 and
  // the run waits out Retry-After, in the throttle pause.
  const w = await openWorld(ctx.site, kind === 'pause' ? { throttle: PAUSE_THROTTLE } : undefined);
  const runs: Run[] = [];
  try {
    // Writes stop a little before 100 when a $batch waits for all its slots: a burst kill point is
    // chosen well inside the first window, so the run is still writing when it comes.
    const burstEnd = Math.max(1, Math.floor(Math.min(100, writes) * 0.6));
    let stop: (exited: () => boolean) => Promise<boolean>;
    if (kind === 'read') {
      const at = between(random, 1, Math.max(1, readRequests));
      result.what = `kill during the reads, at request ${at} of ${readRequests}`;
      stop = async (exited) =>
        (await waitFor('reads', () => (w.sandbox.stats().requests >= at ? true : exited() ? false : undefined), RUN_DEADLINE_MS, 1).catch(
          () => false,
        )) && !exited();
    } else if (kind === 'pause' && writes > PAUSE_THROTTLE.writesPerWindow) {
      // The tenant took its 50 Intune writes and says 429: the run waits for the window (20 s) to move on.
      const extra = between(random, 0, options.pauseSpreadMs ?? 17_000);
      result.what = `kill in the throttle pause, ${extra} ms after it was seen (1.5 s without a write)`;
      stop = atPause(w, PAUSE_THROTTLE.writesPerWindow - 5, extra);
    } else {
      const at = between(random, 1, Math.max(1, burstEnd));
      const extra = between(random, 0, 20);
      result.what = `kill in a write burst at write ${at} of ${writes} (+${extra} ms)`;
      stop = atWrites(w, at, extra);
    }
    const first = await cli(ctx, w, 'the killed run', importArgs(w), stop);
    runs.push(first);
    if (!first.killedByUs)
      result.problems.push(
        `not killed: the run ended by itself first (exit ${first.code}) — the kill point was not reached: ${tail(first.stdout + first.stderr)}`,
      );
    else result.faults++;
    result.what += ` (killed at ${w.sandbox.stats().writes} writes)`;
    if (kind === 'resume') {
      const now = w.sandbox.stats().writes;
      const extra = between(random, 0, 400);
      result.what =
        `kill in a write burst, then the resume killed ${extra} ms after its first write` +
        result.what.slice(result.what.indexOf(' (killed'));
      const second = await cli(ctx, w, 'the killed resume', importArgs(w), atWrites(w, now + 1, extra));
      runs.push(second);
      if (second.killedByUs) result.faults++;
      result.what += ` and the resume at ${w.sandbox.stats().writes}`;
    }
    await finish(ctx, w, result, runs);
  } finally {
    await w.close();
    result.ms = Date.now() - started;
  }
  return result;
}

/** The proxy faults a fault trial draws from, each with where it may hit. */
interface FaultPlan {
  name: string;
  fault: ProxyFault;
  targets: { method?: string; pathIncludes?: string }[];
  count: [number, number];
}

const READS = [
  { method: 'GET', pathIncludes: 'deviceConfigurations' },
  { method: 'GET', pathIncludes: 'deviceCompliancePolicies' },
  { method: 'GET', pathIncludes: 'mobileApps' },
  { method: 'GET', pathIncludes: '/groups' },
  { method: 'GET', pathIncludes: '/members' },
  { method: 'GET', pathIncludes: 'organization' },
  // Users are looked up only while groups are still to be filled: a miss on a complete tenant.
  { method: 'GET', pathIncludes: '/users' },
];
const WRITES = [
  { method: 'POST', pathIncludes: 'deviceConfigurations' },
  { method: 'POST', pathIncludes: 'deviceCompliancePolicies' },
  { method: 'POST', pathIncludes: 'mobileApps' },
  { method: 'POST', pathIncludes: '/groups' },
  { method: 'POST', pathIncludes: '/assign' },
  { method: 'PATCH', pathIncludes: '/groups/' },
];
const ANY = [...READS, ...WRITES, { pathIncludes: '$batch' }, {}];
// The reads that travel inside a $batch (the Intune lists and the organization are plain GETs).
const BATCHED_READS = [
  { method: 'GET', pathIncludes: '/groups' },
  { method: 'GET', pathIncludes: '/members' },
  { method: 'GET', pathIncludes: '/users' },
];

export const FAULT_PLANS: FaultPlan[] = [
  ...(['html', 'empty-object', 'value-null', 'truncated'] as const).map((shape): FaultPlan => ({
    name: `read-${shape}`,
    fault: { kind: 'body', shape },
    targets: [...READS, { method: 'POST', pathIncludes: '$batch' }],
    count: [1, 3],
  })),
  // Every page of the list says "next: me" for as long as the client follows.
  { name: 'nextlink-loop', fault: { kind: 'body', shape: 'nextlink-loop' }, targets: READS, count: [100_000, 100_000] },
  { name: 'write-html', fault: { kind: 'body', shape: 'html' }, targets: WRITES, count: [1, 2] },
  { name: 'write-truncated', fault: { kind: 'body', shape: 'truncated' }, targets: WRITES, count: [1, 2] },
  {
    name: 'numeric-id',
    fault: { kind: 'body', shape: 'numeric-id' },
    targets: [...WRITES.slice(0, 4), ...READS.slice(0, 4)],
    count: [1, 3],
  },
  {
    name: 'batch-no-responses',
    fault: { kind: 'body', shape: 'batch-no-responses' },
    targets: [{ method: 'POST', pathIncludes: '$batch' }, ...WRITES.slice(0, 4), ...READS.slice(3, 4)],
    count: [1, 2],
  },
  { name: 'reset-before', fault: { kind: 'reset-before' }, targets: ANY, count: [1, 3] },
  { name: 'reset-after', fault: { kind: 'reset-after' }, targets: ANY, count: [1, 3] },
  { name: 'hold', fault: { kind: 'hold', ms: HOLD_MS }, targets: ANY, count: [1, 1] },
  { name: 'storm-retry-after', fault: { kind: '429-storm', retryAfterSeconds: 1 }, targets: [{}, ...WRITES], count: [5, 30] },
  { name: 'storm-no-retry-after', fault: { kind: '429-storm' }, targets: [{}, ...WRITES], count: [5, 20] },
  {
    name: 'inner-429',
    fault: { kind: 'inner-status', status: 429, retryAfterSeconds: 1 },
    targets: [...WRITES, ...BATCHED_READS],
    count: [1, 10],
  },
  { name: 'inner-500', fault: { kind: 'inner-status', status: 500 }, targets: [...WRITES, ...BATCHED_READS], count: [1, 3] },
  { name: 'inner-503', fault: { kind: 'inner-status', status: 503 }, targets: [...WRITES, ...BATCHED_READS], count: [1, 3] },
  { name: 'inner-504', fault: { kind: 'inner-status', status: 504 }, targets: WRITES, count: [1, 3] },
  { name: 'inner-missing', fault: { kind: 'inner-missing' }, targets: [...WRITES, ...BATCHED_READS], count: [1, 3] },
  ...(['html', 'value-null', 'truncated', 'empty-object'] as const).map((shape): FaultPlan => ({
    name: `any-${shape}`,
    fault: { kind: 'body', shape },
    targets: [...READS.slice(0, 4), ...WRITES.slice(0, 4)],
    count: [1, 2],
  })),
];

export type Prefill = 'empty' | 'partial' | 'complete';

/** One proxy fault (seeded: which, where, how many, after how many matches) on a run, then the final run. */
export interface FaultChoice {
  /** A FAULT_PLANS name; the rest, when not given, drawn from the seed. */
  plan?: string;
  prefill?: Prefill;
  target?: { method?: string; pathIncludes?: string };
  count?: number;
  after?: number;
  deadlineMs?: number;
  /** For a partial prefill: kill it once the sandbox has taken this many writes (default drawn, 1–99). */
  prefillWrites?: number;
  /** For `hold`: how long (default HOLD_MS, past any sensible per-request timeout). */
  holdMs?: number;
}

export async function faultTrial(ctx: TrialContext, id: string, seed: number, choice: FaultChoice = {}): Promise<TrialResult> {
  const deadlineMs = choice.deadlineMs ?? RUN_DEADLINE_MS;
  const random = seededRandom(seed);
  const drawn = Math.floor(random() * FAULT_PLANS.length);
  const plan = choice.plan ? FAULT_PLANS.find((p) => p.name === choice.plan) : FAULT_PLANS[drawn];
  if (!plan) throw new Error(`no fault plan named ${choice.plan}: ${FAULT_PLANS.map((p) => p.name).join(', ')}`);
  const drawnTarget = plan.targets[Math.floor(random() * plan.targets.length)];
  const target = choice.target ?? drawnTarget;
  const drawnPrefill = pick(random, ['empty', 'partial', 'complete'] as const);
  const prefill: Prefill = choice.prefill ?? drawnPrefill;
  const count = choice.count ?? between(random, plan.count[0], plan.count[1]);
  // Most faults hit the first match: some requests (a policy list read) are made once a run.
  const drawnAfter = random() < 0.7 ? 0 : between(random, 1, 3);
  // A list of Intune objects or the organization is read once a run: only the first match can hit.
  const repeated = target.method !== 'GET' || /groups|members|users/.test(target.pathIncludes ?? '');
  const after = choice.after ?? (repeated ? drawnAfter : 0);
  const started = Date.now();
  const result: TrialResult = {
    id,
    family: 'fault',
    seed,
    what: '',
    faults: 0,
    duplicates: 0,
    divergences: 0,
    crashes: 0,
    problems: [],
    ms: 0,
  };
  // The plan's tenant url is the proxy's: every run of the trial goes through it.
  let proxy: FaultProxy | undefined;
  const w = await openWorld(ctx.site, { throttle: false });
  const runs: Run[] = [];
  try {
    proxy = await startFaultProxy(w.sandbox.url);
    // The plan's per-request timeout is what cuts a held answer; it must leave the run time to end
    // within its deadline (the default, 120 s, is the deadline itself: a held answer ran out the run).
    const text = readFileSync(w.planFile, 'utf8').replace(JSON.stringify(w.sandbox.url), JSON.stringify(proxy.url));
    writeFileSync(
      w.planFile,
      applyEdits(
        text,
        modify(text, ['graph', 'requestTimeoutSeconds'], Math.floor(deadlineMs / 4000), {
          formattingOptions: { insertSpaces: true, tabSize: 2 },
        }),
      ),
    );
    // A complete prefill runs in this process (fast pacing): only what follows needs the CLI.
    if (prefill === 'complete') await importInProcess(w.planFile, ctx.site.password);
    else if (prefill === 'partial') {
      // Nothing paces a Contoso import (its Intune writes fit one window, its directory writes go
      // beside them), so all its writes are on the wire at once and a kill lands after the last:
      // the prefill runs on a tenant that allows fewer Intune writes, which makes it wait in a
      // throttle pause, and is killed before the pause ends.
      w.sandbox.setThrottle(PAUSE_THROTTLE);
      const drawnWrites = between(random, 1, Math.min(99, ctx.reference.writes - 25));
      runs.push(await cli(ctx, w, 'the prefill run (killed)', importArgs(w), atWrites(w, choice.prefillWrites ?? drawnWrites)));
      w.sandbox.setThrottle(false);
      result.what = `prefill killed at ${w.sandbox.stats().writes} writes; `;
    }
    const fault: ProxyFault = plan.fault.kind === 'hold' && choice.holdMs !== undefined ? { kind: 'hold', ms: choice.holdMs } : plan.fault;
    const rule: ProxyRule = { fault, ...target, after, count };
    result.what += `${faultLabel(fault)} ×${count} on ${target.method ?? 'any'} ${target.pathIncludes ?? '(any path)'} after ${after} match(es), tenant ${prefill} (${plan.name})`;
    proxy.add(rule);
    const faulted = await cli(ctx, w, 'the run under the fault', importArgs(w), undefined, deadlineMs);
    runs.push(faulted);
    const hits = Object.values(proxy.hits()).reduce((a, b) => a + b, 0);
    result.faults = hits;
    result.missed = hits === 0;
    result.what += `: hit ${hits} request(s), run ended ${faulted.hung ? `hung (killed after ${deadlineMs} ms)` : `exit ${faulted.code}`}`;
    if (faulted.hung)
      result.problems.push(
        `divergence: the run under the fault hung for ${deadlineMs} ms (no per-request timeout or page cap?): ${tail(faulted.stderr)}`,
      );
    // Exit 0 while the fault cost a step is a run that says it did what it did not.
    if (faulted.code === 0 && /step\(s\) done, [1-9]\d* failed/.test(faulted.stdout))
      result.problems.push(`divergence: exit 0 although steps failed: ${tail(faulted.stdout)}`);
    proxy.clear();
    await finish(ctx, w, result, runs);
    if (result.problems.some((p) => p.startsWith('divergence: the run under') || p.startsWith('divergence: exit 0'))) result.divergences++;
  } finally {
    await proxy?.close();
    await w.close();
    result.ms = Date.now() - started;
  }
  return result;
}

export const CONCURRENT_VARIANTS = ['together', 'staggered', 'stale-lock'] as const;
export type ConcurrentVariant = (typeof CONCURRENT_VARIANTS)[number];

/**
 * Two imports of one plan at once. One must run, the other stop with the lock message (exit 2)
 * or, if it started after the first ended, find nothing or the rest to do; never both writing.
 */
export async function concurrentTrial(
  ctx: TrialContext,
  id: string,
  seed: number,
  variant?: ConcurrentVariant,
  options: { afterKill?: boolean } = {},
): Promise<TrialResult> {
  const random = seededRandom(seed);
  const kind = variant ?? pick(random, CONCURRENT_VARIANTS);
  // Half the pairs are two users re-running an import that was killed half way.
  const afterKill = options.afterKill ?? random() < 0.5;
  const started = Date.now();
  const result: TrialResult = {
    id,
    family: 'concurrent',
    seed,
    what: '',
    faults: 1,
    duplicates: 0,
    divergences: 0,
    crashes: 0,
    problems: [],
    ms: 0,
  };
  const w = await openWorld(ctx.site);
  const runs: Run[] = [];
  try {
    if (afterKill) {
      const killed = await cli(
        ctx,
        w,
        'the run killed before the pair',
        importArgs(w),
        atWrites(w, between(random, 20, Math.min(90, ctx.reference.writes - 1))),
      );
      runs.push(killed);
    }
    let delay: () => Promise<void> = async () => {};
    if (kind === 'stale-lock') {
      // A lock left by a killed run (a pid that is gone): both runs see it stale at once.
      writeFileSync(
        w.planFile.replace(/\.json$/, '.ledger.lock'),
        JSON.stringify({ pid: 2 ** 22 + between(random, 1, 9999), host: hostname() }),
      );
      result.what = 'two runs at once racing to take over a stale lock';
    } else if (kind === 'staggered') {
      const at = w.sandbox.stats().writes + between(random, 1, 40);
      result.what = `a second run started when the first reached ${at} writes`;
      // Run A may end short of `at` (a killed run before it left fewer writes): B starts then.
      delay = async () => void (await atWrites(w, at)(() => aEnded));
    } else result.what = 'two runs started together';
    let aEnded = false;
    const a = cli(ctx, w, 'run A', importArgs(w));
    void a.then(
      () => (aEnded = true),
      () => (aEnded = true),
    );
    await delay();
    const b = cli(ctx, w, 'run B', importArgs(w));
    const [ra, rb] = await Promise.all([a, b]);
    runs.push(ra, rb);
    const refused = [ra, rb].filter((r) => r.code === 2 && /Another cm2intune run \(process \d+\) is writing/.test(r.stderr));
    const ran = [ra, rb].filter((r) => r.code === 0 && /Import into .*step\(s\) done|Nothing to import/.test(r.stdout));
    result.what += `${afterKill ? ' after a killed run' : ''}: A exit ${ra.code}, B exit ${rb.code}`;
    if (ran.length === 2 && kind !== 'staggered') result.problems.push('divergence: both runs wrote (the lock let both in)');
    if (refused.length === 2) result.problems.push('divergence: both runs were refused (nobody held the lock)');
    if (ran.length === 2 && kind !== 'staggered') result.divergences++;
    if (refused.length === 2) result.divergences++;
    await finish(ctx, w, result, runs);
  } finally {
    await w.close();
    result.ms = Date.now() - started;
  }
  return result;
}

/**
 * The reference: one clean run on a fresh tenant, in this process (the CLI's pacing would add the
 * 20 s throttle pause; the state is the same): its state, writes, and requests before the first write.
 */
export async function cleanReference(site: TdsTestServer): Promise<Reference> {
  const w = await openWorld(site);
  try {
    const session = await openSession(w.planFile, { use: 'import', password: site.password, pacing: FAST_PACING });
    let readRequests: number;
    try {
      const read = await readImportPicture(session);
      const steps = await proposeImport(read, session.graph);
      readRequests = w.sandbox.stats().requests;
      const run = await executeImport(session, read, steps);
      if (run.failed + run.skipped > 0)
        throw new Error(`the clean reference run had ${run.failed} failed and ${run.skipped} skipped steps`);
    } finally {
      await session.close();
    }
    return { state: normalise(w.sandbox.objects()), writes: w.sandbox.stats().writes, readRequests };
  } finally {
    await w.close();
  }
}
