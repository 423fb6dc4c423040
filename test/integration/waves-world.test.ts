// Phase 3 on the sandbox world: the core's preflight, runbooks and verification against the site
// (read by the product's own mssql readers over TDS) and the tenant (Graph over HTTP). Runbooks are
// parsed by the real PowerShell grammar and applied by the simulated console, as an admin would
// run them on the site server. The clock stands still (speed 0): tests advance it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  preflightWave,
  siteSideOf,
  verifyWave,
  waveRunbook,
  waveUndoRunbook,
  watchWave,
  renderVerification,
  type EntraUser,
  type ManagedDevice,
  type PlanWave,
  type WaveVerification,
} from '../../src/core/phases/waves';
import { SqlConnection } from '../../src/core/site/sql/connection';
import { readCollections } from '../../src/core/site/sql/collections';
import { readUsers } from '../../src/core/site/sql/discovery';
import type { Collection, User } from '../../src/core/site/model';
import type { SandboxWorld } from '../../src/sandbox/world/index';
import { applyRunbook, checkRunbook, type RunbookTranscript } from '../../src/sandbox/world/runbook';
import { candidates, graph, MINUTE, openWorld, removeDir, siteConfig, SUBSCRIPTION, tempDir } from './sandbox-world-support';

async function readSite(world: SandboxWorld): Promise<{ users: User[]; collections: Collection[] }> {
  const conn = await SqlConnection.open(siteConfig(world), { planDir: world.dir, password: world.site.password });
  try {
    return { users: await readUsers(conn), collections: await readCollections(conn) };
  } finally {
    await conn.close();
  }
}

async function listAll<T>(world: SandboxWorld, path: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const r: { status: number; body: any } = await graph(world, 'GET', next.replace(world.tenant.url, ''));
    assert.equal(r.status, 200, `${next}: ${JSON.stringify(r.body)}`);
    out.push(...r.body.value);
    next = r.body['@odata.nextLink'];
  }
  return out;
}

const tenantDevices = (world: SandboxWorld) => listAll<ManagedDevice>(world, '/v1.0/deviceManagement/managedDevices?$top=999');
const entraUsers = (world: SandboxWorld) => listAll<EntraUser>(world, '/v1.0/users?$select=id,userPrincipalName,assignedPlans&$top=999');

async function applied(text: string, world: SandboxWorld): Promise<RunbookTranscript> {
  const result = await applyRunbook(text, world.console);
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  return result;
}

/** Verification as the CLI does it: both sides read fresh. */
async function verify(world: SandboxWorld, plan: { subscriptionCollection: string }, wave: PlanWave): Promise<WaveVerification> {
  const site = await readSite(world);
  const pre = preflightWave({
    plan: { waves: [wave] },
    wave: wave.name,
    siteUsers: site.users,
    entraUsers: await entraUsers(world),
    devices: [],
  });
  return verifyWave({
    // "After the change" and "now" come from the site and the tenant (the world's clock), as in the CLI.
    wave,
    users: pre.users,
    entraUsers: await entraUsers(world),
    devices: await tenantDevices(world),
    site: siteSideOf(site.collections, plan.subscriptionCollection, wave, pre.users),
  });
}

describe('phase 3 on the sandbox world', () => {
  let dir: string;
  let world: SandboxWorld;
  let licensed: ReturnType<typeof candidates>;
  const plan = { subscriptionCollection: SUBSCRIPTION };
  before(async () => {
    dir = tempDir();
    world = await openWorld(dir);
    licensed = candidates(world, { licensed: true, offline: false });
  });
  after(async () => {
    await world?.close();
    removeDir(dir);
  });

  it('a wave of licensed users: preflight ok, the runbook parses, applied twice changes nothing the second time, and the wave ends verified', async () => {
    const wave: PlanWave = { name: "Pilot – O'Neil", users: licensed.slice(0, 3).map((c) => c.upn) };
    const site = await readSite(world);
    const pre = preflightWave({
      plan: { waves: [wave] },
      wave: wave.name,
      siteUsers: site.users,
      entraUsers: await entraUsers(world),
      devices: await tenantDevices(world),
    });
    assert.ok(pre.ok, JSON.stringify(pre.checks));
    assert.equal(pre.users.length, 3);

    const before = await verify(world, plan, wave);
    assert.equal(before.state, 'planned');

    const text = waveRunbook({ siteCode: world.site.siteCode, wave, subscriptionCollection: SUBSCRIPTION, users: pre.users });
    assert.match(text, /wave 'Pilot – O''Neil' on site P01/);
    assert.doesNotMatch(text, /password|secret\s*=|Tds-/i);
    assert.deepEqual(await checkRunbook(text), []);

    const dry = (await applyRunbook(text, world.console, { dryRunSwitch: true })) as RunbookTranscript;
    assert.equal(dry.outcome, 'completed');
    assert.equal(dry.changes, 0, 'the dry run changes nothing');

    const first = await applied(text, world);
    assert.ok(first.changes >= 5, `first run changes: ${first.changes}`);
    const second = await applied(text, world);
    assert.equal(second.changes, 0, JSON.stringify(second.entries.filter((e) => e.effect === 'changed')));

    const moving = await verify(world, plan, wave);
    assert.equal(moving.site.applied, true);
    assert.equal(moving.site.excludeRule, true);
    assert.deepEqual(moving.site.stillInSubscription, []);
    assert.equal(moving.state, 'appliedOnSite', 'nothing moves before the service follows');
    assert.ok(moving.expected >= 3, `devices: ${moving.expected}`);
    assert.match(moving.devices[0].reason!, /waiting for the Intune service/);

    world.clock.advance(6 * MINUTE);
    world.settle();
    const done = await verify(world, plan, wave);
    assert.equal(done.state, 'verified', renderVerification(done));
    assert.equal(done.moved, done.expected);
  });

  it('the undo runbook restores the membership, and applied twice changes nothing the second time', async () => {
    const wave: PlanWave = { name: 'Undo me', users: licensed.slice(3, 5).map((c) => c.upn) };
    const membersBefore = [...world.console.members(SUBSCRIPTION)].sort();
    const site = await readSite(world);
    const pre = preflightWave({
      plan: { waves: [wave] },
      wave: wave.name,
      siteUsers: site.users,
      entraUsers: await entraUsers(world),
      devices: [],
    });
    const input = { siteCode: world.site.siteCode, wave, subscriptionCollection: SUBSCRIPTION, users: pre.users };
    await applied(waveRunbook(input), world);
    assert.ok(licensed.slice(3, 5).every((c) => !world.console.members(SUBSCRIPTION).includes(c.resourceId)));
    const undo = waveUndoRunbook(input);
    assert.deepEqual(await checkRunbook(undo), []);
    const first = await applied(undo, world);
    assert.ok(first.changes >= 3);
    assert.deepEqual([...world.console.members(SUBSCRIPTION)].sort(), membersBefore);
    assert.equal((await applied(undo, world)).changes, 0);
    const after = await verify(world, plan, wave);
    assert.equal(after.state, 'runbookNotApplied');
  });

  it('an unlicensed user blocks preflight, naming them', async () => {
    const unlicensed = candidates(world, { licensed: false })[0];
    const wave: PlanWave = { name: 'Mixed', users: [licensed[5].upn, unlicensed.upn] };
    const site = await readSite(world);
    const pre = preflightWave({
      plan: { waves: [wave] },
      wave: wave.name,
      siteUsers: site.users,
      entraUsers: await entraUsers(world),
      devices: await tenantDevices(world),
    });
    assert.equal(pre.ok, false);
    const check = pre.checks.find((c) => c.id === 'licensed')!;
    assert.equal(check.ok, false);
    assert.ok(check.message.includes(unlicensed.upn), check.message);
    assert.ok(!check.message.includes(licensed[5].upn));
  });

  it('a DEM device and a device without user affinity are named and do not block verification of the others', async () => {
    const all = await tenantDevices(world);
    const demDevice = all.find((d) => d.deviceEnrollmentType === 'deviceEnrollmentManager')!;
    const demUpn = demDevice.userPrincipalName!;
    const wave: PlanWave = { name: 'Reception', users: [demUpn, licensed[6].upn] };
    const site = await readSite(world);
    const pre = preflightWave({
      plan: { waves: [wave] },
      wave: wave.name,
      siteUsers: site.users,
      entraUsers: await entraUsers(world),
      devices: all,
    });
    assert.equal(pre.checks.find((c) => c.id === 'not-dem')!.ok, false, 'a DEM blocks preflight unless overridden');
    assert.ok(pre.wontFollow.some((w) => w.device.deviceName.startsWith('RECEPTION-IPAD') && w.why === 'dem'));

    await applied(waveRunbook({ siteCode: world.site.siteCode, wave, subscriptionCollection: SUBSCRIPTION, users: pre.users }), world);
    world.clock.advance(6 * MINUTE);
    world.settle();
    const v = await verify(world, plan, wave);
    // A bulk-enrolled (userless) device a wave user signed in to shows their UPN but follows nobody.
    const userless: ManagedDevice = {
      ...(v.devices.length ? all.find((d) => d.userPrincipalName === licensed[6].upn)! : all[0]),
      id: 'userless-1',
      deviceName: 'SHARED-IPAD-01',
      deviceEnrollmentType: 'appleBulkWithoutUser',
      managementAgent: 'configurationManagerClientMdm',
    };
    const site2 = await readSite(world);
    const v2 = verifyWave({
      wave,
      users: pre.users,
      entraUsers: await entraUsers(world),
      devices: [...(await tenantDevices(world)), userless],
      site: siteSideOf(site2.collections, SUBSCRIPTION, wave, pre.users),
    });
    assert.equal(v.state, 'verified', renderVerification(v));
    assert.equal(v2.state, 'verified', renderVerification(v2));
    const named = v2.devices
      .filter((d) => d.state === 'wontFollow')
      .map((d) => d.deviceName)
      .sort();
    assert.deepEqual(named, ['RECEPTION-IPAD-01', 'RECEPTION-IPAD-02', 'RECEPTION-IPAD-03', 'SHARED-IPAD-01']);
    assert.match(renderVerification(v2), /SHARED-IPAD-01 .*no user affinity/);
    assert.match(renderVerification(v2), /RECEPTION-IPAD-01 .*device enrollment manager/);
  });

  it('--watch reads at its pace until the time is up, then names the device that did not move and why (offline)', async () => {
    const offline = candidates(world, { licensed: true, offline: true })[0];
    const wave: PlanWave = { name: 'Offline', users: [offline.upn] };
    const site = await readSite(world);
    const pre = preflightWave({
      plan: { waves: [wave] },
      wave: wave.name,
      siteUsers: site.users,
      entraUsers: await entraUsers(world),
      devices: [],
    });
    await applied(waveRunbook({ siteCode: world.site.siteCode, wave, subscriptionCollection: SUBSCRIPTION, users: pre.users }), world);
    let simulated = 0;
    const seen: string[] = [];
    const result = await watchWave(() => verify(world, plan, wave), {
      timeoutMs: 30 * MINUTE,
      intervalMs: 10 * MINUTE,
      now: () => simulated,
      sleep: async (ms) => {
        simulated += ms;
        world.clock.advance(ms);
        world.settle();
      },
      progress: (v) => seen.push(`${v.moved}/${v.expected}`),
    });
    assert.equal(result.timedOut, true);
    assert.equal(seen.length, 4, `reads at 0, 10, 20 and 30 min (the deadline): ${seen.join(' ')}`);
    const offlineIds = new Set(offline.devices.filter((d) => d.checkInIntervalMs === null).map((d) => d.managedDeviceId));
    assert.ok(offlineIds.size > 0);
    assert.deepEqual(new Set(result.notMoved.map((d) => d.id)), offlineIds, 'exactly the offline devices did not move');
    for (const d of result.notMoved) assert.match(d.reason!, /^offline since 2019-/);
    assert.equal(result.final.moved, result.final.expected - offlineIds.size);
  });

  it('verification of a wave whose runbook was never applied says so at once, with --watch too', async () => {
    const wave: PlanWave = { name: 'Never applied', users: [licensed[7].upn] };
    let reads = 0;
    const result = await watchWave(
      async () => {
        reads++;
        return verify(world, plan, wave);
      },
      { timeoutMs: 60 * MINUTE, intervalMs: MINUTE, sleep: async () => assert.fail('must not wait') },
    );
    assert.equal(reads, 1);
    assert.equal(result.timedOut, false);
    assert.equal(result.final.state, 'planned');
    assert.match(result.final.summary, /has not been applied/);
  });
});

describe('phase 3: All Users as the subscription collection', () => {
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

  it('yields the replacement procedure: a collection with all users takes the subscription, then the wave is excluded from it; twice changes nothing', async () => {
    const users = candidates(world, { licensed: true, offline: false }).slice(0, 2);
    world.console.setSubscriptionCollection('SMS00002');
    const wave: PlanWave = { name: 'Pilot', users: users.map((u) => u.upn) };
    const site = await readSite(world);
    const pre = preflightWave({
      plan: { waves: [wave] },
      wave: wave.name,
      siteUsers: site.users,
      entraUsers: await entraUsers(world),
      devices: [],
    });
    const text = waveRunbook({ siteCode: world.site.siteCode, wave, subscriptionCollection: 'SMS00002', users: pre.users });
    assert.match(text, /All Users can't take exclude rules/);
    assert.deepEqual(await checkRunbook(text), []);
    const first = await applied(text, world);
    assert.ok(first.entries.some((e) => e.command.startsWith('Set-CMIntuneSubscription') && e.effect === 'changed'));
    const replacement = world.console.getCollection({ name: 'cm2intune Intune hybrid users' })!;
    assert.equal(world.console.getSubscriptionCollectionId(), replacement.collectionId);
    assert.deepEqual(world.console.getRules(replacement.collectionId).exclude, [
      world.console.getCollection({ name: 'cm2intune wave - Pilot' })!.collectionId,
    ]);
    assert.equal((await applied(text, world)).changes, 0);
    const side = siteSideOf((await readSite(world)).collections, 'SMS00002', wave, pre.users);
    assert.equal(side.subscriptionCollectionId, replacement.collectionId);
    assert.equal(side.applied, true);
  });

  it("a runbook stops when the site's subscription is not the plan's", async () => {
    const wave: PlanWave = { name: 'Wrong', users: ['x@contoso.com'] };
    const text = waveRunbook({
      siteCode: world.site.siteCode,
      wave,
      subscriptionCollection: 'P0100099',
      users: [{ resourceId: 1, uniqueName: 'CONTOSO\\x' }],
    });
    const result = (await applyRunbook(text, world.console)) as RunbookTranscript;
    assert.equal(result.outcome, 'failed');
    assert.match(result.failure!.message, /the plan says P0100099/);
    assert.equal(result.changes, 0);
  });
});
