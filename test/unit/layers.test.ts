// Layers point one way (docs/architecture.md): no file under src/ imports from a layer above its
// own or from a module beside it in the same layer, there is no import cycle, product code never
// imports test/, and the sandbox tenant is an island only the faces may load. Imports are read
// with TypeScript's own scanner, so `import type`, `export … from`, `import()` and `require()` count.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const repo = resolve(__dirname, '../..');

/** Bottom first. A module is a folder or a file directly under src/core, or a face. */
const LAYERS: { name: string; modules: string[] }[] = [
  { name: 'leaf modules', modules: ['core/findings.ts', 'core/errors.ts', 'core/placeholders.ts', 'core/unique-id.ts', 'core/ledger'] },
  { name: 'plan', modules: ['core/plan'] },
  { name: 'site/tenant', modules: ['core/site', 'core/tenant'] },
  { name: 'translate', modules: ['core/translate'] },
  { name: 'analysis', modules: ['core/analysis'] },
  { name: 'session', modules: ['core/session.ts'] },
  { name: 'phases', modules: ['core/phases'] },
  { name: 'faces', modules: ['extension', 'cli'] },
];
/** Not a layer of the product: the sandbox world (src/sandbox), which only the faces (and tests, scripts) load. */
const SANDBOX = 'sandbox';
const FACES = ['extension', 'cli'];
/** Files allowed to import test/, each with the reason. An entry no longer needed fails the test. */
const TEST_IMPORTERS: Record<string, string> = {};

type Sources = Map<string, string>; // path relative to the repo, with '/' -> text

function sourcesUnder(dir: string): Sources {
  const found: Sources = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name)) found.set(relative(repo, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return found;
}

/** `src/core/plan/edit.ts` -> `core/plan`; `src/core/session.ts` -> `core/session.ts`; `src/cli/x.ts` -> `cli`. */
function moduleOf(file: string): string {
  const parts = file.replace(/^src\//, '').split('/');
  if (parts[0] === 'core') return `core/${parts[1]}`;
  return parts[0];
}

const rankOf = (module: string) => LAYERS.findIndex((l) => l.modules.includes(module));

/** The file an import names, for a relative import; a package or `node:` import gives undefined. */
function resolveImport(from: string, spec: string, exists: (path: string) => boolean): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = join(dirname(from), spec).split(sep).join('/');
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`, `${base}.js`, `${base}/index.js`])
    if (exists(candidate)) return candidate;
  return base; // unresolved: still judged by where it points
}

export interface LayerProblem {
  file: string;
  import: string;
  why: string;
}

/** Every layering problem of the given sources (paths relative to the repo, under src/). */
export function layerProblems(
  sources: Sources,
  exists: (path: string) => boolean = (p) => sources.has(p),
): { problems: LayerProblem[]; cycles: string[][] } {
  const problems: LayerProblem[] = [];
  const graph = new Map<string, string[]>();
  const usedExceptions = new Set<string>();
  for (const [file, text] of sources) {
    const from = moduleOf(file);
    const edges: string[] = [];
    graph.set(file, edges);
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolveImport(file, spec, exists);
      if (!target) continue;
      if (target.startsWith('test/')) {
        const key = file.replace(/^src\//, '');
        if (TEST_IMPORTERS[key]) usedExceptions.add(key);
        else problems.push({ file, import: spec, why: 'product code never imports test/' });
        continue;
      }
      if (!target.startsWith('src/')) continue; // schemas/*.json and the like
      if (sources.has(target)) edges.push(target);
      const to = moduleOf(target);
      if (to === from) continue;
      if (to === SANDBOX) {
        if (!FACES.includes(from))
          problems.push({
            file,
            import: spec,
            why: `src/${SANDBOX} (the sandbox world) is loaded only by the faces; pass what the core needs in (as openSession's startSandbox)`,
          });
        continue;
      }
      if (from === SANDBOX) {
        problems.push({ file, import: spec, why: 'the sandbox world imports nothing of the product' });
        continue;
      }
      const fromRank = rankOf(from);
      const toRank = rankOf(to);
      if (fromRank < 0)
        problems.push({
          file,
          import: spec,
          why: `${from} is in no layer: add it to the layer table (docs/architecture.md and this test)`,
        });
      else if (toRank < 0)
        problems.push({ file, import: spec, why: `${to} is in no layer: add it to the layer table (docs/architecture.md and this test)` });
      else if (toRank > fromRank)
        problems.push({ file, import: spec, why: `${from} (${LAYERS[fromRank].name}) imports upward from ${to} (${LAYERS[toRank].name})` });
      else if (toRank === fromRank)
        problems.push({
          file,
          import: spec,
          why: `${from} and ${to} are side by side in the ${LAYERS[fromRank].name} layer and stay independent`,
        });
    }
  }
  for (const key of Object.keys(TEST_IMPORTERS)) {
    if (sources.has(`src/${key}`) && !usedExceptions.has(key))
      problems.push({ file: `src/${key}`, import: '(none)', why: 'no longer imports test/: remove its exception from TEST_IMPORTERS' });
  }
  return { problems, cycles: cyclesOf(graph) };
}

/** One path per cycle found by depth-first search (each closing edge reported once). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

test('src/: every import points down the layers, outside the sandbox island, never into test/', () => {
  const sources = sourcesUnder(join(repo, 'src'));
  assert.ok(sources.size > 50, 'the scan must see src/');
  const { problems } = layerProblems(sources, (p) => existsSync(join(repo, p)));
  assert.deepEqual(
    problems.map((p) => `${p.file}: import '${p.import}': ${p.why}`),
    [],
  );
});

test('src/: no import cycle', () => {
  const sources = sourcesUnder(join(repo, 'src'));
  const { cycles } = layerProblems(sources, (p) => existsSync(join(repo, p)));
  assert.deepEqual(
    cycles.map((c) => c.join(' -> ')),
    [],
  );
});

test('every module under src/core is placed in a layer or is the sandbox', () => {
  const modules = readdirSync(join(repo, 'src/core'))
    .filter((n) => !n.endsWith('.json'))
    .map((n) => `core/${n}`);
  const unplaced = modules.filter((m) => m !== SANDBOX && rankOf(m) < 0);
  assert.deepEqual(unplaced, []);
});

test('the check sees every import form and names file, import and reason', () => {
  const files: Sources = new Map([
    ['src/core/plan/edit.ts', "import type { Translation } from '../translate/types';\nexport { exclusion } from '../analysis/selection';"],
    ['src/core/translate/types.ts', "const steps = await import('../phases/steps');"],
    ['src/core/analysis/selection.ts', "const x = require('../../../test/fixtures/x');"],
    ['src/core/phases/steps.ts', "import { startSandboxTenant } from '../../sandbox/tenant';"],
    ['src/core/site/index.ts', "import { Pacer } from '../tenant/pacer';"],
    ['src/core/tenant/pacer.ts', "import { x } from './batch';"],
    ['src/core/tenant/batch.ts', "import type { y } from './pacer';"],
    ['src/cli/main.ts', "import { startSandboxTenant } from '../sandbox/tenant';\nimport { openSession } from '../core/session';"],
    ['src/core/session.ts', "import { readTenantObjects } from './tenant/read';"],
    ['src/sandbox/tenant/index.ts', ''],
    ['src/core/tenant/read.ts', ''],
  ]);
  const { problems, cycles } = layerProblems(files);
  const seen = problems.map((p) => `${p.file} '${p.import}'`);
  assert.deepEqual(seen, [
    "src/core/plan/edit.ts '../translate/types'",
    "src/core/plan/edit.ts '../analysis/selection'",
    "src/core/translate/types.ts '../phases/steps'",
    "src/core/analysis/selection.ts '../../../test/fixtures/x'",
    "src/core/phases/steps.ts '../../sandbox/tenant'",
    "src/core/site/index.ts '../tenant/pacer'",
  ]);
  assert.match(problems[0].why, /core\/plan \(plan\) imports upward from core\/translate \(translate\)/);
  assert.match(problems[3].why, /never imports test\//);
  assert.match(problems[4].why, /only by the faces/);
  assert.match(problems[5].why, /side by side in the site\/tenant layer/);
  assert.deepEqual(cycles, [['src/core/tenant/pacer.ts', 'src/core/tenant/batch.ts', 'src/core/tenant/pacer.ts']]);
});
