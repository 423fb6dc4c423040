// The SQL SiteSource: reads the ConfigMgr site database (read-only SELECTs against the
// documented views; see docs/site-database.md) into a SiteModel.
import { setMaxListeners } from 'node:events';
import type { SqlSiteSource as SqlSiteConfig } from '../../plan/types';
import type { SiteModel } from '../model';
import type { SiteSource } from '../source';
import { readApplications, readAppAssignments } from './applications';
import { readCollections } from './collections';
import { readCiAssignments, readConfigurationItems } from './configuration-items';
import { SiteSqlError, SqlConnection, sqlOrigin, type SqlConnectOptions } from './connection';
import { readAffinities, readDevices, readSiteBuild, readSiteSystems, readUserGroups, readUsers } from './discovery';

export { SiteSqlError } from './connection';
export { PASSWORD_ENV, loginName } from './login';

export class SqlSiteSource implements SiteSource {
  readonly origin: string;
  private connection: Promise<SqlConnection> | undefined;

  constructor(
    private readonly config: SqlSiteConfig,
    private readonly opts: SqlConnectOptions,
  ) {
    this.origin = sqlOrigin(config);
  }

  private connect(signal?: AbortSignal): Promise<SqlConnection> {
    if (!this.connection) {
      this.connection = SqlConnection.open(this.config, this.opts, signal);
      // A failed connect is not cached: the next read tries again.
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }

  async read(options: { signal?: AbortSignal } = {}): Promise<SiteModel> {
    const { signal } = options;
    const db = await this.connect(signal);
    // The families run side by side on the pool; the first failure cancels the rest.
    const failed = new AbortController();
    const both = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
    // Eleven readers listen on it: not a leak.
    setMaxListeners(20, both);
    const run = <T>(p: Promise<T>) =>
      p.catch((error) => {
        failed.abort();
        throw error;
      });
    try {
      const [
        collections,
        users,
        userGroups,
        devices,
        affinities,
        cis,
        ciAssignments,
        applications,
        appAssignments,
        siteSystems,
        buildNumber,
      ] = await Promise.all([
        run(readCollections(db, both)),
        run(readUsers(db, both)),
        run(readUserGroups(db, both)),
        run(readDevices(db, both)),
        run(readAffinities(db, both)),
        run(readConfigurationItems(db, both)),
        run(readCiAssignments(db, both)),
        run(readApplications(db, both)),
        run(readAppAssignments(db, both)),
        run(readSiteSystems(db, both)),
        run(readSiteBuild(db, this.config.siteCode, both)),
      ]);
      return {
        siteCode: this.config.siteCode,
        origin: this.origin,
        collections,
        users,
        userGroups,
        devices,
        affinities,
        configurationItems: cis.configurationItems,
        baselines: cis.baselines,
        ciAssignments,
        applications,
        appAssignments,
        siteSystems,
        buildNumber,
      };
    } catch (error) {
      // Report the first real failure, not the cancellations it caused in its siblings.
      if (signal?.aborted) throw new SiteSqlError('Reading the site was cancelled.', 'ECANCEL');
      throw error;
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await (await connection.catch(() => undefined))?.close();
  }
}
