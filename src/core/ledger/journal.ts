// The write-ahead journal beside a plan (`<plan>.ledger`): one JSON object per line. An intent is
// on disk (fsync) before its request leaves; the outcome follows. After a crash, an intent with no
// outcome is "unknown": the executor reconciles it against the tenant (by marker) before going on.
// The journal is a cache of source -> Intune id; the tenant stays the truth.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

export type JournalEntry =
  | { t: 'run'; run: string; at: string; phase: string; steps: number }
  | { t: 'intent'; run: string; step: string; key: string; action: string; at: string }
  | { t: 'done'; run: string; step: string; key: string; intuneId?: string; at: string }
  | { t: 'failed'; run: string; step: string; key: string; status?: number; message: string; at: string }
  | { t: 'reconciled'; run: string; step: string; key: string; intuneId: string | null; at: string }
  // Phase 3 (phases/waves-read.ts): what was done for a wave; its state is read from the site and the tenant.
  | {
      t: 'wave';
      wave: string;
      event: 'preflight' | 'runbook' | 'undo' | 'verify';
      at: string;
      ok?: boolean;
      moved?: number;
      expected?: number;
    }
  // Phase 4 (phases/authority-read.ts): preflights, the guide's confirmed steps, verifications.
  | {
      t: 'authority';
      event: 'preflight' | 'step' | 'verify';
      at: string;
      ok?: boolean;
      /** step: the guide's step id (phases/authority.ts `GuideStepId`). */
      step?: string;
      switched?: number;
      expected?: number;
      /** preflight: the devices that will switch, for verify to name those that did not. */
      devices?: { id: string; deviceName: string; user: string | null }[];
      /** preflight: counts of the tenant-level objects that move with the switch. */
      policies?: { terms: number; restrictions: number; dep: number; vpp: number };
    };

export interface LedgerState {
  /** Source key (CI unique id, `group:<collection>`) -> Intune object id, from done/reconciled. */
  created: Map<string, string>;
  /** Steps whose intent has no outcome yet: the request may or may not have happened. */
  unknown: Map<string, Extract<JournalEntry, { t: 'intent' }>>;
  /** Last failure per step, for reports. */
  failed: Map<string, Extract<JournalEntry, { t: 'failed' }>>;
  /** Lines that could not be read (a write cut off by a kill). */
  damagedLines: number[];
}

export class Journal {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    private readonly entryList: JournalEntry[],
    readonly damagedLines: number[],
  ) {}

  static open(path: string): Journal {
    const entries: JournalEntry[] = [];
    const damaged: number[] = [];
    if (existsSync(path)) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (line.trim() === '') return;
          try {
            entries.push(JSON.parse(line) as JournalEntry);
          } catch {
            // Only the last line can be torn (append-only); its request was never sent, since
            // requests leave only after their intent is synced.
            damaged.push(index + 1);
          }
        });
    }
    return new Journal(path, entries, damaged);
  }

  get entries(): readonly JournalEntry[] {
    return this.entryList;
  }

  /** Appends and syncs to disk before returning. */
  append(...entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    this.fd ??= openSync(this.path, 'a', 0o600);
    // A torn last line from a killed run must not glue onto the next entry.
    const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    writeSync(this.fd, this.needsNewline() ? '\n' + text : text);
    fsyncSync(this.fd);
    this.entryList.push(...entries);
  }

  private needsNewline(): boolean {
    if (this.checkedTail) return false;
    this.checkedTail = true;
    if (!existsSync(this.path)) return false;
    const text = readFileSync(this.path, 'utf8');
    return text.length > 0 && !text.endsWith('\n');
  }
  private checkedTail = false;

  state(): LedgerState {
    return deriveState(this.entryList, this.damagedLines);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export function deriveState(entries: readonly JournalEntry[], damagedLines: number[] = []): LedgerState {
  const state: LedgerState = { created: new Map(), unknown: new Map(), failed: new Map(), damagedLines };
  for (const e of entries) {
    switch (e.t) {
      case 'intent':
        state.unknown.set(e.step, e);
        break;
      case 'done':
        state.unknown.delete(e.step);
        state.failed.delete(e.step);
        if (e.intuneId) state.created.set(e.key, e.intuneId);
        break;
      case 'reconciled':
        // The step's latest outcome: an earlier run's failure no longer describes it.
        state.unknown.delete(e.step);
        state.failed.delete(e.step);
        if (e.intuneId) state.created.set(e.key, e.intuneId);
        break;
      case 'failed':
        state.unknown.delete(e.step);
        state.failed.set(e.step, e);
        break;
    }
  }
  return state;
}

/** `contoso.migration.json` -> `contoso.migration.ledger`, beside the plan. */
export function ledgerPathFor(planFile: string): string {
  return planFile.replace(/\.json$/i, '') + '.ledger';
}
