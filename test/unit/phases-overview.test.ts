// Phases 2 and 3 as the editor shows them: the picture store reads them once per plan (a tree
// expand or the dashboard never reads again), keeps a part that failed as its message, and the
// overview turns the reads into readiness per wave and each wave's devices over time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorityStanding,
  migrationStages,
  phasesOverview,
  readinessPerWave,
  type AuthorityRead,
  type PhasesRead,
} from '../../src/core/phases/overview';
import { guideState, type AuthoritySources, type AuthorityVerification } from '../../src/core/phases/authority';
import { PictureStore, type PhaseReader } from '../../src/core/phases/picture-store';
import type { PrepareSources, PrepareSubject, Readiness, ReadinessCheck } from '../../src/core/phases/prepare';
import type { WaveJournalEntry, WaveRead } from '../../src/core/phases/waves-read';
import type { WaveVerification } from '../../src/core/phases/waves';
import type { MigrationPlan } from '../../src/core/plan/types';
import { CONTOSO_PLAN, fakeSession, fakeTenant } from '../support/fake-session';

const PLAN: MigrationPlan = {
  ...CONTOSO_PLAN,
  subscriptionCollection: 'P0100014',
  waves: [
    { name: 'Pilot', users: ['zoe.oconnor@contoso.com', 'sean.obrien@contoso.com'] },
    { name: 'Sales Europe', users: ['bjorn.fernandez@contoso.com'] },
  ],
};

const check = (id: ReadinessCheck['id'], state: ReadinessCheck['state']): ReadinessCheck => ({
  id,
  title: id,
  state,
  summary: `${id} is ${state}`,
  evidence: [],
  fixSteps: [],
});

const readiness = (states: ReadinessCheck['state'][], wave?: string): Readiness => {
  const checks = states.map((s, i) => check((['tenant', 'licences', 'groups', 'terms'] as const)[i], s));
  return { wave, checks, steps: [], blocking: checks.filter((c) => c.state === 'blocking').length };
};

const verification = (wave: string, state: WaveVerification['state'], moved: number, expected: number): WaveVerification => ({
  wave,
  state,
  site: { subscriptionCollectionId: 'P0100014', waveCollectionId: 'P0100100', excludeRule: true, stillInSubscription: [], applied: true },
  devices: [],
  expected,
  moved,
  summary: `Wave "${wave}": ${moved} of ${expected}`,
});

const waveRead = (v: WaveVerification) => ({ wave: { name: v.wave, users: [] }, preflight: {}, verification: v }) as unknown as WaveRead;

const verifyEvent = (wave: string, at: string, moved: number, expected: number): WaveJournalEntry => ({
  t: 'wave',
  wave,
  event: 'verify',
  at,
  moved,
  expected,
});

/** A store whose phase reader counts what it reads; `fail` makes a read throw its message; `authority` is the tenant's. */
function storeWith(fail: { readiness?: string; wave?: string; authority?: string } = {}, authority = 'sccm') {
  const { graph, reads } = fakeTenant([]);
  const counts = { sessions: 0, prepare: 0, waves: [] as string[], authority: 0, verifications: 0 };
  const reader: PhaseReader = {
    readPrepareSources: async () => {
      counts.prepare++;
      if (fail.readiness) throw new Error(fail.readiness);
      const subjects: PrepareSubject[] = [
        { label: 'zoe.oconnor@contoso.com', sid: null, upn: 'zoe.oconnor@contoso.com', from: ['wave "Pilot"'] },
        { label: 'bjorn.fernandez@contoso.com', sid: null, upn: 'bjorn.fernandez@contoso.com', from: ['wave "Sales Europe"'] },
        { label: 'CONTOSO\\kim', sid: null, upn: null, from: ['subscription collection P0100014'] },
      ];
      return { subjects } as PrepareSources;
    },
    // Blocking while any subject in scope has no UPN: so scoping by wave shows in the states.
    assessReadiness: (sources, _plan, options = {}) =>
      readiness(['ok', sources.subjects.some((s) => !s.upn) ? 'blocking' : 'ok', 'warning'], options.wave),
    readWave: async (_session, name) => {
      counts.waves.push(name);
      if (fail.wave === name) throw new Error(`The subscription collection P0100014 is not on the site (wave ${name})`);
      return waveRead(verification(name, 'moving', 1, 3));
    },
    waveStatus: (read) => ({ status: 'devices moving', line: `applied on the site, devices ${read.verification.moved} of 3 in Intune` }),
    readinessPerWave,
    readAuthoritySources: async () => {
      counts.authority++;
      if (fail.authority) throw new Error(fail.authority);
      return { authority, tenantName: 'Contoso' } as AuthoritySources;
    },
    preflightAuthority: () => ({
      checks: [],
      blocking: 1,
      ready: false,
      switching: [],
      notMigrating: [],
      policies: { terms: 1, restrictions: 1, dep: 1, vpp: 1 },
    }),
    guideState,
    authorityEvents: () => [{ t: 'authority', event: 'step', step: 'preflight', at: '2026-11-30T10:00:00Z' }],
    readAuthorityVerification: async () => {
      counts.verifications++;
      return {
        state: 'switching',
        authority,
        expected: 4,
        switched: 1,
        devices: [],
        policies: [],
        headline: 'Switching',
      };
    },
    waveEvents: (_journal, wave) => (wave === 'Pilot' ? [verifyEvent('Pilot', '2026-11-30T10:00:00Z', 0, 3)] : []),
  };
  const store = new PictureStore(
    async (_key, work) => {
      counts.sessions++;
      return work(fakeSession(PLAN, graph, reads));
    },
    () => import('../../src/core/phases/import'),
    async () => reader,
  );
  return { store, counts };
}

const KEY = 'file:///plans/contoso.migration.json';

describe('PictureStore.phases', () => {
  it('reads readiness and every wave in one session, once: asking again reads nothing', async () => {
    const { store, counts } = storeWith();
    const first = await store.phases(KEY, PLAN);
    assert.ok(first.readiness.ok);
    assert.deepEqual(
      first.waves.map((w) => [w.name, w.status?.status]),
      [
        ['Pilot', 'devices moving'],
        ['Sales Europe', 'devices moving'],
      ],
    );
    await store.phases(KEY, PLAN);
    await Promise.all([store.phases(KEY, PLAN), store.phases(KEY, PLAN)]);
    assert.deepEqual([counts.sessions, counts.prepare, counts.waves], [1, 1, ['Pilot', 'Sales Europe']]);
  });

  it('reads again after refresh() and after an edit of the plan, not for another caller of the same plan', async () => {
    const { store, counts } = storeWith();
    await store.phases(KEY, PLAN);
    store.refresh(KEY);
    await store.phases(KEY, PLAN);
    assert.equal(counts.prepare, 2, 'refresh');
    await store.phases(KEY, { ...PLAN, waves: [PLAN.waves![0]] });
    assert.equal(counts.prepare, 3, 'a wave left out of the plan');
    store.refresh(); // every plan
    await store.phases(KEY, { ...PLAN, waves: [PLAN.waves![0]] });
    assert.equal(counts.prepare, 4);
  });

  it('a readiness that cannot be read and a wave that cannot be read are kept as their messages; the other wave still shows', async () => {
    const { store } = storeWith({ readiness: 'Graph answered 403 to GET /subscribedSkus', wave: 'Pilot' });
    const read = await store.phases(KEY, PLAN);
    assert.deepEqual(read.readiness, { ok: false, error: 'Graph answered 403 to GET /subscribedSkus' });
    assert.deepEqual(read.readinessByWave, []);
    const [pilot, sales] = read.waves;
    assert.deepEqual(pilot.read, { ok: false, error: 'The subscription collection P0100014 is not on the site (wave Pilot)' });
    assert.equal(pilot.status, undefined);
    assert.ok(sales.read.ok, 'the second wave is read all the same');
  });

  it('phase 4 is read in the same session, read-only: the checklist from the journal; the verification only once the tenant is not hybrid', async () => {
    const hybrid = storeWith();
    const read = await hybrid.store.phases(KEY, PLAN);
    assert.ok(read.authority?.ok, JSON.stringify(read.authority));
    assert.equal(read.authority.value.tenantName, 'Contoso');
    assert.deepEqual(
      read.authority.value.guide.steps.map((s) => [s.id, s.done]),
      [
        ['preflight', true],
        ['before-switch', false],
        ['open-wizard', false],
        ['choose-change', false],
        ['sign-in-finish', false],
      ],
    );
    assert.equal(read.authority.value.verification, undefined);
    assert.deepEqual([hybrid.counts.sessions, hybrid.counts.authority, hybrid.counts.verifications], [1, 1, 0]);
    const switched = storeWith({}, 'intune');
    const after = await switched.store.phases(KEY, PLAN);
    assert.ok(after.authority?.ok, JSON.stringify(after.authority));
    assert.equal(after.authority.value.verification?.state, 'switching');
    assert.equal(switched.counts.verifications, 1);
  });

  it('phase 4 that cannot be read is kept as its message; the rest still shows', async () => {
    const { store } = storeWith({ authority: 'v_Site has no row for site P01' });
    const read = await store.phases(KEY, PLAN);
    assert.deepEqual(read.authority, { ok: false, error: 'v_Site has no row for site P01' });
    assert.ok(read.readiness.ok, JSON.stringify(read.readiness));
    assert.equal(read.waves.length, 2);
  });

  it('a store made without phases 2 and 3 says so instead of reading', async () => {
    const store = new PictureStore(
      async () => assert.fail('no session'),
      () => import('../../src/core/phases/import'),
    );
    await assert.rejects(store.phases(KEY, PLAN), /without phases 2 and 3/);
  });
});

describe('readinessPerWave', () => {
  it("scopes each wave's checks to that wave's users, in the plan's order", () => {
    const seen: [string | undefined, string[]][] = [];
    const subjects: PrepareSubject[] = [
      {
        label: 'zoe.oconnor@contoso.com',
        sid: null,
        upn: 'zoe.oconnor@contoso.com',
        from: ['subscription collection P0100014', 'wave "Pilot"'],
      },
      { label: 'sean.obrien@contoso.com', sid: null, upn: 'sean.obrien@contoso.com', from: ['wave "Pilot"'] },
      { label: 'bjorn.fernandez@contoso.com', sid: null, upn: null, from: ['wave "Sales Europe"'] },
      { label: 'CONTOSO\\kim', sid: null, upn: null, from: ['subscription collection P0100014'] },
    ];
    const result = readinessPerWave({ subjects } as PrepareSources, PLAN, (sources, _plan, options) => {
      seen.push([options.wave, sources.subjects.map((s) => `${s.label} (${s.from.join('; ')})`)]);
      return readiness([sources.subjects.some((s) => !s.upn) ? 'blocking' : 'ok'], options.wave);
    });
    assert.deepEqual(seen, [
      ['Pilot', ['zoe.oconnor@contoso.com (wave "Pilot")', 'sean.obrien@contoso.com (wave "Pilot")']],
      ['Sales Europe', ['bjorn.fernandez@contoso.com (wave "Sales Europe")']],
    ]);
    assert.deepEqual(
      result.map((r) => [r.wave, r.readiness.blocking]),
      [
        ['Pilot', 0],
        ['Sales Europe', 1],
      ],
    );
  });
});

describe('phasesOverview', () => {
  const NOW = '2026-11-30T12:00:00.000Z';
  const read = (waves: PhasesRead['waves']): PhasesRead => ({
    readiness: { ok: true, value: readiness(['ok', 'blocking', 'warning']) },
    readinessByWave: [
      { wave: 'Pilot', readiness: readiness(['ok', 'ok', 'warning'], 'Pilot') },
      { wave: 'Sales Europe', readiness: readiness(['ok', 'blocking', 'blocking'], 'Sales Europe') },
    ],
    waves,
  });

  it('counts readiness per wave and draws the devices over time from the journal, then now', () => {
    const overview = phasesOverview(
      read([
        {
          name: 'Pilot',
          read: { ok: true, value: waveRead(verification('Pilot', 'moving', 2, 3)) },
          status: { status: 'devices moving', line: 'applied on the site, devices 2 of 3 in Intune' },
          // out of order on purpose: a journal merged from two machines
          events: [
            verifyEvent('Pilot', '2026-11-30T11:00:00Z', 1, 3),
            verifyEvent('Pilot', '2026-11-30T10:00:00Z', 0, 3),
            { t: 'wave', wave: 'Pilot', event: 'runbook', at: '2026-11-30T09:00:00Z' },
          ],
        },
        { name: 'Sales Europe', read: { ok: false, error: 'The plan has no wave "Sales Europe"' }, events: [] },
      ]),
      NOW,
    );
    assert.deepEqual(overview.readiness, {
      counts: { ok: 1, warning: 1, blocking: 1 },
      ready: false,
      // The dashboard's checklist: each check, its state and whether "Fix readiness" can fix it.
      checks: [
        { id: 'tenant', title: 'tenant', state: 'ok', summary: 'tenant is ok', fixable: false },
        { id: 'licences', title: 'licences', state: 'blocking', summary: 'licences is blocking', fixable: false },
        { id: 'groups', title: 'groups', state: 'warning', summary: 'groups is warning', fixable: false },
      ],
    });
    const [pilot, sales] = overview.waves;
    assert.deepEqual(pilot.readiness, { ok: 2, warning: 1, blocking: 0 });
    assert.equal(pilot.status, 'applied on the site, devices 2 of 3 in Intune');
    assert.deepEqual(pilot.series, [
      { at: '2026-11-30T10:00:00Z', moved: 0, expected: 3 },
      { at: '2026-11-30T11:00:00Z', moved: 1, expected: 3 },
      { at: NOW, moved: 2, expected: 3 },
    ]);
    assert.deepEqual(sales.readiness, { ok: 1, warning: 0, blocking: 2 });
    assert.equal(sales.status, 'The plan has no wave "Sales Europe"', 'a wave that could not be read says why');
    assert.deepEqual(sales.series, []);
  });

  it('adds no point for a planned wave, nor one the last verification already shows', () => {
    const overview = phasesOverview(
      read([
        {
          name: 'Pilot',
          read: { ok: true, value: waveRead(verification('Pilot', 'verified', 3, 3)) },
          events: [verifyEvent('Pilot', '2026-11-30T11:00:00Z', 3, 3)],
        },
        { name: 'Sales Europe', read: { ok: true, value: waveRead(verification('Sales Europe', 'planned', 0, 2)) }, events: [] },
      ]),
      NOW,
    );
    assert.deepEqual(overview.waves[0].series, [{ at: '2026-11-30T11:00:00Z', moved: 3, expected: 3 }]);
    assert.equal(overview.waves[0].status, 'Wave "Pilot": 3 of 3', 'without a status, the verification summary');
    assert.deepEqual(overview.waves[1].series, []);
  });

  it('a readiness that could not be read says why', () => {
    const overview = phasesOverview({ readiness: { ok: false, error: 'no licence read' }, readinessByWave: [], waves: [] }, NOW);
    assert.deepEqual(overview.readiness, { error: 'no licence read' });
  });
});

describe('migrationStages', () => {
  const objects = { selected: 42, imported: 36, importable: 0, partial: 0, drifted: 0, blocked: 6 };
  const ready = { counts: { ok: 7, warning: 1, blocking: 0 }, ready: true };
  const wave = (name: string, moved: number, expected: number, status: string) => ({ name, status, moved, expected, series: [] });

  it('stands at the first phase not done; a blocking check makes it blocked; later phases are to do', () => {
    const { stages, current } = migrationStages({
      objects,
      phases: { readiness: { counts: { ok: 5, warning: 1, blocking: 2 }, ready: false }, waves: [wave('Pilot', 0, 4, 'planned')] },
    });
    assert.deepEqual(
      stages.map((s) => [s.phase, s.standing]),
      [
        [1, 'done'],
        [2, 'blocked'],
        [3, 'todo'],
        [4, 'todo'],
      ],
    );
    assert.equal(current?.phase, 2);
    assert.equal(stages[0].summary, '36 of 42 selected object(s) in Intune, 6 to recreate by hand');
    assert.equal(stages[1].summary, '2 check(s) block the move');
    assert.equal(stages[3].summary, 'not checked yet');
  });

  it('objects left to import keep the migration in phase 1; a wave not verified keeps it in phase 3', () => {
    assert.equal(migrationStages({ objects: { ...objects, importable: 3 }, phases: { readiness: ready, waves: [] } }).current?.phase, 1);
    const three = migrationStages({
      objects,
      phases: {
        readiness: ready,
        waves: [
          wave('Pilot', 4, 4, 'verified (devices 4 of 4 in Intune)'),
          wave('Sales', 1, 3, 'applied on the site, devices 1 of 3 in Intune'),
        ],
      },
    });
    assert.equal(three.current?.phase, 3);
    assert.equal(three.current?.standing, 'current');
    assert.equal(three.stages[2].summary, '1 of 2 wave(s) verified');
    const none = migrationStages({ objects, phases: { readiness: ready, waves: [] } });
    assert.equal(none.current?.phase, 3, 'a plan without waves has not moved anyone');
    assert.equal(none.stages[2].summary, 'no waves in the plan yet');
  });

  it('phase 4 as its read says; every phase done: no current phase', () => {
    const phases = { readiness: ready, waves: [wave('Pilot', 4, 4, 'verified (devices 4 of 4 in Intune)')] };
    const blocked = migrationStages({
      objects,
      phases: { ...phases, authority: { done: false, blocked: true, summary: '1 finding blocks the switch' } },
    });
    assert.deepEqual(
      [blocked.current?.phase, blocked.current?.standing, blocked.current?.summary],
      [4, 'blocked', '1 finding blocks the switch'],
    );
    const done = migrationStages({
      objects,
      phases: { ...phases, authority: { done: true, blocked: false, summary: 'verified: authority intune' } },
    });
    assert.equal(done.current, undefined);
    assert.ok(done.stages.every((s) => s.standing === 'done'));
  });

  it('readiness that could not be read blocks phase 2 and says why', () => {
    const { current } = migrationStages({ objects, phases: { readiness: { error: 'Graph answered 403' }, waves: [] } });
    assert.deepEqual([current?.phase, current?.standing, current?.summary], [2, 'blocked', 'not read: Graph answered 403']);
  });
});

describe('authorityStanding', () => {
  const guide = guideState([{ t: 'authority', event: 'step', step: 'preflight', at: '2026-11-30T10:00:00Z' }], { tenantName: 'Contoso' });
  const preflight = (blocking: number) => ({
    checks: [],
    blocking,
    ready: blocking === 0,
    switching: [],
    notMigrating: [],
    policies: { terms: 0, restrictions: 0, dep: 0, vpp: 0 },
  });
  const verification = (state: AuthorityVerification['state'], switched: number) =>
    ({
      state,
      authority: state === 'removed' ? 'unknown' : 'intune',
      expected: 4,
      switched,
      devices: [],
      policies: [],
      headline: '',
    }) as AuthorityVerification;
  const read = (value: Partial<AuthorityRead>) => ({
    ok: true as const,
    value: { tenantName: 'Contoso', preflight: preflight(0), guide, ...value },
  });

  it('before the switch: blocked while the preflight blocks, with the checklist progress', () => {
    assert.deepEqual(authorityStanding(read({ preflight: preflight(2) })), {
      done: false,
      blocked: true,
      summary: '2 finding(s) block the switch; checklist 1 of 5 step(s) done',
    });
    assert.deepEqual(authorityStanding(read({})), {
      done: false,
      blocked: false,
      summary: 'nothing blocks the switch; checklist 1 of 5 step(s) done',
    });
  });

  it('after it: switching, verified (done), or removed, said loudly and blocking', () => {
    assert.deepEqual(authorityStanding(read({ verification: verification('switching', 1) })), {
      done: false,
      blocked: false,
      summary: 'switching: 1 of 4 device(s) switched',
    });
    assert.equal(authorityStanding(read({ verification: verification('verified', 4) })).done, true);
    const removed = authorityStanding(read({ verification: verification('removed', 0) }));
    assert.deepEqual([removed.done, removed.blocked, removed.summary], [false, true, 'THE SUBSCRIPTION WAS REMOVED, NOT SWITCHED']);
  });

  it('a phase 4 that could not be read blocks and says why', () => {
    assert.deepEqual(authorityStanding({ ok: false, error: 'no v_Site' }), { done: false, blocked: true, summary: 'not read: no v_Site' });
  });
});
