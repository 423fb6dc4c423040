// Benchmark: read the large generated site (100k users, 10k CIs) through the TDS test server.
// Not part of any test. The site is generated once into .bench/ (git-ignored).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSiteSource } from '../src/core/site';
import { generateLargeSite } from '../test/fixtures/contoso/generate';

export async function benchSiteRead(): Promise<Record<string, number>> {
  const sqlFile = resolve(__dirname, '../.bench/site-large.sql');
  if (!existsSync(sqlFile)) await generateLargeSite(sqlFile);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTdsTestServer } = require('../test/support/tds');
  const password = 'bench-Pa55word';
  const server = await startTdsTestServer({ fixtureFiles: [sqlFile], user: 'cm_reader', password, database: 'CM_P01' });
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-bench-'));
  writeFileSync(join(dir, 'ca.pem'), server.caPem);
  const source = openSiteSource(
    { source: 'sql', server: server.host, port: server.port, database: server.database, siteCode: 'P01', auth: { type: 'sql', user: server.user }, encryption: { caFile: 'ca.pem' }, requestTimeoutSeconds: 600 },
    { planDir: dir, password },
  );
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const start = process.hrtime.bigint();
    const model = await source.read();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (model.users.length !== 100_000) throw new Error(`bench site has ${model.users.length} users, expected 100000`);
    return { 'siteRead.seconds': seconds, 'siteRead.peakRssMb': Math.round(peak / 1048576) };
  } finally {
    clearInterval(sampler);
    await source.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchSiteRead().then((r) => console.log(JSON.stringify(r)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
