// Loading a plan: parse with positions, check the schema, then the product's own checks.
// The result always carries every finding; `plan` is set only when nothing is an error.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
export class PlanReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly position?: { line: number; character: number },
  ) {
    super(PlanReadError.format(file, reason, position));
  }

  /** `file:line:col: reason`, with the file named as the user named it. */
  static format(file: string, reason: string, position?: { line: number; character: number }): string {
    return position ? `${file}:${position.line + 1}:${position.character + 1}: ${reason}` : `${file}: ${reason}`;
  }
}

export function checkPlanText(text: string, file: string, exists: (path: string) => boolean = existsSync): LoadedPlan {
  // The editor hands over text it read itself: the same limit as for a file.
  if (text.length > PLAN_FILE_LIMIT_BYTES) {
    throw new PlanReadError(file, `the plan is over the ${megabytes(PLAN_FILE_LIMIT_BYTES)} a plan may have; no real plan is that large, so check the file.`);
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
    throw new PlanReadError(file, 'a plan is a JSON object ({ ... }); run `cm2intune init` or "cm2intune: New migration plan" for a starter plan.', document.positionAt(document.root.offset));
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

function nodeValue(doc: PlanDocument): unknown {
  // jsonc-parser's tree -> plain value (comments dropped), without re-parsing the text.
  const toValue = (node: NonNullable<PlanDocument['root']>): unknown => {
    switch (node.type) {
      case 'object':
        return Object.fromEntries((node.children ?? []).map((p) => [p.children![0].value, p.children![1] ? toValue(p.children![1]) : undefined]));
      case 'array':
        return (node.children ?? []).map(toValue);
      default:
        return node.value;
    }
  };
  return toValue(doc.root!);
}
