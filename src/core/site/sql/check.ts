// "Test site connection" (`cm2intune site test`, the extension's command): connect read-only,
// say which site the database holds, and whether the login may read every view the reader
// reads, before a long read finds out. One text for the CLI and the extension.
import type { SqlSiteSource } from '../../plan/types';
import { describeSqlError, SiteSqlError, SqlConnection, type SqlConnectOptions } from './connection';
import { loginName } from './login';

/** Every view the SQL reader (site/sql/*.ts) selects from; a unit test keeps the list in step with it. */
export const SITE_VIEWS = [
  'v_Site',
  'v_Collection',
  'v_CollectionRuleQuery',
  'v_CollectionRuleDirect',
  'vSMS_CollectionDependencies',
  'v_FullCollectionMembership',
  'v_R_User',
  'v_R_UserGroup',
  'v_RA_User_UserGroupName',
  'v_R_System',
  'v_UsersPrimaryMachines',
  'v_SystemResourceList',
  'v_ConfigurationItems',
  'v_LocalizedCIProperties',
  'v_CIRelation',
  'v_CIAssignment',
  'v_CIAssignmentToCI',
  'v_ApplicationAssignment',
] as const;

export interface SiteConnectionReport {
  server: string;
  port: number;
  database: string;
  login: string;
  siteCode: string;
  siteName?: string;
  /** `v_Site.Version`, e.g. 5.00.8853.1000. */
  version?: string;
  /** `v_Site.BuildNumber`, e.g. 8853. */
  buildNumber?: number;
  /** How many views were checked (all readable, or the test fails). */
  views: number;
}

/**
 * Connects (encrypted, read-only intent), reads `v_Site` and tries each reader view with a query
 * that returns no rows. Throws a SiteSqlError whose message names what to fix: the server, the
 * login, a database that is not a ConfigMgr site's, the site code, or the views the login may not read.
 */
export async function testSiteConnection(
  config: SqlSiteSource,
  opts: SqlConnectOptions,
  signal?: AbortSignal,
): Promise<SiteConnectionReport> {
  const where = `${config.server}:${config.port ?? 1433}`;
  const login = loginName(config);
  const db = await SqlConnection.open(config, opts, signal);
  try {
    let sites: { SiteCode: string | null; SiteName: string | null; Version: string | null; BuildNumber: number | null }[];
    try {
      sites = await db.query('v_Site', 'SELECT SiteCode, SiteName, Version, BuildNumber FROM v_Site', [], signal);
    } catch (error) {
      if (error instanceof SiteSqlError && error.code === 'ESCHEMA')
        throw new SiteSqlError(
          `${config.database} on ${where} is not a ConfigMgr site database: it has no view v_Site. Check site.database (a site's database is named CM_<site code>), and that ${login} may read it.`,
          'ENOTSITE',
        );
      throw error;
    }
    const codes = sites.map((s) => (s.SiteCode ?? '').toUpperCase()).filter(Boolean);
    const site = sites.find((s) => (s.SiteCode ?? '').toUpperCase() === config.siteCode.toUpperCase());
    if (!site)
      throw new SiteSqlError(
        codes.length
          ? `${config.database} on ${where} holds site ${codes.join(', ')}, not ${config.siteCode}: set site.siteCode to the site whose database this is.`
          : `${config.database} on ${where} lists no site in v_Site: is this the database of a ConfigMgr site, and may ${login} read it?`,
        'ESITECODE',
      );
    const unreadable: string[] = [];
    for (const view of SITE_VIEWS.filter((v) => v !== 'v_Site')) {
      try {
        // No rows: only whether the view is there and the login may select from it.
        await db.query(view, `SELECT COUNT(*) AS n FROM ${view} WHERE 1 = 0`, [], signal);
      } catch (error) {
        const described = describeSqlError(error, config, { view });
        if (described.code !== 'ESCHEMA' && described.code !== 'EPERM') throw described;
        unreadable.push(`${view} (${described.code === 'EPERM' ? 'permission denied' : 'not there'})`);
      }
    }
    if (unreadable.length)
      throw new SiteSqlError(
        `${login} cannot read ${unreadable.length} of the ${SITE_VIEWS.length} views cm2intune reads in ${config.database} on ${where}: ${unreadable.join(', ')}. Grant it db_datareader or the smsschm_users role (docs/site-database.md lists the views).`,
        'EPERM',
      );
    return {
      server: config.server,
      port: config.port ?? 1433,
      database: config.database,
      login,
      siteCode: (site.SiteCode ?? config.siteCode).toUpperCase(),
      ...(site.SiteName ? { siteName: site.SiteName } : {}),
      ...(site.Version ? { version: site.Version } : {}),
      ...(typeof site.BuildNumber === 'number' ? { buildNumber: site.BuildNumber } : {}),
      views: SITE_VIEWS.length,
    };
  } finally {
    await db.close();
  }
}

/** One line: where, as whom, which site, which version, and that every view is readable. */
export function siteConnectionText(report: SiteConnectionReport): string {
  const version = report.version
    ? `, version ${report.version}${report.buildNumber !== undefined && !report.version.includes(String(report.buildNumber)) ? ` (build ${report.buildNumber})` : ''}`
    : report.buildNumber !== undefined
      ? `, build ${report.buildNumber}`
      : '';
  return `Connected to ${report.server}:${report.port} (${report.database}) as ${report.login}, read-only: site ${report.siteCode}${report.siteName ? ` "${report.siteName}"` : ''}${version}; all ${report.views} views cm2intune reads are readable.`;
}

/** What a plan whose site is a snapshot file has to say to "test the connection". */
export const snapshotNothingToConnect = (path: string) =>
  `The plan reads a snapshot (${path}): nothing to connect. To read the site database itself, set site to { "source": "sql", ... }.`;
