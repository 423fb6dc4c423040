// Activation loads only what the first view needs (plan checks, the tree's roots, commands):
// the SQL driver, the Graph client, MSAL, the phases and the sandbox tenant are in files of their
// own that load on first use. Checked on the bundles esbuild.mjs builds, and by activating the
// built extension with a stand-in for `vscode` (the same run the activation bench times).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { buildOptions, LAZY_CHUNKS } from '../../esbuild.mjs';

const repo = resolve(__dirname, '../..');
let out: string;
let inputs: string[];

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'cm2intune-lazy-'));
  const builds = buildOptions({ outdir: out, metafile: true }).filter(
    (b) => String(b.outfile).startsWith(out) && !/cli\.js$|webview\.js$/.test(String(b.outfile)),
  );
  const [main, ...chunks] = await Promise.all(builds.map((options) => esbuild.build({ ...options, sourcemap: false })));
  assert.equal(chunks.length, Object.keys(LAZY_CHUNKS).length);
  inputs = Object.keys(Object.values(main.metafile!.outputs)[0].inputs);
});
after(() => rmSync(out, { recursive: true, force: true }));

test('the activation bundle holds none of the parts loaded on first use', () => {
  assert.ok(
    inputs.some((i) => i.startsWith('src/extension/extension.ts')),
    'the metafile must list the sources',
  );
  const heavy = [
    /node_modules\/mssql\//,
    /node_modules\/tedious\//,
    /node_modules\/@azure\/msal-node\//,
    /node_modules\/@microsoft\/microsoft-graph-client\//,
    /^src\/sandbox\//,
    /^src\/core\/session\.ts$/,
    /^src\/core\/phases\/(?!render\.ts$|picture-store\.ts$)/,
    /^src\/core\/site\/sql\/connection\.ts$/,
    /^src\/core\/tenant\/graph-client\.ts$/,
    // the digest parser and the picture: labels come from analysis/selection, not the analysis barrel
    /node_modules\/fast-xml-parser\//,
    /^src\/core\/site\/sdm\//,
    /^src\/core\/analysis\/picture\.ts$/,
  ];
  assert.deepEqual(
    inputs.filter((i) => heavy.some((h) => h.test(i))),
    [],
  );
  const text = readFileSync(join(out, 'extension.js'), 'utf8');
  for (const chunk of Object.values(LAZY_CHUNKS))
    assert.match(text, new RegExp(`require\\("\\./${chunk.replace('.', '\\.')}"\\)`), `${chunk} is required on first use`);
});

test('activating the built extension loads only dist/extension.js', () => {
  const result = spawnSync(process.execPath, [join(repo, 'bench/activate-extension.cjs'), join(out, 'extension.js')], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { atActivation: string[]; afterSettling: string[]; api: string[] };
  assert.deepEqual(report.afterSettling, ['extension.js']);
  assert.deepEqual(report.api, ['objects', 'logFile', 'dashboard', 'replaceUi'], 'activate() returned its API');
});

test('the lazy parts give what the extension takes from them', () => {
  const core = require(join(out, 'extension-core.js')) as Record<string, unknown>;
  for (const name of ['openSession', 'readImportPicture', 'proposeImport', 'executeImport', 'readPrepareSources', 'assessReadiness'])
    assert.equal(typeof core[name], 'function', `extension-core.js exports ${name}`);
  const sandbox = require(join(out, 'sandbox.js')) as Record<string, unknown>;
  assert.equal(typeof sandbox.startSandboxForPlan, 'function');
});

test('a static import of a lazy part fails the build, naming the file and the fix', async () => {
  const [main] = buildOptions({ outdir: out });
  const built = esbuild.build({
    ...main,
    entryPoints: undefined,
    outfile: join(out, 'static.js'),
    logLevel: 'silent',
    stdin: {
      contents: "import { openSession } from './core';\nexport const open = openSession;",
      resolveDir: join(repo, 'src/extension'),
      sourcefile: 'src/extension/static.ts',
      loader: 'ts',
    },
  });
  await assert.rejects(built, (error: Error) => /imports \.\/core statically: use `await import\('\.\/core'\)`/.test(error.message));
});
