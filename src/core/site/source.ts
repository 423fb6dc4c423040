import type { SiteModel } from './model';

/**
 * Read-only access to a ConfigMgr site. Implementations: SQL over TDS (`site/sql`) and a
 * snapshot file (`site/snapshot`). Nothing here ever writes to the site.
 */
export interface SiteSource {
  /** For messages: `sql://server:port/database` or the snapshot path. */
  readonly origin: string;
  read(options?: { signal?: AbortSignal }): Promise<SiteModel>;
  close(): Promise<void>;
}
