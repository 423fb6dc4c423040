// Benchmark: read the large generated site (100k users, 10k CIs) through the TDS test server.
// Not part of any test. The site is generated once into .bench/ (git-ignored).
//
// The server runs in a child process (bench/site-server.ts): sql.js holds the whole site (over
// 1 GB), which must not count as the reader's memory. siteRead.peakRssMb is this process's RSS
// (the reader) sampled during the read; siteRead.baseRssMb is its RSS just before.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { openSiteSource } from '../src/core/site';

const USERS = 100_000;
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
async function startServer(sqlFile: string): Promise<{ child: Child; ready: Ready; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'site-server.ts'), sqlFile], {
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

export async function benchSiteRead(): Promise<Record<string, number>> {
  const sqlFile = resolve(__dirname, '../.bench/site-large.sql');
  const { child, ready, lines } = await startServer(sqlFile);
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
    try {
      const start = process.hrtime.bigint();
      const model = await source.read();
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      peak = Math.max(peak, process.memoryUsage().rss);
      if (model.users.length !== USERS) throw new Error(`bench site has ${model.users.length} users, expected ${USERS}`);
      const cis =
        model.configurationItems.length + model.baselines.length + model.applications.reduce((n, a) => n + 1 + a.deploymentTypes.length, 0);
      if (cis < CIS) throw new Error(`bench site has ${cis} configuration items, expected at least ${CIS}`);
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
      'siteRead.serverLoadSeconds': ready.loadSeconds,
      ...(ready.generateSeconds ? { 'siteRead.generateSeconds': ready.generateSeconds } : {}),
      ...(serverPeak ? { 'siteRead.serverPeakRssMb': serverPeak } : {}),
    };
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchSiteRead().then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
