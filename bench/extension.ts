// Extension figures: what VS Code loads and how long activation takes, and what the .vsix weighs.
// Targets (issue 9): activation <= 50 ms, extension bundle <= 1 MB minified, .vsix <= 1 MB.
//
// extension.activateMs: the production bundle loaded and `activate` run with a minimal stand-in
// for the `vscode` module and a fake context, in a fresh Node process each time (nothing cached),
// median of `runs`. It counts loading (reading, compiling, evaluating) the bundle and activate()
// itself, not Node's own start. extension.bundleBytes: dist/extension.js, what activation loads;
// extension.lazyBytes: the parts loaded on first use (dist/extension-core.js, dist/sandbox.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildOptions, LAZY_CHUNKS } from '../esbuild.mjs';

const repo = resolve(__dirname, '..');

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export async function benchExtension({ runs = 7 } = {}): Promise<Record<string, number>> {
  const esbuild = await import('esbuild');
  const out = mkdtempSync(join(tmpdir(), 'cm2intune-bench-ext-'));
  try {
    // The extension and its lazy parts, minified as they ship.
    const builds = buildOptions({ production: true, outdir: out }).filter((b) =>
      /^(extension|extension-core|sandbox)\.js$/.test(basename(String(b.outfile))),
    );
    await Promise.all(builds.map((options) => esbuild.build(options)));
    const bundle = join(out, 'extension.js');
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const report = JSON.parse(run(process.execPath, [join(repo, 'bench/activate-extension.cjs'), bundle])) as {
        ms: number;
        afterSettling: string[];
      };
      const extra = report.afterSettling.filter((f) => f !== 'extension.js');
      if (extra.length) throw new Error(`activation loaded ${extra.join(', ')}: it must load only extension.js`);
      times.push(report.ms);
    }
    return {
      'extension.activateMs': Number(median(times).toFixed(1)),
      'extension.bundleBytes': statSync(bundle).size,
      'extension.lazyBytes': Object.values(LAZY_CHUNKS).reduce((sum, file) => sum + statSync(join(out, file)).size, 0),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** vsix.bytes: the package `npm run package` makes (vsce runs the production build first). */
export async function benchVsix(): Promise<Record<string, number>> {
  const out = mkdtempSync(join(tmpdir(), 'cm2intune-bench-vsix-'));
  try {
    const vsix = join(out, 'cm2intune.vsix');
    run(join(repo, 'node_modules/.bin/vsce'), [
      'package',
      '--no-dependencies',
      '--no-rewrite-relative-links',
      '--readme-path',
      'docs/extension-page.md',
      '-o',
      vsix,
    ]);
    return { 'vsix.bytes': statSync(vsix).size };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
