// `npm run bench -- [--out file.json] [--only name,...] [name ...]`: runs every benchmark (or the
// named ones: `npm run bench -- extension vsix`) and writes their named figures as one JSON
// object. Speed and memory targets live here, never in timed tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { standings } from './targets';

type Bench = () => Promise<Record<string, number | string>>;

// Loaded lazily so one benchmark's heavy setup doesn't weigh on another's memory figures.
const benches: Record<string, () => Promise<Bench>> = {
  siteRead: async () => (await import('./site-read')).benchSiteRead,
  pacer: async () => (await import('./graph-pacer')).benchPacer,
  import: async () => (await import('./import')).benchImport,
  editor: async () => (await import('./editor')).benchEditor,
  tree: async () => (await import('./tree')).benchTree,
  verify: async () => (await import('./verify')).benchVerify,
  largeGroup: async () => (await import('./import')).benchLargeGroup,
  extension: async () => (await import('./extension')).benchExtension,
  vsix: async () => (await import('./extension')).benchVsix,
  // Read from the latest full `npm run test:faults` run, not run here.
  faults: async () => () => import('./faults').then((m) => m.benchFaults()),
};

async function main() {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } }, allowPositionals: true });
  const only = [...(values.only?.split(',') ?? []), ...positionals];
  const unknown = only.filter((name) => !(name in benches));
  if (unknown.length) {
    process.stderr.write(`no benchmark named ${unknown.join(', ')}: choose from ${Object.keys(benches).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const figures: Record<string, number | string> = { 'meta.node': process.version, 'meta.startedAt': new Date().toISOString() };
  for (const [name, load] of Object.entries(benches)) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench ${name} ...\n`);
    const started = Date.now();
    const result = await (await load())();
    Object.assign(figures, result);
    process.stderr.write(`bench ${name}: ${JSON.stringify(result)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  const targets = standings(figures);
  for (const [name, standing] of Object.entries(targets)) process.stderr.write(`${name.slice('target.'.length)}: ${standing}\n`);
  Object.assign(figures, targets);
  const text = JSON.stringify(figures, null, 2);
  if (values.out) {
    const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text + '\n');
    process.stderr.write(`wrote ${out}\n`);
  }
  process.stdout.write(text + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
