// The plan that imports the Fabrikam sample site (served by the TDS test server, CA pinned) into a
// sandbox tenant seeded with src/sandbox/tenant/seed/fabrikam.seed.json. Unlike Contoso's, the
// Intune subscription uses All Users (SMS00002).
import type { TdsTestServer } from '../tds';
import { samplePlan, type SamplePlanOptions } from '../contoso/plan';
import { SITE_CODE } from './generate';

export const FABRIKAM_CA_FILE = 'fabrikam-sql-ca.pem';

export const fabrikamPlan = (site: Pick<TdsTestServer, 'port' | 'database' | 'user'>, options: SamplePlanOptions) =>
  samplePlan(
    {
      siteCode: SITE_CODE,
      caFile: FABRIKAM_CA_FILE,
      subscriptionCollection: 'SMS00002',
      scepServerUrl: 'https://ndes.fabrikam.com/certsrv/mscep/mscep.dll',
    },
    site,
    options,
  );
