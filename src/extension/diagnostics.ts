// The product's own plan findings as diagnostics, on open and (debounced) on change.
// Schema errors are left to VS Code's JSON service (jsonValidation), so nothing shows twice.
import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import { checkPlanText, PlanReadError } from '../core/plan';
import type { Ctx } from './ctx';

export const PLAN_GLOB = '**/*.migration.json';
const isPlan = (doc: vscode.TextDocument) => doc.uri.scheme !== 'output' && doc.uri.path.endsWith('.migration.json');

const severity: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(f: Finding): vscode.Diagnostic {
  const r = f.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const d = new vscode.Diagnostic(
    new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
    f.message,
    severity[f.severity],
  );
  d.source = 'cm2intune';
  d.code = f.code;
  return d;
}

export function productFindings(text: string, fsPath: string): Finding[] {
  try {
    return checkPlanText(text, fsPath).findings.filter((f) => !f.code.startsWith('schema/'));
  } catch (error) {
    if (error instanceof PlanReadError) return []; // syntax: the JSON service reports it
    throw error;
  }
}

export function registerPlanDiagnostics(ctx: Ctx): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('cm2intune');
  const timers = new Map<string, NodeJS.Timeout>();
  const check = (doc: vscode.TextDocument) => {
    if (!isPlan(doc)) return;
    collection.set(doc.uri, productFindings(doc.getText(), doc.uri.fsPath).map(toDiagnostic));
  };
  const later = (doc: vscode.TextDocument) => {
    if (!isPlan(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    const delay = vscode.workspace.getConfiguration('cm2intune').get<number>('diagnostics.debounceMs', 300);
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      check(doc);
    }, delay));
  };
  ctx.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
    { dispose: () => timers.forEach(clearTimeout) },
  );
  vscode.workspace.textDocuments.forEach(check);
  // Plans not open in an editor still show in the Problems panel.
  void vscode.workspace.findFiles(PLAN_GLOB, '**/node_modules/**', 50).then(async (uris) => {
    for (const uri of uris) {
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) continue;
      const bytes = await vscode.workspace.fs.readFile(uri);
      collection.set(uri, productFindings(Buffer.from(bytes).toString('utf8'), uri.fsPath).map(toDiagnostic));
    }
  });
  return collection;
}
