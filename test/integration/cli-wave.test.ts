// `cm2intune wave` as an admin runs it, on a sandbox world: preflight, the runbook to a file, the
// runbook applied by the simulated console (as on the site server), then verify --watch and status.
// The world's clock stands still (speed 0): the test advances it between CLI runs.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { worldPlan } from '../../src/sandbox/site/contoso/plan';
import { applyRunbook, type RunbookTranscript } from '../../src/sandbox/world/runbook';
import { runCli } from '../support/cli';
import { candidates, MINUTE, openWorld, removeDir, tempDir } from './sandbox-world-support';

describe('cm2intune wave on a sandbox world', () => {
  let dir: string;
  let plan: string;
  let pilot: string[];
  let unlicensed: string;
  before(async () => {
    dir = tempDir();
    const world = await openWorld(dir);
    pilot = candidates(world, { licensed: true, offline: false })
      .slice(0, 2)
      .map((c) => c.upn);
    unlicensed = candidates(world, { licensed: false })[0].upn;
    await world.close();
    plan = join(dir, 'contoso.migration.json');
    writeFileSync(
      plan,
      JSON.stringify(
        {
          ...worldPlan(),
          waves: [
            { name: 'Pilot', users: pilot, verifyTimeoutMinutes: 1 },
            { name: 'Blocked', users: [unlicensed] },
          ],
        },
        null,
        2,
      ),
    );
  });
  after(() => removeDir(dir));

  const cli = (...args: string[]) => runCli(['wave', ...args, '--plan', plan], { cwd: dir, timeoutMs: 90_000 });

  it('preflight passes for licensed users and blocks (exit 1) on an unlicensed one, naming them', async () => {
    const ok = await cli('preflight', '--wave', 'Pilot');
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /Preflight of wave "Pilot": ok/);
    const blocked = await cli('preflight', '--wave', 'Blocked');
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.ok(blocked.stdout.includes(unlicensed), blocked.stdout);
    const noRunbook = await cli('runbook', '--wave', 'Blocked', '-o', 'blocked.ps1');
    assert.equal(noRunbook.code, 1);
    assert.match(noRunbook.stderr, /does not pass preflight: no runbook written/);
  });

  it('an unknown wave and a bad action are one-line usage errors', async () => {
    const unknown = await cli('verify', '--wave', 'Nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /The plan has no wave "Nope" \(waves: "Pilot", "Blocked"\)/);
    assert.doesNotMatch(unknown.stderr, /at .*\.ts:\d+/);
    const bad = await runCli(['wave', 'apply', '--plan', plan, '--wave', 'Pilot'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /say what to do: preflight, runbook, verify, status/);
  });

  it('runbook -o, the site not changed yet: verify says so (exit 1) and status says "runbook written"; applied, verify --watch ends verified', async () => {
    const written = await cli('runbook', '--wave', 'Pilot', '-o', 'wave.ps1');
    assert.equal(written.code, 0, written.stderr);
    const text = readFileSync(join(dir, 'wave.ps1'), 'utf8');
    assert.match(text, /wave 'Pilot' on site P01/);

    const notApplied = await cli('verify', '--wave', 'Pilot');
    assert.equal(notApplied.code, 1);
    assert.match(notApplied.stdout, /the runbook has not been applied/);
    const status = await cli('status', '--wave', 'Pilot');
    assert.match(status.stdout, /Wave "Pilot": runbook written/);

    const world = await openWorld(dir);
    try {
      const result = (await applyRunbook(text, world.console)) as RunbookTranscript;
      assert.equal(result.outcome, 'completed', JSON.stringify(result));
      world.clock.advance(6 * MINUTE);
      world.settle();
    } finally {
      await world.close();
    }
    const verified = await cli('verify', '--wave', 'Pilot', '--watch', '--interval', '1');
    assert.equal(verified.code, 0, verified.stderr + verified.stdout);
    assert.match(verified.stdout, /applied on the site; (\d+) of \1 devices managed by Intune: verified/);
    assert.match(verified.stderr, /devices in Intune \(verified\)/);
    const after = await cli('status', '--wave', 'Pilot');
    assert.match(after.stdout, /Wave "Pilot": verified \(devices (\d+) of \1 in Intune\)/);
  });
});
