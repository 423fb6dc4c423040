// Contract of the sandbox tenant for $batch and throttling per service (Intune, Entra ID), over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxTenant } from '../../src/sandbox/tenant/index';
import { APP_TOKEN, client, compliance, fakeJwt, trustedRoot, waitFor, withSandbox } from './sandbox-helpers';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const CONFIGS = 'deviceManagement/deviceConfigurations';

describe('sandbox tenant: $batch', () => {
  let tenant: SandboxTenant;
  let g: ReturnType<typeof client>;
  before(async () => {
    tenant = await withSandbox();
    g = client(tenant);
  });
  after(() => tenant?.close());

  it('refuses more than 20 requests and malformed batches', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/organization' }));
    const res = await g.post('/v1.0/$batch', { requests });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /20/);
    assert.equal((await g.post('/v1.0/$batch', { requests: requests.slice(0, 20) })).status, 200);
    assert.equal(
      (await g.post('/v1.0/$batch', { requests: [{ id: '1', method: 'POST', url: '/groups', body: {} }] })).status,
      400,
      'body without Content-Type',
    );
    assert.equal(
      (await g.post('/v1.0/$batch', { requests: [{ id: '1', method: 'GET', url: '/organization', dependsOn: ['9'] }] })).status,
      400,
      'unknown dependency',
    );
  });

  it('inherits the version, runs dependsOn in order, fails dependents with 424', async () => {
    const body = {
      requests: [
        { id: 'root', method: 'POST', url: `/${CONFIGS}`, headers: JSON_HEADERS, body: trustedRoot('Batch root') },
        { id: 'list', method: 'GET', url: `${CONFIGS}?$filter=${encodeURIComponent("displayName eq 'Batch root'")}`, dependsOn: ['root'] },
        { id: 'bad', method: 'POST', url: '/deviceManagement/deviceCompliancePolicies', headers: JSON_HEADERS, body: compliance(0) },
        { id: 'after-bad', method: 'GET', url: '/organization', dependsOn: ['bad'] },
        { id: 'after-after', method: 'GET', url: '/organization', dependsOn: ['after-bad'] },
      ],
    };
    const beta = await g.post('/beta/$batch', body);
    assert.equal(beta.status, 200);
    const byId = Object.fromEntries(beta.body.responses.map((r: any) => [r.id, r]));
    assert.equal(byId.root.status, 201);
    assert.equal(byId.list.status, 200);
    assert.equal(byId.list.body.value.length, 1, 'the dependent saw the created object');
    assert.equal(byId.bad.status, 400);
    assert.match(byId.bad.body.error.message, /one and only one block/);
    assert.equal(byId['after-bad'].status, 424);
    assert.equal(byId['after-after'].status, 424);
    const v1 = await g.post('/v1.0/$batch', { requests: [body.requests[0]] });
    assert.equal(v1.body.responses[0].status, 400, 'a profile under /v1.0/$batch is refused');
  });

  it('answers in shuffled order (clients must correlate by id)', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: '/organization?$select=id' }));
    const orders = new Set<string>();
    await waitFor('a non-identity order', async () => {
      const res = await g.post('/v1.0/$batch', { requests });
      assert.equal(res.body.responses.length, 20);
      orders.add(res.body.responses.map((r: any) => r.id).join(','));
      return [...orders].some((o) => o !== requests.map((r) => r.id).join(',')) ? true : undefined;
    });
  });
});

describe('sandbox tenant: throttling', () => {
  let tenant: SandboxTenant;
  before(async () => {
    // Requests of one burst go out together so they land in one window even on a busy machine.
    // Groups and organization are Entra ID's (directory) windows; device configurations Intune's.
    tenant = await withSandbox({
      throttle: {
        writesPerWindow: 3,
        readsPerWindow: 40,
        windowMs: 1000,
        directory: { writesPerWindow: 5, writesWindowMs: 1000, unitsPerWindow: 40, unitsWindowMs: 1000 },
      },
    });
  });
  after(() => tenant?.close());

  const group = (i: number) => ({ displayName: `Throttle ${i}`, mailEnabled: false, mailNickname: `throttle${i}`, securityEnabled: true });

  it('429 with Retry-After over the write limit, per app, then allowed after the window', async () => {
    const g = client(tenant, fakeJwt('aaaaaaaa-0000-4000-8000-000000000001'));
    const burst = await Promise.all(Array.from({ length: 7 }, (_, i) => g.post('/v1.0/groups', group(i))));
    assert.deepEqual(burst.map((r) => r.status).sort(), [201, 201, 201, 201, 201, 429, 429]);
    const throttled = burst.find((r) => r.status === 429)!;
    assert.equal(throttled.body.error.code, 'TooManyRequests');
    assert.match(throttled.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
    const other = client(tenant, fakeJwt('bbbbbbbb-0000-4000-8000-000000000002'));
    assert.equal((await other.post('/v1.0/groups', group(100))).status, 201, 'another app has its own budget');
    assert.equal((await g.get('/v1.0/organization')).status, 200, 'reads still pass');
    await waitFor('the write window to free up', async () => {
      const res = await g.post('/v1.0/groups', group(200 + Math.floor(Math.random() * 1e6)));
      return res.status === 201 ? true : undefined;
    });
    assert.equal(tenant.objects().groups.filter((x) => String(x.displayName).startsWith('Throttle')).length, 7);
  });

  it('counts each inner write of a $batch and answers inner 429s', async () => {
    const g = client(tenant, fakeJwt('cccccccc-0000-4000-8000-000000000003'));
    const requests = Array.from({ length: 8 }, (_, i) => ({
      id: String(i),
      method: 'POST',
      url: '/groups',
      headers: JSON_HEADERS,
      body: group(1000 + i),
    }));
    const res = await g.post('/v1.0/$batch', { requests });
    assert.equal(res.status, 200);
    const statuses = res.body.responses.map((r: any) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429, 429]);
    const throttled = res.body.responses.find((r: any) => r.status === 429);
    assert.match(throttled.headers['Retry-After'], /^[1-9]/);
    assert.ok(tenant.stats().throttled >= 3);
  });

  it('each service has its own windows: Intune over its limit does not stop the directory, and says which service', async () => {
    const g = client(tenant, fakeJwt('dddddddd-0000-4000-8000-000000000004'));
    const intune = await Promise.all(Array.from({ length: 5 }, (_, i) => g.post(`/beta/${CONFIGS}`, trustedRoot(`Per service ${i}`))));
    assert.deepEqual(intune.map((r) => r.status).sort(), [201, 201, 201, 429, 429]);
    assert.match(intune.find((r) => r.status === 429)!.body.error.message, /to Intune/);
    // Same app, same moment: the directory's 5 writes are all still there.
    const groups = await Promise.all(Array.from({ length: 6 }, (_, i) => g.post('/v1.0/groups', group(3000 + i))));
    assert.deepEqual(groups.map((r) => r.status).sort(), [201, 201, 201, 201, 201, 429]);
    const refused = groups.find((r) => r.status === 429)!;
    assert.match(refused.body.error.message, /to Entra ID/);
    assert.equal(refused.headers.get('x-ms-throttle-information'), 'WriteLimitExceeded');
    const stats = tenant.stats();
    assert.ok(stats.throttledByService.intune >= 2 && stats.throttledByService.directory >= 1, JSON.stringify(stats));
  });

  it('counts Entra ID resource units by path: a users list costs 2, with $select 1', async () => {
    const g = client(tenant, fakeJwt('eeeeeeee-0000-4000-8000-000000000005'));
    const lists = await Promise.all(Array.from({ length: 21 }, () => g.get('/v1.0/users')));
    assert.equal(lists.filter((r) => r.status === 200).length, 20, '20 lists of 2 units fill 40');
    const h = client(tenant, fakeJwt('ffffffff-0000-4000-8000-000000000006'));
    const selected = await Promise.all(Array.from({ length: 41 }, () => h.get('/v1.0/users?$select=id')));
    assert.equal(selected.filter((r) => r.status === 200).length, 40);
    assert.equal(selected.find((r) => r.status === 429)!.headers.get('x-ms-throttle-information'), 'ResourceUnitLimitExceeded');
  });

  it('limits reads too, and a plain (non-JWT) token is an app of its own', async () => {
    const g = client(tenant, 'opaque-token-for-reads');
    const statuses = (await Promise.all(Array.from({ length: 42 }, () => g.get('/v1.0/organization')))).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 40);
    assert.equal(statuses.filter((s) => s === 429).length, 2);
    assert.equal((await client(tenant, APP_TOKEN).get('/v1.0/organization')).status, 200);
  });
});
