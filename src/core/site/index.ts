// Opening a site source from the plan's `site` object: SQL (the live site database) or a
// snapshot file written by `cm2intune site export`.
import { planPath } from '../plan/files';
import type { SiteSourceConfig } from '../plan/types';
import { SnapshotSiteSource } from './snapshot';
import type { SiteSource } from './source';
import { SqlSiteSource } from './sql';

export function openSiteSource(
  config: SiteSourceConfig,
  opts: { planDir: string; password?: string; log?: (line: string) => void },
): SiteSource {
  if (config.source === 'snapshot') {
    // Where the path leads is checked when the file is read, so the error comes from read().
    return new SnapshotSiteSource(planPath(opts.planDir, config.path).full, { planDir: opts.planDir, path: config.path });
  }
  // The session starts a sandbox world and passes its site as a SQL source: reaching here is a bug.
  if (config.source === 'sandbox') throw new Error('A sandbox world site is opened through its started world (openSession), not directly.');
  return new SqlSiteSource(config, opts);
}

export { SqlSiteSource, SiteSqlError, PASSWORD_ENV, loginName } from './sql';
export {
  SnapshotSiteSource,
  SnapshotError,
  readSnapshotFile,
  writeSnapshotFile,
  parseSnapshot,
  snapshotOf,
  snapshotWrittenText,
} from './snapshot';
export type { SiteSource } from './source';
