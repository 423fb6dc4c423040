// A big wave's tenant side is read another way (every managed device, paged, instead of per user:
// docs/waves.md "Reading a big wave"); both ways must find the same users and devices.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PER_USER_DEVICE_READS_UP_TO, readWaveTenant } from '../../src/core/phases/waves-read';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import type { GraphPort } from '../../src/core/tenant/graph-port';
import { defaultSeed, startSandboxTenant, type SandboxTenant } from '../../src/sandbox/tenant';

describe('reading a big wave', () => {
  let tenant: SandboxTenant;
  let graph: GraphPort;
  let upns: string[];
  before(async () => {
    tenant = await startSandboxTenant({ throttle: false });
    graph = createGraphPort({ baseUrl: tenant.url, tokenSource: createSandboxTokenSource(tenant.tenantId), log: () => {} });
    const withDevices = new Set(
      defaultSeed()
        .managedDevices!.filter((d) => typeof d.userPrincipalName === 'string' && d.userPrincipalName)
        .map((d) => String(d.userPrincipalName).toLowerCase()),
    );
    upns = [...withDevices].sort().slice(0, 3 * PER_USER_DEVICE_READS_UP_TO);
    // A device listed without its UPN still belongs to its user (by id); a user Entra ID lacks is left out.
    tenant.update((state) => {
      const device = state.managedDevices.find((d) => String(d.userPrincipalName).toLowerCase() === upns[7])!;
      device.userPrincipalName = null;
    });
    upns.push("o'brien.not-synced@contoso.com", upns[3].toUpperCase());
  });
  after(() => tenant?.close());

  it('finds the same users and devices as reading user by user', async () => {
    const big = await readWaveTenant(graph, upns);
    const small = { entraUsers: [] as typeof big.entraUsers, devices: [] as typeof big.devices };
    const unique = [...new Set(upns.map((u) => u.toLowerCase()))];
    for (let i = 0; i < unique.length; i += PER_USER_DEVICE_READS_UP_TO) {
      const part = await readWaveTenant(graph, unique.slice(i, i + PER_USER_DEVICE_READS_UP_TO));
      small.entraUsers.push(...part.entraUsers);
      small.devices.push(...part.devices);
    }
    const users = (r: typeof big) => r.entraUsers.map((u) => `${u.id} ${u.userPrincipalName.toLowerCase()}`).sort();
    const devices = (r: typeof big) =>
      r.devices.map((d) => `${d.id} ${d.userPrincipalName} ${d.managementAgent} ${d.deviceEnrollmentType} ${d.lastSyncDateTime}`).sort();
    assert.equal(users(big).length, unique.length - 1, 'every wave user but the one Entra ID lacks');
    assert.deepEqual(users(big), users(small));
    assert.ok(big.devices.length >= unique.length - 1);
    assert.deepEqual(devices(big), devices(small));
    assert.ok(
      big.devices.some((d) => d.userPrincipalName === upns[7]),
      'the device listed without a UPN is its user’s',
    );
  });
});
