// What the editor shows of phases 2 and 3 besides the objects: readiness per wave (phase 2) and
// each wave's state and devices over time (phase 3), built from what the picture store read once.
// Pure: the reads are the store's, the clock is the caller's.
import type { MigrationPlan } from '../plan/types';
import type { AuthorityPreflight, AuthorityVerification, GuideState } from './authority';
import type { CheckState, PrepareSources, Readiness } from './prepare';
import type { WaveJournalEntry, WaveRead, WaveStatusName } from './waves-read';

/** A read that failed is kept as its message: the tree shows it where the data would be. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface WavePhaseRead {
  name: string;
  read: Outcome<WaveRead>;
  /** The state docs/waves.md names and its line, from both sides and the journal. */
  status?: { status: WaveStatusName; line: string };
  /** What the journal remembers of this wave (verifications carry the device counts). */
  events: WaveJournalEntry[];
}

/** Phase 4 as read (read-only: nothing recorded): the preflight, the checklist, and after the switch the verification. */
export interface AuthorityRead {
  tenantName: string;
  preflight: AuthorityPreflight;
  guide: GuideState;
  /** Read when the tenant is no longer hybrid (switched, or the content removed). */
  verification?: AuthorityVerification;
}

export interface PhasesRead {
  /** Phase 4; undefined when not read (a store without phase 4). */
  authority?: Outcome<AuthorityRead>;
  /** Phase 2 for the subscription collection and every wave. */
  readiness: Outcome<Readiness>;
  /** Phase 2 scoped to each wave, in the plan's order. */
  readinessByWave: { wave: string; readiness: Readiness }[];
  waves: WavePhaseRead[];
}

/**
 * Readiness per wave over one read: each wave's checks see that wave's users only (the same
 * scoping `prepare --wave` reads), without reading site and tenant once per wave.
 */
export function readinessPerWave(
  sources: PrepareSources,
  plan: MigrationPlan,
  assess: (sources: PrepareSources, plan: MigrationPlan, options: { wave?: string }) => Readiness,
): { wave: string; readiness: Readiness }[] {
  return (plan.waves ?? []).map((w) => {
    const from = `wave "${w.name}"`;
    const subjects = sources.subjects.filter((s) => s.from.includes(from)).map((s) => ({ ...s, from: [from] }));
    return { wave: w.name, readiness: assess({ ...sources, subjects }, plan, { wave: w.name }) };
  });
}

export interface DevicePoint {
  /** ISO time of the reading. */
  at: string;
  moved: number;
  expected: number;
}

export interface WaveOverview {
  name: string;
  /** Phase 2 for this wave's users: checks by state; undefined when readiness could not be read. */
  readiness?: Record<CheckState, number>;
  /** The wave's state line, or why it could not be read. */
  status: string;
  moved: number;
  expected: number;
  /** Devices in Intune over time: every verification the journal remembers, then now. */
  series: DevicePoint[];
}

export interface PhasesOverview {
  /** The four phases and where the migration stands (migrationStages), when the face adds them. */
  stages?: PhaseStage[];
  /** Phase 4 in one line and its standing; undefined when not read. */
  authority?: AuthorityStanding;
  /** Phase 2 for everyone in scope (its checks, for the dashboard's checklist), or why it could not be read. */
  readiness: { counts: Record<CheckState, number>; ready: boolean; checks?: ReadinessCheckLine[] } | { error: string };
  waves: WaveOverview[];
}

/** One readiness check as a line of the dashboard's checklist. */
export interface ReadinessCheckLine {
  id: string;
  title: string;
  state: CheckState;
  summary: string;
  /** The product can fix it ("Fix readiness"); otherwise the admin acts outside it. */
  fixable: boolean;
}

const countStates = (r: Readiness): Record<CheckState, number> => ({
  ok: r.checks.filter((c) => c.state === 'ok').length,
  warning: r.checks.filter((c) => c.state === 'warning').length,
  blocking: r.blocking,
});

/** The dashboard's model of phases 2 and 3; `now` (ISO) dates the current reading. */
export function phasesOverview(read: PhasesRead, now: string): PhasesOverview {
  const byWave = new Map(read.readinessByWave.map((r) => [r.wave, r.readiness]));
  return {
    authority: read.authority && authorityStanding(read.authority),
    readiness: read.readiness.ok
      ? {
          counts: countStates(read.readiness.value),
          ready: read.readiness.value.blocking === 0,
          checks: read.readiness.value.checks.map((c) => ({
            id: c.id,
            title: c.title,
            state: c.state,
            summary: c.summary,
            fixable: c.fixSteps.length > 0,
          })),
        }
      : { error: read.readiness.error },
    waves: read.waves.map((w) => {
      const readiness = byWave.get(w.name);
      const series: DevicePoint[] = w.events
        .filter((e) => e.event === 'verify' && e.moved !== undefined && e.expected !== undefined)
        .map((e) => ({ at: e.at, moved: e.moved!, expected: e.expected! }))
        .sort((a, b) => a.at.localeCompare(b.at));
      const v = w.read.ok ? w.read.value.verification : undefined;
      // The current reading, unless the last verification already says the same.
      const last = series[series.length - 1];
      if (v && v.state !== 'planned' && (!last || last.moved !== v.moved || last.expected !== v.expected))
        series.push({ at: now, moved: v.moved, expected: v.expected });
      return {
        name: w.name,
        readiness: readiness ? countStates(readiness) : undefined,
        status: w.read.ok ? (w.status?.line ?? w.read.value.verification.summary) : w.read.error,
        moved: v?.moved ?? 0,
        expected: v?.expected ?? 0,
        series,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Where the migration stands: the four phases in order, each done, current (blocked or not) or to do.

export type Standing = 'done' | 'current' | 'blocked' | 'todo';

export interface PhaseStage {
  phase: 1 | 2 | 3 | 4;
  title: string;
  standing: Standing;
  /** One line: what the phase's own read says. */
  summary: string;
}

/** Phase 4 as its reads say (undefined: not read, e.g. before phase 4 exists in the product). */
export interface AuthorityStanding {
  done: boolean;
  /** Something blocks it (its preflight, or the content was removed). */
  blocked: boolean;
  summary: string;
}

export interface StagesInput {
  /** Phase 1 from the picture's totals (analysis/summary.ts DashboardModel.totals). */
  objects: { selected: number; imported: number; importable: number; partial: number; drifted: number; blocked: number };
  /** Phases 2 and 3, and phase 4 when it was read. */
  phases: PhasesOverview;
}

/** Phase 4's standing from its read: verified is done; removed content or a blocking preflight blocks. */
export function authorityStanding(read: Outcome<AuthorityRead>): AuthorityStanding {
  if (!read.ok) return { done: false, blocked: true, summary: `not read: ${read.error}` };
  const { preflight, guide, verification } = read.value;
  const verified = verification && verificationStanding(verification);
  if (verified) return verified;
  const steps = `checklist ${guide.steps.filter((s) => s.done).length} of ${guide.steps.length} step(s) done`;
  return preflight.ready
    ? { done: false, blocked: false, summary: `nothing blocks the switch; ${steps}` }
    : { done: false, blocked: true, summary: `${preflight.blocking} finding(s) block the switch; ${steps}` };
}

/** Phase 4's standing from a verification alone; undefined when it says nothing yet (not switched). */
function verificationStanding(v: Pick<AuthorityVerification, 'state' | 'switched' | 'expected'>): AuthorityStanding | undefined {
  const counts = `${v.switched} of ${v.expected} device(s) switched`;
  if (v.state === 'removed') return { done: false, blocked: true, summary: 'THE SUBSCRIPTION WAS REMOVED, NOT SWITCHED' };
  if (v.state === 'verified') return { done: true, blocked: false, summary: `verified: ${counts}` };
  if (v.state === 'switching') return { done: false, blocked: false, summary: `switching: ${counts}` };
  return undefined;
}

/** A new reading of a watch, without reading the rest again: what the dashboard repaints while a watch runs. */
export type WatchReading =
  | { kind: 'wave'; wave: string; at: string; moved: number; expected: number; state: string }
  | { kind: 'authority'; at: string; state: AuthorityVerification['state']; switched: number; expected: number };

/** The overview with one watch reading applied: the wave's count and its line over time, or phase 4's standing. */
export function withReading(overview: PhasesOverview, r: WatchReading): PhasesOverview {
  if (r.kind === 'authority') return { ...overview, authority: verificationStanding(r) ?? overview.authority };
  return {
    ...overview,
    waves: overview.waves.map((w) => {
      if (w.name.toLowerCase() !== r.wave.toLowerCase()) return w;
      const last = w.series[w.series.length - 1];
      const same = last && last.moved === r.moved && last.expected === r.expected;
      const count = `devices ${r.moved} of ${r.expected} in Intune`;
      return {
        ...w,
        moved: r.moved,
        expected: r.expected,
        // The state line as waveStatus words it, until the next full read.
        status:
          r.state === 'verified'
            ? `verified (${count})`
            : r.state === 'moving' || r.state === 'appliedOnSite'
              ? `applied on the site, ${count}`
              : w.status,
        series: same ? w.series : [...w.series, { at: r.at, moved: r.moved, expected: r.expected }],
      };
    }),
  };
}

/**
 * The four phases and where the migration stands: the first phase not done is current (blocked
 * when its own check blocks), the later ones are to do. A later phase already done (the tenant was
 * switched by hand) still shows done.
 */
export function migrationStages(input: StagesInput): { stages: PhaseStage[]; current?: PhaseStage } {
  const o = input.objects;
  const left = o.importable + o.partial + o.drifted;
  const r = input.phases.readiness;
  const waves = input.phases.waves;
  const verified = waves.filter((w) => w.expected > 0 && w.moved === w.expected && /^verified/.test(w.status)).length;
  const raw: { phase: PhaseStage['phase']; title: string; done: boolean; blocked: boolean; summary: string }[] = [
    {
      phase: 1,
      title: 'Import objects',
      done: o.selected > 0 && left === 0,
      blocked: false,
      summary: `${o.imported} of ${o.selected} selected object(s) in Intune${left ? `, ${left} to import or update` : ''}${o.blocked ? `, ${o.blocked} to recreate by hand` : ''}`,
    },
    {
      phase: 2,
      title: 'Prepare Intune',
      done: 'counts' in r && r.ready,
      blocked: !('counts' in r) || !r.ready,
      summary:
        'counts' in r
          ? r.ready
            ? 'ready: nothing blocks the move'
            : `${r.counts.blocking} check(s) block the move`
          : `not read: ${r.error}`,
    },
    {
      phase: 3,
      title: 'Move users in waves',
      done: waves.length > 0 && verified === waves.length,
      blocked: false,
      summary: waves.length ? `${verified} of ${waves.length} wave(s) verified` : 'no waves in the plan yet',
    },
    {
      phase: 4,
      title: 'Switch the MDM authority',
      done: input.phases.authority?.done ?? false,
      blocked: input.phases.authority?.blocked ?? false,
      summary: input.phases.authority?.summary ?? 'not checked yet',
    },
  ];
  const firstOpen = raw.findIndex((s) => !s.done);
  const stages: PhaseStage[] = raw.map((s, i) => ({
    phase: s.phase,
    title: s.title,
    summary: s.summary,
    standing: s.done ? 'done' : i === firstOpen ? (s.blocked ? 'blocked' : 'current') : 'todo',
  }));
  return { stages, current: firstOpen < 0 ? undefined : stages[firstOpen] };
}

// ---------------------------------------------------------------------------------------------
// Phase 4's guided switch as the editor's checklist page shows it (built from the phase-4 core's
// guide state by the face; plain data for the webview).

export interface GuideViewStep {
  id: string;
  title: string;
  detail: string[];
  warning?: string[];
  /** The tenant's name must be typed before this step is marked done. */
  confirmTenantName?: boolean;
  done: boolean;
  /** When it was marked done (ISO). */
  at?: string;
  /** The one step that can be marked done now. */
  next: boolean;
}

export interface GuideView {
  /** The tenant's name as it names itself: what the admin types before the last step. */
  tenantName: string;
  /** Said above the checklist, in words that can't be missed: the option that deletes everything. */
  warning: string[];
  steps: GuideViewStep[];
  done: boolean;
  /** Why the last attempt to mark a step done was refused. */
  problem?: string;
}
