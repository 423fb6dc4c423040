// The sandbox world's lifecycle: the delete wizard's two forms end in two tenant states a verifier
// can tell apart, a restart from the same folder keeps everything, the clock can be sped up,
// licences follow the service's rules, and the console's evaluation reproduces the site's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTOSO_SQL } from '../../src/sandbox/site/contoso/generate';
import { SqliteEngine } from '../../src/sandbox/site/tds/engine';
import { HYBRID_AGENT, INTUNE_AGENT, type SandboxWorld } from '../../src/sandbox/world/index';
import { DatabaseSiteConsole } from '../../src/sandbox/world/site-console';
import {
  admin,
  candidates,
  excludeWave,
  graph,
  isLicensed,
  managedDevicesOf,
  MINUTE,
  openWorld,
  removeDir,
  SUBSCRIPTION,
  siteQuery,
  tempDir,
} from './sandbox-world-support';

const authority = async (world: SandboxWorld) =>
  (await graph(world, 'GET', `/v1.0/organization/${world.tenant.tenantId}?$select=mobileDeviceManagementAuthority`)).body
    .mobileDeviceManagementAuthority;
const allDevices = async (world: SandboxWorld) =>
  (await graph(world, 'GET', '/v1.0/deviceManagement/managedDevices?$top=999')).body.value as any[];

describe('sandbox world: the subscription delete wizard', () => {
  const dirs: string[] = [];
  const worlds: SandboxWorld[] = [];
  const open = async () => {
    const dir = tempDir();
    dirs.push(dir);
    const w = await openWorld(dir);
    worlds.push(w);
    return w;
  };
  after(async () => {
    for (const w of worlds) await w.close();
    dirs.forEach(removeDir);
  });

  it('"change MDM authority to Intune": authority intune, devices with users move as they check in, userless/DEM ones stay, terms present', async () => {
    const world = await open();
    const [moved] = candidates(world, { licensed: true, offline: false });
    excludeWave(world, 'Wave 1', [moved.resourceId]);
    world.clock.advance(5 * MINUTE);
    await admin(world, 'POST', 'world/knobs', { slowCheckInMs: 10 * MINUTE });
    const hybridBefore = new Set(
      world
        .state()
        .devices.filter((d) => d.authority === 'configMgr')
        .map((d) => d.managedDeviceId),
    );
    const r = await admin(world, 'POST', 'world/wizard/change-authority');
    assert.deepEqual(r.body, { subscription: 'authorityChanged' });
    assert.equal(await authority(world), 'intune');
    assert.equal(world.console.getSubscriptionCollectionId(), null, 'the subscription disappears from the console');
    const state = world.state();
    const followers = state.devices.filter((d) => d.userResourceId !== null && !d.dem && hybridBefore.has(d.managedDeviceId));
    assert.ok(followers.length > 300);
    const online = followers.filter((d) => d.checkInIntervalMs !== null);
    const offline = followers.filter((d) => d.checkInIntervalMs === null);
    let byId = new Map((await allDevices(world)).map((d) => [d.id, d.managementAgent]));
    assert.ok(
      online.some((d) => byId.get(d.managedDeviceId) === HYBRID_AGENT),
      'online devices have not answered yet (slow check-ins)',
    );
    world.clock.advance(10 * MINUTE);
    byId = new Map((await allDevices(world)).map((d) => [d.id, d.managementAgent]));
    for (const d of online) assert.equal(byId.get(d.managedDeviceId), INTUNE_AGENT, d.deviceName);
    for (const d of offline) assert.equal(byId.get(d.managedDeviceId), HYBRID_AGENT, `${d.deviceName} is offline`);
    for (const d of state.devices.filter((x) => x.userResourceId === null || x.dem))
      assert.equal(byId.get(d.managedDeviceId), HYBRID_AGENT, `${d.deviceName} has no user or was DEM-enrolled`);
    await admin(world, 'POST', `world/devices/${offline[0].managedDeviceId}/check-in`);
    assert.equal((await allDevices(world)).find((d) => d.id === offline[0].managedDeviceId).managementAgent, INTUNE_AGENT);
    assert.ok((await graph(world, 'GET', '/v1.0/deviceManagement/termsAndConditions')).body.value.length >= 1);
    const again = await admin(world, 'POST', 'world/wizard/remove-subscription');
    assert.equal(again.status, 400);
    assert.match(again.body.error.message, /subscription is gone/);
  });

  it('"remove the subscription": hybrid devices are unenrolled (gone from managedDevices), moved ones stay, authority unknown', async () => {
    const world = await open();
    const [moved] = candidates(world, { licensed: true, offline: false });
    excludeWave(world, 'Wave 1', [moved.resourceId]);
    world.clock.advance(5 * MINUTE);
    const before = await allDevices(world);
    const inIntune = before.filter((d) => d.managementAgent === INTUNE_AGENT).map((d) => d.id);
    assert.ok(moved.devices.every((d) => inIntune.includes(d.managedDeviceId)));
    world.wizard.removeSubscription();
    assert.equal(await authority(world), 'unknown');
    const left = await allDevices(world);
    assert.deepEqual(left.map((d) => d.id).sort(), inIntune.sort());
    assert.ok(left.every((d) => d.managementAgent === INTUNE_AGENT));
    assert.ok(before.length > left.length + 300);
    assert.equal(world.console.getSubscriptionCollectionId(), null);
    assert.throws(() => world.console.setSubscriptionCollection(SUBSCRIPTION), /no Microsoft Intune subscription/);
  });
});

describe('sandbox world: restart, clock, licences', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => removeDir(dir));

  it('a restart from the same folder keeps the site, the tenant, pending moves, the clock and the login', async () => {
    const first = await openWorld(dir);
    const [user] = candidates(first, { licensed: true, offline: false });
    const wave = excludeWave(first, 'Wave – restart', [user.resourceId]);
    first.clock.advance(2 * MINUTE);
    const clockAt = first.clock.now();
    const login = { user: first.site.user, password: first.site.password, ca: first.site.caPem };
    await graph(first, 'PATCH', `/v1.0/users/${encodeURIComponent(user.upn)}`, { usageLocation: 'NO' });
    await first.close();

    const second = await openWorld(dir);
    try {
      assert.equal(second.clock.now(), clockAt, 'the clock resumes where it stopped');
      assert.deepEqual({ user: second.site.user, password: second.site.password, ca: second.site.caPem }, login);
      assert.deepEqual(second.console.members(wave), [user.resourceId]);
      assert.ok(!second.console.members(SUBSCRIPTION).includes(user.resourceId));
      const rows = await siteQuery(second, `SELECT Name FROM v_Collection WHERE CollectionID = '${wave}'`);
      assert.deepEqual(
        rows.map((r) => r.Name),
        ['Wave – restart'],
      );
      assert.equal(
        (await graph(second, 'GET', `/v1.0/users/${encodeURIComponent(user.upn)}?$select=usageLocation`)).body.usageLocation,
        'NO',
      );
      assert.ok((await managedDevicesOf(second, user.upn)).every((d) => d.managementAgent === HYBRID_AGENT));
      second.clock.advance(3 * MINUTE); // the move scheduled before the restart
      assert.ok((await managedDevicesOf(second, user.upn)).every((d) => d.managementAgent === INTUNE_AGENT));
      const again = second.console.newCollection({ name: 'Wave – after restart', type: 'user', limitToCollectionId: 'SMS00002' });
      assert.notEqual(again.collectionId, wave, 'new ids continue after the persisted ones');
    } finally {
      await second.close();
    }
  });

  it('console changes while the site streams a result: the reader gets its rows, the database is saved once the result is done', async () => {
    const world = await openWorld(dir);
    try {
      const users = world.console.members('SMS00002');
      const wave = world.console.newCollection({ name: 'Wave – while reading', type: 'user', limitToCollectionId: 'SMS00002' });
      let changes = 0;
      let reading = true;
      const read = siteQuery(
        world,
        'SELECT m.CollectionID, m.ResourceID, c.Name FROM v_FullCollectionMembership m JOIN v_Collection c ON c.CollectionID = m.CollectionID',
      ).finally(() => {
        reading = false;
      });
      while (reading && changes < 40) {
        await new Promise((r) => setTimeout(r, 1));
        world.console.addDirectRule(wave.collectionId, users[changes++]);
      }
      const rows = await read;
      assert.ok(rows.length > 5000);
      assert.ok(changes > 0);
      await world.close();
      const reopened = await openWorld(dir);
      try {
        assert.equal(reopened.console.members(wave.collectionId).length, changes, 'every change was saved, none lost to the busy reader');
      } finally {
        await reopened.close();
      }
    } catch (e) {
      await world.close();
      throw e;
    }
  });

  it('the clock speeds up over HTTP: a move happens in real milliseconds without advance', async () => {
    const world = await openWorld(dir);
    try {
      const [user] = candidates(world, { licensed: true, offline: false });
      excludeWave(world, 'Wave – speed', [user.resourceId]);
      const r = await admin(world, 'POST', 'world/clock/speed', { speed: 100_000 }); // 5 minutes in 3 ms
      assert.equal(r.body.speed, 100_000);
      const until = Date.now() + 5000;
      while ((await managedDevicesOf(world, user.upn)).some((d) => d.managementAgent !== INTUNE_AGENT)) {
        assert.ok(Date.now() < until, 'the move did not happen at speed 100000');
        await new Promise((res) => setTimeout(res, 50));
      }
      await admin(world, 'POST', 'world/clock/speed', { speed: 0 });
      const t = world.clock.now();
      const adv = await admin(world, 'POST', 'world/clock/advance', { ms: 60_000 });
      assert.equal(adv.body.now, new Date(t + 60_000).toISOString());
      const bad = await admin(world, 'POST', 'world/clock/advance', { ms: -5 });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /0 or more/);
    } finally {
      await world.close();
    }
  });

  it('assignLicense follows the service: both arrays, usage location, unknown SKU, seats; plans and seats updated', async () => {
    const world = await openWorld(dir);
    try {
      const users = world.tenantServer.peek().users;
      const noLocation = users.find((u) => !u.usageLocation)!;
      // Without the Intune plan (some hold Office 365 E3 only); those without any licence first.
      const unlicensed = users
        .filter((u) => u.usageLocation && !isLicensed(u))
        .sort((a, b) => (a.assignedLicenses as unknown[]).length - (b.assignedLicenses as unknown[]).length);
      assert.equal((unlicensed[0].assignedLicenses as unknown[]).length, 0);
      const INTUNE_SKU = '061f9ace-7d42-4136-88ac-31dc755f143f';
      const add = (sku: string) => ({ addLicenses: [{ skuId: sku, disabledPlans: [] }], removeLicenses: [] });
      const post = (u: any, body: unknown) => graph(world, 'POST', `/v1.0/users/${u.id}/assignLicense`, body);
      let r = await post(unlicensed[0], { addLicenses: [] });
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /missing .*removeLicenses/);
      r = await post(noLocation, add(INTUNE_SKU));
      assert.equal(r.status, 400);
      assert.equal(r.body.error.message, 'License assignment cannot be done for user with invalid usage location.');
      r = await post(unlicensed[0], add('00000000-0000-0000-0000-00000000abcd'));
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /does not correspond to a valid company License/);
      const sku = (await graph(world, 'GET', '/v1.0/subscribedSkus')).body.value.find((s: any) => s.skuId === INTUNE_SKU);
      const free = sku.prepaidUnits.enabled - sku.consumedUnits;
      assert.ok(unlicensed.length > free, 'enough unlicensed users to run out of seats');
      for (const u of unlicensed.slice(0, free)) assert.equal((await post(u, add(INTUNE_SKU))).status, 200);
      r = await post(unlicensed[free], add(INTUNE_SKU));
      assert.equal(r.status, 400);
      assert.equal(r.body.error.message, `Subscription with SKU ${INTUNE_SKU} does not have any available licenses.`);
      const u0 = (await graph(world, 'GET', `/v1.0/users/${unlicensed[0].id}?$select=assignedLicenses,assignedPlans`)).body;
      assert.deepEqual(u0.assignedLicenses, [{ skuId: INTUNE_SKU, disabledPlans: [] }]);
      assert.ok(
        u0.assignedPlans.some((p: any) => p.servicePlanId === 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5' && p.capabilityStatus === 'Enabled'),
      );
      r = await post(unlicensed[0], { addLicenses: [], removeLicenses: [INTUNE_SKU] });
      assert.equal(r.status, 200);
      const after = (await graph(world, 'GET', '/v1.0/subscribedSkus')).body.value.find((s: any) => s.skuId === INTUNE_SKU);
      assert.equal(after.consumedUnits, sku.prepaidUnits.enabled - 1);
    } finally {
      await world.close();
    }
  });

  it("connectors: NDES (beta) healthy on another host and inactive on the site's own NDES host; Exchange connected; states switchable; the site knows its roles", async () => {
    const world = await openWorld(dir);
    try {
      const ndes = (await graph(world, 'GET', '/beta/deviceManagement/ndesConnectors')).body.value as any[];
      assert.deepEqual(
        ndes.map((c) => [c.machineName, c.state]),
        [
          ['NDES02.contoso.com', 'active'],
          ['NDES01.contoso.com', 'inactive'],
        ],
      );
      const [crp] = await siteQuery(
        world,
        "SELECT ServerName FROM v_SystemResourceList WHERE RoleName = 'SMS Certificate Registration Point'",
      );
      assert.equal(crp.ServerName, 'NDES01.contoso.com');
      const [exchange] = (await graph(world, 'GET', '/v1.0/deviceManagement/exchangeConnectors')).body.value;
      const [siteExchange] = await siteQuery(world, 'SELECT ServerName FROM sandbox_ExchangeConnector');
      assert.equal(exchange.serverName, siteExchange.ServerName);
      const [site] = await siteQuery(world, 'SELECT BuildNumber FROM v_Site');
      assert.equal(site.BuildNumber, 8853);
      assert.equal((await admin(world, 'POST', 'world/connectors', { ndes: 'inactive', exchange: 'absent' })).status, 204);
      assert.deepEqual(
        (await graph(world, 'GET', '/beta/deviceManagement/ndesConnectors')).body.value.map((c: any) => c.state),
        ['inactive', 'inactive'],
      );
      assert.deepEqual((await graph(world, 'GET', '/v1.0/deviceManagement/exchangeConnectors')).body.value, []);
      world.setConnectors({ ndes: 'absent', exchange: 'inactive' });
      assert.deepEqual((await graph(world, 'GET', '/beta/deviceManagement/ndesConnectors')).body.value, []);
      assert.equal((await graph(world, 'GET', '/v1.0/deviceManagement/exchangeConnectors')).body.value[0].status, 'disconnected');
      const bad = await admin(world, 'POST', 'world/connectors', { ndes: 'broken' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /healthy, inactive or absent/);
    } finally {
      await world.close();
    }
  });
});

describe('the console evaluates the sample site as the generator did', () => {
  it('re-evaluating every collection from its rules gives the generated membership', async () => {
    const engine = await SqliteEngine.load([CONTOSO_SQL]);
    const db = engine.database;
    const snapshot = () =>
      (
        db.exec(
          'SELECT CollectionID, ResourceID, ResourceType, Name, IsDirect FROM v_FullCollectionMembership ORDER BY CollectionID, ResourceID',
        )[0]?.values ?? []
      ).map((r) => r.join('|'));
    const counts = () =>
      (db.exec('SELECT CollectionID, MemberCount FROM v_Collection ORDER BY CollectionID')[0]?.values ?? []).map((r) => r.join('|'));
    const generated = snapshot();
    const generatedCounts = counts();
    assert.ok(generated.length > 5000);
    new DatabaseSiteConsole(db, { onChange: () => {}, now: () => 0 }).reevaluate();
    assert.deepEqual(snapshot(), generated);
    assert.deepEqual(counts(), generatedCounts);
  });
});
