// Contract of the sandbox tenant for directory objects (groups, users, devices, tenant), over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxTenant } from '../../src/sandbox/tenant/index';
import { client, withSandbox } from './sandbox-helpers';

const INTUNE_A = 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5';
const SALES_SID = 'S-1-5-21-1004336348-1177238915-682003330-5101';
const q = encodeURIComponent;

describe('sandbox tenant: directory', () => {
  let tenant: SandboxTenant;
  let g: ReturnType<typeof client>;
  before(async () => {
    tenant = await withSandbox();
    g = client(tenant);
  });
  after(() => tenant?.close());

  it('finds a synced group by SID, and two groups by the trap name', async () => {
    const bySid = await g.get(
      `/v1.0/groups?$filter=${q(`onPremisesSecurityIdentifier eq '${SALES_SID}'`)}&$select=id,displayName,onPremisesSecurityIdentifier`,
    );
    assert.equal(bySid.status, 200);
    assert.deepEqual(
      bySid.body.value.map((x: any) => x.displayName),
      ['Sales Team'],
    );
    assert.deepEqual(Object.keys(bySid.body.value[0]).sort(), ['displayName', 'id', 'onPremisesSecurityIdentifier']);
    const byName = await g.get(`/v1.0/groups?$filter=${q("displayName eq 'marketing'")}`);
    assert.equal(byName.body.value.length, 2, 'same name, different SIDs');
    assert.notEqual(byName.body.value[0].onPremisesSecurityIdentifier, byName.body.value[1].onPremisesSecurityIdentifier);
    const apostrophe = await g.get(`/v1.0/groups?$filter=${q("displayName eq 'O''Neill Project Team'")}`);
    assert.equal(apostrophe.body.value.length, 1);
    const starts = await g.get(`/v1.0/groups?$filter=${q("startswith(displayName,'Oslo')")}&$count=true`);
    assert.equal(starts.body['@odata.count'], 1);
    assert.equal(starts.body.value[0].displayName, 'Oslo kontor');
    assert.equal((await g.get(`/v1.0/groups?$filter=${q("displayName eq 'Kiosk Operators'")}`)).body.value.length, 0, 'not synced');
  });

  it('answers 400 "Unsupported query" for what it does not implement', async () => {
    for (const query of [
      '$orderby=displayName',
      `$filter=${q("endswith(displayName,'Team')")}`,
      `$filter=${q("description eq 'x'")}`,
      '$search=%22displayName:Sales%22',
      '$skip=5',
    ]) {
      const res = await g.get(`/v1.0/groups?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.body.error.message, /^Unsupported query/, query);
    }
    assert.equal((await g.get('/v1.0/groups?$top=1000')).status, 400);
    assert.equal((await g.get('/v1.0/users?$select=shoeSize')).status, 400);
  });

  it('pages users with @odata.nextLink until the end', async () => {
    const seen: string[] = [];
    let next: string | undefined = '/v1.0/users?$top=150&$select=id,userPrincipalName';
    let pages = 0;
    while (next) {
      const page: any = await g.get(next);
      assert.equal(page.status, 200);
      seen.push(...page.body.value.map((u: any) => u.id));
      next = page.body['@odata.nextLink'];
      if (next) assert.ok(next.startsWith(`${tenant.url}/v1.0/users?`), next);
      pages++;
    }
    assert.equal(seen.length, tenant.objects().users.length);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(pages, Math.ceil(seen.length / 150));
    const defaults = await g.get('/v1.0/users');
    assert.equal(defaults.body.value.length, 100, 'default page size');
    assert.equal((await g.get('/v1.0/users?$skiptoken=garbage')).status, 400);
  });

  it('gets a user by UPN (apostrophe), licence data only with $select', async () => {
    const upn = "wei.o'brien@contoso.com";
    const plain = await g.get(`/v1.0/users/${q(upn)}`);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.displayName, "Wei O'Brien");
    assert.equal(plain.body.onPremisesSecurityIdentifier, undefined);
    assert.equal(plain.body.assignedPlans, undefined);
    const selected = await g.get(`/v1.0/users/${q(upn)}?$select=id,assignedPlans,usageLocation,onPremisesSecurityIdentifier`);
    assert.equal(selected.body.onPremisesSecurityIdentifier, 'S-1-5-21-1004336348-1177238915-682003330-11063');
    assert.ok(Array.isArray(selected.body.assignedPlans));
    const bySid = await g.get(
      `/v1.0/users?$filter=${q("onPremisesSecurityIdentifier eq 'S-1-5-21-1004336348-1177238915-682003330-11063'")}&$select=userPrincipalName`,
    );
    assert.deepEqual(bySid.body.value, [{ userPrincipalName: upn }]);
    assert.equal((await g.get(`/v1.0/users/${q('nobody@contoso.com')}`)).status, 404);
    const all = tenant.objects().users;
    const licensed = all.filter((u) =>
      (u.assignedPlans as any[]).some((p) => p.servicePlanId === INTUNE_A && p.capabilityStatus === 'Enabled'),
    );
    assert.ok(licensed.length > all.length / 2 && licensed.length < all.length, 'most users licensed, some not');
    assert.ok(all.some((u) => u.usageLocation === null));
  });

  it('creates a cloud security group with mailNickname validation, adds members by $ref and bind', async () => {
    const base = { displayName: "Intune – Sales & O'Neill", mailEnabled: false, securityEnabled: true, groupTypes: [] };
    for (const nick of ['sales team', 'sales@contoso', 'a.b', 'x'.repeat(65), '', 'ünicode']) {
      const res = await g.post('/v1.0/groups', { ...base, mailNickname: nick });
      assert.equal(res.status, 400, nick);
      assert.match(res.body.error.message, /mailNickname/);
    }
    assert.equal(
      (await g.post('/v1.0/groups', { ...base, mailNickname: 'ok', onPremisesSecurityIdentifier: 'S-1-5-21-1' })).status,
      400,
      'read-only SID',
    );
    assert.equal(
      (await g.post('/v1.0/groups', { ...base, mailNickname: 'ok', mailEnabled: true })).status,
      400,
      'mail-enabled security group',
    );
    const created = await g.post('/v1.0/groups', { ...base, mailNickname: 'IntuneSalesONeill' });
    assert.equal(created.status, 201);
    const id = created.body.id;
    assert.equal(created.body.onPremisesSecurityIdentifier, null);
    const users = tenant.objects().users;
    const ref = (uid: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${uid}`;
    assert.equal((await g.post(`/v1.0/groups/${id}/members/$ref`, { '@odata.id': ref(users[0].id) })).status, 204);
    const dup = await g.post(`/v1.0/groups/${id}/members/$ref`, { '@odata.id': ref(users[0].id) });
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /already exist/);
    const tooMany = await g.patch(`/v1.0/groups/${id}`, { 'members@odata.bind': users.slice(1, 22).map((u) => ref(u.id)) });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.error.message, /20/);
    assert.equal((await g.patch(`/v1.0/groups/${id}`, { 'members@odata.bind': users.slice(1, 21).map((u) => ref(u.id)) })).status, 204);
    assert.equal(
      (await g.patch(`/v1.0/groups/${id}`, { 'members@odata.bind': [ref('00000000-0000-0000-0000-000000000000')] })).status,
      404,
    );
    const members = await g.get(`/v1.0/groups/${id}/members?$top=999`);
    assert.equal(members.body.value.length, 21);
    assert.equal(members.body.value[0]['@odata.type'], '#microsoft.graph.user');
    assert.equal((await g.call('DELETE', `/v1.0/groups/${id}/members/${users[0].id}/$ref`)).status, 204);
    assert.equal(tenant.objects().groupMembers[id].length, 20);
  });

  it('refuses membership changes on groups synced from AD', async () => {
    const sales = tenant.objects().groups.find((x) => x.onPremisesSecurityIdentifier === SALES_SID)!;
    const zoe = tenant.objects().users.find((u) => u.userPrincipalName === 'zoe.cloudonly@contoso.com')!;
    const res = await g.post(`/v1.0/groups/${sales.id}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${zoe.id}`,
    });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /on-premises mastered/);
  });

  it('managed devices by user, organization with MDM authority, subscribed SKUs', async () => {
    const someone = tenant.objects().managedDevices[0];
    const byUpn = await g.get(
      `/v1.0/deviceManagement/managedDevices?$filter=${q(`userPrincipalName eq '${String(someone.userPrincipalName).replace(/'/g, "''")}'`)}`,
    );
    assert.ok(byUpn.body.value.length >= 1);
    assert.ok(byUpn.body.value.every((d: any) => d.userPrincipalName === someone.userPrincipalName));
    const viaUser = await g.get(`/v1.0/users/${someone.userId}/managedDevices`);
    assert.deepEqual(viaUser.body.value.map((d: any) => d.id).sort(), byUpn.body.value.map((d: any) => d.id).sort());
    const orgs = await g.get('/v1.0/organization?$select=id,mobileDeviceManagementAuthority');
    assert.deepEqual(orgs.body.value, [{ id: tenant.tenantId, mobileDeviceManagementAuthority: 'sccm' }]);
    assert.equal((await g.get(`/beta/organization/${tenant.tenantId}`)).body.displayName, 'Contoso');
    const skus = await g.get('/v1.0/subscribedSkus');
    assert.ok(skus.body.value.some((s: any) => s.servicePlans.some((p: any) => p.servicePlanId === INTUNE_A)));
  });
});
