// The sample migration in a real extension host: "cm2intune: Open the sample migration" makes the
// sandbox world in a folder of the workspace (through dist/sandbox.js, loaded on first use) and
// opens its plan; the tree then reads the world's sample site over TDS and its tenant, started
// again from the folder, as the plan `npm run demo` leaves behind is read after the demo ended.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Cm2intuneApi } from '../../../src/extension/extension';
import type { ReadinessResult } from '../../../src/extension/readinessCommand';
import type { Node } from '../../../src/extension/tree';

const EXTENSION_ID = 'cm2intune.cm2intune';

async function api(): Promise<Cm2intuneApi> {
  return vscode.extensions.getExtension<Cm2intuneApi>(EXTENSION_ID)!.activate();
}

async function roots(): Promise<{ node: Node; item: vscode.TreeItem }[]> {
  const tree = (await api()).objects;
  return ((await tree.getChildren()) ?? []).map((node) => ({ node, item: tree.getTreeItem(node) }));
}

suite('the sample migration (sandbox world)', () => {
  const dir = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'rehearsal world');
  suiteTeardown(() => vscode.workspace.getConfiguration('cm2intune').update('plan', '', vscode.ConfigurationTarget.Workspace));

  test('"Open the sample migration" makes the world and its plan; the tree reads the world started again from its folder', async function () {
    this.timeout(180_000);
    const plan = await vscode.commands.executeCommand<vscode.Uri>('cm2intune.openSampleMigration', dir());
    assert.ok(plan && existsSync(plan.fsPath), 'the plan is written');
    const text = readFileSync(plan.fsPath, 'utf8');
    assert.match(text, /"source": "sandbox"/);
    assert.match(text, /"world": "\."/);
    for (const f of ['world.json', 'site.sqlite', 'tenant.json'])
      assert.ok(existsSync(vscode.Uri.joinPath(dir(), f).fsPath), `${f} in the world's folder`);
    assert.ok(!existsSync(vscode.Uri.joinPath(dir(), 'world.running.json').fsPath), 'the world is stopped once the plan is written');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, plan.fsPath, 'the plan is open');

    await vscode.workspace
      .getConfiguration('cm2intune')
      .update('plan', 'rehearsal world/contoso.migration.json', vscode.ConfigurationTarget.Workspace);
    // Polled, not timed: the first read starts the world from its folder (site over TDS, tenant).
    let labels: { node: Node; item: vscode.TreeItem }[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      labels = await roots();
      if (labels.some((x) => x.item.label === 'Wi-Fi')) break;
    }
    assert.ok(
      labels.some((x) => x.item.label === 'Wi-Fi'),
      `the tree shows the sample site's kinds: ${labels.map((r) => `${String(r.item.label)} ${String(r.item.description ?? '')}`).join(' | ')}`,
    );
    const wifi = labels.find((r) => r.item.label === 'Wi-Fi')!;
    const tree = (await api()).objects;
    const items = (await tree.getChildren(wifi.node)) ?? [];
    assert.ok(items.length >= 5, `Wi-Fi profiles of the sample site: ${items.length}`);
    assert.ok(
      !labels.some((r) => /error|failed/i.test(String(r.item.label))),
      `no error item: ${labels.map((r) => r.item.label).join(', ')}`,
    );
  });

  test('"Check readiness (phase 2)" on the sample migration: the same checks as the CLI, shown beside the plan', async function () {
    this.timeout(180_000);
    const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
    const result = await vscode.commands.executeCommand<ReadinessResult>('cm2intune.checkReadiness', plan);
    assert.ok(result, 'the command answers');
    const ids = result.checks.map((c) => c.id);
    for (const id of ['tenant', 'imported-objects', 'groups', 'licences', 'ndes-connector'])
      assert.ok(ids.includes(id), `check ${id}: ${ids.join(', ')}`);
    assert.equal(result.checks.find((c) => c.id === 'tenant')?.state, 'ok', 'the sample tenant is still under ConfigMgr (sccm)');
    // Nothing is imported in this world yet: the imported-objects check blocks, so the move is not ready.
    assert.equal(result.checks.find((c) => c.id === 'imported-objects')?.state, 'blocking');
    assert.equal(result.ready, false);
    const shown = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('readiness.txt'));
    assert.ok(shown, 'the readiness text is open');
    assert.match(shown.getText(), /^Readiness of the sandbox tenant for every wave/);
    assert.match(shown.getText(), /check\(s\) block the move\./);
  });
});
