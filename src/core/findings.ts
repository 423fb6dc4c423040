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
