// The bundles: the extension (vscode stays external) with its lazily loaded parts, the CLI, and
// the dashboard webview. `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Parts of the extension that activation must not load, each built as its own file beside
 * dist/extension.js. The source reaches them only through `await import(...)`, which in these
 * bundles becomes a `require` of the built file on first use. (esbuild's code splitting needs ESM
 * output, and VS Code 1.96 loads extensions as CommonJS.)
 */
export const LAZY_CHUNKS = {
  // opening a session, reading a site (mssql) or a tenant (the Graph client), running a phase
  'src/extension/core.ts': 'extension-core.js',
  // the sandbox world (src/sandbox), for a plan that asks for it
  'src/sandbox/index.ts': 'sandbox.js',
};

/** Makes a dynamic import of a lazy chunk an external `require('./<chunk>.js')`; a static one fails the build. */
function lazyChunks(self) {
  const sources = Object.keys(LAZY_CHUNKS).map((source) => resolve(root, source));
  return {
    name: 'lazy-chunks',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const base = resolve(args.resolveDir, args.path);
        const source = sources.find((s) => [base, `${base}.ts`, `${base}/index.ts`].includes(s));
        if (!source || source === self) return undefined;
        if (args.kind !== 'dynamic-import') {
          return {
            errors: [
              {
                text: `${args.importer} imports ${args.path} statically: use \`await import('${args.path}')\`, so it loads on first use and not at activation.`,
              },
            ],
          };
        }
        return { path: `./${LAZY_CHUNKS[Object.keys(LAZY_CHUNKS).find((k) => resolve(root, k) === source)]}`, external: true };
      });
    },
  };
}

/**
 * iconv-lite's double-byte tables for code pages a ConfigMgr site database can't have. Setup's
 * prerequisite check requires the SQL_Latin1_General_CP1_CI_AS collation (code page 1252) unless
 * the site needs GB18030 (code page 936, whose tables stay); tedious decodes `varchar` with the
 * column's code page. The omitted tables are 115 KB of the package; a column in one of them fails
 * with a message that says so (docs/site-database.md) instead of a wrong character.
 */
export const OMITTED_CODE_PAGE_TABLES = {
  'shiftjis.json': 'Japanese (Shift-JIS, 932)',
  'eucjp.json': 'Japanese (EUC-JP)',
  'cp949.json': 'Korean (949)',
  'cp950.json': 'Traditional Chinese (950)',
  'big5-added.json': 'Traditional Chinese (Big5)',
};

export function omitCodePageTables() {
  return {
    name: 'omit-code-page-tables',
    setup(build) {
      build.onResolve({ filter: /^\.\/tables\/[\w-]+\.json$/ }, (args) => {
        const table = args.path.slice('./tables/'.length);
        if (!/[\\/]iconv-lite[\\/]/.test(args.importer) || !(table in OMITTED_CODE_PAGE_TABLES)) return undefined;
        return { path: table, namespace: 'omitted-code-page' };
      });
      build.onLoad({ filter: /.*/, namespace: 'omitted-code-page' }, (args) => ({
        loader: 'js',
        contents: `throw new Error(${JSON.stringify(
          `The site database sent text in the ${OMITTED_CODE_PAGE_TABLES[args.path]} code page, which cm2intune does not read: a ConfigMgr site database uses the SQL_Latin1_General_CP1_CI_AS collation (or a GB18030 Chinese one). Check the collation of the site database and its views' columns (docs/site-database.md, "Collation").`,
        )});`,
      }));
    },
  };
}

/** Every build; `outdir` lets tests and the bench build elsewhere than dist/. */
export function buildOptions({ production = false, outdir = 'dist', metafile = false } = {}) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: 'warning',
    legalComments: 'none',
    metafile,
  };
  // mainFields: jsonc-parser's `main` is a UMD build whose require('./impl/...') esbuild can't follow;
  // its `module` (ESM) build bundles cleanly.
  // alias: tedious requires @azure/identity for Azure AD logins to SQL, which cm2intune never uses
  // (src/stubs/azure-identity.ts says why); the stand-in keeps 430 KB out of every bundle.
  // external: the PowerShell grammar (the simulated console's runbooks) loads its WebAssembly from
  // its own package, so it is required from node_modules where the package is installed (the CLI,
  // the repository), never bundled; the .vsix does not carry it (the editor applies no runbook).
  const node = {
    ...common,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    alias: { '@azure/identity': './src/stubs/azure-identity.ts' },
    external: ['web-tree-sitter', 'tree-sitter-powershell'],
    plugins: [omitCodePageTables()],
  };
  // `import()` of a lazy chunk becomes `require()`: the extension host resolves it like the bundle itself.
  const extension = { ...node, external: [...node.external, 'vscode'], supported: { 'dynamic-import': false } };
  return [
    {
      ...extension,
      entryPoints: ['src/extension/extension.ts'],
      outfile: `${outdir}/extension.js`,
      plugins: [...node.plugins, lazyChunks()],
    },
    ...Object.entries(LAZY_CHUNKS).map(([source, out]) => ({
      ...extension,
      entryPoints: [source],
      outfile: `${outdir}/${out}`,
      plugins: [...node.plugins, lazyChunks(resolve(root, source))],
    })),
    { ...node, entryPoints: ['src/cli/main.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
    { ...common, platform: 'browser', target: 'es2022', format: 'esm', entryPoints: ['webview/main.ts'], outfile: `${outdir}/webview.js` },
  ];
}

/**
 * Files the sandbox world reads at run time, beside the bundles (which load them from their own
 * folder): sql.js's WebAssembly build, brotli-compressed (290 KB in the package instead of 338 KB;
 * unpacked in about 25 ms when a world starts). The sample site and its tenant are generated in memory.
 */
export const SANDBOX_ASSETS = {
  'node_modules/sql.js/dist/sql-wasm.wasm': 'sql-wasm.wasm.br',
};

export function copySandboxAssets(outdir = 'dist') {
  mkdirSync(resolve(root, outdir), { recursive: true });
  for (const [from, to] of Object.entries(SANDBOX_ASSETS)) {
    const bytes = readFileSync(resolve(root, from));
    const packed = brotliCompressSync(bytes, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    writeFileSync(resolve(root, outdir, to), packed);
  }
}

async function main() {
  const builds = buildOptions({ production: process.argv.includes('--production') });
  copySandboxAssets();
  if (process.argv.includes('--watch')) {
    for (const options of builds) await (await esbuild.context(options)).watch();
  } else {
    await Promise.all(builds.map((options) => esbuild.build(options)));
  }
}

// Run as `node esbuild.mjs`; imported (the bench, a test), it only gives its options. No top-level
// await, so TypeScript tests can load it as CommonJS.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(() => {
    process.exitCode = 1; // esbuild has printed the errors
  });
}
