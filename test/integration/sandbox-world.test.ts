// The sandbox world's rules, each through public interfaces: console changes through the
// SiteConsole, the tenant through Graph over HTTP, the site through the product's mssql reader.
// The clock stands still (speed 0) and tests advance it, so nothing waits in real time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsoleError } from '../../src/sandbox/world/console';
import { HYBRID_AGENT, INTUNE_AGENT, type SandboxWorld } from '../../src/sandbox/world/index';
import {
  admin,
  candidates,
  excludeWave,
  graph,
  managedDevicesOf,
  MINUTE,
  openWorld,
  removeDir,
  SUBSCRIPTION,
  siteQuery,
  tempDir,
} from './sandbox-world-support';

const agents = async (world: SandboxWorld, upn: string) => (await managedDevicesOf(world, upn)).map((d) => d.managementAgent).sort();

describe('sandbox world: the Intune service follows the subscription collection', () => {
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

  it("starts settled: authority sccm, subscription members' devices hybrid, licensed non-members' in Intune, the site readable over TDS", async () => {
    const org = await graph(world, 'GET', `/v1.0/organization/${world.tenant.tenantId}?$select=mobileDeviceManagementAuthority`);
    assert.equal(org.body.mobileDeviceManagementAuthority, 'sccm');
    const all = await graph(world, 'GET', '/v1.0/deviceManagement/managedDevices?$top=999');
    assert.ok(all.body.value.length > 400);
    const members = new Set(world.console.members(SUBSCRIPTION));
    const agentOf = new Map(all.body.value.map((d: any) => [d.id, d.managementAgent]));
    const devices = world.state().devices;
    for (const d of devices.filter((x) => x.userResourceId !== null && members.has(x.userResourceId)))
      assert.equal(agentOf.get(d.managedDeviceId), HYBRID_AGENT);
    assert.ok(
      devices.some((d) => d.userResourceId !== null && !members.has(d.userResourceId) && agentOf.get(d.managedDeviceId) === INTUNE_AGENT),
    );
    const pending = devices.filter((d) => d.pending || d.awaiting);
    world.console.updateMembership(SUBSCRIPTION);
    assert.deepEqual(
      world.state().devices.filter((d) => d.pending || d.awaiting),
      pending,
      'an evaluation of the unchanged site schedules no move',
    );
    const [sub] = await siteQuery(world, "SELECT MemberCount FROM v_Collection WHERE CollectionID = 'P0100014'");
    assert.equal(sub.MemberCount, world.console.members(SUBSCRIPTION).length);
    const mobile = await siteQuery(world, 'SELECT COUNT(*) AS n FROM v_CombinedDeviceResources WHERE ClientType = 3');
    assert.ok(mobile[0].n >= all.body.value.length);
  });

  it('a licensed user excluded from the subscription collection has their devices in Intune after the delay, not before', async () => {
    const [user] = candidates(world, { licensed: true, offline: false });
    const wave = excludeWave(world, 'Wave – licensed', [user.resourceId]);
    assert.ok(
      !world.console.members(SUBSCRIPTION).includes(user.resourceId),
      'the exclude rule takes the user out of the effective membership',
    );
    assert.deepEqual(world.console.members(wave), [user.resourceId]);
    world.clock.advance(5 * MINUTE - 1);
    assert.ok(
      (await agents(world, user.upn)).every((a) => a === HYBRID_AGENT),
      'still hybrid a millisecond before the delay',
    );
    world.clock.advance(1);
    const devices = await managedDevicesOf(world, user.upn);
    assert.equal(devices.length, user.devices.length);
    for (const d of devices) {
      assert.equal(d.managementAgent, INTUNE_AGENT);
      assert.equal(d.managementState, 'managed');
      assert.equal(d.lastSyncDateTime, new Date(world.clock.now()).toISOString());
    }
  });

  it('an offline device of a moved user switches only when it next checks in', async () => {
    const [user] = candidates(world, { licensed: true, offline: true });
    excludeWave(world, 'Wave – offline', [user.resourceId]);
    world.clock.advance(24 * 60 * MINUTE);
    const offline = user.devices.find((d) => d.checkInIntervalMs === null)!;
    const byId = async () => new Map((await managedDevicesOf(world, user.upn)).map((d) => [d.id, d]));
    assert.equal((await byId()).get(offline.managedDeviceId).managementAgent, HYBRID_AGENT, 'offline for a day: not moved');
    for (const d of user.devices.filter((x) => x.checkInIntervalMs !== null))
      assert.equal((await byId()).get(d.managedDeviceId).managementAgent, INTUNE_AGENT);
    assert.equal((await admin(world, 'POST', `world/devices/${offline.managedDeviceId}/check-in`)).status, 204);
    assert.equal((await byId()).get(offline.managedDeviceId).managementAgent, INTUNE_AGENT);
  });

  it("an unlicensed user's devices don't move; once licensed (usage location first) they do", async () => {
    const [user] = candidates(world, { licensed: false, usageLocation: true });
    excludeWave(world, 'Wave – unlicensed', [user.resourceId]);
    world.clock.advance(24 * 60 * MINUTE);
    assert.ok((await agents(world, user.upn)).every((a) => a === HYBRID_AGENT));
    const r = await graph(world, 'POST', `/v1.0/users/${encodeURIComponent(user.upn)}/assignLicense`, {
      addLicenses: [{ skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e', disabledPlans: [] }],
      removeLicenses: [],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    world.clock.advance(5 * MINUTE);
    world.settle();
    const online = user.devices.filter((d) => d.checkInIntervalMs !== null).map((d) => d.managedDeviceId);
    for (const d of await managedDevicesOf(world, user.upn)) if (online.includes(d.id)) assert.equal(d.managementAgent, INTUNE_AGENT);
  });

  it("a user with Office 365's MDM plan but not Intune's is unlicensed for the move", async () => {
    const o365 = candidates(world, { licensed: false }).find((c) => {
      const u = world.tenantServer.peek().users.find((x) => x.userPrincipalName === c.upn)!;
      return (u.assignedPlans as any[]).some(
        (p) => p.servicePlanId === '882e1d05-acd1-4ccb-8708-6ee03664b117' && p.capabilityStatus === 'Enabled',
      );
    });
    assert.ok(o365, 'the sample tenant has such a user in the subscription collection');
    excludeWave(world, 'Wave – O365 only', [o365.resourceId]);
    world.clock.advance(60 * MINUTE);
    assert.ok((await agents(world, o365.upn)).every((a) => a === HYBRID_AGENT));
  });

  it("a DEM's devices don't follow the DEM user; the user's own device does", async () => {
    const state = world.state();
    const demDevices = state.devices.filter((d) => d.dem);
    assert.equal(demDevices.length, 3);
    const demUser = demDevices[0].userResourceId!;
    const own = state.devices.filter((d) => d.userResourceId === demUser && !d.dem);
    assert.ok(own.length >= 1, 'the DEM user has a device of their own');
    assert.ok(
      world.console.members(SUBSCRIPTION).includes(demUser),
      'the DEM is in the subscription collection, so all their devices start hybrid',
    );
    assert.ok([...demDevices, ...own].every((d) => d.authority === 'configMgr'));
    excludeWave(world, 'Wave – DEM', [demUser]);
    world.clock.advance(10 * MINUTE);
    const upn = world.console.getUser(demUser)!.upn!;
    const byId = new Map((await managedDevicesOf(world, upn)).map((d) => [d.id, d.managementAgent]));
    for (const d of demDevices) assert.equal(byId.get(d.managedDeviceId), HYBRID_AGENT);
    for (const d of own.filter((x) => x.checkInIntervalMs !== null)) assert.equal(byId.get(d.managedDeviceId), INTUNE_AGENT);
  });

  it('devices without user affinity never move with a user', async () => {
    const userless = world.state().devices.filter((d) => d.userResourceId === null);
    assert.ok(userless.length >= 5);
    const all = (await graph(world, 'GET', '/v1.0/deviceManagement/managedDevices?$top=999')).body.value as any[];
    for (const d of userless) assert.equal(all.find((x) => x.id === d.managedDeviceId).managementAgent, HYBRID_AGENT);
  });

  it('a user who rejoins before the delay stays hybrid; after a move, rejoining moves them back after the delay', async () => {
    const [a, b] = candidates(world, { licensed: true, offline: false });
    const wave = excludeWave(world, 'Wave – rejoin', [a.resourceId, b.resourceId]);
    world.clock.advance(2 * MINUTE);
    world.console.removeDirectRule(wave, a.resourceId); // a back in the subscription before the service acted
    world.clock.advance(10 * MINUTE);
    assert.ok((await agents(world, a.upn)).every((x) => x === HYBRID_AGENT));
    assert.ok((await agents(world, b.upn)).every((x) => x === INTUNE_AGENT));
    world.console.removeExcludeRule(SUBSCRIPTION, wave);
    assert.ok(world.console.members(SUBSCRIPTION).includes(b.resourceId));
    world.clock.advance(5 * MINUTE);
    assert.ok((await agents(world, b.upn)).every((x) => x === HYBRID_AGENT));
  });

  it('slow check-ins: online devices answer the service only after the slow delay', async () => {
    const [user] = candidates(world, { licensed: true, offline: false });
    assert.equal((await admin(world, 'POST', 'world/knobs', { slowCheckInMs: 30 * MINUTE })).status, 204);
    try {
      excludeWave(world, 'Wave – slow', [user.resourceId]);
      world.clock.advance(5 * MINUTE + 29 * MINUTE);
      assert.ok((await agents(world, user.upn)).every((x) => x === HYBRID_AGENT));
      world.clock.advance(MINUTE);
      assert.ok((await agents(world, user.upn)).every((x) => x === INTUNE_AGENT));
    } finally {
      await admin(world, 'POST', 'world/knobs', { slowCheckInMs: 0 });
    }
  });
});

describe('sandbox world: the console as the SMS Provider', () => {
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

  it('refuses what the provider refuses: duplicate rules and names, default collections, type mismatch, circular rules', () => {
    const users = world.console.members('SMS00002');
    const wave = world.console.newCollection({ name: 'Wave – console', type: 'user', limitToCollectionId: 'SMS00002' });
    assert.match(wave.collectionId, /^P01[0-9A-F]{5}$/);
    assert.equal(wave.memberCount, 0);
    assert.throws(
      () => world.console.newCollection({ name: 'wave – CONSOLE', type: 'user', limitToCollectionId: 'SMS00002' }),
      (e) => e instanceof ConsoleError && /already exists/.test(e.message),
    );
    world.console.addDirectRule(wave.collectionId, users[0]);
    assert.throws(
      () => world.console.addDirectRule(wave.collectionId, users[0]),
      (e) => e instanceof ConsoleError && /already has a direct membership rule/.test(e.message),
    );
    world.console.addExcludeRule(SUBSCRIPTION, wave.collectionId);
    assert.throws(
      () => world.console.addExcludeRule(SUBSCRIPTION, wave.collectionId),
      (e) => e instanceof ConsoleError && /already has an exclude rule/.test(e.message),
    );
    assert.throws(
      () => world.console.addExcludeRule('SMS00002', wave.collectionId),
      (e) => e instanceof ConsoleError && /default collection/.test(e.message),
    );
    assert.throws(
      () => world.console.addIncludeRule(wave.collectionId, SUBSCRIPTION),
      (e) => e instanceof ConsoleError && /circular/.test(e.message),
    );
    assert.throws(
      () => world.console.addIncludeRule(wave.collectionId, 'P010002C'),
      (e) => e instanceof ConsoleError && /same type/.test(e.message),
    );
    assert.throws(
      () => world.console.addDirectRule(wave.collectionId, 16777220),
      (e) => e instanceof ConsoleError && /No user resource/.test(e.message),
    );
    assert.throws(
      () => world.console.removeExcludeRule(SUBSCRIPTION, 'P0100010'),
      (e) => e instanceof ConsoleError && /no exclude rule/.test(e.message),
    );
    assert.throws(
      () => world.console.setSubscriptionCollection('P010002C'),
      (e) => e instanceof ConsoleError && /user collection/.test(e.message),
    );
    assert.deepEqual(world.console.getRules(SUBSCRIPTION).exclude.slice(-1), [wave.collectionId]);
  });

  it('re-evaluates membership on each change, as the site views show it over TDS', async () => {
    const before = world.console.getCollection({ id: SUBSCRIPTION })!.memberCount;
    const member = world.console.members(SUBSCRIPTION)[0];
    const wave = world.console.newCollection({ name: 'Wave – membership', type: 'user', limitToCollectionId: 'SMS00002' });
    world.console.addDirectRule(wave.collectionId, member);
    world.console.addExcludeRule(SUBSCRIPTION, wave.collectionId);
    assert.equal(world.console.getCollection({ id: SUBSCRIPTION })!.memberCount, before - 1);
    const rows = await siteQuery(
      world,
      `SELECT m.ResourceID, m.IsDirect, c.MemberCount FROM v_FullCollectionMembership m JOIN v_Collection c ON c.CollectionID = m.CollectionID WHERE m.CollectionID = '${wave.collectionId}'`,
    );
    assert.deepEqual(
      rows.map((r) => [r.ResourceID, r.IsDirect, r.MemberCount]),
      [[member, true, 1]],
    );
    const gone = await siteQuery(
      world,
      `SELECT COUNT(*) AS n FROM v_FullCollectionMembership WHERE CollectionID = 'P0100014' AND ResourceID = ${member}`,
    );
    assert.equal(gone[0].n, 0);
    const deps = await siteQuery(
      world,
      `SELECT RelationshipType FROM vSMS_CollectionDependencies WHERE DependentCollectionID = 'P0100014' AND SourceCollectionID = '${wave.collectionId}'`,
    );
    assert.deepEqual(
      deps.map((d) => d.RelationshipType),
      [3],
    );
  });

  it('the console over HTTP: a call, and a method that is not the console refused', async () => {
    const ok = await admin(world, 'POST', 'world/console', { method: 'getSubscriptionCollectionId', args: [] });
    assert.deepEqual(ok.body, { result: SUBSCRIPTION });
    const refused = await admin(world, 'POST', 'world/console', { method: 'reevaluate', args: [] });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /not a console method/);
    const provider = await admin(world, 'POST', 'world/console', { method: 'addExcludeRule', args: ['SMS00002', SUBSCRIPTION] });
    assert.equal(provider.status, 400);
    assert.match(provider.body.error.message, /default collection/);
    assert.equal((await admin(world, 'GET', 'stats')).status, 200, "the tenant's own admin API still answers");
  });
});
