// Bundles the extension-host suite (test/e2e/suite/*.ts) to out/e2e/suite/, one file per entry.
// vscode comes from the host; mocha stays external and resolves from the repo's node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const dir = 'test/e2e/suite';
const entryPoints = readdirSync(dir)
  .filter((f) => f === 'index.ts' || f.endsWith('.e2e.ts'))
  .map((f) => `${dir}/${f}`);
rmSync('out/e2e/suite', { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: 'out/e2e/suite',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
