// The bench in reduced form, in CI: its benchmarks still run and give their figures (issue 16). Only
// figures that are counts, not times, are held to their targets here; times belong to `npm run bench`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchEditor } from '../../bench/editor';
import { benchTree } from '../../bench/tree';
import { benchVerify } from '../../bench/verify';
import { contosoModel } from '../support/fake-session';

test('the editor bench checks a plan with thousands of users in waves', async () => {
  const figures = await benchEditor({ runs: 1, users: 5_000, waves: 5 });
  assert.equal(typeof figures['plan.checkMs'], 'number');
  assert.ok(figures['plan.checkBytes'] > 200_000);
});

test('the tree bench paints the roots of the real view with their counts, and expands the biggest', { timeout: 120_000 }, async () => {
  // The Contoso site (not the 100k-user one) and a plan with thousands of users in waves.
  const figures = await benchTree({ runs: 2, users: 5_000, waves: 5, site: contosoModel });
  assert.equal(typeof figures['tree.firstPaintMs'], 'number');
  assert.equal(typeof figures['tree.paintEditedMs'], 'number');
  assert.equal(figures['tree.siteUsers'], (await contosoModel()).users.length);
  assert.ok(figures['tree.roots'] >= 11, `${figures['tree.roots']} roots`);
  // Contoso's biggest kind: its configuration items (13 of them).
  assert.equal(figures['tree.expandItems'], 13);
});

test('the verify bench reads licences and devices in few calls (a count: held to its target)', { timeout: 120_000 }, async () => {
  const figures = await benchVerify({ users: 4_000, devices: 6_000 });
  assert.equal(figures['verify.devices'], 6_000);
  assert.ok(figures['verify.callsPer1000Devices'] <= 5, `${figures['verify.callsPer1000Devices']} calls per 1000 devices`);
});
