// Phase 3's "groups ready": after phase 1, an object in Intune deployed to a wave user's collection
// must carry its assignments, or it won't reach them once they move. On a sandbox world, through the
// CLI: the import assigns everything (preflight ok); assignments taken away in the tenant block the
// wave's preflight and its runbook, naming the objects; importing again puts them back.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { worldPlan } from '../../src/sandbox/site/contoso/plan';
import { runCli } from '../support/cli';
import { candidates, openWorld, removeDir, tempDir } from './sandbox-world-support';

describe('phase 3 preflight: the objects in Intune reach the wave users', () => {
  let dir: string;
  let plan: string;
  before(async () => {
    dir = tempDir();
    const world = await openWorld(dir);
    const pilot = candidates(world, { licensed: true, offline: false })
      .slice(0, 3)
      .map((c) => c.upn);
    await world.close();
    plan = join(dir, 'contoso.migration.json');
    writeFileSync(plan, JSON.stringify({ ...worldPlan(), waves: [{ name: "Pilot – O'Neill's team", users: pilot }] }, null, 2));
  });
  after(() => removeDir(dir));

  const cli = (...args: string[]) => runCli([...args, '--plan', plan], { cwd: dir, timeoutMs: 120_000 });
  const wave = "Pilot – O'Neill's team";

  it('passes after the import, blocks (preflight and runbook) once assignments are gone, passes again after a new import', async () => {
    const imported = await cli('import', '--yes');
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    const ok = await cli('wave', 'preflight', '--wave', wave);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /ok\s+The objects in Intune deployed to the wave users’ collections are assigned to their groups\./);

    // Someone removed every assignment in the Intune admin center.
    const world = await openWorld(dir);
    let cleared = 0;
    world.tenantServer.update((state) => {
      cleared = Object.values(state.assignments).filter((a) => a.length).length;
      for (const id of Object.keys(state.assignments)) state.assignments[id] = [];
    });
    await world.close();
    assert.ok(cleared > 0);

    const blocked = await cli('wave', 'preflight', '--wave', wave);
    assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
    assert.match(
      blocked.stdout,
      /object\(s\) in Intune would not reach the wave's users: their groups are missing or not assigned: "[^"]+" \(/,
    );
    const noRunbook = await cli('wave', 'runbook', '--wave', wave, '-o', 'pilot.ps1');
    assert.equal(noRunbook.code, 1);
    assert.match(noRunbook.stderr, /does not pass preflight: no runbook written/);

    const again = await cli('import', '--yes');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((await cli('wave', 'preflight', '--wave', wave)).code, 0);
  });
});
