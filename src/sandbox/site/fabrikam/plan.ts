// The plan that imports the Fabrikam sample site (served by the TDS test server, CA pinned) into a
// sandbox tenant seeded with src/sandbox/tenant/seed/fabrikam.seed.json. Unlike Contoso's, the
// Intune subscription uses All Users (SMS00002).
import type { TdsTestServer } from '../tds';
import { SITE_CODE } from './generate';

export const FABRIKAM_CA_FILE = 'fabrikam-sql-ca.pem';

export function fabrikamPlan(
  site: Pick<TdsTestServer, 'port' | 'database' | 'user'>,
  options: { name: string; tenant: Record<string, unknown>; extra?: Record<string, unknown> },
) {
  return {
    version: 1,
    name: options.name,
    site: {
      source: 'sql',
      server: 'localhost',
      port: site.port,
      database: site.database,
      siteCode: SITE_CODE,
      auth: { type: 'sql', user: site.user },
      encryption: { caFile: FABRIKAM_CA_FILE },
    },
    tenant: options.tenant,
    subscriptionCollection: 'SMS00002',
    import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
    groups: { createMissing: true },
    prepare: { scepServerUrl: 'https://ndes.fabrikam.com/certsrv/mscep/mscep.dll' },
    ...options.extra,
  };
}
