// Phase 1 under faults ends where a clean run ends, without duplicates: a 429 storm on the writes
// (Retry-After honoured, nothing sent twice) and connections dropped after the sandbox committed
// the write (`reset-after-commit`) on device configuration writes. The creates go out in $batch:
// the fault matches the inner request's path (`deviceManagement/deviceConfigurations…`, without
// the version), and drops the answer of the whole batch, so every create in it has an unknown
// outcome and is settled by its marker, every assignment is resent (it replaces the set) and
// every member addition is settled by looking at the group.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executeImport, proposeImport, readImportPicture } from '../../src/core/phases/import';
import { openSession } from '../../src/core/session';
import type { Fault } from '../../src/sandbox/tenant';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { FAST_PACING, importInProcess, normalise, openWorld, startContosoSite, type ImportWorld } from './import-world';

describe('import: faults', () => {
  let site: TdsTestServer;
  let expected: ReturnType<typeof normalise>;
  let cleanWrites: number;
  const worlds: ImportWorld[] = [];
  before(async () => {
    site = await startContosoSite();
    const clean = await openWorld(site);
    worlds.push(clean);
    const reference = await importInProcess(clean.planFile, site.password);
    assert.equal(reference.run.failed + reference.run.skipped, 0);
    expected = normalise(clean.sandbox.objects());
    cleanWrites = clean.sandbox.stats().writes;
  });
  after(async () => {
    for (const w of worlds) await w.close();
    await site?.close();
  });

  /** Reads and proposes without faults, then runs the steps with the fault injected. */
  async function importWith(fault: Fault) {
    const w = await openWorld(site);
    worlds.push(w);
    const session = await openSession(w.planFile, { use: 'import', password: site.password, pacing: FAST_PACING });
    try {
      const read = await readImportPicture(session);
      const steps = await proposeImport(read, session.graph);
      w.sandbox.faults.inject(fault);
      const run = await executeImport(session, read, steps);
      return { w, run, steps };
    } finally {
      w.sandbox.faults.clear();
      await session.close();
    }
  }

  async function assertLikeClean(w: ImportWorld) {
    const actual = normalise(w.sandbox.objects());
    assert.deepEqual(
      actual.objects.map((o) => o.marker),
      expected.objects.map((o) => o.marker),
      'the same Intune objects, each once',
    );
    assert.deepEqual(actual, expected);
    const again = await importInProcess(w.planFile, site.password);
    assert.deepEqual(
      again.steps.map((s) => s.title),
      [],
      'a further run proposes nothing',
    );
  }

  // A storm hits $batch envelopes (one request each). A 429 is waited out by time (the port's
  // maxThrottledMs, 10 min by default), not by a count of attempts: both storms are absorbed.
  for (const count of [12, 30]) {
    it(`under a 429 storm of ${count} (Retry-After 1): the run completes, nothing sent twice`, { timeout: 120_000 }, async (t) => {
      const { w, run } = await importWith({ kind: '429-storm', count, retryAfterSeconds: 1 });
      const unfinished = run.outcomes.filter((o) => o.status !== 'done');
      t.diagnostic(
        `run under the storm: ${run.done} done, ${run.failed} failed, ${run.skipped} skipped; 429s: ${w.sandbox.stats().throttled}`,
      );
      assert.deepEqual(
        unfinished.map((o) => `${o.step.title}: ${o.message}`),
        [],
      );
      const stats = w.sandbox.stats();
      assert.ok(stats.throttled >= count, `the storm hit the run (${stats.throttled} answers 429)`);
      assert.equal(stats.writes, cleanWrites, 'no write sent twice');
      await assertLikeClean(w);
    });
  }

  // The fault counts matching writes; one $batch holding several of them loses one answer (the whole
  // batch's). 3 matching writes fit in the first batch; 30 spread over several batches and rounds.
  for (const count of [3, 30]) {
    it(
      `with answers lost after ${count} device configuration writes committed: settled by marker, no duplicates`,
      { timeout: 120_000 },
      async () => {
        const { w, run } = await importWith({ kind: 'reset-after-commit', count, method: 'POST', pathIncludes: 'deviceConfigurations' });
        const stats = w.sandbox.stats();
        assert.ok((stats.byStatus[0] ?? 0) >= (count === 3 ? 1 : 2), `answers dropped: ${stats.byStatus[0] ?? 0}`);
        assert.equal(
          run.failed + run.skipped,
          0,
          run.outcomes
            .filter((o) => o.status === 'failed' || o.status === 'skipped')
            .map((o) => `${o.step.title}: ${o.message}`)
            .join('\n'),
        );
        const reconciled = run.outcomes.filter((o) => o.status === 'reconciled');
        assert.ok(
          reconciled.filter((o) => o.step.action === 'create').length >= 3,
          `creates whose answer was lost were found by their marker (${reconciled.length} settled)`,
        );
        assert.ok(
          reconciled.every((o) => o.intuneId),
          'each settled step names what it found',
        );
        await assertLikeClean(w);
      },
    );
  }
});
