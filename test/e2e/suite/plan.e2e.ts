// The extension in a real VS Code extension host, on the fixture workspace (test/e2e/fixtures/ws).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, describe, waitFor, waitForDiagnostic } from './wait';

const EXTENSION_ID = 'cm2intune.cm2intune';
const USER = "zoë.o'brien@contoso.com"; // in both waves of the broken plan

const folder = () => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open: the harness must open test/e2e/fixtures/ws (a copy)');
  return f.uri;
};
const fromCm2intune = (d: vscode.Diagnostic) => d.source === 'cm2intune';

async function open(uri: vscode.Uri) {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/**
 * Diagnostics of a plan once both checkers have seen it. Absence can't be waited for, so open a
 * copy of the broken plan after it and wait until both its diagnostics arrived: both checkers
 * handle documents in the order they were opened.
 */
async function settledDiagnostics(uri: vscode.Uri, n: number) {
  const barrier = vscode.Uri.joinPath(folder(), `barrier ${n}.migration.json`);
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(folder(), 'broken plan.migration.json'), barrier, { overwrite: true });
  await open(barrier);
  await waitForDiagnostic(barrier, 'the JSON schema diagnostic', (d) => !fromCm2intune(d));
  await waitForDiagnostic(barrier, 'the cm2intune diagnostic', fromCm2intune);
  const diags = vscode.languages.getDiagnostics(uri);
  await vscode.workspace.fs.delete(barrier);
  return diags;
}

suite('cm2intune in a real VS Code extension host', () => {
  test('activates by itself on a workspace with a plan', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await waitFor('activation through workspaceContains:**/*.migration.json', () => ext.isActive);
    // isActive is also true after activate() threw; activate() hands that error back
    await ext.activate();
  });

  test('registers every command its package.json contributes', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes?: { commands?: { command: string }[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.includes('cm2intune.newPlan'), `manifest commands: ${contributed.join(', ')}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
  });

  test('a broken plan gets the schema diagnostic from the JSON language service', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'broken plan.migration.json');
    const doc = await open(uri);
    const [d] = await waitForDiagnostic(
      uri,
      'the JSON schema diagnostic for "name": 42',
      (x) => !fromCm2intune(x) && /Expected "string"/.test(x.message),
    );
    assert.equal(doc.getText(d.range), '42', `range ${describe([d])}`);
    assert.equal(d.range.start.line, 2);
  });

  test("a broken plan gets cm2intune's finding for a user in two waves, on the second occurrence", async () => {
    const uri = vscode.Uri.joinPath(folder(), 'broken plan.migration.json');
    const doc = await open(uri);
    const [d] = await waitForDiagnostic(uri, 'plan/user-in-two-waves', (x) => fromCm2intune(x) && codeOf(x) === 'plan/user-in-two-waves');
    const quoted = JSON.stringify(USER);
    const second = doc.positionAt(doc.getText().lastIndexOf(quoted));
    assert.notEqual(doc.getText().indexOf(quoted), doc.getText().lastIndexOf(quoted), 'fixture must list the user twice');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.line, d.range.start.character], [second.line, second.character]);
    assert.equal(doc.getText(d.range), quoted);
    assert.match(d.message, /Pilot/);
    assert.match(d.message, /Sales Europe/);
    const ours = vscode.languages.getDiagnostics(uri).filter(fromCm2intune);
    assert.ok(
      !ours.some((x) => String(codeOf(x)).startsWith('schema/')),
      `schema errors must come only from the JSON service: ${describe(ours)}`,
    );
  });

  test('the finding for a user in two waves has a quick fix that removes the second entry', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'quick fix.migration.json');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(folder(), 'broken plan.migration.json'), uri, { overwrite: true });
    try {
      const doc = await open(uri);
      const [d] = await waitForDiagnostic(uri, 'plan/user-in-two-waves', (x) => fromCm2intune(x) && codeOf(x) === 'plan/user-in-two-waves');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
      const fix = actions.find((a) => a.title === `Remove "${USER}" from wave "Sales Europe"`);
      assert.ok(fix?.edit, `quick fixes offered: ${actions.map((a) => a.title).join(' | ')}`);
      assert.equal(fix.isPreferred, true);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await waitFor(
        'the finding gone after the fix',
        () => !vscode.languages.getDiagnostics(uri).some((x) => codeOf(x) === 'plan/user-in-two-waves'),
      );
      assert.equal(doc.getText().split(JSON.stringify(USER)).length - 1, 1, 'the user stays in the first wave only');
      assert.match(doc.getText(), /"name": "Sales Europe", "users": \["anaïs@contoso.com"\]/);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('a valid plan has no diagnostics', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'contoso pilot.migration.json');
    await open(uri);
    assert.equal(describe(await settledDiagnostics(uri, 1)), '(none)');
  });

  test('"New migration plan" writes a starter plan whose only diagnostics are its "fill in" placeholders', async () => {
    const target = vscode.Uri.joinPath(folder(), 'new plan – Zoë.migration.json');
    await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
    const written = await vscode.commands.executeCommand<vscode.Uri>('cm2intune.newPlan', target);
    assert.equal(written?.toString(), target.toString());
    const text = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
    assert.match(text, /"version": 1/);
    await waitFor('the new plan in an editor', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString()),
    );
    // cm2intune's "fill in" errors on the site's placeholders, and nothing from the JSON schema.
    const diags = await settledDiagnostics(target, 2);
    assert.deepEqual(
      diags.map((d) => [d.source, codeOf(d)]),
      Array.from({ length: 4 }, () => ['cm2intune', 'plan/fill-in']),
      describe(diags),
    );
  });
});
