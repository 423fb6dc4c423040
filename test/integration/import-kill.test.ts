// Phase 1 is exactly-once across crashes: `cm2intune import --yes` (the real CLI, bundled, in a
// child process) is killed with SIGKILL at a random point of the run, then a normal run resumes
// on the same plan, journal and sandbox. Ten independent runs (fresh sandbox and journal each,
// one site): after each, the sandbox holds exactly what a clean run leaves (objects by marker,
// binds, group members, assignment targets) and a further run proposes nothing.
//
// Kill points: one random sandbox write count per tenth of a clean run's writes (seeded; replay
// with IMPORT_KILL_SEED=<seed>), plus a random 0-20 ms so kills also land between an answer and
// its journal line. Nothing paces a Contoso import (its ~70 Intune writes fit Intune's window, its
// group writes go to Entra ID beside them), so all its writes are on the wire at once and a kill
// would land after the last: the killed run's tenant allows 50 Intune writes per 20 s, so it
// waits in a throttle pause, and counts stop at 75, before it. The resume has the tenant
// unthrottled.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import {
  bundleCli,
  importInProcess,
  normalise,
  openWorld,
  seededRandom,
  spawnCli,
  startContosoSite,
  waitFor,
  type ImportWorld,
} from './import-world';

describe('import: kill -9 at random points, then resume', () => {
  let site: TdsTestServer;
  let scratch: string;
  const worlds: ImportWorld[] = [];
  before(async () => {
    site = await startContosoSite();
    scratch = mkdtempSync(join(tmpdir(), 'cm2intune-cli-bundle-'));
  });
  after(async () => {
    for (const w of worlds) await w.close();
    await site?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('ends with exactly the objects, groups, members and assignments of a clean run', { timeout: 300_000 }, async (t) => {
    const clean = await openWorld(site);
    worlds.push(clean);
    const reference = await importInProcess(clean.planFile, site.password);
    assert.equal(reference.run.failed + reference.run.skipped, 0, 'the clean reference run has no failures');
    const expected = normalise(clean.sandbox.objects());
    const cleanWrites = clean.sandbox.stats().writes;
    await clean.close();

    const seed = Number(process.env.IMPORT_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    t.diagnostic(`kill seed ${seed} (replay: IMPORT_KILL_SEED=${seed})`);
    const random = seededRandom(seed);
    const last = Math.min(75, cleanWrites - 25);
    const thresholds = Array.from({ length: 10 }, (_, i) => Math.max(1, Math.floor(((i + random()) * last) / 10)));
    const bundle = await bundleCli(scratch);

    for (const [i, threshold] of thresholds.entries()) {
      const w = await openWorld(site, { throttle: { writesPerWindow: 50, windowMs: 20_000 } });
      worlds.push(w);
      const args = ['import', '--plan', w.planArg, '--yes'];
      const { child, result } = spawnCli(args, { cwd: w.dir, env: w.env, bundle });
      let exited = false;
      void result.then(() => (exited = true));
      try {
        await waitFor(
          `run ${i + 1} to reach ${threshold} writes`,
          () => (w.sandbox.stats().writes >= threshold || exited ? true : undefined),
          60_000,
          2,
        );
        const extra = Math.floor(random() * 20);
        if (extra) await new Promise((r) => setTimeout(r, extra));
      } finally {
        child.kill('SIGKILL');
      }
      const killed = await result;
      const at = w.sandbox.stats().writes;
      const label = `run ${i + 1} (seed ${seed}): killed at ${at} of ${cleanWrites} writes (threshold ${threshold})`;
      t.diagnostic(label);
      assert.equal(
        killed.signal,
        'SIGKILL',
        `${label}: it ended by itself first (exit ${killed.code}):\n${killed.stdout}\n${killed.stderr}`,
      );

      w.sandbox.setThrottle(false);
      const resumed = await spawnCli(args, { cwd: w.dir, env: w.env, bundle }).result;
      assert.equal(resumed.code, 0, `${label}: the resuming run succeeds:\n${resumed.stdout}\n${resumed.stderr}`);
      assert.match(resumed.stdout, /Import into the sandbox tenant: (\d+) of \1 step\(s\) done\./, label);
      const actual = normalise(w.sandbox.objects());
      assert.deepEqual(
        actual.objects.map((o) => o.marker),
        expected.objects.map((o) => o.marker),
        `${label}: the same Intune objects, each once`,
      );
      assert.deepEqual(actual, expected, `${label}: objects, binds, assignments, groups and members as after a clean run`);
      assert.equal(w.sandbox.stats().writes, cleanWrites, `${label}: no write was done twice`);

      // A further run proposes nothing (in process: the CLI's no-op run is covered in import-clean).
      const again = await importInProcess(w.planFile, site.password);
      assert.deepEqual(
        again.steps.map((s) => s.title),
        [],
        `${label}: a further run proposes nothing`,
      );
      assert.equal(w.sandbox.stats().writes, cleanWrites, `${label}: a further run writes nothing`);
      await w.close();
    }
  });
});
