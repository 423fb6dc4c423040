// The migration plan as typed data, after schema validation. The schema
// (schemas/migration-plan.schema.json) is the contract; these types follow it.

export type ObjectKindSelector = 'compliance' | 'configuration' | 'certificate' | 'wifi' | 'vpn' | 'email' | 'app';
export type Cloud = 'global' | 'usgov' | 'usgovdod' | 'china';

export interface SqlSiteSource {
  source: 'sql';
  server: string;
  port?: number;
  database: string;
  siteCode: string;
  auth: { type: 'sql'; user: string } | { type: 'ntlm'; domain: string; user: string };
  encryption?: {
    /** Default true. */
    encrypt?: boolean;
    /** SHA-256 (or SHA-1) thumbprint of the server certificate, hex. */
    certificateThumbprint?: string;
    /** PEM file of the CA that issued the server certificate, relative to the plan. */
    caFile?: string;
    /** Name in the server certificate when it differs from `server`. */
    serverName?: string;
    /** Explicit, warned opt-in for a self-signed certificate nobody pinned. */
    trustServerCertificate?: boolean;
  };
  connectTimeoutSeconds?: number;
  requestTimeoutSeconds?: number;
}

export interface SnapshotSiteSource {
  source: 'snapshot';
  /** Relative to the plan file. */
  path: string;
}

/** The sample site of a sandbox world (`cm2intune sandbox start`): a rehearsal, read over TDS like a real site. */
export interface SandboxSiteSource {
  source: 'sandbox';
  /** Folder of the sandbox world, relative to the plan. */
  world: string;
}

export type SiteSourceConfig = SqlSiteSource | SnapshotSiteSource | SandboxSiteSource;

export type TenantConfig =
  | { sandbox: true; id?: string; url?: string; /** Folder of the sandbox world, relative to the plan. */ world?: string }
  | { sandbox?: false; id: string; cloud?: Cloud; clientId?: string };

export interface GroupRef {
  id?: string;
  name?: string;
}

export interface MigrationPlan {
  version: 1;
  name: string;
  site: SiteSourceConfig;
  tenant: TenantConfig;
  /** How the Graph port behaves; defaults in tenant/graph-client.ts. */
  graph?: {
    /** One request's time limit, answer included (default 120). */
    requestTimeoutSeconds?: number;
    /** Pages one list may have (default 1000). */
    maxPages?: number;
  };
  subscriptionCollection?: string;
  import?: {
    kinds?: ObjectKindSelector[];
    include?: string[];
    exclude?: string[];
    /** Retired objects (expired, superseded, hidden, disabled) to import anyway, with their disabled deployments. */
    includeRetired?: string[];
    assignments?: boolean;
  };
  groups?: {
    map?: Record<string, (string | GroupRef)[]>;
    createMissing?: boolean;
    /** Collection ids whose matched group may be used although its members differ from the collection's. */
    acceptDifferentMembers?: string[];
  };
  prepare?: {
    scepServerUrl?: string;
    checkLicenses?: boolean;
    requireExchangeConnector?: boolean;
    requireNdesConnector?: boolean;
    /** The SKU (skuId or part number, e.g. EMS) `prepare --fix` may assign to unlicensed users; unset: it assigns none. */
    assignLicenseSku?: string;
  };
  waves?: {
    name: string;
    users: string[];
    collectionName?: string;
    /** Preflight checks that do not block this wave (phases/waves.ts `PreflightCheck['id']`). */
    preflightOverride?: ('resolved-site' | 'resolved-entra' | 'licensed' | 'not-in-earlier-wave' | 'not-dem')[];
    /** `wave verify --watch` gives up after this long (default 60). */
    verifyTimeoutMinutes?: number;
  }[];
  /** Phase 4, the MDM authority change (docs/authority.md). */
  authority?: {
    /** UPN of the admin who signs in to the wizard: they need an Intune licence. */
    admin?: string;
    /** Waves not finished on purpose: their users move with the switch. */
    skipWaves?: string[];
    /** `authority verify --watch` gives up after this long (default 480: devices check in within about 8 hours). */
    verifyTimeoutMinutes?: number;
  };
}
