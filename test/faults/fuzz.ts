// The fuzzer: structure-aware mutations of valid inputs, each case seeded on its own (replay one
// with `npm run test:faults -- --fuzz-case <n> --seed <s>`).
// - plans: the sample plans and the broken-plan corpus, mutated as JSON values (wrong types,
//   deleted and unknown keys, hostile paths, huge strings, repeated items, deep nesting) and as
//   text (cut, comments, BOM, duplicate keys), through `validate` in a worker thread, and every
//   CLI_EVERY-th case through the bundled CLI too. Exit code in {0, 1, 2}, no stack trace.
// - site data: Contoso's digests mutated as XML (deep nesting, huge attributes and text, thousands
//   of repeated settings, wrong types, NULL and non-string digests, broken XML, DTDs, bad character
//   references) through the SDM parser, and whole snapshots mutated as JSON through the snapshot
//   reader; a smaller number through the TDS server and the SQL reader. One bad object must not
//   stop the read nor lose the other CIs; a bad snapshot is refused with its SnapshotError.
// Every case is bounded in time (CASE_MS; a case still running at HANG_MS is cut off).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { SiteModel } from '../../src/core/site/model';
import { parseSiteObjects } from '../../src/core/site/sdm';
import { openSiteSource } from '../../src/core/site';
import { snapshotOf } from '../../src/core/site/snapshot';
import { repoRoot } from '../support/cli';
import { CONTOSO_CA_FILE, contosoPlan } from '../../src/sandbox/site/contoso/plan';
import { startTdsTestServer, type TdsTestServer } from '../../src/sandbox/site/tds';
import { CONTOSO_SQL, seededRandom, spawnCli } from '../integration/import-world';
import type { FuzzAnswer, FuzzJob } from './fuzz-worker';

// A ceiling per case on a loaded 2-core machine, not a speed target (speed lives in bench/). It
// catches a case that blows up (work growing faster than its input: tens of times over), so it is
// stretched by the machine's load: on a machine busy with other work, wall time is not the case's.
export const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 5_000);
const caseBoundMs = () => Math.round(CASE_MS * Math.max(1, loadavg()[0] / cpus().length));
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 30_000);
const CLI_EVERY = 50;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

export interface FuzzFailure {
  index: number;
  seed: number;
  kind: string;
  mutation: string;
  reason: string;
}

export interface FuzzFigures {
  cases: number;
  byKind: Record<string, number>;
  cliCases: number;
  tdsCases: number;
  crashes: number;
  slowCases: number;
  maxCaseMs: number;
  failures: FuzzFailure[];
}

type R = () => number;
const int = (r: R, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: R, list: readonly T[]): T => list[Math.floor(r() * list.length)];

// ---------------------------------------------------------------- JSON values (plans, snapshots)

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type PathStep = string | number;

const HOSTILE_PATHS = [
  '../../../../etc/passwd',
  '..\\..\\windows\\system32\\config\\sam',
  '/dev/zero',
  '/proc/self/environ',
  'C:\\',
  '\\\\server\\share\\ca.pem',
  '//server/share/x',
  'a\u0000b.pem',
  '',
  ' ',
  '.',
  '..',
  '~/.ssh/id_rsa',
  'file:///etc/hosts',
  'x'.repeat(5000),
  'con',
  'NUL:',
  'ca.pem/'.repeat(200),
];
const ODD_STRINGS = [
  '\ud800',
  '\u202egnp.exe',
  '\ufeff',
  '\u0000',
  'Ω≈ç√∫',
  'O\'Brien"; DROP TABLE x;--',
  '{{id:x}}',
  '[cm2intune:x#ios]',
  '%s%n',
  '\r\n',
  '$(id)',
];
const UNKNOWN_KEYS = [
  'version',
  'name',
  'site',
  'tenant',
  'waves',
  'import',
  'groups',
  'prepare',
  'subscriptionCollection',
  '__proto__',
  'constructor',
  'zzz',
  '',
];

function paths(value: Json, at: PathStep[] = [], out: PathStep[][] = [], limit = 5000): PathStep[][] {
  if (out.length >= limit) return out;
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out, limit));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) paths(value[k], [...at, k], out, limit);
  return out;
}

function get(root: Json, path: PathStep[]): Json {
  let v: Json = root;
  // An earlier mutation may have replaced or deleted a parent: the path is then gone.
  for (const s of path) {
    if (v === null || typeof v !== 'object') return undefined as unknown as Json;
    v = (v as Record<string, Json>)[s as string];
  }
  return v;
}

function set(root: Json, path: PathStep[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = get(root, path.slice(0, -1)) as Record<string, Json> | Json[];
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last as string];
  } else (parent as Record<string, Json>)[last as string] = value;
  return root;
}

const DEEP = '"\u0001DEEP\u0001"';

/** One structural mutation of a JSON value; returns its description. Deep nesting is marked and applied to the text. */
function mutateJson(r: R, root: { v: Json; deep?: { depth: number; kind: string } }, candidates?: PathStep[][]): string {
  const all = candidates ?? paths(root.v);
  const path = pick(r, all);
  if (get(root.v, path) === undefined) return 'nothing (path gone)';
  const where = `/${path.join('/')}`;
  const op = int(r, 0, 9);
  switch (op) {
    case 0: {
      const replacement = pick(r, [null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, '', 'x', [], {}, [null], { '': null }] as Json[]);
      root.v = set(root.v, path, structuredClone(replacement));
      return `${where} = ${JSON.stringify(replacement)}`;
    }
    case 1:
      if (path.length === 0) return 'nothing (root)';
      root.v = set(root.v, path, undefined);
      return `delete ${where}`;
    case 2: {
      const target = get(root.v, path);
      if (!target || typeof target !== 'object' || Array.isArray(target)) return mutateJson(r, root, all);
      const key = pick(r, UNKNOWN_KEYS);
      target[key] = pick(r, [null, 1, 'x', {}, []] as Json[]);
      return `add ${where}/${key}`;
    }
    case 3: {
      const target = get(root.v, path);
      if (!Array.isArray(target) || target.length === 0) return mutateJson(r, root, all);
      const n = pick(r, [1, 10, 1000, 20_000]);
      const item = target[int(r, 0, target.length - 1)];
      for (let i = 0; i < n; i++) target.push(structuredClone(item));
      return `${where}: one item repeated ${n} more times`;
    }
    case 4: {
      const depth = pick(r, [100, 1000, 10_000, 100_000]);
      root.deep = { depth, kind: r() < 0.5 ? '[' : '{"a":' };
      root.v = set(root.v, path, DEEP);
      return `${where} nested ${depth} deep (${root.deep.kind === '[' ? 'arrays' : 'objects'})`;
    }
    case 5: {
      const size = pick(r, [10_000, 1_000_000, 4_000_000]);
      root.v = set(root.v, path, 'A'.repeat(size));
      return `${where} = a string of ${size} characters`;
    }
    case 6:
    case 7: {
      // Path-like fields first: that is where a hostile plan points.
      const pathLike = all.filter((p) => /path|file|caFile|dir|url/i.test(String(p[p.length - 1])));
      const target = pathLike.length && r() < 0.7 ? pick(r, pathLike) : path;
      const value = pick(r, HOSTILE_PATHS);
      root.v = set(root.v, target, value);
      return `/${target.join('/')} = ${JSON.stringify(value.length > 60 ? value.slice(0, 20) + `…(${value.length})` : value)}`;
    }
    case 8: {
      const value = pick(r, ODD_STRINGS);
      root.v = set(root.v, path, value);
      return `${where} = ${JSON.stringify(value)}`;
    }
    default: {
      const v = get(root.v, path);
      if (typeof v === 'number') {
        const n = pick(r, [0, -1, 65536, 1e21, 0.5, -2147483649]);
        root.v = set(root.v, path, n);
        return `${where} = ${n}`;
      }
      if (typeof v === 'string') {
        const s = v + pick(r, ODD_STRINGS);
        root.v = set(root.v, path, s);
        return `${where} += odd characters`;
      }
      return mutateJson(r, root, all);
    }
  }
}

function serialise(root: { v: Json; deep?: { depth: number; kind: string } }, r: R): string {
  let text = JSON.stringify(root.v, null, r() < 0.5 ? 2 : undefined);
  if (root.deep) {
    const { depth, kind } = root.deep;
    text = text.replace(DEEP, kind.repeat(depth) + '1' + (kind === '[' ? ']' : '}').repeat(depth));
  }
  return text;
}

/** Text-level damage a JSON-with-comments file can take. */
function mutateText(r: R, text: string): { text: string; what: string } {
  switch (int(r, 0, 7)) {
    case 0: {
      const at = int(r, 0, text.length);
      return { text: text.slice(0, at), what: `cut at ${at}` };
    }
    case 1:
      return { text: '\ufeff' + text, what: 'BOM' };
    case 2:
      return { text: `/* comment */ // line\n${text.replace(/\n/g, '\r\n')}`, what: 'comments and CRLF' };
    case 3:
      return { text: text.replace(/"name"\s*:/, '"name": "first", "name":'), what: 'duplicate key' };
    case 4:
      return { text: text.replace(/\}\s*$/, ',}'), what: 'trailing comma' };
    case 5: {
      const at = int(r, 0, text.length);
      return {
        text: text.slice(0, at) + pick(r, ['\u0000', '"', '{', ']', '\\', '\ud800', '/*']) + text.slice(at),
        what: `odd character at ${at}`,
      };
    }
    case 6:
      return { text: text.repeat(2), what: 'two documents' };
    default:
      return { text: '', what: 'empty file' };
  }
}

// ---------------------------------------------------------------- digest XML

function startTags(xml: string): { at: number; end: number; name: string }[] {
  const out: { at: number; end: number; name: string }[] = [];
  const re = /<([A-Za-z_][\w.:-]*)([^<>]*?)(\/?)>/g;
  for (let m; (m = re.exec(xml)) && out.length < 5000;) out.push({ at: m.index, end: m.index + m[0].length - (m[3] ? 2 : 1), name: m[1] });
  return out;
}

/** One structural mutation of a digest; non-string results test the reader's type handling. */
function mutateDigest(r: R, xml: string): { digest: unknown; what: string } {
  const tags = startTags(xml);
  const tag = tags.length ? pick(r, tags) : undefined;
  const rootEnd = tags[0] ? xml.indexOf('>', tags[0].at) + 1 : 0;
  switch (int(r, 0, 13)) {
    case 0: {
      const depth = pick(r, [100, 1000, 10_000, 50_000]);
      return {
        digest: xml.slice(0, rootEnd) + '<x>'.repeat(depth) + '</x>'.repeat(depth) + xml.slice(rootEnd),
        what: `${depth} nested elements`,
      };
    }
    case 1: {
      if (!tag) return { digest: xml, what: 'no tag' };
      const size = pick(r, [100_000, 1_000_000, 4_000_000]);
      return {
        digest: xml.slice(0, tag.end) + ` Huge="${'v'.repeat(size)}"` + xml.slice(tag.end),
        what: `<${tag.name}> gets an attribute of ${size} characters`,
      };
    }
    case 2: {
      const size = pick(r, [100_000, 2_000_000]);
      return { digest: xml.replace(/>([^<>]{1,200})</, () => `>${'t'.repeat(size)}<`), what: `a text node of ${size} characters` };
    }
    case 3: {
      // Thousands of one element: a parser or reader gone quadratic shows here.
      const m = /<(SimpleSetting|Rule|RuleExpression|OmaUri|Setting)\b[\s\S]*?(?:\/>|<\/\1>)/.exec(xml);
      if (!m) return { digest: xml + '<!--'.repeat(1), what: 'no repeatable element: unclosed comment' };
      // Capped at 64 MB of copies: an element an earlier mutation already made huge can't be
      // repeated 30,000 times (JavaScript's string limit), and no larger digest proves more.
      const n = Math.max(1, Math.min(pick(r, [1_000, 10_000, 30_000]), Math.floor(64_000_000 / m[0].length)));
      return { digest: xml.slice(0, m.index) + m[0].repeat(n) + xml.slice(m.index), what: `<${m[1]}> repeated ${n} times` };
    }
    case 4: {
      const bad = pick(r, ['NaN', '-1', '99999999999999999999999', '', '1e400', 'true', '0x10', ' ']);
      let count = 0;
      return {
        digest: xml.replace(/="(\d+)"/g, (whole) => (r() < 0.5 ? (count++, `="${bad}"`) : whole)),
        what: `${count} numeric attributes = ${JSON.stringify(bad)}`,
      };
    }
    case 5: {
      if (!tag) return { digest: xml, what: 'no tag' };
      const close = new RegExp(`</${tag.name.replace(/[.]/g, '\\.')}>`).exec(xml.slice(tag.at));
      const end = close ? tag.at + close.index + close[0].length : xml.indexOf('>', tag.at) + 1;
      return { digest: xml.slice(0, tag.at) + xml.slice(end), what: `<${tag.name}> removed` };
    }
    case 6: {
      const at = int(r, 0, xml.length);
      return { digest: xml.slice(0, at), what: `cut at ${at} of ${xml.length}` };
    }
    case 7: {
      const at = tag ? tag.end + 1 : 0;
      const junk = pick(r, ['&', '<', '</x>', ']]>', '<![CDATA[', '<?xml version="1.0"?>', '<a b="1" b="2"/>', '\u0000', '\ud800']);
      return { digest: xml.slice(0, at) + junk + xml.slice(at), what: `${JSON.stringify(junk)} inserted` };
    }
    case 8:
      return {
        digest: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${xml.replace(/<\?xml[^>]*\?>/, '')}`,
        what: 'DTD with entities',
      };
    case 9: {
      const ref = pick(r, ['&#x110000;', '&#0;', '&#xD800;', '&amp;amp;', '&#99999999999;', '&unknown;', '&#x;']);
      return { digest: xml.replace(/>([^<>]{1,50})</, (_w, t: string) => `>${t}${ref}<`), what: `character reference ${ref}` };
    }
    case 10: {
      const value = pick(r, [null, '', 42, {}, [], '   ', 'not xml at all'] as unknown[]);
      return { digest: value, what: `digest = ${JSON.stringify(value)}` };
    }
    case 11:
      return {
        digest: xml
          .replace(/xmlns="[^"]*"/, 'xmlns="urn:other"')
          .replace(/DesiredConfigurationDigest/g, r() < 0.5 ? 'DesiredConfigurationDigest' : 'Digest'),
        what: 'other namespace or root',
      };
    case 12: {
      if (!tag) return { digest: xml, what: 'no tag' };
      const n = pick(r, [1_000, 10_000]);
      const attrs = Array.from({ length: n }, (_, i) => ` a${i}="${i}"`).join('');
      return { digest: xml.slice(0, tag.end) + attrs + xml.slice(tag.end), what: `<${tag.name}> gets ${n} attributes` };
    }
    default: {
      // An element in the wrong place: a payload inside a rule, a setting at the root.
      if (tags.length < 3) return { digest: xml, what: 'too few tags' };
      const from = pick(r, tags),
        to = pick(r, tags);
      const close = new RegExp(`</${from.name.replace(/[.]/g, '\\.')}>`).exec(xml.slice(from.at));
      const end = close ? from.at + close.index + close[0].length : xml.indexOf('>', from.at) + 1;
      const piece = xml.slice(from.at, end);
      const at = xml.indexOf('>', to.at) + 1;
      return { digest: xml.slice(0, at) + piece + xml.slice(at), what: `<${from.name}> copied into <${to.name}>` };
    }
  }
}

// ---------------------------------------------------------------- driver

interface Pool {
  run(job: FuzzJob): Promise<FuzzAnswer | 'hung'>;
  close(): Promise<void>;
}

/** The worker, bundled as the CLI is (tsx's loader does not reach into worker threads). */
async function bundleWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'fuzz-worker.js');
  await build({
    entryPoints: [join(__dirname, 'fuzz-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  return outfile;
}

function workerPool(script: string, modelFile: string): Pool {
  let worker: Worker | undefined;
  const start = () => new Worker(script, { workerData: { modelFile }, resourceLimits: { maxOldGenerationSizeMb: 2048, stackSizeMb: 4 } });
  return {
    run(job) {
      worker ??= start();
      const w = worker;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          cleanup();
          worker = undefined;
          void w.terminate();
          resolve('hung');
        }, HANG_MS);
        const onMessage = (a: FuzzAnswer) => (cleanup(), resolve(a));
        const onError = (e: Error) => {
          cleanup();
          worker = undefined;
          void w.terminate();
          resolve({ code: 1, output: '', unexpected: `the worker died: ${e.message}`, ms: 0 });
        };
        const cleanup = () => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.postMessage(job);
      });
    },
    close: async () => void (await worker?.terminate()),
  };
}

function planSeeds(): { name: string; v: Json }[] {
  const out: { name: string; v: Json }[] = [];
  const files = [
    ...readdirSync(join(repoRoot, 'samples'))
      .filter((f) => f.endsWith('.migration.json'))
      .map((f) => join(repoRoot, 'samples', f)),
    ...readdirSync(join(repoRoot, 'test/fixtures/plans/broken'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(repoRoot, 'test/fixtures/plans/broken', f)),
  ];
  for (const f of files) {
    try {
      out.push({ name: f.slice(repoRoot.length + 1), v: JSON.parse(readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Json });
    } catch {
      /* a corpus file with comments inside: not a seed */
    }
  }
  return out;
}

export const caseSeed = (runSeed: number, index: number) =>
  Math.floor(seededRandom((runSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)() * 2 ** 31);

/** Which kind case `index` is (the mix: 45% plans, 40% digests, 5% app digests, 10% snapshots). */
const kindOf = (seed: number): FuzzJob['kind'] => {
  const x = seededRandom(seed ^ 0x5bd1e995)();
  return x < 0.45 ? 'plan' : x < 0.85 ? 'digest' : x < 0.9 ? 'app-digest' : 'snapshot';
};

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** CLI bundle for the every-CLI_EVERY-th plan case; none: in-process only. */
  bundle?: string;
  /** Cases through the TDS server and the SQL reader (5 mutated CIs a server). */
  tdsCases: number;
  /** Only these case indexes (replay). */
  only?: number[];
  /** Where failing inputs are saved for replay by hand. */
  saveDir?: string;
  onFailure?: (f: FuzzFailure) => void;
}

export async function fuzz(model: SiteModel, options: FuzzOptions): Promise<FuzzFigures> {
  const scratch = mkdtempSync(join(tmpdir(), 'cm2intune-fuzz-'));
  const modelFile = join(scratch, 'model.json');
  writeFileSync(modelFile, JSON.stringify(model));
  const snapshotBase = snapshotOf(model, new Date(0)) as unknown as Json;
  const snapshotPaths = paths(snapshotBase, [], [], 20_000);
  const seeds = planSeeds();
  const pool = workerPool(await bundleWorker(scratch), modelFile);
  const figures: FuzzFigures = { cases: 0, byKind: {}, cliCases: 0, tdsCases: 0, crashes: 0, slowCases: 0, maxCaseMs: 0, failures: [] };
  const fail = (f: FuzzFailure, input?: string) => {
    figures.failures.push(f);
    options.onFailure?.(f);
    if (options.saveDir && input !== undefined && figures.failures.length <= 50 && input.length < 8_000_000) {
      mkdirSync(options.saveDir, { recursive: true });
      writeFileSync(
        join(
          options.saveDir,
          `case-${f.index}-seed-${f.seed}.${f.kind === 'plan' ? 'migration.json' : f.kind === 'snapshot' ? 'snapshot.json' : 'xml'}`,
        ),
        input,
      );
    }
  };
  try {
    const indexes = options.only ?? Array.from({ length: options.cases }, (_, i) => i);
    let planCases = 0;
    for (const index of indexes) {
      const seed = caseSeed(options.seed, index);
      const r = seededRandom(seed);
      const kind = kindOf(seed);
      let job: FuzzJob;
      let what: string;
      let input: string | undefined;
      if (kind === 'plan') {
        const base = pick(r, seeds);
        const root = { v: structuredClone<Json>(base.v) } as { v: Json; deep?: { depth: number; kind: string } };
        const changes = Array.from({ length: int(r, 1, 3) }, () => mutateJson(r, root));
        let text = serialise(root, r);
        if (r() < 0.25) {
          const t = mutateText(r, text);
          text = t.text;
          changes.push(t.what);
        }
        const dir = join(scratch, `plan-${index}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'fuzz.migration.json'), text);
        job = { kind, dir, file: 'fuzz.migration.json' };
        what = `${base.name}: ${changes.join('; ')}`;
        input = text;
      } else if (kind === 'snapshot') {
        const root = { v: structuredClone(snapshotBase) } as { v: Json; deep?: { depth: number; kind: string } };
        const changes = Array.from({ length: int(r, 1, 3) }, () => mutateJson(r, root, snapshotPaths));
        let text = serialise(root, r);
        if (r() < 0.1) {
          const t = mutateText(r, text);
          text = t.text;
          changes.push(t.what);
        }
        job = { kind, text };
        what = changes.join('; ');
        input = text;
      } else if (kind === 'digest') {
        const ci = int(r, 0, model.configurationItems.length - 1);
        const m = mutateDigest(r, model.configurationItems[ci].digest);
        if (r() < 0.3 && typeof m.digest === 'string') {
          const again = mutateDigest(r, m.digest);
          m.digest = again.digest;
          m.what += `; ${again.what}`;
        }
        job = { kind, ci, digest: m.digest };
        what = `CI ${model.configurationItems[ci].ciId} (${model.configurationItems[ci].name}): ${m.what}`;
        input = typeof m.digest === 'string' ? m.digest : JSON.stringify(m.digest);
      } else {
        const withDt = model.applications.map((a, i) => [a, i] as const).filter(([a]) => a.deploymentTypes.length > 0);
        const [app, appIndex] = pick(r, withDt);
        const m = mutateDigest(r, app.deploymentTypes[0].digest);
        job = { kind, app: appIndex, digest: m.digest };
        what = `app ${app.name}: ${m.what}`;
        input = typeof m.digest === 'string' ? m.digest : JSON.stringify(m.digest);
      }
      const answer = await pool.run(job);
      figures.cases++;
      figures.byKind[kind] = (figures.byKind[kind] ?? 0) + 1;
      if (kind === 'plan') rmSync((job as { dir: string }).dir, { recursive: true, force: true });
      const base = { index, seed, kind, mutation: what.length > 300 ? what.slice(0, 300) + '…' : what };
      if (answer === 'hung') {
        figures.slowCases++;
        fail({ ...base, reason: `still running after ${HANG_MS} ms: cut off` }, input);
        continue;
      }
      figures.maxCaseMs = Math.max(figures.maxCaseMs, answer.ms);
      if (answer.unexpected) {
        figures.crashes++;
        fail({ ...base, reason: `unexpected: ${answer.unexpected}` }, input);
      } else if (![0, 1, 2].includes(answer.code)) {
        figures.crashes++;
        fail({ ...base, reason: `exit code ${answer.code}` }, input);
      } else if (STACK.test(answer.output)) {
        figures.crashes++;
        fail({ ...base, reason: `stack trace in the output: ${answer.output.slice(answer.output.search(STACK), 300)}` }, input);
      } else if (answer.ms > caseBoundMs()) {
        figures.slowCases++;
        fail({ ...base, reason: `took ${Math.round(answer.ms)} ms (bound ${caseBoundMs()} ms at load ${loadavg()[0].toFixed(1)})` }, input);
      }
      if (kind === 'plan') planCases++;
      if (kind === 'plan' && options.bundle && planCases % CLI_EVERY === 1 && input !== undefined) {
        figures.cliCases++;
        const dir = join(scratch, `cli-${index}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'fuzz.migration.json'), input);
        const started = Date.now();
        const { child, result } = spawnCli(['validate', 'fuzz.migration.json'], { cwd: dir, env: {}, bundle: options.bundle });
        const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
        const res = await result;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        const out = res.stdout + res.stderr;
        if (res.signal || res.code === null || ![0, 1, 2].includes(res.code)) {
          figures.crashes++;
          fail({
            ...base,
            kind: 'plan (CLI)',
            reason: `the CLI ended with ${res.signal ?? `exit ${res.code}`} after ${Date.now() - started} ms: ${out.slice(-300)}`,
          });
        } else if (STACK.test(out)) {
          figures.crashes++;
          fail({ ...base, kind: 'plan (CLI)', reason: `stack trace: ${out.slice(out.search(STACK), 300)}` });
        } else if (res.code !== answer.code) {
          fail({ ...base, kind: 'plan (CLI)', reason: `the CLI exits ${res.code}, validate in process ${answer.code}` });
        }
      }
    }
    if (!options.only) await fuzzOverTds(model, options, figures, fail);
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return figures;
}

/**
 * Mutated digests in the site database itself: the TDS server loads Contoso plus UPDATEs, and the
 * SQL reader reads the whole site; the read must finish and every untouched CI must still parse.
 */
async function fuzzOverTds(model: SiteModel, options: FuzzOptions, figures: FuzzFigures, fail: (f: FuzzFailure, input?: string) => void) {
  const PER_SERVER = 5;
  const servers = Math.ceil(options.tdsCases / PER_SERVER);
  const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
  for (let k = 0; k < servers; k++) {
    const seed = caseSeed(options.seed ^ 0x7d5, k);
    const r = seededRandom(seed);
    const dir = mkdtempSync(join(tmpdir(), 'cm2intune-fuzz-tds-'));
    const changed: { ci: number; what: string }[] = [];
    const updates: string[] = [];
    for (let j = 0; j < PER_SERVER; j++) {
      const ci = int(r, 0, model.configurationItems.length - 1);
      if (changed.some((c) => c.ci === ci)) continue;
      const m = mutateDigest(r, model.configurationItems[ci].digest);
      // Small enough for one SQL literal; NULL for a non-string digest.
      const digest =
        typeof m.digest === 'string' && m.digest.length <= 2_000_000
          ? sql(m.digest)
          : typeof m.digest === 'string'
            ? sql(m.digest.slice(0, 2_000_000))
            : 'NULL';
      updates.push(`UPDATE v_ConfigurationItems SET SDMPackageDigest = ${digest} WHERE CI_ID = ${model.configurationItems[ci].ciId};`);
      changed.push({ ci, what: `CI ${model.configurationItems[ci].ciId}: ${m.what}` });
    }
    writeFileSync(join(dir, 'mutations.sql'), updates.join('\n') + '\n');
    let site: TdsTestServer | undefined;
    const base = {
      index: k,
      seed,
      kind: 'digest (TDS)',
      mutation: changed
        .map((c) => c.what)
        .join('; ')
        .slice(0, 400),
    };
    try {
      site = await startTdsTestServer({ fixtureFiles: [CONTOSO_SQL, join(dir, 'mutations.sql')], log: () => {} });
      writeFileSync(join(dir, CONTOSO_CA_FILE), site.caPem);
      const plan = contosoPlan(site, { name: 'fuzz', tenant: { sandbox: true } });
      const source = openSiteSource(plan.site as never, { planDir: dir, password: site.password });
      const started = Date.now();
      try {
        const read = await source.read();
        const parsed = parseSiteObjects(read);
        const ms = Date.now() - started;
        const untouched = model.configurationItems.filter((_, i) => !changed.some((c) => c.ci === i)).map((c) => c.ciId);
        const seen = new Set([...parsed.objects.map((o) => o.ciId), ...read.configurationItems.map((c) => c.ciId)]);
        const lost = untouched.filter((id) => !seen.has(id));
        if (lost.length) {
          figures.crashes++;
          fail({ ...base, reason: `the read lost ${lost.length} untouched CI(s): ${lost.slice(0, 5).join(', ')}` });
        } else if (ms > caseBoundMs() * PER_SERVER * 5) {
          figures.slowCases++;
          fail({
            ...base,
            reason: `the read took ${ms} ms (bound ${caseBoundMs() * PER_SERVER * 5} ms at load ${loadavg()[0].toFixed(1)})`,
          });
        }
      } catch (error) {
        figures.crashes++;
        fail({ ...base, reason: `one bad object stopped the site read: ${(error as Error).message?.slice(0, 300)}` });
      } finally {
        await source.close();
      }
    } finally {
      figures.tdsCases += changed.length;
      figures.cases += changed.length;
      figures.byKind['digest (TDS)'] = (figures.byKind['digest (TDS)'] ?? 0) + changed.length;
      await site?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The Contoso site model, read once over TDS (the fuzzer's base for digests and snapshots). */
export async function contosoModel(): Promise<SiteModel> {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-fuzz-base-'));
  const site = await startTdsTestServer({ fixtureFiles: [CONTOSO_SQL], log: () => {} });
  try {
    writeFileSync(join(dir, CONTOSO_CA_FILE), site.caPem);
    const plan = contosoPlan(site, { name: 'fuzz', tenant: { sandbox: true } });
    const source = openSiteSource(plan.site as never, { planDir: dir, password: site.password });
    try {
      return await source.read();
    } finally {
      await source.close();
    }
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
