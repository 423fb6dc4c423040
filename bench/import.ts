// Phase 1 figures, on one generated site, in one run:
//
// The site: the Contoso sample (over TDS) with every configuration item cloned CLONES times (new
// CI id, unique id, model name and name "… #k"; clones have no deployments, so they are plain
// creates). That is ten windows of writes: ~30 objects per copy.
//
// Both importers write to a sandbox throttled per service like Graph with a short window: Intune
// 100 writes per 5 s per app (`WINDOW`), Entra ID's limits on the same time scale (`DIRECTORY`),
// every request delayed by LATENCY_MS as a real Graph write is, and our Graph port paced with the
// same limits.
// - import.writeRateRatio: how close our Intune write rate comes to Intune's limit: the fastest
//   schedule the limit allows (the first `limit` writes at once, then `limit` per window: the last
//   write can leave ceil((writes - limit) / limit) windows after the start) / our elapsed time.
//   1.0 = every window used in full. Plain writes/elapsed would exceed 1 on a short run (the first
//   window's burst) and punish a run whose last window is only partly needed; this measures
//   neither. Only Intune's writes count: the groups and members go to Entra ID in parallel.
//   import.writesPerSecond and import.limitPerSecond give the raw rate too.
// - import.writeRateRatioBusy: the same, on a fresh sandbox, while a child process the bench
//   starts keeps every core busy (admins' machines are busy too).
// - import.throttledShare: 429 answers / requests (inner $batch requests counted) while executing.
// - import.naiveSpeedup: wall time of a naive importer (below: one request per step in the same
//   order, no $batch, a fixed 5 s wait on 429) / ours, same steps, fresh sandbox, same settings.
// - import.largeGroupRatio (benchLargeGroup): the wall time of an import that creates a group of
//   LARGE_GROUP members (the Contoso collection it creates first, grown to that size, its users in
//   the tenant) plus ~100 Intune objects / the wall time of the same import without those members,
//   i.e. what the Intune writes alone need at Intune's limit. 1.0 = the members cost nothing: they
//   are Entra ID's writes, paced in Entra ID's own windows, side by side with Intune's.
// - reads.callsPer1000: HTTP requests (sandbox stats, inner $batch requests counted) that
//   readImportPicture makes per 1,000 objects it reads and pairs, against a tenant seeded with
//   READ_OBJECTS objects carrying their markers (no throttling, no latency).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeImport, proposeImport, readImportPicture } from '../src/core/phases/import';
import { fillIds } from '../src/core/placeholders';
import type { Step } from '../src/core/phases/steps';
import { defaultSeed, startSandboxTenant, type SandboxSeed, type SandboxTenant } from '../src/sandbox/tenant';
import { openSession, type MigrationSession } from '../src/core/session';
import type { SiteModel } from '../src/core/site/model';
import { markerFor } from '../src/core/translate';
import { serviceOf, type PacingOptions } from '../src/core/tenant/pacer';
import { startTdsTestServer } from '../src/sandbox/site/tds';

const WINDOW = { limit: 100, windowMs: 5_000 };
// Entra ID's per app + tenant limits (3,000 writes per 150 s, 3,500 resource units per 10 s) on
// the same time scale as Intune's 20 s -> 5 s.
const SCALE = WINDOW.windowMs / 20_000;
const DIRECTORY = { writes: { limit: 3000, windowMs: 150_000 * SCALE }, units: { limit: 3500, windowMs: 10_000 * SCALE } };
const PACING: PacingOptions = {
  writes: WINDOW,
  directory: { writes: DIRECTORY.writes, reads: DIRECTORY.units },
};
const THROTTLE = {
  writesPerWindow: WINDOW.limit,
  windowMs: WINDOW.windowMs,
  directory: {
    writesPerWindow: DIRECTORY.writes.limit,
    writesWindowMs: DIRECTORY.writes.windowMs,
    unitsPerWindow: DIRECTORY.units.limit,
    unitsWindowMs: DIRECTORY.units.windowMs,
  },
};
const LARGE_GROUP = 10_000;
/** Copies of each Contoso configuration item in the large-group figure: ~100 Intune objects. */
const LARGE_GROUP_CLONES = 2;
// A Graph write to Intune typically answers in a few hundred ms; 200 ms is on the fast side.
const LATENCY_MS = 200;
// ~1,000 writes: ten windows after the first, so the partly filled last window weighs little.
const CLONES = 32;
const READ_CLONES = 36;
const NAIVE_WAIT_MS = 5_000;

/** The Contoso site over TDS, a scratch folder for plans, and sessions on it with the site model changed. */
interface BenchSite {
  sessionOn(
    sandbox: SandboxTenant,
    name: string,
    change: (model: SiteModel) => SiteModel,
    pacing?: PacingOptions,
  ): Promise<MigrationSession>;
  /** Closed (newest first) when the bench ends. */
  keep<T extends { close(): Promise<unknown> }>(x: T): T;
}

async function withBenchSite<T>(run: (site: BenchSite) => Promise<T>): Promise<T> {
  const site = await startTdsTestServer({ fixtureFiles: [join(__dirname, '../src/sandbox/site/contoso/contoso.sql')], log: () => {} });
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-bench-import-'));
  writeFileSync(join(dir, 'ca.pem'), site.caPem);
  const open: { close(): Promise<unknown> }[] = [];
  const keep = <X extends { close(): Promise<unknown> }>(x: X): X => (open.push(x), x);
  const planFor = (sandbox: SandboxTenant, name: string) => {
    const file = join(dir, `${name}.migration.json`);
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        name: `bench ${name}`,
        site: {
          source: 'sql',
          server: 'localhost',
          port: site.port,
          database: site.database,
          siteCode: 'P01',
          auth: { type: 'sql', user: site.user },
          encryption: { caFile: 'ca.pem' },
        },
        tenant: { sandbox: true, url: sandbox.url },
        subscriptionCollection: 'P0100014',
        import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
        groups: { createMissing: true },
        prepare: { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll' },
      }),
    );
    return file;
  };
  const sessionOn: BenchSite['sessionOn'] = async (sandbox, name, change, pacing = PACING) => {
    const session = keep(await openSession(planFor(sandbox, name), { use: 'import', password: site.password, pacing }));
    const real = session.site;
    const model = change(await real.read());
    session.site = { origin: real.origin, read: async () => model, close: () => real.close() };
    return session;
  };
  try {
    return await run({ sessionOn, keep });
  } finally {
    for (const o of open.reverse()) await o.close().catch(() => {});
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our import of the site `change` makes, on a fresh sandbox throttled per service, with LATENCY_MS on every request. */
async function timedImport(bench: BenchSite, name: string, change: (model: SiteModel) => SiteModel, seed?: SandboxSeed) {
  const sandbox = bench.keep(await startSandboxTenant({ throttle: THROTTLE, ...(seed ? { seed } : {}) }));
  const session = await bench.sessionOn(sandbox, name, change);
  const read = await readImportPicture(session);
  const steps = await proposeImport(read, session.graph);
  sandbox.faults.inject({ kind: 'latency', ms: LATENCY_MS });
  const before = sandbox.stats();
  const started = Date.now();
  const run = await executeImport(session, read, steps);
  const ms = Date.now() - started;
  const after = sandbox.stats();
  sandbox.faults.clear();
  if (run.failed + run.skipped > 0)
    throw new Error(`${name}: our import had ${run.failed} failed and ${run.skipped} skipped steps; the figures would be meaningless.`);
  const intuneWrites = steps.filter((step) => serviceOf(step.request.path) !== 'directory').length;
  return {
    read,
    steps,
    ms,
    writes: after.writes - before.writes,
    intuneWrites,
    throttled: after.throttled - before.throttled,
    requests: after.requests - before.requests,
  };
}

/** The fastest the limit allows for these Intune writes / the time taken (see the header). */
const rateRatio = (intuneWrites: number, ms: number) =>
  Number(((Math.ceil((intuneWrites - WINDOW.limit) / WINDOW.limit) * WINDOW.windowMs) / ms).toFixed(3));

/**
 * A child process that keeps every core busy until stopped: one worker thread per core, each
 * spinning. Its own process, so it competes with the bench for the cores as another program would.
 */
function burnCpu(): { stop(): void } {
  const code = `const { Worker } = require('node:worker_threads');
for (let i = 0; i < ${availableParallelism()}; i++) new Worker('for (;;) {}', { eval: true });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  return { stop: () => void child.kill('SIGKILL') };
}

export async function benchImport(): Promise<Record<string, number>> {
  return withBenchSite(async (bench) => {
    const grow = (model: SiteModel) => enlarge(model, CLONES);

    // Ours.
    const ours = await timedImport(bench, 'ours', grow);
    const objects = ours.steps.filter((s) => s.action === 'create').length;

    // Ours again, the cores busy with another process.
    const burner = burnCpu();
    let busy: Awaited<ReturnType<typeof timedImport>>;
    try {
      busy = await timedImport(bench, 'busy', grow);
    } finally {
      burner.stop();
    }

    // Naive, same steps, fresh sandbox.
    const naive = bench.keep(await startSandboxTenant({ throttle: THROTTLE }));
    naive.faults.inject({ kind: 'latency', ms: LATENCY_MS });
    const started = Date.now();
    await naiveImport(naive, ours.steps, new Map(ours.read.ids));
    const naiveMs = Date.now() - started;
    if (naive.stats().writes !== ours.writes)
      throw new Error(`the naive importer wrote ${naive.stats().writes} times, ours ${ours.writes}.`);

    // Reads against a tenant that already holds every object.
    const probeTenant = bench.keep(await startSandboxTenant({ throttle: false }));
    const probe = await bench.sessionOn(probeTenant, 'probe', (model) => enlarge(model, READ_CLONES));
    const seeded = seedWith((await readImportPicture(probe)).picture.items.filter((i) => i.translation.request).map((i) => i.translation));
    const full = bench.keep(await startSandboxTenant({ throttle: false, seed: seeded }));
    const reader = await bench.sessionOn(full, 'reads', (model) => enlarge(model, READ_CLONES));
    const readsBefore = full.stats().requests;
    const picture = (await readImportPicture(reader)).picture;
    const calls = full.stats().requests - readsBefore;
    const paired = picture.items.filter((i) => i.counterpart).length;

    return {
      'import.objects': objects,
      'import.steps': ours.steps.length,
      'import.writes': ours.writes,
      'import.intuneWrites': ours.intuneWrites,
      'import.windowMs': WINDOW.windowMs,
      'import.limitPerWindow': WINDOW.limit,
      'import.latencyMs': LATENCY_MS,
      'import.elapsedMs': ours.ms,
      'import.writeRateRatio': rateRatio(ours.intuneWrites, ours.ms),
      'import.busyElapsedMs': busy.ms,
      'import.writeRateRatioBusy': rateRatio(busy.intuneWrites, busy.ms),
      'import.busyCores': availableParallelism(),
      'import.writesPerSecond': Number((ours.intuneWrites / (ours.ms / 1000)).toFixed(2)),
      'import.limitPerSecond': WINDOW.limit / (WINDOW.windowMs / 1000),
      'import.throttledShare': Number((ours.throttled / Math.max(1, ours.requests)).toFixed(4)),
      'import.naiveElapsedMs': naiveMs,
      'import.naiveSpeedup': Number((naiveMs / ours.ms).toFixed(2)),
      'reads.objects': paired,
      'reads.calls': calls,
      'reads.callsPer1000': Number(((calls / paired) * 1000).toFixed(1)),
    };
  });
}

export async function benchLargeGroup(): Promise<Record<string, number>> {
  return withBenchSite(async (bench) => {
    const grow = (model: SiteModel) => enlarge(model, LARGE_GROUP_CLONES);
    // Without the large group first: which collection the import creates a group for, and the baseline.
    const alone = await timedImport(bench, 'intune-alone', grow);
    const created = alone.steps.find((s) => s.action === 'createGroup');
    if (!created) throw new Error('the Contoso import creates no group; the large-group figure needs one.');
    const collectionId = created.id.slice('group:'.length);
    const users = Array.from({ length: LARGE_GROUP }, (_, i) => ({
      resourceId: 90_000_000 + i,
      upn: `bench.member${i}@contoso.com`,
    }));
    const withMembers = (model: SiteModel): SiteModel => {
      const grown = grow(model);
      return {
        ...grown,
        users: [
          ...grown.users,
          ...users.map((u) => ({
            resourceId: u.resourceId,
            uniqueName: `CONTOSO\\${u.upn.split('@')[0]}`,
            domain: 'CONTOSO',
            fullName: u.upn,
            upn: u.upn,
            mail: u.upn,
            sid: null,
            groupNames: [],
          })),
        ],
        collections: grown.collections.map((c) =>
          c.id === collectionId
            ? {
                ...c,
                memberCount: c.memberCount + LARGE_GROUP,
                memberResourceIds: [...c.memberResourceIds, ...users.map((u) => u.resourceId)],
              }
            : c,
        ),
      };
    };
    const seed = structuredClone(defaultSeed());
    seed.users = [
      ...(seed.users ?? []),
      ...users.map((u, i) => ({
        id: `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        displayName: u.upn,
        userPrincipalName: u.upn,
        accountEnabled: true,
      })),
    ];
    const large = await timedImport(bench, 'large-group', withMembers, seed);
    const members = large.steps.filter((s) => s.action === 'addMembers').length;
    if (members * 20 < LARGE_GROUP) throw new Error(`only ${members} member requests for ${LARGE_GROUP} members: the group did not grow.`);
    return {
      'import.largeGroupMembers': LARGE_GROUP,
      'import.largeGroupMemberWrites': members,
      'import.largeGroupIntuneObjects': large.steps.filter((s) => s.action === 'create').length,
      'import.largeGroupIntuneWrites': large.intuneWrites,
      'import.largeGroupElapsedMs': large.ms,
      'import.largeGroupIntuneAloneMs': alone.ms,
      'import.largeGroupRatio': Number((large.ms / alone.ms).toFixed(3)),
      'import.largeGroupThrottled': large.throttled,
    };
  });
}

/** The site with every configuration item cloned `clones` times (no deployments: plain creates). */
function enlarge(model: SiteModel, clones: number): SiteModel {
  const extra = [];
  for (let k = 1; k <= clones; k++) {
    for (const ci of model.configurationItems) {
      const guid = (g: string) =>
        `${g.slice(0, 24)}${(k * 7919 + parseInt(g.slice(24, 36), 16)).toString(16).padStart(12, '0').slice(-12)}`;
      const swap = (s: string) =>
        s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?!.*[0-9a-f]{8}-[0-9a-f]{4}-)/i, guid);
      extra.push({
        ...ci,
        ciId: ci.ciId + k * 1_000_000,
        uniqueId: swap(ci.uniqueId),
        modelName: ci.modelName ? swap(ci.modelName) : ci.modelName,
        name: `${ci.name} #${k}`,
      });
    }
  }
  return { ...model, configurationItems: [...model.configurationItems, ...extra] };
}

/** The Contoso seed plus one object per translation, each with its marker, as a finished import leaves them. */
function seedWith(
  translations: { key: string; source: { name: string }; request?: { resource: string; odataType: string } }[],
): SandboxSeed {
  const seed = structuredClone(defaultSeed()) as SandboxSeed & Record<string, Partial<Record<string, unknown>>[]>;
  for (const t of translations) {
    const list = (seed[t.request!.resource] ??= []);
    list.push({
      '@odata.type': t.request!.odataType,
      displayName: t.source.name,
      description: `Imported from ConfigMgr by cm2intune. ${markerFor(t.key)}`,
    });
  }
  return seed;
}

/** One request per step, in order, no $batch, no pacing: on 429 wait a fixed 5 s and send it again. */
async function naiveImport(tenant: SandboxTenant, steps: Step[], ids: Map<string, string>): Promise<void> {
  for (const step of steps) {
    for (;;) {
      const res = await fetch(`${tenant.url}/${step.request.version}${fillIds(step.request.path, ids) as string}`, {
        method: step.request.method,
        headers: { Authorization: 'Bearer naive-importer', 'Content-Type': 'application/json' },
        body: JSON.stringify(fillIds(step.request.body, ids)),
      });
      const text = await res.text();
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, NAIVE_WAIT_MS));
        continue;
      }
      if (!res.ok) throw new Error(`naive importer: ${step.title}: HTTP ${res.status} ${text.slice(0, 300)}`);
      if (step.action === 'create' || step.action === 'createGroup') ids.set(step.key, (JSON.parse(text) as { id: string }).id);
      break;
    }
  }
}
