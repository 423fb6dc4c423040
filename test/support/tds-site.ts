// The plan's `site` for a loopback TDS test server, as the integration tests connect to it.
import type { SqlSiteSource } from '../../src/core/plan/types';

interface TdsEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** `caFile` names the server's CA certificate as written into the test's plan folder. */
export function tdsSiteConfig(server: TdsEndpoint, caFile: string, over: Partial<SqlSiteSource> = {}): SqlSiteSource {
  return {
    source: 'sql',
    server: server.host,
    port: server.port,
    database: server.database,
    siteCode: 'P01',
    auth: { type: 'sql', user: server.user },
    encryption: { caFile },
    ...over,
  };
}
