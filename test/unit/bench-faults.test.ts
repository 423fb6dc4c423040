// `npm run bench` reports the latest full fault run (bench/faults.ts): its figures, and a note
// when there is no run, the file is not a run, or the run is old.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { benchFaults } from '../../bench/faults';

const dir = mkdtempSync(join(tmpdir(), 'cm2intune-bench-faults-'));
const run = (finishedAt: string) => ({
  format: 'cm2intune-fault-run/1',
  full: true,
  seed: 42,
  finishedAt,
  elapsedMs: 90 * 60_000,
  figures: {
    trials: 420,
    killTrials: 300,
    faultRuns: 100,
    concurrentRuns: 20,
    faults: 812,
    fuzzCases: 10_040,
    duplicates: 0,
    divergences: 0,
    crashes: 0,
    failedTrials: 0,
    failedCases: 0,
  },
});

test('the figures of the latest full run', async () => {
  const file = join(dir, 'full.json');
  writeFileSync(file, JSON.stringify(run('2026-11-30T12:00:00.000Z')));
  const figures = await benchFaults(file, Date.parse('2026-11-30T18:00:00.000Z'));
  assert.equal(figures['faults.trials'], 420);
  assert.equal(figures['faults.faults'], 812);
  assert.equal(figures['faults.fuzzCases'], 10_040);
  assert.deepEqual([figures['faults.duplicates'], figures['faults.divergences'], figures['faults.crashes']], [0, 0, 0]);
  assert.equal(figures['faults.ageDays'], 0.3);
  assert.equal(figures['faults.note'], undefined);
});

test('a note when the run is old, missing or not a run', async () => {
  const file = join(dir, 'old.json');
  writeFileSync(file, JSON.stringify(run('2026-11-01T12:00:00.000Z')));
  const old = await benchFaults(file, Date.parse('2026-11-30T12:00:00.000Z'));
  assert.equal(old['faults.trials'], 420, 'still reported');
  assert.match(String(old['faults.note']), /29 days old .* run `npm run test:faults` again/);
  assert.match(String((await benchFaults(join(dir, 'absent.json')))['faults.note']), /no full fault run: .*absent\.json is missing/);
  writeFileSync(join(dir, 'bad.json'), '{"figures":');
  assert.match(String((await benchFaults(join(dir, 'bad.json')))['faults.note']), /not readable JSON/);
  writeFileSync(join(dir, 'other.json'), '{"a":1}');
  assert.match(String((await benchFaults(join(dir, 'other.json')))['faults.note']), /not a fault run file/);
});

test('the bench says where each figure stands against its target', async () => {
  const { standings } = await import('../../bench/targets');
  assert.deepEqual(standings({ 'vsix.bytes': 970_539, 'import.writeRateRatio': 0.84, 'faults.duplicates': 0, 'meta.node': 'v20' }), {
    'target.vsix.bytes': 'ok (≤ 1000000)',
    'target.import.writeRateRatio': 'missed: 0.84 < 0.95',
    'target.faults.duplicates': 'ok (≤ 0)',
  });
});
