// `npm run package` builds the .vsix offline; it holds what the extension needs and nothing else:
// not the CLI, which is its own program (`bin`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/cli';
import { zipEntries, zipEntryText } from '../support/zip';

test("the .vsix holds the extension's bundles, schemas, media, README, LICENSE and package.json only", { timeout: 180_000 }, () => {
  execFileSync('npm', ['run', '-s', 'package'], { cwd: repoRoot, stdio: 'pipe' });
  const entries = zipEntries(join(repoRoot, 'dist/cm2intune.vsix')).filter((e) => e.startsWith('extension/'));
  const allowed =
    /^extension\/(package\.json|readme\.md|LICENSE\.txt|dist\/(extension|extension-core|sandbox|webview)\.js|dist\/sql-wasm\.wasm\.br|schemas\/[\w.-]+\.json|media\/[\w./-]+)$/i;
  assert.deepEqual(
    entries.filter((e) => !allowed.test(e)),
    [],
    'unexpected files in the package',
  );
  for (const needed of [
    'extension/package.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    'extension/dist/extension.js',
    'extension/dist/extension-core.js',
    'extension/dist/sandbox.js',
    'extension/dist/sql-wasm.wasm.br',
    'extension/dist/webview.js',
    'extension/schemas/migration-plan.schema.json',
  ]) {
    assert.ok(
      entries.some((e) => e.toLowerCase() === needed.toLowerCase()),
      `missing ${needed}`,
    );
  }
  assert.ok(!entries.some((e) => /node_modules|\/src\/|\/test\/|\.ts$|\.map$/.test(e)), 'no sources, tests, maps or node_modules');
  assert.ok(!entries.some((e) => /cli\.js$/.test(e)), 'not the CLI bundle');
  // The extension page is written for admins (docs/extension-page.md), not the developers' README.
  const readme = zipEntryText(join(repoRoot, 'dist/cm2intune.vsix'), 'extension/readme.md');
  assert.match(readme, /^# ConfigMgr to Intune Migration/);
  assert.doesNotMatch(readme, /npm (ci|test|run)/);
  // Issue 9's target; a size, not a timing, so it is safe to hold in CI (bench reports vsix.bytes).
  const bytes = statSync(join(repoRoot, 'dist/cm2intune.vsix')).size;
  assert.ok(bytes <= 1_000_000, `the .vsix weighs ${bytes} bytes, over its 1 MB target`);
});
