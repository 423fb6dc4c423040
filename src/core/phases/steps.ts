// Steps are data. A step says in words what it will do, the exact Graph request, what it needs
// first and how to tell afterwards that it happened. The preview, the dry run, the journal and
// the report are all views of the same list.
import type { ApiVersion, Method } from '../tenant/graph-port';

/** Phase 1 creates groups, members, objects and assignments; phase 2's fixes assign licences and update objects. */
export type StepAction = 'createGroup' | 'addMembers' | 'create' | 'assign' | 'assignLicense' | 'update';

export interface Step {
  /** Stable across runs: `create:<key>`, `assign:<key>`, `group:<collection>`, `members:<collection>:<n>`, `licence:<user id>`, `scep-url:<id>`. */
  id: string;
  /** The source the step acts for: a CI unique id or `group:<collectionId>`. */
  key: string;
  action: StepAction;
  /** What it does, for a person: `Create Wi-Fi profile "Corp Wi-Fi" (iOS)`. */
  title: string;
  request: { method: Method; path: string; version: ApiVersion; body: unknown; odataType?: string };
  /**
   * Keys whose Intune ids the request needs; in the body they stand as `{{id:<key>}}` and are
   * filled in just before the request leaves.
   */
  needs: string[];
  /** How to tell afterwards that it happened. */
  verify: string;
}
