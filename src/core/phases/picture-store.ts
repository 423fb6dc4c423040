// The picture of a plan, read once and kept: the site and the tenant are read when a plan is first
// asked for (or after refresh), and an edit of the plan's selection or group map is analysed again
// over what was read. Only groups the edited plan newly names are looked up; a change of the
// plan's site or tenant reads everything again. The tree, the dashboard and the item commands
// share one store, so none of them reads on its own. (An import reads afresh in its own session:
// it must see the tenant as it is; afterwards the store is refreshed.)
import type { LedgerState } from '../ledger/journal';
import type { ImportRead, ImportSources } from './import';
import type * as importPhase from './import';
import type { MigrationPlan } from '../plan/types';
import type { MigrationSession } from '../session';
import type { ScopeUse } from '../tenant/scopes';
import type * as authorityPhase from './authority';
import type * as authorityReads from './authority-read';
import type * as preparePhase from './prepare';
import type * as wavesRead from './waves-read';
import type * as overview from './overview';
import type { PhasesRead, WavePhaseRead } from './overview';

/**
 * Runs `work` with an open, read-only session of the plan known by `key`; `use` names the Graph
 * permissions it reads with (phase 1's by default; phases 2 and 3 read with `status`'s).
 */
export type OpenSession = <T>(key: string, work: (session: MigrationSession) => Promise<T>, use?: ScopeUse) => Promise<T>;

interface Entry {
  /** The plan's site and tenant, as read: a change means reading again. */
  sourceConfig: string;
  sources: Promise<{ sources: ImportSources; ledger: LedgerState; tenant: TenantNames }>;
}

export interface TenantNames {
  tenantId: string;
  tenantLabel: string;
}

export interface StoredPicture extends ImportRead, TenantNames {}

/** What the store runs of phase 1, given in so that a face can load phase 1 on first use. */
export type PictureReader = Pick<typeof importPhase, 'analyseImport' | 'missingPlanGroups' | 'readImportSources' | 'withPlanGroups'>;

/** What the store runs of phases 2 and 3, loaded on first use like phase 1. */
export type PhaseReader = Pick<typeof preparePhase, 'readPrepareSources' | 'assessReadiness'> &
  Pick<typeof wavesRead, 'readWave' | 'waveStatus' | 'waveEvents'> &
  Pick<typeof overview, 'readinessPerWave'> &
  Pick<typeof authorityReads, 'readAuthoritySources' | 'authorityEvents' | 'readAuthorityVerification'> &
  Pick<typeof authorityPhase, 'preflightAuthority' | 'guideState'>;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class PictureStore {
  private readonly entries = new Map<string, Entry>();
  /** Phases 2 and 3 as read for a plan (its whole text: waves and licences change what is read). */
  private readonly phaseEntries = new Map<string, { plan: string; read: Promise<PhasesRead> }>();
  private readonly listeners = new Set<(key: string | undefined) => void>();

  /** One load for every caller: concurrent calls then resume in the order they came. */
  private loaded?: Promise<PictureReader>;

  constructor(
    private readonly open: OpenSession,
    private readonly load: () => Promise<PictureReader>,
    private readonly loadPhases?: () => Promise<PhaseReader>,
  ) {}

  private reader(): Promise<PictureReader> {
    return (this.loaded ??= this.load());
  }

  /**
   * The picture of `plan` (as edited: it need not be saved). Reads site and tenant only when
   * nothing was read for `key` yet, after refresh(), or when the plan now names another site or
   * tenant.
   */
  async picture(key: string, plan: MigrationPlan, signal?: AbortSignal): Promise<StoredPicture> {
    const sourceConfig = JSON.stringify([plan.site, plan.tenant]);
    const { analyseImport, readImportSources } = await this.reader();
    let entry = this.entries.get(key);
    if (!entry || entry.sourceConfig !== sourceConfig) {
      entry = {
        sourceConfig,
        sources: this.open(key, async (session) => ({
          // The session reads what the saved plan names; the selection comes from `plan`.
          sources: await readImportSources({ ...session, plan }, signal),
          ledger: session.journal.state(),
          tenant: { tenantId: session.tenantId, tenantLabel: session.tenantLabel },
        })),
      };
      this.entries.set(key, entry);
    }
    const current = entry;
    let read: Awaited<Entry['sources']>;
    try {
      read = await current.sources;
      const sources = await this.withGroups(key, read.sources, plan, signal);
      if (sources !== read.sources) {
        // Kept, so the next edit that names the same group asks nothing.
        read = { ...read, sources };
        if (this.entries.get(key) === current) current.sources = Promise.resolve(read);
      }
    } catch (error) {
      // A failed read is not kept: the next call tries again.
      if (this.entries.get(key) === current) this.entries.delete(key);
      throw error;
    }
    const ledger = read.ledger;
    const picture = analyseImport(read.sources, {
      plan,
      readOnly: true,
      journal: {
        state: () => ledger,
        append: () => {
          throw new Error('a stored picture never writes the journal');
        },
      },
    });
    return { ...picture, ...read.tenant };
  }

  private async withGroups(key: string, sources: ImportSources, plan: MigrationPlan, signal?: AbortSignal): Promise<ImportSources> {
    const { missingPlanGroups, withPlanGroups } = await this.reader();
    const missing = missingPlanGroups(sources, plan);
    if (missing.names.length === 0 && missing.ids.length === 0) return sources; // no session at all
    return this.open(key, (session) => withPlanGroups(session.graph, sources, plan, signal));
  }

  /**
   * Phases 2 and 3 of `plan`: readiness (for everyone and per wave) and each wave's state, read in
   * one session and kept like the picture until refresh() or an edit of the plan. A part that
   * can't be read is kept as its message, so the tree shows it where the data would be.
   */
  async phases(key: string, plan: MigrationPlan, signal?: AbortSignal): Promise<PhasesRead> {
    if (!this.loadPhases) throw new Error('this picture store was made without phases 2 and 3');
    const text = JSON.stringify(plan);
    const known = this.phaseEntries.get(key);
    if (known?.plan === text) return known.read;
    const entry = { plan: text, read: this.readPhases(key, plan, signal) };
    this.phaseEntries.set(key, entry);
    entry.read.catch(() => this.phaseEntries.get(key) === entry && this.phaseEntries.delete(key));
    return entry.read;
  }

  private async readPhases(key: string, plan: MigrationPlan, signal?: AbortSignal): Promise<PhasesRead> {
    const phases = await this.loadPhases!();
    return this.open(
      key,
      async (opened) => {
        // The session reads what the saved plan names; waves and licences come from `plan`.
        const session = { ...opened, plan };
        let readiness: PhasesRead['readiness'];
        let readinessByWave: PhasesRead['readinessByWave'] = [];
        try {
          const sources = await phases.readPrepareSources(session, { signal });
          readiness = { ok: true, value: phases.assessReadiness(sources, plan) };
          readinessByWave = phases.readinessPerWave(sources, plan, phases.assessReadiness);
        } catch (error) {
          if (signal?.aborted) throw error;
          readiness = { ok: false, error: messageOf(error) };
        }
        const waves: WavePhaseRead[] = [];
        for (const wave of plan.waves ?? []) {
          const events = phases.waveEvents(session.journal, wave.name);
          try {
            const read = await phases.readWave(session, wave.name, signal);
            waves.push({ name: wave.name, read: { ok: true, value: read }, status: phases.waveStatus(read, events), events });
          } catch (error) {
            if (signal?.aborted) throw error;
            waves.push({ name: wave.name, read: { ok: false, error: messageOf(error) }, events });
          }
        }
        let authority: PhasesRead['authority'];
        try {
          // Read only: the preflight the guide and verify compare against is the commands' (recorded).
          const sources = await phases.readAuthoritySources(session, signal);
          const hybrid = sources.authority.toLowerCase() === 'sccm';
          authority = {
            ok: true,
            value: {
              tenantName: sources.tenantName,
              preflight: phases.preflightAuthority(sources, plan),
              guide: phases.guideState(phases.authorityEvents(session), { tenantName: sources.tenantName, admin: plan.authority?.admin }),
              verification: hybrid ? undefined : await phases.readAuthorityVerification(session, signal),
            },
          };
        } catch (error) {
          if (signal?.aborted) throw error;
          authority = { ok: false, error: messageOf(error) };
        }
        return { readiness, readinessByWave, waves, authority };
      },
      'status',
    );
  }

  /** Forgets what was read (for `key`, or every plan): the next picture() reads again. */
  refresh(key?: string): void {
    if (key === undefined) {
      this.entries.clear();
      this.phaseEntries.clear();
    } else {
      this.entries.delete(key);
      this.phaseEntries.delete(key);
    }
    for (const listener of this.listeners) listener(key);
  }

  /** Called after refresh(), with its key. */
  onDidRefresh(listener: (key: string | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
