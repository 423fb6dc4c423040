// esbuild.mjs builds every bundle from wherever it is run: the extension, its lazy parts, the CLI
// and the dashboard webview, each from an entry point that exists (an existence check relative to
// the working folder once made a build from elsewhere skip the webview without a word).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { buildOptions, LAZY_CHUNKS } from '../../esbuild.mjs';

const repo = resolve(__dirname, '../..');

test('every bundle is built, from entry points that exist, whatever the working folder', () => {
  const cwd = process.cwd();
  process.chdir(tmpdir());
  try {
    const builds = buildOptions();
    assert.deepEqual(
      builds.map((b) => b.outfile),
      ['dist/extension.js', ...Object.values(LAZY_CHUNKS).map((f) => `dist/${f}`), 'dist/cli.js', 'dist/webview.js'],
    );
    for (const b of builds) {
      assert.equal(b.absWorkingDir, repo, `${b.outfile} is built relative to the repo`);
      for (const entry of b.entryPoints as string[]) assert.ok(existsSync(join(repo, entry)), `${entry} exists`);
    }
  } finally {
    process.chdir(cwd);
  }
});

test('the extension keeps vscode external and turns import() of its lazy parts into require()', () => {
  const [extension] = buildOptions({ production: true });
  assert.deepEqual(extension.external, ['vscode']);
  assert.deepEqual(extension.supported, { 'dynamic-import': false });
  assert.equal(extension.minify, true);
  assert.equal(extension.format, 'cjs');
});
