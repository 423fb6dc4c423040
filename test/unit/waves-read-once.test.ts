// A wave's preflight and its runbook read the site once: the wave's users and phase 1's "groups
// ready" check work on the same site model, passed on, not read again (a site over SQL is the
// slowest read a wave has).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MigrationPlan } from '../../src/core/plan/types';
import type { BatchRequest, BatchResult, GraphPort } from '../../src/core/tenant/graph-port';
import { readWave, readWavePreflight, waveRunbookFor } from '../../src/core/phases/waves-read';
import { CONTOSO_PLAN, contosoGroups, contosoModel, fakeSession, fakeTenant } from '../support/fake-session';

/** Two of the site's users with a UPN: the Pilot wave. */
async function pilot(): Promise<string[]> {
  const model = await contosoModel();
  return model.users.flatMap((u) => (u.upn ? [u.upn] : [])).slice(0, 2);
}

/** The fake tenant, with the wave's per-user reads answered: each user in Entra ID, no devices yet. */
async function session() {
  const { graph: tenant, reads } = fakeTenant(await contosoGroups());
  const graph: GraphPort = {
    ...tenant,
    async batch(requests, options) {
      const perUser = (r: BatchRequest) => /^\/users\/([^/?]+)(\/managedDevices)?\?/.exec(r.path);
      if (!requests.every(perUser)) return tenant.batch(requests, options);
      return requests.map((r): BatchResult => {
        const [, upn, devices] = perUser(r)!;
        const body = devices ? { value: [] } : { id: `id-${upn}`, userPrincipalName: decodeURIComponent(upn), assignedPlans: [] };
        return { id: r.id, status: 200, outcome: 'ok', body };
      });
    },
  };
  const plan: MigrationPlan = { ...CONTOSO_PLAN, subscriptionCollection: 'P0100014', waves: [{ name: 'Pilot', users: await pilot() }] };
  return { session: fakeSession(plan, graph, reads), reads };
}

describe('a wave reads its site once', () => {
  it('preflight: the users and the groups-ready check from one read of the site', async () => {
    const { session: s, reads } = await session();
    const preflight = await readWavePreflight(s, 'Pilot');
    assert.equal(reads.site, 1);
    assert.deepEqual(
      preflight.users.map((u) => u.upn),
      await pilot(),
    );
    assert.ok(
      preflight.checks.some((c) => c.id === 'groups-ready'),
      preflight.checks.map((c) => c.id).join(', '),
    );
    // The same as the wave read on its own gives, plus phase 1's check.
    const { session: again } = await session();
    const { preflight: sides } = await readWave(again, 'Pilot');
    assert.deepEqual(
      preflight.checks.filter((c) => c.id !== 'groups-ready'),
      sides.checks,
    );
  });

  it('runbook and undo runbook: one read of the site each', async () => {
    for (const undo of [false, true]) {
      const { session: s, reads } = await session();
      const { text, preflight } = await waveRunbookFor(s, 'Pilot', { undo });
      assert.equal(reads.site, 1, undo ? 'undo' : 'runbook');
      assert.equal(
        preflight.checks.some((c) => c.id === 'groups-ready'),
        !undo,
      );
      assert.match(text, undo ? /UNDO wave 'Pilot' on site P01/ : /wave 'Pilot' on site P01/);
    }
  });
});
