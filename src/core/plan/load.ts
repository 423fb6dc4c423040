// Loading a plan: parse with positions, check the schema, then the product's own checks.
// The result always carries every finding; `plan` is set only when nothing is an error.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors';
import type { Finding } from '../findings';
import { semanticFindings } from './checks';
import { PlanDocument } from './document';
import { megabytes, PLAN_FILE_LIMIT_BYTES, PlanFileError, readRegularFileSync } from './files';
import { schemaFindings } from './schema';
import type { MigrationPlan } from './types';

export interface LoadedPlan {
  file: string;
  document: PlanDocument;
  findings: Finding[];
  plan?: MigrationPlan;
}

/** Thrown when the file can't be read or isn't JSON at all: nothing to check. */
export class PlanReadError extends UserError {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly position?: { line: number; character: number },
  ) {
    super(PlanReadError.format(file, reason, position), 2);
  }

  /** `file:line:col: reason`, with the file named as the user named it. */
  static format(file: string, reason: string, position?: { line: number; character: number }): string {
    return position ? `${file}:${position.line + 1}:${position.character + 1}: ${reason}` : `${file}: ${reason}`;
  }
}

export function checkPlanText(text: string, file: string, exists: (path: string) => boolean = existsSync): LoadedPlan {
  // The editor hands over text it read itself: the same limit as for a file.
  if (text.length > PLAN_FILE_LIMIT_BYTES) {
    throw new PlanReadError(
      file,
      `the plan is over the ${megabytes(PLAN_FILE_LIMIT_BYTES)} a plan may have; no real plan is that large, so check the file.`,
    );
  }
  const tooDeep = beyondDepth(text, PLAN_DEPTH_LIMIT);
  if (tooDeep >= 0) {
    const before = text.slice(0, tooDeep);
    const at = { line: before.split('\n').length - 1, character: tooDeep - (before.lastIndexOf('\n') + 1) };
    throw new PlanReadError(
      file,
      `values are nested more than ${PLAN_DEPTH_LIMIT} deep here; a plan nests about 5 deep, so this is not a plan cm2intune reads. Check the file.`,
      at,
    );
  }
  const document = new PlanDocument(text);
  if (document.syntaxProblems.length > 0 || !document.root) {
    const first = document.syntaxProblems[0];
    throw new PlanReadError(
      file,
      `not valid JSON: ${first?.message ?? 'the file is empty'}. Fix the syntax (comments are allowed, trailing commas are not).`,
      first?.range.start,
    );
  }
  const value = nodeValue(document);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PlanReadError(
      file,
      'a plan is a JSON object ({ ... }); run `cm2intune init` or "cm2intune: New migration plan" for a starter plan.',
      document.positionAt(document.root.offset),
    );
  }
  const semantic = semanticFindings(value, { doc: document, planDir: dirname(resolve(file)), exists });
  // Where a product check speaks about a place, its message is the better one.
  const covered = new Set(semantic.map((f) => f.pointer));
  const findings = [...schemaFindings(value, document).filter((f) => !covered.has(f.pointer)), ...semantic].sort(
    (a, b) => a.range!.start.line - b.range!.start.line || a.range!.start.character - b.range!.start.character,
  );
  const ok = !findings.some((f) => f.severity === 'error');
  return { file, document, findings, plan: ok ? (value as MigrationPlan) : undefined };
}

/**
 * checkPlanText, remembered per file: in the editor the view, the diagnostics, the dashboard and
 * the picture each check the same text after an edit, and a plan with 50k users in waves takes
 * about 100 ms to check. A result is given again only for the same file and the same text, and
 * only while every path the checks looked for (a snapshot, a CA file) still exists or is still
 * missing as it was. The plan and findings given out are shared: callers must not change them.
 */
export class PlanCheckCache {
  private readonly entries = new Map<string, { text: string; asked: Map<string, boolean>; result: LoadedPlan | PlanReadError }>();

  constructor(
    private readonly files = 8,
    private readonly exists: (path: string) => boolean = existsSync,
  ) {}

  check(text: string, file: string): LoadedPlan {
    let entry = this.entries.get(file);
    if (!entry || entry.text !== text || [...entry.asked].some(([path, was]) => this.exists(path) !== was)) {
      const asked = new Map<string, boolean>();
      const exists = (path: string) => {
        const found = this.exists(path);
        asked.set(path, found);
        return found;
      };
      let result: LoadedPlan | PlanReadError;
      try {
        result = checkPlanText(text, file, exists);
      } catch (error) {
        if (!(error instanceof PlanReadError)) throw error;
        result = error;
      }
      entry = { text, asked, result };
    }
    // The most recently used last, so the oldest goes first.
    this.entries.delete(file);
    this.entries.set(file, entry);
    if (this.entries.size > this.files) this.entries.delete(this.entries.keys().next().value!);
    if (entry.result instanceof PlanReadError) throw entry.result;
    return entry.result;
  }
}

export function loadPlanFile(file: string): LoadedPlan {
  let text: string;
  try {
    text = readRegularFileSync(file, PLAN_FILE_LIMIT_BYTES, 'plan');
  } catch (error) {
    if (error instanceof PlanFileError) throw new PlanReadError(file, error.reason);
    throw error;
  }
  return checkPlanText(text, file);
}

/** Deeper than any plan: beyond it the parser's recursion would overflow the stack. */
export const PLAN_DEPTH_LIMIT = 100;

/** Offset of the first `{` or `[` that opens level `limit + 1`, or -1; strings and comments skipped. */
function beyondDepth(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '{' || c === '[') {
      if (++depth > limit) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return -1;
}

function nodeValue(doc: PlanDocument): unknown {
  // jsonc-parser's tree -> plain value (comments dropped), without re-parsing the text; iterative.
  type Node = NonNullable<PlanDocument['root']>;
  const scalar = (node: Node): unknown => (node.type === 'object' ? {} : node.type === 'array' ? [] : node.value);
  const root = scalar(doc.root!);
  const stack: [Node, unknown][] = [[doc.root!, root]];
  while (stack.length) {
    const [node, value] = stack.pop()!;
    if (node.type === 'object') {
      for (const p of node.children ?? []) {
        const child = p.children![1];
        const v = child ? scalar(child) : undefined;
        // defineProperty, as Object.fromEntries did: a "__proto__" key stays a plain property.
        Object.defineProperty(value, String(p.children![0].value), { value: v, enumerable: true, writable: true, configurable: true });
        if (child) stack.push([child, v]);
      }
    } else if (node.type === 'array') {
      for (const child of node.children ?? []) {
        const v = scalar(child);
        (value as unknown[]).push(v);
        stack.push([child, v]);
      }
    }
  }
  return root;
}
