// Shapes shared by the sandbox tenant's modules and its users (tests, CLI, the product's demo).

/** A Graph object as stored: plain JSON, `id` always set. */
export type GraphObject = Record<string, unknown> & { id: string };

export type GraphVersion = 'v1.0' | 'beta';

/** The seed a sandbox starts from (schemas/sandbox-seed.schema.json). */
export interface SandboxSeed {
  tenantId: string;
  organization?: Partial<GraphObject> & {
    displayName?: string;
    mobileDeviceManagementAuthority?: 'unknown' | 'intune' | 'sccm' | 'office365';
  };
  subscribedSkus?: GraphObject[];
  users?: GraphObject[];
  /** `members`: ids of users (or groups) in the group; not a Graph property, moved to the member list. */
  groups?: (GraphObject & { members?: string[] })[];
  managedDevices?: GraphObject[];
  ndesConnectors?: GraphObject[];
  exchangeConnectors?: GraphObject[];
  deviceConfigurations?: Partial<GraphObject>[];
  deviceCompliancePolicies?: Partial<GraphObject>[];
  mobileApps?: Partial<GraphObject>[];
  termsAndConditions?: Partial<GraphObject>[];
  depOnboardingSettings?: GraphObject[];
  vppTokens?: GraphObject[];
  deviceEnrollmentConfigurations?: GraphObject[];
}

/** Everything the sandbox holds; also the persisted file's content. */
export interface SandboxState {
  format: 'cm2intune-sandbox-state/1';
  tenantId: string;
  organization: GraphObject[];
  subscribedSkus: GraphObject[];
  users: GraphObject[];
  groups: GraphObject[];
  managedDevices: GraphObject[];
  ndesConnectors: GraphObject[];
  exchangeConnectors: GraphObject[];
  deviceConfigurations: GraphObject[];
  deviceCompliancePolicies: GraphObject[];
  mobileApps: GraphObject[];
  termsAndConditions: GraphObject[];
  /** Phase 4's tenant-level objects: Apple DEP and VPP tokens, enrollment restrictions (read only). */
  depOnboardingSettings: GraphObject[];
  vppTokens: GraphObject[];
  deviceEnrollmentConfigurations: GraphObject[];
  /** group id -> member object ids */
  groupMembers: Record<string, string[]>;
  /** object id (policy, profile, app, terms) -> its assignments */
  assignments: Record<string, GraphObject[]>;
  /** compliance policy id -> scheduledActionsForRule (write-only in Graph: GET does not return it) */
  scheduledActions: Record<string, unknown[]>;
  /** profile id -> navigation property -> bound profile id(s) (from `…@odata.bind`) */
  bindings: Record<string, Record<string, string | string[]>>;
}

export type CollectionName = {
  [K in keyof SandboxState]: SandboxState[K] extends GraphObject[] ? K : never;
}[keyof SandboxState];

export type Fault =
  | { kind: '429-storm'; count: number; retryAfterSeconds?: number }
  | { kind: '503'; count: number }
  | { kind: 'reset-after-commit'; count: number; method?: string; pathIncludes?: string }
  | { kind: 'latency'; ms: number };

export interface SandboxStats {
  /** Graph requests answered, each inner request of a $batch counted too (the envelope as well). */
  requests: number;
  /** Writes applied (POST/PATCH/PUT/DELETE that succeeded), inner $batch writes included. */
  writes: number;
  /** 429 answers (throttling and injected storms), inner ones included. */
  throttled: number;
  /** Of those, the throttling answers by the service that gave them (`intune`, `intuneDevices`, `directory`). */
  throttledByService: Record<string, number>;
  byStatus: Record<number, number>;
}

/** One Intune family's windows: writes, and all requests (writes too), per app. */
export interface IntuneThrottle {
  writesPerWindow: number;
  readsPerWindow?: number;
  windowMs: number;
}

/** Entra ID's: resource units (a request costs 1-5, by path) per window, and writes per window, per app. */
export interface DirectoryThrottle {
  unitsPerWindow: number;
  unitsWindowMs: number;
  writesPerWindow: number;
  writesWindowMs: number;
}

/**
 * Limits per service, each kept on its own as Graph's services do: the top-level numbers are
 * Intune's configuration, compliance, apps, terms and enrollment; `devices` Intune's managed
 * devices; `directory` Entra ID's groups, members, users, licences and organization.
 */
export interface ThrottleOptions extends IntuneThrottle {
  devices?: Partial<IntuneThrottle>;
  directory?: Partial<DirectoryThrottle>;
}
