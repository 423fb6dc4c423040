// The extension's icons: the 128×128 PNG package.json names is the one scripts/icon.mjs draws from
// its shapes (a stale PNG after a changed drawing fails here), and the activity-bar icon is a
// monochrome 24×24 SVG that takes the theme's colour.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '../..');

test('package.json names media/icon.png, a 128×128 RGBA PNG as scripts/icon.mjs draws it, packaged', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { icon?: string };
  assert.equal(manifest.icon, 'media/icon.png');
  const file = readFileSync(join(root, 'media/icon.png'));
  assert.deepEqual([...file.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.equal(file.subarray(12, 16).toString('latin1'), 'IHDR');
  assert.deepEqual([file.readUInt32BE(16), file.readUInt32BE(20), file[24], file[25]], [128, 128, 8, 6]);
  const drawn = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const m = await import('./scripts/icon.mjs'); process.stdout.write(m.png(m.raster()).toString('base64'));",
    ],
    { cwd: root, encoding: 'utf8' },
  );
  assert.ok(Buffer.from(drawn, 'base64').equals(file), 'media/icon.png is what `node scripts/icon.mjs` draws now: run it and commit');
  assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!media\/\*\*$/m);
});

test('the activity-bar icon: 24×24, drawn in currentColor only', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: { viewsContainers: { activitybar: { icon: string }[] } };
  };
  const path = manifest.contributes.viewsContainers.activitybar[0].icon;
  const icon = readFileSync(join(root, path), 'utf8');
  assert.match(icon, /viewBox="0 0 24 24"/);
  assert.match(icon, /stroke="currentColor"/);
  assert.doesNotMatch(icon, /#[0-9a-f]{3,6}\b|rgb\(/i, 'no fixed colour: VS Code tints it');
});
