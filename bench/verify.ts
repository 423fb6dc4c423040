// Phases 2–4 at scale (issue 16): the licence check of 100k users and the device read of a
// 100k-user wave over a tenant of 150k managed devices, on the sandbox tenant (throttling off: this
// counts calls, not time). verify.callsPer1000Devices = HTTP calls (a $batch is one) per 1000
// devices read. Target <= 5.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readWaveTenant } from '../src/core/phases/waves-read';
import { createSandboxTokenSource } from '../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../src/core/tenant/graph-client';
import { findUsers } from '../src/core/tenant/readiness';
import { startSandboxTenant, type SandboxSeed } from '../src/sandbox/tenant';

const INTUNE_A = 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5';
const guid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function bigSeed(users: number, devices: number): SandboxSeed {
  const upn = (n: number) => `user${n}@fabrikam.example`;
  return {
    tenantId: guid(0, 1),
    users: Array.from({ length: users }, (_, n) => ({
      id: guid(1, n),
      userPrincipalName: upn(n),
      displayName: `User ${n}`,
      usageLocation: 'NO',
      assignedPlans:
        n % 9 ? [{ servicePlanId: INTUNE_A, capabilityStatus: 'Enabled', service: 'SCO', assignedDateTime: '2019-06-01T08:00:00Z' }] : [],
      assignedLicenses: [],
    })),
    managedDevices: Array.from({ length: devices }, (_, n) => ({
      id: guid(2, n),
      deviceName: `DEV-${n}`,
      userId: guid(1, n % users),
      userPrincipalName: upn(n % users),
      managementAgent: 'configurationManagerClientMdm',
      managementState: 'managed',
      deviceEnrollmentType: 'userEnrollment',
      lastSyncDateTime: '2019-08-30T07:29:00Z',
    })),
  };
}

export async function benchVerify({ users = 100_000, devices = 150_000 } = {}): Promise<Record<string, number>> {
  const tenant = await startSandboxTenant({ seed: bigSeed(users, devices), throttle: false });
  let calls = 0;
  const count = () => void calls++;
  subscribe('undici:request:create', count);
  try {
    const graph = createGraphPort({ baseUrl: tenant.url, tokenSource: createSandboxTokenSource(tenant.tenantId), log: () => {} });
    const upns = Array.from({ length: users }, (_, n) => `user${n}@fabrikam.example`);
    const started = process.hrtime.bigint();
    const licences = await findUsers(graph, { sids: [], upns }, undefined);
    const licenceCalls = calls;
    const wave = await readWaveTenant(graph, upns);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (licences.length !== users || wave.devices.length !== devices)
      throw new Error(`read ${licences.length} users and ${wave.devices.length} devices, expected ${users} and ${devices}`);
    return {
      'verify.users': users,
      'verify.devices': devices,
      'verify.licenceCalls': licenceCalls,
      'verify.deviceCalls': calls - licenceCalls,
      'verify.callsPer1000Devices': Number(((calls / devices) * 1000).toFixed(2)),
      'verify.seconds': Number(seconds.toFixed(1)),
    };
  } finally {
    unsubscribe('undici:request:create', count);
    await tenant.close();
  }
}
