// esbuild.mjs builds every bundle from wherever it is run: the extension, its lazy parts, the CLI
// and the dashboard webview, each from an entry point that exists (an existence check relative to
// the working folder once made a build from elsewhere skip the webview without a word).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
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
  // vscode comes from the host; the PowerShell grammar (runbooks) loads from its own package, never bundled.
  assert.deepEqual(extension.external, ['web-tree-sitter', 'tree-sitter-powershell', 'vscode']);
  assert.deepEqual(extension.supported, { 'dynamic-import': false });
  assert.equal(extension.minify, true);
  assert.equal(extension.format, 'cjs');
});

test('bundles read the code pages a site database can have (1252, 936) and name the ones they omit', async () => {
  const esbuild = await import('esbuild');
  const [, , , cli] = buildOptions();
  const out = join(mkdtempSync(join(tmpdir(), 'cm2intune-codepages-')), 'probe.js');
  await esbuild.build({
    ...cli,
    entryPoints: undefined,
    banner: undefined,
    outfile: out,
    stdin: {
      resolveDir: repo,
      contents: `const iconv = require('iconv-lite');
        const decode = (bytes, cp) => { try { return iconv.decode(Buffer.from(bytes), cp); } catch (e) { return 'error: ' + e.message; } };
        console.log(JSON.stringify([decode([0x43, 0x61, 0x66, 0xe9], 'CP1252'), decode([0xd6, 0xd0], 'CP936'), decode([0xb0, 0xa1], 'CP949'), decode([0x82, 0xa0], 'CP932')]));`,
    },
  });
  const [latin, chinese, korean, japanese] = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' })) as string[];
  assert.equal(latin, 'Café');
  assert.equal(chinese, '中');
  assert.match(
    korean,
    /^error: The site database sent text in the Korean \(949\) code page.*SQL_Latin1_General_CP1_CI_AS.*docs\/site-database\.md/,
  );
  assert.match(japanese, /^error: .*Japanese \(Shift-JIS, 932\)/);
});
