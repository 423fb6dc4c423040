// The plan that imports the Contoso sample site (served by the TDS test server, CA pinned) into a
// sandbox tenant: used by `npm run demo` and by the import tests, so both run the same plan.
import type { TdsTestServer } from '../tds';

export const CONTOSO_CA_FILE = 'contoso-sql-ca.pem';

export function contosoPlan(site: Pick<TdsTestServer, 'port' | 'database' | 'user'>, options: { name: string; tenant: Record<string, unknown>; extra?: Record<string, unknown> }) {
  return {
    version: 1,
    name: options.name,
    site: {
      source: 'sql', server: 'localhost', port: site.port, database: site.database, siteCode: 'P01',
      auth: { type: 'sql', user: site.user }, encryption: { caFile: CONTOSO_CA_FILE },
    },
    tenant: options.tenant,
    subscriptionCollection: 'P0100014',
    import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
    groups: { createMissing: true },
    prepare: { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll' },
    ...options.extra,
  };
}
