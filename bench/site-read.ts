// Benchmark: read the large generated site (100k users, 10k CIs, 2k collections) through the TDS
// test server, and the same site at 20k and 50k users, to show how time and memory grow. Not part
// of any test. The sites are generated once into .bench/ (git-ignored). Each size is read in a
// fresh process (this file run as a script), so one read's memory does not weigh on the next.
// Targets (issue 16): siteRead.seconds <= 10 and siteRead.peakRssMb <= 400 at 100k users.
//
// The server runs in a child process (bench/site-server.ts): sql.js holds the whole site (over
// 1 GB), which must not count as the reader's memory. siteRead.peakRssMb is this process's RSS
// (the reader) sampled during the read; siteRead.baseRssMb is its RSS just before.
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { analyseImport, type ImportSources } from '../src/core/phases/import';
import type { MigrationPlan } from '../src/core/plan/types';
import { openSiteSource } from '../src/core/site';
import type { SiteModel } from '../src/core/site/model';
import { parseSiteObjects } from '../src/core/site/sdm';
import { worldPlan } from '../src/sandbox/site/contoso/plan';

const CIS = 10_000;
const SERVER_READY_MS = 5 * 60_000;
const mb = (bytes: number) => Math.round(bytes / 1048576);

interface Ready {
  port: number;
  user: string;
  password: string;
  database: string;
  caPem: string;
  generateSeconds: number;
  loadSeconds: number;
  rssMb: number;
}
type Child = ChildProcessByStdio<Writable, Readable, null>;

/** Starts bench/site-server.ts and waits for its first line (the connection details). */
async function startServer(sqlFile: string, users: number): Promise<{ child: Child; ready: Ready; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'site-server.ts'), sqlFile, String(users)], {
    cwd: resolve(__dirname, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  try {
    // Settling (never rejecting) so that the losers of the race leave no unhandled rejection behind.
    const first = await Promise.race([
      lines.next(),
      new Promise<string>((settle) =>
        child.once('exit', (code, signal) =>
          settle(`the site server exited (${signal ?? code}) before it was ready; see its messages above`),
        ),
      ),
      new Promise<string>((settle) => {
        timer = setTimeout(() => settle(`the site server was not ready within ${SERVER_READY_MS / 1000} s`), SERVER_READY_MS);
      }),
    ]);
    if (typeof first === 'string') throw new Error(first);
    if (first.done) throw new Error('the site server closed its output before it was ready');
    return { child, ready: JSON.parse(first.value) as Ready, lines };
  } catch (error) {
    await stopServer(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Closing stdin asks the child to stop; it is killed if it has not exited within 10 s. */
async function stopServer(child: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin.end();
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(kill);
}

/**
 * picture.buildMs (target <= 1 s): the picture built again from cached reads, as the tree and the
 * dashboard do after a plan edit, over the 100k-user site with an empty tenant (every object then
 * gets its verdict, every collection its group mapping). Median of 3.
 */
function pictureBuildMs(model: SiteModel): number {
  const sources: ImportSources = {
    model,
    parsed: parseSiteObjects(model),
    tenantObjects: [],
    groups: [],
    looked: { names: new Set(), ids: new Set() },
  };
  const plan = { ...worldPlan(), subscriptionCollection: 'SMS00002' } as unknown as MigrationPlan;
  const journal = {
    state: () => ({ created: new Map<string, string>(), unknown: new Map(), failed: new Map(), damagedLines: [] }),
    append: () => {},
  };
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    const read = analyseImport(sources, { plan, readOnly: true, journal });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (read.picture.items.length === 0) throw new Error('the bench picture is empty');
  }
  return Number(times.sort((a, b) => a - b)[1].toFixed(1));
}

/** One read of the site with `users` users, in this process. */
async function readOnce(users: number, withPicture: boolean): Promise<Record<string, number>> {
  // v2: 2k collections (the sites before had 20).
  const sqlFile = resolve(__dirname, `../.bench/site-${users}-users-v2.sql`);
  const { child, ready, lines } = await startServer(sqlFile, users);
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-bench-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), ready.caPem);
    const source = openSiteSource(
      {
        source: 'sql',
        server: 'localhost',
        port: ready.port,
        database: ready.database,
        siteCode: 'P01',
        auth: { type: 'sql', user: ready.user },
        encryption: { caFile: 'ca.pem' },
        requestTimeoutSeconds: 600,
      },
      { planDir: dir, password: ready.password },
    );
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let seconds: number;
    let pictureMs: number;
    try {
      const start = process.hrtime.bigint();
      const model = await source.read();
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      peak = Math.max(peak, process.memoryUsage().rss);
      if (model.users.length !== users) throw new Error(`bench site has ${model.users.length} users, expected ${users}`);
      if (model.collections.length < 2_000) throw new Error(`bench site has ${model.collections.length} collections, expected 2,000`);
      const cis =
        model.configurationItems.length + model.baselines.length + model.applications.reduce((n, a) => n + 1 + a.deploymentTypes.length, 0);
      if (cis < CIS) throw new Error(`bench site has ${cis} configuration items, expected at least ${CIS}`);
      pictureMs = withPicture ? pictureBuildMs(model) : 0;
    } finally {
      clearInterval(sampler);
      await source.close();
    }
    await stopServer(child);
    const last = await lines.next();
    const serverPeak = last.done ? undefined : (JSON.parse(last.value) as { peakRssMb?: number }).peakRssMb;
    return {
      'siteRead.seconds': Number(seconds.toFixed(2)),
      'siteRead.peakRssMb': mb(peak),
      'siteRead.baseRssMb': mb(base),
      ...(withPicture ? { 'picture.buildMs': pictureMs } : {}),
      'siteRead.serverLoadSeconds': ready.loadSeconds,
      ...(ready.generateSeconds ? { 'siteRead.generateSeconds': ready.generateSeconds } : {}),
      ...(serverPeak ? { 'siteRead.serverPeakRssMb': serverPeak } : {}),
    };
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const SIZES = [20_000, 50_000, 100_000];

/**
 * siteRead.* at 100k users; siteRead.<n>k.* at the smaller sizes; siteRead.predicted500k.* a
 * straight line through the 50k and 100k figures (reads are linear in rows: what it predicts, not a
 * measurement).
 */
export async function benchSiteRead(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const at: Record<number, { seconds: number; peak: number }> = {};
  for (const users of SIZES) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, String(users)], {
      cwd: resolve(__dirname, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`reading the ${users}-user site failed (exit ${child.status})`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, number>;
    at[users] = { seconds: result['siteRead.seconds'], peak: result['siteRead.peakRssMb'] };
    const prefix = users === 100_000 ? 'siteRead' : `siteRead.${users / 1000}k`;
    for (const [key, value] of Object.entries(result)) figures[key.replace(/^siteRead/, prefix)] = value;
  }
  const slope = (k: 'seconds' | 'peak') => (at[100_000][k] - at[50_000][k]) / 50_000;
  figures['siteRead.predicted500k.seconds'] = Number((at[100_000].seconds + slope('seconds') * 400_000).toFixed(1));
  figures['siteRead.predicted500k.peakRssMb'] = Math.round(at[100_000].peak + slope('peak') * 400_000);
  return figures;
}

// Run as a script: one read, its figures as one JSON line (the picture only at 100k users).
if (require.main === module) {
  const users = Number(process.argv[2] ?? 100_000);
  readOnce(users, users === 100_000).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
