// The least Graph permissions each phase needs (domain notes D.12), in one table. Read-only
// variants serve status and dry runs. Writes include their reads (ReadWrite covers Read).
import type { Cloud } from '../plan/types';
import { cloudEndpoints } from './clouds';

export type Phase = 'import' | 'prepare' | 'waves' | 'authority';
export type ScopeUse = Phase | 'status';

const S = {
  configRead: 'DeviceManagementConfiguration.Read.All',
  configWrite: 'DeviceManagementConfiguration.ReadWrite.All',
  appsRead: 'DeviceManagementApps.Read.All',
  appsWrite: 'DeviceManagementApps.ReadWrite.All',
  serviceRead: 'DeviceManagementServiceConfig.Read.All',
  serviceWrite: 'DeviceManagementServiceConfig.ReadWrite.All',
  devicesRead: 'DeviceManagementManagedDevices.Read.All',
  groupRead: 'Group.Read.All',
  groupWrite: 'Group.ReadWrite.All',
  userRead: 'User.Read.All',
  orgRead: 'Organization.Read.All',
} as const;

interface PhaseScopes {
  /** What the phase needs to write. */
  write: string[];
  /** What its preview / dry run needs (no writes). */
  read: string[];
}

export const PHASE_SCOPES: Readonly<Record<ScopeUse, PhaseScopes>> = {
  // Profiles, compliance, apps (+ assignments), terms and conditions; groups looked up for
  // assignments; users looked up by UPN for the members of groups cm2intune creates.
  import: {
    write: [S.configWrite, S.appsWrite, S.serviceWrite, S.groupRead, S.userRead],
    read: [S.configRead, S.appsRead, S.serviceRead, S.groupRead, S.userRead],
  },
  // Fix-ups after import (SCEP URLs, assignments, T&C assignment), connectors, licenses, groups.
  prepare: {
    write: [S.configWrite, S.appsWrite, S.serviceWrite, S.groupRead, S.userRead, S.orgRead],
    read: [S.configRead, S.appsRead, S.serviceRead, S.groupRead, S.userRead, S.orgRead],
  },
  // Waves change ConfigMgr collections through a runbook; Graph only verifies users, licenses, devices.
  waves: {
    write: [S.userRead, S.groupRead, S.devicesRead],
    read: [S.userRead, S.groupRead, S.devicesRead],
  },
  // The switch itself is the ConfigMgr console's; Graph reads the MDM authority and the devices.
  authority: {
    write: [S.serviceRead, S.devicesRead, S.userRead, S.orgRead],
    read: [S.serviceRead, S.devicesRead, S.userRead, S.orgRead],
  },
  status: {
    write: [],
    read: [S.configRead, S.appsRead, S.serviceRead, S.devicesRead, S.groupRead, S.userRead, S.orgRead],
  },
};

export interface ScopeOptions {
  /** Preview/dry run: read scopes only. */
  readOnly?: boolean;
  /** The plan allows creating missing cloud groups (groups.createMissing). */
  createGroups?: boolean;
}

/** Short scope names for a phase, sorted and without duplicates. */
export function scopesFor(use: ScopeUse, options: ScopeOptions = {}): string[] {
  const entry = PHASE_SCOPES[use];
  const list = options.readOnly || use === 'status' ? [...entry.read] : [...entry.write];
  if (options.createGroups && !options.readOnly && (use === 'import' || use === 'prepare')) {
    list.splice(list.indexOf(S.groupRead), 1, S.groupWrite);
  }
  return [...new Set(list)].sort();
}

/** Every scope any phase may ask for: what the app registration should be granted. */
export function allScopes(): string[] {
  const all = new Set<string>();
  for (const use of Object.keys(PHASE_SCOPES) as ScopeUse[]) for (const s of scopesFor(use, { createGroups: true })) all.add(s);
  return [...all].sort();
}

/**
 * Scopes in the resource-qualified form a cloud expects: in the global cloud short names
 * resolve to graph.microsoft.com, elsewhere they must name the cloud's Graph host.
 */
export function qualifyScopes(scopes: string[], cloud: Cloud = 'global'): string[] {
  const graph = cloudEndpoints(cloud).graph;
  return scopes.map((s) =>
    cloud === 'global' || /^https?:\/\//.test(s) || ['openid', 'profile', 'offline_access', 'email'].includes(s) ? s : `${graph}/${s}`,
  );
}

/** `<graph>/.default`: every permission granted to the app (client credentials, VS Code). */
export function defaultScopes(cloud: Cloud = 'global'): string[] {
  return [`${cloudEndpoints(cloud).graph}/.default`];
}
