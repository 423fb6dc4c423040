// Phase 3's pure parts, fast: runbook text against names that could break out of a string or a
// comment, preflight overrides, the "after the change" rule, and Graph answers read for a wave.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  preflightWave,
  verifyWave,
  waveRunbook,
  waveUndoRunbook,
  type EntraUser,
  type ManagedDevice,
  type PlanWave,
  type SiteSide,
} from '../../src/core/phases/waves';
import { readWaveTenant } from '../../src/core/phases/waves-read';
import type { User } from '../../src/core/site/model';
import type { BatchRequest, BatchResult, GraphPort } from '../../src/core/tenant/graph-port';
import { GraphMalformedResponseError } from '../../src/core/tenant/errors';
import { applyRunbook, checkRunbook, type RunbookTranscript } from '../../src/sandbox/world/runbook';
import { MemoryConsole, sampleUsers } from '../support/memory-console';

const PLAN_ID = 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5';
const siteUser = (resourceId: number, name: string): User => ({
  resourceId,
  uniqueName: `CONTOSO\\${name}`,
  domain: 'CONTOSO',
  fullName: name,
  upn: `${name}@contoso.com`,
  mail: null,
  sid: null,
  groupNames: [],
});
const entra = (name: string, status = 'Enabled'): EntraUser => ({
  id: `id-${name}`,
  userPrincipalName: `${name}@contoso.com`,
  assignedPlans: [{ servicePlanId: PLAN_ID, capabilityStatus: status }],
});

describe('wave runbooks: names that try to break out', () => {
  it('a wave name with a comment end, quotes, $ and a new line parses, and the console gets the exact name', async () => {
    const name = 'Pilot #> Write-Host \'pwned\' <# $(Get-Service) "x"\nsecond line';
    const wave: PlanWave = { name, users: ['u'] };
    const users = sampleUsers.slice(0, 2).map((u) => ({ resourceId: u.resourceId, uniqueName: u.uniqueName }));
    const text = waveRunbook({ siteCode: 'P01', wave, users });
    assert.deepEqual(await checkRunbook(text), []);
    const site = new MemoryConsole({ users: sampleUsers });
    const subscription = site.newCollection({ name: 'Intune hybrid users', type: 'user', limitToCollectionId: 'SMS00002' });
    site.addIncludeRule(subscription.collectionId, 'SMS00002');
    site.setSubscriptionCollection(subscription.collectionId);
    const result = (await applyRunbook(text, site)) as RunbookTranscript;
    assert.equal(result.outcome, 'completed', JSON.stringify(result));
    assert.ok(site.getCollection({ name: `cm2intune wave - ${name}` }), 'the collection has the name exactly as the plan gives it');
    assert.ok(!result.entries.some((e) => e.detail === 'pwned'), 'nothing from the name ran');
    const undo = (await applyRunbook(waveUndoRunbook({ siteCode: 'P01', wave, users }), site)) as RunbookTranscript;
    assert.equal(undo.outcome, 'completed');
    assert.deepEqual(site.getRules(subscription.collectionId).exclude, []);
  });

  it('refuses a site code that is not one, and a wave with no user found, in words', () => {
    assert.throws(
      () => waveRunbook({ siteCode: "P01'; x", wave: { name: 'a', users: ['u'] }, users: [{ resourceId: 1, uniqueName: 'a' }] }),
      /not a ConfigMgr site code/,
    );
    assert.throws(() => waveRunbook({ siteCode: 'P01', wave: { name: 'a', users: ['u'] }, users: [] }), /no user found on the site/);
  });
});

describe('wave preflight', () => {
  const users = [siteUser(1, 'ann'), siteUser(2, 'bob')];
  const device = (id: string, upn: string, type = 'userEnrollment'): ManagedDevice => ({
    id,
    deviceName: id,
    userPrincipalName: upn,
    managementAgent: 'configurationManagerClientMdm',
    managementState: 'managed',
    deviceEnrollmentType: type,
    lastSyncDateTime: '2019-09-01T00:00:00Z',
  });

  it('a suspended plan is not a licence; preflightOverride lets the wave through and says so', () => {
    const plan = { waves: [{ name: 'W', users: ['ann@contoso.com', 'CONTOSO\\bob'] }] };
    const input = { plan, wave: 'w', siteUsers: users, entraUsers: [entra('ann'), entra('bob', 'Suspended')], devices: [] };
    const blocked = preflightWave(input);
    assert.equal(blocked.ok, false);
    assert.match(blocked.checks.find((c) => c.id === 'licensed')!.message, /bob@contoso.com/);
    const overridden = preflightWave({ ...input, plan: { waves: [{ ...plan.waves[0], preflightOverride: ['licensed' as const] }] } });
    assert.equal(overridden.ok, true);
    assert.match(overridden.checks.find((c) => c.id === 'licensed')!.message, /overridden by the plan/);
  });

  it('names users not on the site, not in Entra ID, and in an earlier wave', () => {
    const plan = {
      waves: [
        { name: 'First', users: ['ann@contoso.com'] },
        { name: 'Second', users: ['CONTOSO\\ann', 'bob@contoso.com', 'zed@contoso.com'] },
      ],
    };
    const p = preflightWave({
      plan,
      wave: 'Second',
      siteUsers: users,
      entraUsers: [entra('ann')],
      devices: [device('d1', 'bob@contoso.com', 'deviceEnrollmentManager')],
    });
    const message = (id: string) => p.checks.find((c) => c.id === id)!;
    assert.match(message('resolved-site').message, /"zed@contoso.com"/);
    assert.match(message('resolved-entra').message, /bob@contoso.com/);
    assert.match(message('not-in-earlier-wave').message, /CONTOSO\\ann/);
    assert.match(message('not-dem').message, /bob@contoso.com/);
    assert.deepEqual(
      p.wontFollow.map((w) => [w.device.id, w.why]),
      [['d1', 'dem']],
    );
  });
});

describe('wave verification', () => {
  const users = [{ entry: 'ann@contoso.com', resourceId: 1, uniqueName: 'CONTOSO\\ann', upn: 'ann@contoso.com' }];
  const site: SiteSide = {
    subscriptionCollectionId: 'P0100014',
    waveCollectionId: 'P0100020',
    changedAt: '2019-09-02T08:00:00.000Z',
    excludeRule: true,
    stillInSubscription: [],
    applied: true,
  };
  const d = (lastSync: string, agent = 'mdm'): ManagedDevice => ({
    id: 'd',
    deviceName: 'Ann iPhone',
    userPrincipalName: 'ANN@contoso.com',
    managementAgent: agent,
    managementState: 'managed',
    deviceEnrollmentType: 'userEnrollment',
    lastSyncDateTime: lastSync,
  });

  it('a device in Intune that has not synced since the change does not count as moved by this wave', () => {
    const before = verifyWave({
      wave: { name: 'W', users: [] },
      site,
      users,
      entraUsers: [entra('ann')],
      devices: [d('2019-09-02T07:59:00Z')],
    });
    assert.equal(before.moved, 0);
    assert.equal(before.state, 'appliedOnSite');
    const afterwards = verifyWave({
      wave: { name: 'W', users: [] },
      site,
      users,
      entraUsers: [entra('ann')],
      devices: [d('2019-09-02T08:06:00Z')],
    });
    assert.equal(afterwards.state, 'verified');
  });

  it('says why a device waits: unlicensed user, offline a week before the change', () => {
    const unlicensed = verifyWave({
      wave: { name: 'W', users: [] },
      site,
      users,
      entraUsers: [entra('ann', 'Deleted')],
      devices: [d('2019-09-02T07:00:00Z', 'configurationManagerClientMdm')],
    });
    assert.match(unlicensed.devices[0].reason!, /no enabled Intune plan/);
    const offline = verifyWave({
      wave: { name: 'W', users: [] },
      site,
      users,
      entraUsers: [entra('ann')],
      devices: [d('2019-04-01T00:00:00Z', 'configurationManagerClientMdm')],
    });
    assert.match(offline.devices[0].reason!, /offline since 2019-04-01/);
  });
});

describe('wave reads from Graph', () => {
  function fakeGraph(answer: (request: BatchRequest) => Partial<BatchResult>): GraphPort {
    return {
      baseUrl: 'https://graph.invalid',
      batch: async (requests: BatchRequest[]) => requests.map((r) => ({ id: r.id, status: 200, outcome: 'ok' as const, ...answer(r) })),
      listAll: async () => [],
    } as unknown as GraphPort;
  }
  const goodDevice = {
    id: 'd1',
    deviceName: 'A',
    userPrincipalName: 'ann@contoso.com',
    managementAgent: 'mdm',
    managementState: 'managed',
    deviceEnrollmentType: 'userEnrollment',
    lastSyncDateTime: '2019-09-02T09:00:00Z',
  };

  it("keeps only the user's own devices (Graph may ignore a filter), and leaves out a user Entra ID does not have", async () => {
    const graph = fakeGraph((r) =>
      r.id.startsWith('u')
        ? r.path.includes('zed')
          ? { status: 404, outcome: 'failed', code: 'Request_ResourceNotFound' }
          : { body: entra('ann') }
        : { body: { value: [goodDevice, { ...goodDevice, id: 'd2', userPrincipalName: 'bob@contoso.com' }] } },
    );
    const read = await readWaveTenant(graph, ['ann@contoso.com', 'zed@contoso.com']);
    assert.deepEqual(
      read.entraUsers.map((u) => u.userPrincipalName),
      ['ann@contoso.com'],
    );
    assert.deepEqual(
      read.devices.map((x) => x.id),
      ['d1'],
    );
  });

  it('a malformed answer stops the read with what was wrong, not an empty wave', async () => {
    const graph = fakeGraph((r) =>
      r.id.startsWith('u') ? { body: entra('ann') } : { body: { value: [{ ...goodDevice, managementAgent: undefined }] } },
    );
    await assert.rejects(
      readWaveTenant(graph, ['ann@contoso.com']),
      (e: unknown) => e instanceof GraphMalformedResponseError && /managed device 1 has no "managementAgent"/.test((e as Error).message),
    );
    const html = fakeGraph((r) => (r.id.startsWith('u') ? { body: entra('ann') } : { body: '<html>' }));
    await assert.rejects(readWaveTenant(html, ['ann@contoso.com']), GraphMalformedResponseError);
  });
});

describe('watching', () => {
  it('a watch cancelled while it waits ends at once, without an error, with what it read', async () => {
    const { watchUntil } = await import('../../src/core/phases/waves');
    const controller = new AbortController();
    let reads = 0;
    const started = Date.now(); // after the import: a loaded machine compiles slowly
    setTimeout(() => controller.abort(), 50);
    const result = await watchUntil(async () => ++reads, {
      done: () => false,
      timeoutMs: 60_000,
      intervalMs: 30_000,
      signal: controller.signal,
    });
    assert.equal(reads, 1);
    assert.deepEqual(result, { final: 1, timedOut: false });
    assert.ok(Date.now() - started < 10_000, 'not the 30 s interval');
  });
});

describe('groups ready', () => {
  it('blocks while an object in Intune lacks the assignments that would reach the wave users, unless the plan overrides it', async () => {
    const { groupsReadyCheck, withPreflightCheck } = await import('../../src/core/phases/waves');
    const base = {
      wave: 'Oslo pilot',
      ok: true,
      users: [],
      wontFollow: [],
      checks: [{ id: 'devices' as const, ok: true, blocking: false, message: '3 devices' }],
    };
    const missing = groupsReadyCheck([{ name: "O'Neill VPN (iOS)", collections: ['Sales – Nordics'] }]);
    assert.equal(missing.ok, false);
    assert.match(
      missing.message,
      /1 object\(s\) in Intune would not reach the wave's users.*"O'Neill VPN \(iOS\)" \(Sales – Nordics\).*prepare --fix/,
    );
    const blocked = withPreflightCheck(base, missing, { name: 'Oslo pilot', users: [] });
    assert.equal(blocked.ok, false);
    assert.deepEqual(
      blocked.checks.map((c) => c.id),
      ['groups-ready', 'devices'],
    );
    const overridden = withPreflightCheck(base, missing, { name: 'Oslo pilot', users: [], preflightOverride: ['groups-ready'] });
    assert.equal(overridden.ok, true);
    assert.match(overridden.checks[0].message, /overridden by the plan/);
    assert.equal(withPreflightCheck(base, groupsReadyCheck([]), { name: 'Oslo pilot', users: [] }).ok, true);
  });
});
