import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { unknownSelectionIds } from '../../core/analysis';
import type { Finding } from '../../core/findings';
import { loadPlanFile, PlanReadError, type LoadedPlan } from '../../core/plan';
import { readSnapshotFile } from '../../core/site/snapshot';
import { UserError } from '../../core/errors';
import { parseOptions, type Command } from '../cli';

const usage = 'Usage: cm2intune validate <plan.migration.json> [--json]';

export const validate: Command = {
  name: 'validate',
  summary: "Check a migration plan: schema and the product's own checks",
  help: `${usage}

Checks the plan against its schema and the product's own rules, and prints one line per
finding: file:line:col: severity: message. When the plan reads the site from a snapshot, the ids
in import.include, import.exclude and import.includeRetired are checked against it too.

Options:
  --json   print the findings as JSON (an array of { severity, code, message, pointer, line, column })

Exit codes: 0 no errors (warnings may be printed), 1 the plan has errors, 2 the file can't be read or isn't JSON.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UserError(`expected one plan file.\n${usage}`);
    const file = positionals[0];
    let findings: Finding[];
    try {
      const loaded = loadPlanFile(resolve(io.cwd, file));
      findings = [...loaded.findings, ...(await snapshotSelectionFindings(loaded))];
    } catch (error) {
      if (error instanceof PlanReadError) throw new UserError(PlanReadError.format(file, error.reason, error.position), 2);
      throw error;
    }
    if (values.json) {
      io.out(
        JSON.stringify(
          findings.map((f) => ({
            severity: f.severity,
            code: f.code,
            message: f.message,
            pointer: f.pointer,
            line: f.range!.start.line + 1,
            column: f.range!.start.character + 1,
          })),
          null,
          2,
        ),
      );
    } else {
      for (const f of findings) io.out(formatFinding(file, f));
      const errors = findings.filter((f) => f.severity === 'error').length;
      if (findings.length === 0) io.err(`${file}: no problems found.`);
      else io.err(`${file}: ${errors} error(s), ${findings.length - errors} warning(s).`);
    }
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  },
};

export function formatFinding(file: string, f: Finding): string {
  const start = f.range?.start ?? { line: 0, character: 0 };
  return `${file}:${start.line + 1}:${start.character + 1}: ${f.severity}: ${f.message}`;
}

/** With a snapshot site, plan ids that select nothing (a live site is checked when it is read). */
async function snapshotSelectionFindings(loaded: LoadedPlan): Promise<Finding[]> {
  const site = loaded.plan?.site;
  if (site?.source !== 'snapshot') return [];
  const path = isAbsolute(site.path) ? site.path : resolve(dirname(resolve(loaded.file)), site.path);
  if (!existsSync(path)) return []; // plan/file-not-found says so already
  let model;
  try {
    model = (await readSnapshotFile(path)).site;
  } catch {
    return []; // an unreadable snapshot is reported where it is read; validate checks the plan
  }
  return unknownSelectionIds(loaded.plan!, { ...model, origin: site.path }).map((u) => ({
    severity: 'warning' as const,
    code: 'analysis/unknown-id',
    pointer: u.pointer,
    message: u.message,
    range: loaded.document.rangeAt(u.pointer),
  }));
}
