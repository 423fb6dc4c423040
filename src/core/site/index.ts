// Opening a site source from the plan's `site` object: SQL (the live site database) or a
// snapshot file written by `cm2intune site export`.
import { isAbsolute, resolve } from 'node:path';
import type { SiteSourceConfig } from '../plan/types';
import { SnapshotSiteSource } from './snapshot';
import type { SiteSource } from './source';
import { SqlSiteSource } from './sql';

export function openSiteSource(config: SiteSourceConfig, opts: { planDir: string; password?: string; log?: (line: string) => void }): SiteSource {
  if (config.source === 'snapshot') {
    return new SnapshotSiteSource(isAbsolute(config.path) ? config.path : resolve(opts.planDir, config.path));
  }
  // The session starts a sandbox world and passes its site as a SQL source: reaching here is a bug.
  if (config.source === 'sandbox') throw new Error('A sandbox world site is opened through its started world (openSession), not directly.');
  return new SqlSiteSource(config, opts);
}

export { SqlSiteSource, SiteSqlError, PASSWORD_ENV, loginName } from './sql';
export { SnapshotSiteSource, SnapshotError, readSnapshotFile, writeSnapshotFile, parseSnapshot, snapshotOf } from './snapshot';
export type { SiteSource } from './source';
