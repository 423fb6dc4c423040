// An object's detail in a real extension host (issue 15 item 2): a click on an object of the sample
// world opens its detail (ConfigMgr setting beside the Intune property, the admin-center link);
// once the object is in the world's tenant and renamed there through Graph (as an admin editing it
// in the portal would), it is drifted, its detail offers "Show drift", and the drift opens as a
// diff of the two read-only documents, differing in the renamed display name.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { childrenOf, EXTENSION_ID, roots, sections, usePlan, type Row } from './extension';
import { waitFor } from './wait';

/** The objects under a kind (a section of Phase 1) or a root, by its label; none while not read. */
async function objectsOf(rootLabel: string): Promise<Row[]> {
  const root = [...(await roots()), ...(await sections())].find((r) => r.item.label === rootLabel);
  return root ? childrenOf(root.node) : [];
}

suite('an object’s detail and its drift (sandbox world)', () => {
  const dir = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'detail world');
  const plan = () => vscode.Uri.joinPath(dir(), 'contoso.migration.json');
  let world: ChildProcess | undefined;
  let chosen: { key: string; name: string; body: Record<string, unknown> } | undefined;
  let firstPanel: vscode.WebviewPanel | undefined;

  suiteTeardown(async () => {
    await usePlan('');
    if (!world || world.exitCode !== null) return;
    const exited = new Promise((done) => world!.once('exit', done));
    world.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  });

  test('a click on an object opens its detail: settings beside the Intune properties, the admin-center link', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('cm2intune.openSampleMigration', dir());
    await usePlan('detail world/contoso.migration.json');
    // Polled, not timed: the first read starts the world from its folder.
    let resolved: Row[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && !resolved.length; await new Promise((r) => setTimeout(r, 500)))
      resolved = await objectsOf('Configuration items');
    // A device restrictions profile cm2intune would create, with settings mapped one to one.
    const row = resolved.find(
      (r) =>
        r.node.kind === 'object' &&
        r.node.item.translation.request &&
        (r.node.item.translation.verdict.mapping ?? []).some((m) => m.property) &&
        (r.node.item.state === 'importable' || r.node.item.state === 'partial'),
    );
    assert.ok(row && row.node.kind === 'object', `an importable configuration item: ${resolved.map((r) => r.item.label).join(', ')}`);
    const item = row.node.item;
    chosen = { key: item.key, name: item.translation.source.name, body: item.translation.request!.body };

    // The tree's click runs showObject with the node.
    assert.equal(row.item.command?.command, 'cm2intune.showObject');
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('cm2intune.showObject', ...(row.item.command?.arguments ?? []));
    assert.ok(panel, 'the detail opened (see the cm2intune log)');
    assert.equal(panel.viewType, 'cm2intune.objectDetail');
    firstPanel = panel;
    const html = panel.webview.html;
    assert.match(html, /<th>ConfigMgr setting<\/th><th>ConfigMgr value<\/th><th>Intune property<\/th>/);
    const mapped = item.translation.verdict.mapping!.find((m) => m.property)!;
    // Names break between their camel-case words in a narrow group: passcode<wbr>Required.
    assert.ok(
      html.includes(`<code>${mapped.property!.replace(/([a-z0-9])(?=[A-Z])/g, '$1<wbr>')}</code>`),
      `the row of ${mapped.setting} names ${mapped.property}`,
    );
    assert.match(html, /href="https:\/\/intune\.microsoft\.com\/#view\/Microsoft_Intune_DeviceSettings\/DevicesMenu\/~\/configuration"/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'nonce-/);
    assert.doesNotMatch(html, /<script/);
    assert.doesNotMatch(html, /Show drift/, 'not drifted: no drift to show');
  });

  test('an object renamed in Intune is drifted: its detail offers the drift, which opens as a diff of both sides', async function () {
    this.timeout(240_000);
    assert.ok(chosen, 'the first test chose an object');
    const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    world = spawn(process.execPath, [cli, 'sandbox', 'start', '--dir', dir().fsPath], {
      stdio: 'ignore',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    await waitFor('the world to run', () => existsSync(join(dir().fsPath, 'world.running.json')), 90_000);
    const running = JSON.parse(readFileSync(join(dir().fsPath, 'world.running.json'), 'utf8')) as { tenant: { url: string } };
    // The object as the import creates it (with its marker), then renamed in Intune.
    const graph = async (method: string, path: string, body: unknown) => {
      const answer = await fetch(`${running.tenant.url}/beta${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer e2e-admin' },
        body: JSON.stringify(body),
      });
      const text = await answer.text();
      assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text.slice(0, 300)}`);
      return text ? (JSON.parse(text) as { id: string }) : undefined;
    };
    const created = await graph('POST', '/deviceManagement/deviceConfigurations', chosen.body);
    const renamed = `${chosen.name} (edited in Intune)`;
    await graph('PATCH', `/deviceManagement/deviceConfigurations/${created!.id}`, {
      '@odata.type': chosen.body['@odata.type'],
      displayName: renamed,
    });
    await vscode.commands.executeCommand('cm2intune.refresh');
    // The detail still open from the first test follows the picture read again: now drifted.
    await waitFor('the open detail drawn again as drifted', () => firstPanel!.webview.html.includes('state-drifted'), 120_000);

    const target = { plan: plan().toString(), key: chosen.key };
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('cm2intune.showObject', target);
    assert.ok(panel, 'the detail opened');
    assert.match(panel.webview.html, /<span class="state state-drifted">drifted<\/span>/);
    assert.match(panel.webview.html, /<a class="action" href="command:cm2intune\.showDrift\?[^"]+">Show drift<\/a>/);

    const shown = await vscode.commands.executeCommand<{ left: vscode.Uri; right: vscode.Uri }>('cm2intune.showDrift', target);
    assert.ok(shown, 'the drift opened (see the cm2intune log)');
    const tab = await waitFor('the diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(tab.original.toString(), shown.left.toString());
    assert.equal(tab.modified.toString(), shown.right.toString());
    assert.match(tab.original.path, /expected \(from ConfigMgr\)\.json$/);
    assert.match(tab.modified.path, /in Intune now\.json$/);
    const left = (await vscode.workspace.openTextDocument(tab.original)).getText();
    const right = (await vscode.workspace.openTextDocument(tab.modified)).getText();
    assert.ok(left.includes(`"displayName": ${JSON.stringify(chosen.name)}`), left);
    assert.ok(right.includes(`"displayName": ${JSON.stringify(renamed)}`), right);
    // Only the renamed property differs: every other line is the same on both sides.
    const a = left.split('\n');
    const b = right.split('\n');
    assert.equal(a.length, b.length);
    assert.deepEqual(
      a.filter((line, i) => line !== b[i]).map((l) => l.trim().split(':')[0]),
      ['"displayName"'],
    );

    // A setting changed in Intune too: the open detail, once it has read the object, names it.
    const [setting, value] = Object.entries(chosen.body).find(([, v]) => typeof v === 'boolean')!;
    await graph('PATCH', `/deviceManagement/deviceConfigurations/${created!.id}`, {
      '@odata.type': chosen.body['@odata.type'],
      [setting]: !value,
    });
    await vscode.commands.executeCommand('cm2intune.showObject', target);
    await waitFor(`the detail naming ${setting} as changed in Intune`, () =>
      panel.webview.html.includes(`a setting was changed in Intune since import: ${setting}`),
    );
  });
});
