// "Connect your site" in a real extension host: the starter plan asks for no password until its
// site is filled in; "Test site connection" reaches the sample world's site over TDS and says
// which site it holds; "Export site snapshot" writes a snapshot the plan then reads; a snapshot
// plan has nothing to connect, and a sandbox-tenant plan needs no sign-in.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { roots, sections, usePlan, withUi, type Row } from './extension';

const label = (r: { item: vscode.TreeItem }) => `${String(r.item.label)} ${String(r.item.description ?? '')}`;

suite('connect your site', () => {
  const ws = () => vscode.workspace.workspaceFolders![0].uri;
  const world = () => vscode.Uri.joinPath(ws(), 'connect world');
  suiteTeardown(() => usePlan(''));

  test('the starter plan names no server: the tree says what to fill in and asks no password', async function () {
    this.timeout(60_000);
    const plan = vscode.Uri.joinPath(ws(), 'connect starter.migration.json');
    await vscode.commands.executeCommand('cm2intune.newPlan', plan);
    await usePlan('connect starter.migration.json');
    await withUi({}, async (shown) => {
      const [first, ...rest] = await roots();
      assert.equal(rest.length, 0, (await roots()).map(label).join(' | '));
      assert.match(label(first), /has 4 errors .*Fill in site\.server/, label(first));
      assert.doesNotMatch(label(first), /password/i);
      // Testing the connection names the placeholder to fill in, and asks nothing.
      assert.equal(await vscode.commands.executeCommand('cm2intune.testSiteConnection', plan), undefined);
      assert.deepEqual(shown.asked, []);
      assert.match([...shown.warn, ...shown.error].join('\n'), /connect starter\.migration\.json line \d+: Fill in site\.server/);
    });
  });

  test('"Test site connection" on the sample world: its site over TDS, by code, name and version', async function () {
    this.timeout(240_000);
    const plan = await vscode.commands.executeCommand<vscode.Uri>('cm2intune.openSampleMigration', world());
    assert.ok(plan && existsSync(plan.fsPath));
    const text = await withUi({}, async (shown) => {
      const said = await vscode.commands.executeCommand<string>('cm2intune.testSiteConnection', plan);
      assert.deepEqual([...shown.warn, ...shown.error], []);
      assert.deepEqual(shown.info, [said]);
      return said;
    });
    assert.match(
      text,
      /^Sample site \(sandbox world\): Connected to localhost:\d+ \(CM_P01\) as \S+, read-only: site P01 "Contoso Primary Site", version 5\.00\.\d+\.\d+; all \d+ views cm2intune reads are readable\.$/,
    );
  });

  test('"Sign in to the tenant" on a sandbox-tenant plan: no sign-in is needed', async () => {
    const plan = vscode.Uri.joinPath(world(), 'contoso.migration.json');
    const text = await withUi({}, () => vscode.commands.executeCommand<string>('cm2intune.signIn', plan));
    assert.match(text, /uses the sandbox tenant .*: no sign-in is needed/);
  });

  test('"Export site snapshot" writes a snapshot, points the plan at it, and the plan reads it', async function () {
    this.timeout(300_000);
    const plan = vscode.Uri.joinPath(world(), 'contoso.migration.json');
    const target = vscode.Uri.joinPath(world(), 'exported.snapshot.json');
    const suggested: string[] = [];
    const file = await withUi(
      {
        saveLocation: (_title, uri) => {
          suggested.push(uri.fsPath);
          return Promise.resolve(target);
        },
        confirm: () => Promise.resolve(true),
      },
      async (shown) => {
        const written = await vscode.commands.executeCommand<vscode.Uri>('cm2intune.exportSiteSnapshot', plan);
        assert.deepEqual([...shown.warn, ...shown.error], []);
        return written;
      },
    );
    assert.equal(file?.fsPath, target.fsPath);
    assert.deepEqual(suggested, [vscode.Uri.joinPath(world(), 'sample.snapshot.json').fsPath]);
    const snapshot = JSON.parse(readFileSync(target.fsPath, 'utf8')) as { format: string; site: { siteCode: string; users: unknown[] } };
    assert.equal(snapshot.format, 'cm2intune-site-snapshot');
    assert.equal(snapshot.site.siteCode, 'P01');
    assert.ok(snapshot.site.users.length >= 500, `users: ${snapshot.site.users.length}`);

    // The plan's site now names the file, as an edit in the editor; saved, the plan reads it.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === plan.fsPath)!;
    assert.ok(doc.isDirty, 'the edit is left for the admin to save');
    assert.match(doc.getText(), /"site": \{\s*"source": "snapshot",\s*"path": "exported\.snapshot\.json"\s*\}/);
    await doc.save();
    const said = await withUi({}, () => vscode.commands.executeCommand<string>('cm2intune.testSiteConnection', plan));
    assert.match(said, /reads a snapshot \(exported\.snapshot\.json\): nothing to connect/);
    await usePlan('connect world/contoso.migration.json');
    let labels: Row[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      labels = await sections();
      if (labels.some((x) => x.item.label === 'Wi-Fi')) break;
    }
    assert.ok(
      labels.some((x) => x.item.label === 'Wi-Fi'),
      `the tree reads the snapshot's objects: ${labels.map(label).join(' | ')}`,
    );
  });
});
