// Child process of bench/site-read.ts: serves the large site over the TDS test server, so that
// sql.js holding the whole site does not count in the reader's memory figures.
//   node --import tsx bench/site-server.ts <site.sql> [users]
// Generates <site.sql> if missing, then prints one JSON line on stdout: port, login, password,
// CA and load figures. Stops when stdin ends (the bench closed it, or died) or on SIGTERM, after
// printing a second JSON line with its peak RSS.
import { existsSync } from 'node:fs';
import { generateLargeSite } from '../src/sandbox/site/contoso/generate';
import { startTdsTestServer } from '../src/sandbox/site/tds';

const mb = (bytes: number) => Math.round(bytes / 1048576);
const seconds = (since: bigint) => Number((Number(process.hrtime.bigint() - since) / 1e9).toFixed(2));

async function main(file: string | undefined, users: number): Promise<void> {
  if (!file) throw new Error('usage: site-server.ts <site.sql> [users]');
  let started = process.hrtime.bigint();
  let generateSeconds = 0;
  if (!existsSync(file)) {
    await generateLargeSite(file, users);
    generateSeconds = seconds(started);
    started = process.hrtime.bigint();
  }
  const server = await startTdsTestServer({ fixtureFiles: [file] });
  process.stdout.write(
    `${JSON.stringify({
      port: server.port,
      user: server.user,
      password: server.password,
      database: server.database,
      caPem: server.caPem,
      generateSeconds,
      loadSeconds: seconds(started),
      rssMb: mb(process.memoryUsage().rss),
    })}\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    // maxRSS is in KiB
    process.stdout.write(`${JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`, () => process.exit(0));
  };
  process.stdin
    .on('end', () => void stop())
    .on('error', () => void stop())
    .resume();
  process.once('SIGTERM', () => void stop());
}

main(process.argv[2], Number(process.argv[3] ?? 100_000)).catch((e) => {
  process.stderr.write(`site-server: ${(e as Error)?.message ?? e}\n`);
  process.exit(1);
});
