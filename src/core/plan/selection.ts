// Which objects the plan selects for phase 1: `import.kinds` (omitted = all), `import.include`
// (omitted = all of those kinds), minus `import.exclude`, minus retired objects the plan does not
// list in `import.includeRetired`. Unique ids compare without revision,
// case-insensitively. The plan's own rule, so the plan edits (edit.ts) and the analysis apply
// the same one; the analysis says which selector covers each kind of object.
import { sameUniqueId } from '../unique-id';
import type { MigrationPlan, ObjectKindSelector } from './types';

/** An object as the plan's selection sees it. */
export interface SelectionSubject {
  uniqueId: string;
  /** For messages. */
  name: string;
  /** The `import.kinds` entry that covers the object; null for a kind that is never imported. */
  selector: ObjectKindSelector | null;
}

/**
 * Why the plan leaves an object out, with the JSON pointer of the plan entry responsible; null =
 * selected. `retired`: why ConfigMgr considers the object retired (analysis/retired.ts).
 */
export function exclusion(
  plan: MigrationPlan,
  object: SelectionSubject,
  retired: readonly string[] = [],
): { why: string; pointer: string } | null {
  const { selector, uniqueId } = object;
  if (!selector) return { why: 'it is never imported', pointer: '/import' };
  const imp = plan.import ?? {};
  if (imp.kinds && !imp.kinds.includes(selector)) return { why: `its kind "${selector}" is not in import.kinds`, pointer: '/import/kinds' };
  if (imp.include && !imp.include.some((id) => sameUniqueId(id, uniqueId)))
    return { why: 'it is not in import.include', pointer: '/import/include' };
  const i = (imp.exclude ?? []).findIndex((id) => sameUniqueId(id, uniqueId));
  if (i >= 0) return { why: 'it is excluded in import.exclude', pointer: `/import/exclude/${i}` };
  if (retired.length && !(imp.includeRetired ?? []).some((id) => sameUniqueId(id, uniqueId))) {
    return {
      why: `it is ${retired.join(', ')} in ConfigMgr, and retired objects are imported only when import.includeRetired lists them`,
      pointer: '/import/includeRetired',
    };
  }
  return null;
}
