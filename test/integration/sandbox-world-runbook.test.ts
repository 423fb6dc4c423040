// The simulated console through the world's public interface: a runbook posted to
// /_sandbox/world/runbook is parsed with the real PowerShell grammar and applied to the sample
// site as the SMS Provider would; the Intune service then follows the subscription collection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HYBRID_AGENT, INTUNE_AGENT, type SandboxWorld } from '../../src/sandbox/world/index';
import { waveRunbook } from '../../src/core/phases/waves';
import { admin, candidates, managedDevicesOf, MINUTE, openWorld, removeDir, SUBSCRIPTION, tempDir } from './sandbox-world-support';

describe('sandbox world: the console applies a runbook', () => {
  let dir: string;
  let world: SandboxWorld;
  before(async () => {
    dir = tempDir();
    world = await openWorld(dir);
  });
  after(async () => {
    await world?.close();
    removeDir(dir);
  });

  it('a wave runbook moves licensed users out of the subscription collection, their devices follow; applied twice, the second run changes nothing', async () => {
    const [user] = candidates(world, { licensed: true }).filter((c) => c.devices.some((d) => !d.dem && d.checkInIntervalMs !== null));
    assert.ok(user, 'a licensed subscription member with an online device');
    const name = world.console.getUser(user.resourceId)!.uniqueName;
    const script = waveRunbook({
      siteCode: world.console.siteCode,
      wave: { name: "Pilot – Zoë's", users: [name] },
      users: [{ resourceId: user.resourceId, uniqueName: name }],
    });

    const dry = await admin(world, 'POST', 'world/runbook', { script, dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.changes, 0, 'a dry run changes nothing');
    assert.ok(world.console.members(SUBSCRIPTION).includes(user.resourceId));

    const first = await admin(world, 'POST', 'world/runbook', { script });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.outcome, 'completed');
    assert.ok(first.body.changes >= 3, `collection, direct rule, exclude rule: ${first.body.changes}`);
    assert.ok(!world.console.members(SUBSCRIPTION).includes(user.resourceId), 'the user left the subscription collection');

    const second = await admin(world, 'POST', 'world/runbook', { script });
    assert.equal(second.status, 200);
    assert.equal(second.body.changes, 0, 'idempotent: the second run changes nothing');

    const online = (await managedDevicesOf(world, user.upn)).filter((d) => d.managementAgent === HYBRID_AGENT);
    assert.ok(online.length > 0, 'hybrid before the delay');
    await admin(world, 'POST', 'world/clock/advance', { ms: 6 * MINUTE });
    const after = await managedDevicesOf(world, user.upn);
    assert.ok(
      after.some((d) => d.managementAgent === INTUNE_AGENT),
      `a device moved to Intune: ${after.map((d) => d.managementAgent).join(', ')}`,
    );
  });

  it("a cmdlet outside the console's subset is refused with its line, and nothing is applied", async () => {
    const before = world.console.getCollection({ name: 'Should not exist' });
    assert.equal(before, undefined);
    const script = [
      "Import-Module ($Env:SMS_ADMIN_UI_PATH.Substring(0, $Env:SMS_ADMIN_UI_PATH.Length - 5) + '\\ConfigurationManager.psd1')",
      `Set-Location '${world.console.siteCode}:'`,
      "New-CMUserCollection -Name 'Should not exist' -LimitingCollectionId 'SMS00002'",
      "Remove-CMCollection -Name 'Sales Users' -Force",
    ].join('\n');
    const r = await admin(world, 'POST', 'world/runbook', { script });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /^line 4, column \d+: .*Remove-CMCollection/);
    assert.equal(world.console.getCollection({ name: 'Should not exist' }), undefined, 'refused whole: the line before it did not run');
  });
});
