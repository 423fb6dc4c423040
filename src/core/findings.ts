// A finding is anything the product has to tell about an input: a plan, a site object, a
// readiness check. One shape everywhere, so the CLI, diagnostics and reports render it alike.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  /** Zero-based, like VS Code. The CLI prints one-based. */
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Finding {
  severity: Severity;
  /** Stable identifier, e.g. `plan/duplicate-wave-user`, for tests, quick fixes and docs. */
  code: string;
  /** Says what is wrong and how to fix it. */
  message: string;
  /** JSON pointer into the input (`/waves/1/users/0`), or '' for the whole document. */
  pointer: string;
  range?: Range;
}

/**
 * A value from the input as a message shows it: at most `max` characters (`…` at the cut). A plan
 * can hold a name of megabytes; a thousand findings quoting it whole would not fit in one string.
 */
export function clipText(text: string, max = 120): string {
  if (text.length <= max) return text;
  const chars = [...text.slice(0, max + 1)];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** Findings per severity, counted once for every face (the Problems panel, the tree, the CLI). */
export function severityCounts(severities: Iterable<Severity>): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const s of severities) counts[s]++;
  return counts;
}

/** `2 errors, 1 warning` (infos only when there is nothing worse); '' for none. */
export function describeSeverityCounts(counts: Record<Severity, number>): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const parts = [counts.error ? plural(counts.error, 'error') : '', counts.warning ? plural(counts.warning, 'warning') : ''].filter(
    Boolean,
  );
  if (parts.length === 0 && counts.info) parts.push(plural(counts.info, 'message'));
  return parts.join(', ');
}
