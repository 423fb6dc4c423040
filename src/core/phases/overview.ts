// What the editor shows of phases 2 and 3 besides the objects: readiness per wave (phase 2) and
// each wave's state and devices over time (phase 3), built from what the picture store read once.
// Pure: the reads are the store's, the clock is the caller's.
import type { MigrationPlan } from '../plan/types';
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

export interface PhasesRead {
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
  /** Phase 2 for everyone in scope, or why it could not be read. */
  readiness: { counts: Record<CheckState, number>; ready: boolean } | { error: string };
  waves: WaveOverview[];
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
    readiness: read.readiness.ok
      ? { counts: countStates(read.readiness.value), ready: read.readiness.value.blocking === 0 }
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
