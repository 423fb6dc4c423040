// A bundle inlines every module it reaches, and inside a bundle `require.main === module` is true
// for each of them: a generator's "run as a script" block would run whenever the CLI or the
// extension starts (it once rewrote the sample site's SQL beside the bundle). Only the CLI's own
// entry point may have one; generators live in scripts/.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const repo = join(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.ts$/.test(name) ? [path] : [];
  });
}

test('no module under src/ but the CLI entry runs itself as a script', () => {
  const found = files(join(repo, 'src'))
    .filter((f) => /require\.main\s*===\s*module/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(repo, f));
  // make-graph-types.ts is a generator no module imports (so no bundle holds it).
  assert.deepEqual(found, ['src/cli/main.ts', 'src/sandbox/tenant/make-graph-types.ts']);
});
