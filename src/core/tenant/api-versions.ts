// Where the Intune objects cm2intune creates live, and which Graph API version each
// Intune/directory resource is called with. A leaf of the tenant layer (it imports nothing):
// translation builds requests from these tables, the tenant reads list them, the port picks the
// version. Callers name the path (and the @odata.type when the version depends on it).
// Prefer v1.0; use beta only where v1.0 lacks the type (profiles: Wi-Fi, VPN, EAS email, trusted
// root, SCEP, PKCS, imported PFX; NDES connectors), see domain notes D.1-D.8.

export type IntuneResource = 'deviceConfigurations' | 'deviceCompliancePolicies' | 'mobileApps';

/** One table of where each Intune resource lives, shared by translation and the tenant reads. */
export const RESOURCE_PATHS: Record<IntuneResource, string> = {
  deviceConfigurations: '/deviceManagement/deviceConfigurations',
  deviceCompliancePolicies: '/deviceManagement/deviceCompliancePolicies',
  mobileApps: '/deviceAppManagement/mobileApps',
};

export type ApiVersion = 'v1.0' | 'beta';

interface VersionRule {
  /** Path prefix, without leading slash, compared case-insensitively by whole segments. */
  prefix: string;
  version: ApiVersion;
  /** @odata.type names (without `#microsoft.graph.`) that exist only in beta under this prefix. */
  betaTypes?: RegExp;
}

// Profile families that v1.0 does not have at all.
const BETA_PROFILE_TYPES = /(wi-?fi|vpn|easemail|trustedroot|scep|pkcs|importedpfx)/i;
const BETA_COMPLIANCE_TYPES = /^(androidDeviceOwnerCompliancePolicy|aospDeviceOwnerCompliancePolicy|defaultDeviceCompliancePolicy)$/i;
const BETA_APP_TYPES =
  /^(windowsPhone81StoreApp|windowsPhoneXAP|windowsPhone81AppX|windowsPhone81AppXBundle|windowsStoreApp|windowsAppX|macOSLobApp|androidManagedStoreApp)$/i;

/** Longest prefix wins. */
export const API_VERSION_RULES: readonly VersionRule[] = [
  { prefix: 'deviceManagement/deviceConfigurations', version: 'v1.0', betaTypes: BETA_PROFILE_TYPES },
  { prefix: 'deviceManagement/deviceCompliancePolicies', version: 'v1.0', betaTypes: BETA_COMPLIANCE_TYPES },
  { prefix: 'deviceAppManagement/mobileApps', version: 'v1.0', betaTypes: BETA_APP_TYPES },
  { prefix: 'deviceManagement/termsAndConditions', version: 'v1.0' },
  { prefix: 'deviceManagement/ndesConnectors', version: 'beta' },
  { prefix: 'deviceManagement/exchangeConnectors', version: 'v1.0' },
  { prefix: 'deviceManagement/managedDevices', version: 'v1.0' },
  { prefix: 'deviceManagement/roleDefinitions', version: 'v1.0' },
  { prefix: 'deviceManagement/roleAssignments', version: 'v1.0' },
  { prefix: 'groups', version: 'v1.0' },
  { prefix: 'users', version: 'v1.0' },
  { prefix: 'directoryObjects', version: 'v1.0' },
  { prefix: 'organization', version: 'v1.0' },
  { prefix: 'subscribedSkus', version: 'v1.0' },
  { prefix: 'me', version: 'v1.0' },
];

/** `#microsoft.graph.iosScepCertificateProfile` -> `iosScepCertificateProfile`. */
function bareType(odataType: string): string {
  return odataType.replace(/^#?microsoft\.graph\./i, '');
}

function segments(path: string): string[] {
  return path
    .replace(/[?#].*$/s, '')
    .split('/')
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

/**
 * The API version for a request path (relative, e.g. `/deviceManagement/deviceConfigurations/{id}/assign`)
 * and, where it matters, the object's @odata.type. Throws for a path the table does not know, so
 * a new resource gets a deliberate entry (or the caller passes an explicit version).
 */
export function apiVersionFor(path: string, odataType?: string): ApiVersion {
  const parts = segments(path);
  let best: VersionRule | undefined;
  for (const rule of API_VERSION_RULES) {
    const prefix = segments(rule.prefix);
    if (prefix.length <= parts.length && prefix.every((p, i) => parts[i] === p) && (!best || prefix.length > segments(best.prefix).length))
      best = rule;
  }
  if (!best)
    throw new Error(
      `No Graph API version is known for "${path}": add it to API_VERSION_RULES in src/core/tenant/api-versions.ts or pass { version } explicitly.`,
    );
  if (odataType && best.betaTypes?.test(bareType(odataType))) return 'beta';
  return best.version;
}
