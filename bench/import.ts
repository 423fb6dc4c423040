// Phase 1 figures, on one generated site, in one run:
//
// The site: the Contoso sample (over TDS) with every configuration item cloned CLONES times (new
// CI id, unique id, model name and name "… #k"; clones have no deployments, so they are plain
// creates). That is ten windows of writes: ~30 objects per copy.
//
// Both importers write to a sandbox throttled like Intune with a short window (100 writes per
// 5 s per app, `WINDOW`), every request delayed by LATENCY_MS as a real Graph write is, and our
// Graph port paced with the same limit.
// - import.writeRateRatio: how close our write rate comes to the limit: the fastest schedule the
//   limit allows (the first `limit` writes at once, then `limit` per window: the last write can
//   leave ceil((writes - limit) / limit) windows after the start) / our elapsed time. 1.0 = every
//   window used in full. Plain writes/elapsed would exceed 1 on a short run (the first window's
//   burst) and punish a run whose last window is only partly needed; this measures neither.
//   import.writesPerSecond and import.limitPerSecond give the raw rate too.
// - import.throttledShare: 429 answers / requests (inner $batch requests counted) while executing.
// - import.naiveSpeedup: wall time of a naive importer (below: one request per step in the same
//   order, no $batch, a fixed 5 s wait on 429) / ours, same steps, fresh sandbox, same settings.
// - reads.callsPer1000: HTTP requests (sandbox stats, inner $batch requests counted) that
//   readImportPicture makes per 1,000 objects it reads and pairs, against a tenant seeded with
//   READ_OBJECTS objects carrying their markers (no throttling, no latency).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeImport, proposeImport, readImportPicture } from '../src/core/phases/import';
import { fillIds } from '../src/core/placeholders';
import type { Step } from '../src/core/phases/steps';
import { defaultSeed, startSandboxTenant, type SandboxSeed, type SandboxTenant } from '../src/sandbox/tenant';
import { openSession, type MigrationSession } from '../src/core/session';
import type { SiteModel } from '../src/core/site/model';
import { markerFor } from '../src/core/translate';
import { startTdsTestServer } from '../src/sandbox/site/tds';

const WINDOW = { limit: 100, windowMs: 5_000 };
// A Graph write to Intune typically answers in a few hundred ms; 200 ms is on the fast side.
const LATENCY_MS = 200;
// ~1,000 writes: ten windows after the first, so the partly filled last window weighs little.
const CLONES = 32;
const READ_CLONES = 36;
const NAIVE_WAIT_MS = 5_000;

export async function benchImport(): Promise<Record<string, number>> {
  const site = await startTdsTestServer({ fixtureFiles: [join(__dirname, '../src/sandbox/site/contoso/contoso.sql')], log: () => {} });
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-bench-import-'));
  writeFileSync(join(dir, 'ca.pem'), site.caPem);
  const open: { close(): Promise<unknown> }[] = [];
  try {
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
    const sessionOn = async (
      sandbox: SandboxTenant,
      name: string,
      clones: number,
      pacing = { writes: WINDOW },
    ): Promise<MigrationSession> => {
      const session = await openSession(planFor(sandbox, name), { use: 'import', password: site.password, pacing });
      open.push(session);
      const real = session.site;
      const model = enlarge(await real.read(), clones);
      session.site = { origin: real.origin, read: async () => model, close: () => real.close() };
      return session;
    };
    const throttle = { writesPerWindow: WINDOW.limit, windowMs: WINDOW.windowMs };

    // Ours.
    const ours = await startSandboxTenant({ throttle });
    open.push(ours);
    const session = await sessionOn(ours, 'ours', CLONES);
    const read = await readImportPicture(session);
    const steps = await proposeImport(read, session.graph);
    const objects = steps.filter((s) => s.action === 'create').length;
    ours.faults.inject({ kind: 'latency', ms: LATENCY_MS });
    const before = ours.stats();
    let started = Date.now();
    const run = await executeImport(session, read, steps);
    const oursMs = Date.now() - started;
    const after = ours.stats();
    ours.faults.clear();
    if (run.failed + run.skipped > 0)
      throw new Error(`our import had ${run.failed} failed and ${run.skipped} skipped steps; the figures would be meaningless.`);
    const writes = after.writes - before.writes;

    // Naive, same steps, fresh sandbox.
    const naive = await startSandboxTenant({ throttle });
    open.push(naive);
    naive.faults.inject({ kind: 'latency', ms: LATENCY_MS });
    started = Date.now();
    await naiveImport(naive, steps, new Map(read.ids));
    const naiveMs = Date.now() - started;
    if (naive.stats().writes !== writes) throw new Error(`the naive importer wrote ${naive.stats().writes} times, ours ${writes}.`);

    // Reads against a tenant that already holds every object.
    const probe = await sessionOn(ours, 'probe', READ_CLONES);
    const seeded = seedWith((await readImportPicture(probe)).picture.items.filter((i) => i.translation.request).map((i) => i.translation));
    const full = await startSandboxTenant({ throttle: false, seed: seeded });
    open.push(full);
    const reader = await sessionOn(full, 'reads', READ_CLONES, { writes: WINDOW });
    const readsBefore = full.stats().requests;
    const picture = (await readImportPicture(reader)).picture;
    const calls = full.stats().requests - readsBefore;
    const paired = picture.items.filter((i) => i.counterpart).length;

    return {
      'import.objects': objects,
      'import.steps': steps.length,
      'import.writes': writes,
      'import.windowMs': WINDOW.windowMs,
      'import.limitPerWindow': WINDOW.limit,
      'import.latencyMs': LATENCY_MS,
      'import.elapsedMs': oursMs,
      'import.writeRateRatio': Number(((Math.ceil((writes - WINDOW.limit) / WINDOW.limit) * WINDOW.windowMs) / oursMs).toFixed(3)),
      'import.writesPerSecond': Number((writes / (oursMs / 1000)).toFixed(2)),
      'import.limitPerSecond': WINDOW.limit / (WINDOW.windowMs / 1000),
      'import.throttledShare': Number(((after.throttled - before.throttled) / Math.max(1, after.requests - before.requests)).toFixed(4)),
      'import.naiveElapsedMs': naiveMs,
      'import.naiveSpeedup': Number((naiveMs / oursMs).toFixed(2)),
      'reads.objects': paired,
      'reads.calls': calls,
      'reads.callsPer1000': Number(((calls / paired) * 1000).toFixed(1)),
    };
  } finally {
    for (const o of open.reverse()) await o.close().catch(() => {});
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
