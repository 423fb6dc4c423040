// The product's own plan findings as diagnostics, on open and (debounced) on change.
// Schema errors are left to VS Code's JSON service (jsonValidation), so nothing shows twice.
import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import { PlanCheckCache, PlanReadError } from '../core/plan';
import { planQuickFixes } from '../core/plan/edit';
import type { Ctx } from './ctx';
import { DocumentTexts } from './documentText';
import { PlanFindings } from './planFindings';

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

/** Every check of a plan in the editor: the Problems panel, the view, the pictures (an edit is checked once). */
export const planChecks = new PlanCheckCache();
/** Open plans' texts, read once per version for all of them (so a check knows the text at once). */
export const planTexts = new DocumentTexts<vscode.TextDocument>();

export function productFindings(text: string, fsPath: string): Finding[] {
  try {
    return planChecks.check(text, fsPath).findings.filter((f) => !f.code.startsWith('schema/'));
  } catch (error) {
    if (error instanceof PlanReadError) return []; // syntax: the JSON service reports it
    throw error;
  }
}

/**
 * Quick fixes for the product's findings that have one obvious edit (core: planQuickFixes). The
 * findings are checked again on the text as it is, so a fix never applies to a stale place.
 */
export const planQuickFixProvider: vscode.CodeActionProvider = {
  provideCodeActions(doc, _range, context) {
    const ours = context.diagnostics.filter((d) => d.source === 'cm2intune');
    if (!ours.length) return [];
    const text = planTexts.text(doc);
    const findings = productFindings(text, doc.uri.fsPath);
    return ours.flatMap((diagnostic) => {
      const finding = findings.find(
        (f) =>
          f.code === diagnostic.code &&
          f.range?.start.line === diagnostic.range.start.line &&
          f.range.start.character === diagnostic.range.start.character,
      );
      if (!finding) return [];
      return planQuickFixes(text, finding).map((fix) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits)
          action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred === true;
        return action;
      });
    });
  },
};

export function registerPlanDiagnostics(ctx: Ctx): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('cm2intune');
  const plans = new PlanFindings<vscode.Uri>({
    check: (text, uri) => productFindings(text, uri.fsPath),
    readFile: async (uri) => Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'),
    set: (uri, findings) => collection.set(uri, findings.map(toDiagnostic)),
    delete: (uri) => collection.delete(uri),
    key: (uri) => uri.toString(),
  });
  const delay = () => vscode.workspace.getConfiguration('cm2intune').get<number>('diagnostics.debounceMs', 300);
  ctx.subscriptions.push(
    collection,
    vscode.languages.registerCodeActionsProvider({ pattern: PLAN_GLOB }, planQuickFixProvider, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => isPlan(doc) && plans.opened(doc.uri, planTexts.text(doc))),
    vscode.workspace.onDidChangeTextDocument(
      ({ document: doc }) => isPlan(doc) && plans.changed(doc.uri, () => planTexts.text(doc), delay()),
    ),
    // A closed plan file keeps its findings from disk; another scheme (a diff's side) has no file.
    vscode.workspace.onDidCloseTextDocument(
      (doc) => isPlan(doc) && (doc.uri.scheme === 'file' ? void plans.closed(doc.uri) : collection.delete(doc.uri)),
    ),
    plans,
  );
  for (const doc of vscode.workspace.textDocuments) if (isPlan(doc)) plans.opened(doc.uri, planTexts.text(doc));
  // Plans not open in an editor still show in the Problems panel.
  void vscode.workspace.findFiles(PLAN_GLOB, '**/node_modules/**', 50).then(async (uris) => {
    for (const uri of uris) {
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) continue;
      await plans.fromDisk(uri);
    }
  });
  return collection;
}
