// The plan that imports the Contoso sample site (served by the TDS test server, CA pinned) into a
// sandbox tenant: used by `npm run demo` and by the import tests, so both run the same plan.
import type { TdsTestServer } from '../tds';

export const CONTOSO_CA_FILE = 'contoso-sql-ca.pem';

export interface SamplePlanOptions {
  name: string;
  tenant: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** A sample site's plan over the TDS test server: what differs between the samples, then the plan. */
export function samplePlan(
  sample: { siteCode: string; caFile: string; subscriptionCollection: string; scepServerUrl: string },
  site: Pick<TdsTestServer, 'port' | 'database' | 'user'>,
  options: SamplePlanOptions,
) {
  return {
    version: 1,
    name: options.name,
    site: {
      source: 'sql',
      server: 'localhost',
      port: site.port,
      database: site.database,
      siteCode: sample.siteCode,
      auth: { type: 'sql', user: site.user },
      encryption: { caFile: sample.caFile },
    },
    tenant: options.tenant,
    subscriptionCollection: sample.subscriptionCollection,
    import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
    groups: { createMissing: true },
    prepare: { scepServerUrl: sample.scepServerUrl },
    ...options.extra,
  };
}

export const contosoPlan = (site: Pick<TdsTestServer, 'port' | 'database' | 'user'>, options: SamplePlanOptions) =>
  samplePlan(
    {
      siteCode: 'P01',
      caFile: CONTOSO_CA_FILE,
      subscriptionCollection: 'P0100014',
      scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll',
    },
    site,
    options,
  );

/** The plan `cm2intune sandbox start` writes into a world's folder: the sample site and tenant of that world. */
export function worldPlan(name = 'Contoso rehearsal (sandbox world)') {
  return {
    version: 1,
    name,
    site: { source: 'sandbox', world: '.' },
    tenant: { sandbox: true, world: '.' },
    subscriptionCollection: 'P0100014',
    import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
    groups: { createMissing: true },
    prepare: { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll' },
  };
}

export const WORLD_PLAN_FILE = 'contoso.migration.json';

/** The plan file's text: a comment says what it points at, so an admin who opens it later knows. */
export const worldPlanText = (name?: string) =>
  `// Written by cm2intune sandbox start: the sample site "Contoso" and the sandbox tenant of the sandbox\n// world in this folder (a rehearsal on this machine: not a real site, not Microsoft Graph).\n// cm2intune starts the world from this folder whenever the plan is used.\n${JSON.stringify(worldPlan(name), null, 2)}\n`;
