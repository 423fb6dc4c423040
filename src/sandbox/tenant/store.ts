// The sandbox's state: built from a seed, optionally resumed from / saved to a JSON file.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { GraphObject, SandboxSeed, SandboxState } from './types';

export const STATE_FORMAT = 'cm2intune-sandbox-state/1';

const now = () => new Date().toISOString();

/** Intune objects in a seed may omit server-managed fields; they are filled in here. */
function intune(objects: Partial<GraphObject>[] | undefined, withVersion: boolean): GraphObject[] {
  return (objects ?? []).map((o) => {
    const { assignments: _a, ...rest } = o as Record<string, unknown>;
    void _a;
    return {
      id: randomUUID(),
      createdDateTime: now(),
      lastModifiedDateTime: now(),
      ...(withVersion ? { version: 1 } : {}),
      ...rest,
    };
  });
}

export function stateFromSeed(seed: SandboxSeed): SandboxState {
  const state: SandboxState = {
    format: STATE_FORMAT,
    tenantId: seed.tenantId,
    organization: [
      {
        id: seed.tenantId,
        displayName: 'Contoso',
        mobileDeviceManagementAuthority: 'sccm',
        verifiedDomains: [],
        ...seed.organization,
      },
    ],
    subscribedSkus: structuredClone(seed.subscribedSkus ?? []),
    users: structuredClone(seed.users ?? []),
    groups: [],
    managedDevices: structuredClone(seed.managedDevices ?? []),
    ndesConnectors: structuredClone(seed.ndesConnectors ?? []),
    exchangeConnectors: structuredClone(seed.exchangeConnectors ?? []),
    deviceConfigurations: intune(seed.deviceConfigurations, true),
    deviceCompliancePolicies: intune(seed.deviceCompliancePolicies, true),
    mobileApps: intune(seed.mobileApps, false),
    termsAndConditions: intune(seed.termsAndConditions, false),
    depOnboardingSettings: structuredClone(seed.depOnboardingSettings ?? []),
    vppTokens: structuredClone(seed.vppTokens ?? []),
    deviceEnrollmentConfigurations: structuredClone(seed.deviceEnrollmentConfigurations ?? []),
    groupMembers: {},
    assignments: {},
    scheduledActions: {},
    bindings: {},
  };
  for (const g of seed.groups ?? []) {
    const { members, ...group } = structuredClone(g);
    state.groups.push(group);
    state.groupMembers[group.id] = members ?? [];
  }
  // Seeded objects may carry their assignments inline (not Graph's shape, a seed convenience).
  const seeded = [
    ...(seed.deviceConfigurations ?? []),
    ...(seed.deviceCompliancePolicies ?? []),
    ...(seed.mobileApps ?? []),
    ...(seed.termsAndConditions ?? []),
  ];
  const created = [...state.deviceConfigurations, ...state.deviceCompliancePolicies, ...state.mobileApps, ...state.termsAndConditions];
  seeded.forEach((o, i) => {
    const list = (o as { assignments?: GraphObject[] }).assignments;
    if (Array.isArray(list)) state.assignments[created[i].id] = structuredClone(list);
  });
  return state;
}

export function loadState(path: string): SandboxState | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as SandboxState;
  if (parsed.format !== STATE_FORMAT)
    throw new Error(`${path} is not a sandbox state file (format "${String(parsed.format)}"): delete it or pass another --persist path.`);
  // Saved before phase 4's collections existed: they start empty.
  parsed.depOnboardingSettings ??= [];
  parsed.vppTokens ??= [];
  parsed.deviceEnrollmentConfigurations ??= [];
  return parsed;
}

/** Atomic: a reader (or a crash) never sees half a file. */
export function saveState(path: string, state: SandboxState): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, path);
}
