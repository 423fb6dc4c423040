// Phase 1 in a real extension host: the Site and Tenant tree on the Contoso site (a snapshot the
// harness writes beside "contoso sandbox.migration.json") and the in-process sandbox tenant, the
// item actions that edit the plan document, and the import command. Questions and pickers are
// answered by replacing the extension's UI (the API's replaceUi), as a person would answer them.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ImportResult } from '../../../src/extension/importCommand';
import type { Node } from '../../../src/extension/tree';
import type { GroupChoice, MessageActions } from '../../../src/extension/ui';
import { startSandboxTenant } from '../../../src/sandbox/tenant';
import { api, childrenOf, roots, sections, usePlan, withUi, type Row } from './extension';
import { waitFor } from './wait';

const SANDBOX_PLAN = 'contoso sandbox.migration.json';
const GUEST_MAC = 'ScopeId_7E3D2B1C-4F5A-4C1B-9D2E-5A6B7C8D9E0F/ConfigurationPolicy_646d8885-820d-4e0b-aa29-cbb4545dd1de';

const folder = () => vscode.workspace.workspaceFolders![0].uri;
const planUri = (name: string) => vscode.Uri.joinPath(folder(), name);

/** The rows under a root or a phase-1 section, by its label. */
async function children(rootLabel: string): Promise<Row[]> {
  const all = [...(await roots()), ...(await sections({ required: true }))];
  const root = all.find((r) => r.item.label === rootLabel);
  assert.ok(root, `no root "${rootLabel}"; roots: ${all.map((r) => r.item.label).join(', ')}`);
  return childrenOf(root.node);
}

const iconOf = (item: vscode.TreeItem) => (item.iconPath as vscode.ThemeIcon | undefined)?.id;
const tooltipOf = (item: vscode.TreeItem) => (typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''));
const row = <R extends { item: vscode.TreeItem }>(list: R[], label: string): R => {
  const found = list.find((r) => r.item.label === label);
  assert.ok(found, `no row "${label}"; rows: ${list.map((r) => r.item.label).join(', ')}`);
  return found;
};

async function openPlan(name: string) {
  const doc = await vscode.workspace.openTextDocument(planUri(name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

suite('phase 1: the Site and Tenant view, plan edits and the import command', () => {
  suiteTeardown(() => usePlan(''));

  test('a plan with errors shows one item naming the first error', async () => {
    await usePlan('broken plan.migration.json');
    const list = await roots();
    assert.equal(list.length, 1, `roots: ${list.map((r) => r.item.label).join(', ')}`);
    // counted as the Problems panel counts them
    assert.match(String(list[0].item.label), /^broken plan\.migration\.json has \d+ errors?(, \d+ warnings?)?$/);
    assert.match(String(list[0].item.description), /^line \d+: /);
    assert.equal(iconOf(list[0].item), 'error');
  });

  test('a SQL site without a stored password offers to enter it instead of asking on its own', async () => {
    await usePlan('contoso pilot.migration.json');
    const list = await roots();
    assert.equal(list.length, 1);
    // the login as SQL Server sees it: NTLM with its domain
    assert.equal(list[0].item.label, 'Enter the password for CONTOSO\\svc-cm-read on cm01.contoso.com');
    assert.equal(list[0].item.command?.command, 'cm2intune.enterSitePassword');
  });

  test('"Enter the site database password" on a snapshot plan says why not, instead of failing silently', async () => {
    await withUi({ password: async () => assert.fail('no password is asked for a snapshot site') }, async (shown) => {
      await vscode.commands.executeCommand('cm2intune.enterSitePassword', planUri(SANDBOX_PLAN));
      assert.equal(shown.error.length, 1, `errors: ${shown.error.join(' | ')}`);
      assert.match(
        shown.error[0],
        /^contoso sandbox\.migration\.json reads its site from a snapshot file: there is no database password to enter\.$/,
      );
    });
  });

  test('phase 1 by kind; items show state first, a state icon and the reasons', async () => {
    await usePlan(SANDBOX_PLAN);
    assert.deepEqual(
      (await roots()).map((r) => r.item.label),
      ['Phase 1 · Import', 'Phase 2 · Readiness', 'Phase 3 · Waves', 'Phase 4 · MDM authority'],
    );
    assert.equal((await roots())[0].item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'phase 1 opens at once');
    assert.deepEqual(
      (await sections({ required: true })).map((r) => r.item.label),
      [
        'Compliance policies',
        'Configuration items',
        'Certificate profiles',
        'Wi-Fi',
        'VPN',
        'E-mail',
        'Apps',
        'Collections → groups',
        'Legend',
      ],
    );
    const wifi = await children('Wi-Fi');
    assert.deepEqual(
      wifi.map((r) => r.item.label),
      [
        'Contoso-Corp Wi-Fi (Android)',
        'Contoso-Corp Wi-Fi (iOS)',
        'Contoso-Guest (iOS)',
        "Contoso-Guest (iOS) – ancien réseau d'Hélène",
        'Contoso-Guest (macOS)',
        'Contoso-Guest (Windows)',
      ],
    );
    const guest = row(wifi, 'Contoso-Guest (macOS)').item;
    assert.equal(guest.description, 'importable · macOS');
    assert.equal(iconOf(guest), 'cloud-upload');
    assert.equal(guest.contextValue, 'object.selected');
    const retired = row(wifi, "Contoso-Guest (iOS) – ancien réseau d'Hélène").item;
    assert.equal(retired.description, 'not imported · iOS', 'an expired profile is left out by default');
    assert.match(tooltipOf(retired), /expired in ConfigMgr/);
    const vpn = row(await children('VPN'), 'Contoso VPN (iOS)').item;
    assert.equal(vpn.description, 'partly importable · iOS');
    assert.equal(iconOf(vpn), 'star-half', 'partly importable is not the upload arrow of importable');
    assert.match(tooltipOf(vpn), /\*\*Settings left out\*\*\n- /);
    // each left-out setting is said once: under its heading, not again under "Why"
    const why = /\*\*Why\*\*\n((?:- .*\n?)*)/.exec(tooltipOf(vpn))?.[1] ?? '';
    assert.doesNotMatch(why, / is dropped: /);

    const pfx = row(await children('Certificate profiles'), 'Contoso User PFX (iOS)').item;
    assert.equal(iconOf(pfx), 'error');
    assert.match(String(pfx.description), /blocked/);
    assert.match(tooltipOf(pfx), /\*\*Why\*\*/);

    const collections = await children('Collections → groups');
    assert.match(String(row(collections, 'Contractors (group rule)').item.description), /^→ Contractors( · \d+ members?)?$/);
    assert.equal(row(collections, 'VIP Users').item.description, 'unmapped');
    // counts per state on the roots once the picture is read (the legend says the marks)
    const wifiRoot = row(await sections({ required: true }), 'Wi-Fi');
    assert.match(String(wifiRoot.item.description), /^6 · (\d+[✓◑↑◐≠✗–] ?)+$/);
    assert.match(String(wifiRoot.item.description), /1–/, 'the retired profile counts as not imported');
    assert.match(String((await roots())[0].item.description), /^\d+ · /, 'phase 1 counts every object');
  });

  test('"Exclude from import" edits the open plan document, "Include" takes it back, undo restores it', async () => {
    await usePlan(SANDBOX_PLAN);
    const doc = await openPlan(SANDBOX_PLAN);
    const original = doc.getText();
    const guest = row(await children('Wi-Fi'), 'Contoso-Guest (macOS)');
    await vscode.commands.executeCommand('cm2intune.excludeFromImport', guest.node);
    assert.ok(doc.isDirty, 'the document is edited, not the file');
    const excluded = JSON.parse(doc.getText().replace(/^\s*\/\/.*$/gm, '')) as { import: { exclude: string[] } };
    assert.deepEqual(excluded.import.exclude, [GUEST_MAC]);
    assert.match(doc.getText(), /^ {2}\/\/ Phase 1 against the local sandbox tenant/m, 'comments stay');

    // the tree follows the unsaved plan
    const after = row(await children('Wi-Fi'), 'Contoso-Guest (macOS)');
    assert.equal(after.item.contextValue, 'object.excluded');
    assert.equal(iconOf(after.item), 'circle-slash');

    await vscode.commands.executeCommand('cm2intune.includeInImport', after.node);
    assert.equal(doc.getText(), original, 'include after exclude gives the original text back');

    await vscode.commands.executeCommand('cm2intune.excludeFromImport', after.node);
    assert.notEqual(doc.getText(), original);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo of the exclude', () => doc.getText() === original);
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await waitFor('the plan back as saved', () => doc.getText() === original && !doc.isDirty);
  });

  test('"Map collection to group…" writes groups.map for the collection; undo restores it', async () => {
    await usePlan(SANDBOX_PLAN);
    const doc = await openPlan(SANDBOX_PLAN);
    const original = doc.getText();
    const collections = await children('Collections → groups');
    const contractors = row(collections, 'Contractors (group rule)').node as Extract<Node, { kind: 'collection' }>;
    const groupId = contractors.mapping.groups[0].id!;
    const vip = row(collections, 'VIP Users').node;
    const titles: string[] = [];
    // The picker searches the sandbox tenant as typed: "Contr" finds the Contractors group.
    const pickGroup = async (title: string, search: (text: string) => AsyncIterable<GroupChoice>) => {
      titles.push(title);
      const found: GroupChoice[] = [];
      for await (const g of search('Contr')) found.push(g);
      assert.ok(
        found.every((g) => g.displayName.toLowerCase().startsWith('contr')),
        found.map((g) => g.displayName).join(', '),
      );
      return found.find((g) => g.id === groupId);
    };
    await withUi({ pickGroup }, () => vscode.commands.executeCommand('cm2intune.mapCollection', vip));
    assert.deepEqual(titles, ['Map collection "VIP Users" (P010001D) to an Entra ID group']);
    const edited = JSON.parse(doc.getText().replace(/^\s*\/\/.*$/gm, '')) as { groups: { map: Record<string, unknown> } };
    assert.deepEqual(edited.groups.map, { P010001D: [{ id: groupId }] });
    const mapped = row(await children('Collections → groups'), 'VIP Users').item;
    assert.match(String(mapped.description), /^→ Contractors( · \d+ members?)?$/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('the plan back as saved', () => doc.getText() === original && !doc.isDirty);
  });

  test('the tree as a map: a filter by state, kind and platform, its counts, the legend', async () => {
    await usePlan(SANDBOX_PLAN);
    const tree = (await api()).objects;
    await children('Wi-Fi'); // the picture read, so the roots count
    try {
      await vscode.commands.executeCommand('cm2intune.filterTree', { states: ['blocked'] });
      assert.equal(tree.message.split('\n')[0], 'Filtered: blocked');
      const blockedKinds = await sections({ required: true });
      const certificates = row(blockedKinds, 'Certificate profiles');
      assert.ok(!blockedKinds.some((r) => r.item.label === 'Wi-Fi'), 'a kind without a blocked object is not shown');
      assert.match(String(certificates.item.description), /^(\d+) of \d+ · \1✗$/);
      const blocked = await children('Certificate profiles');
      assert.ok(blocked.length > 0);
      for (const r of blocked) assert.equal(iconOf(r.item), 'error', `${r.item.label}: ${r.item.description}`);
      assert.match(String((await roots())[0].item.description), /^(\d+) of \d+ · \1✗$/, 'phase 1 counts what is shown');

      await vscode.commands.executeCommand('cm2intune.filterTree', { kinds: ['wifi'], platforms: ['macos'] });
      assert.equal(tree.message.split('\n')[0], 'Filtered: Wi-Fi profile · macOS');
      assert.deepEqual(
        (await children('Wi-Fi')).map((r) => r.item.label),
        ['Contoso-Guest (macOS)'],
      );
      assert.equal(row(await sections({ required: true }), 'Wi-Fi').item.description, '1 of 6 · 1↑');

      // A wrong value is named with the ones that exist; the filter stays as it was.
      await withUi({}, async (shown) => {
        await vscode.commands.executeCommand('cm2intune.filterTree', { states: ['broken'] });
        assert.deepEqual(shown.error, [
          `The filter's states names "broken": use one of imported, importable, partial, drifted, blocked, notImported.`,
        ]);
      });
      assert.equal(tree.message.split('\n')[0], 'Filtered: Wi-Fi profile · macOS');

      // Without an argument: a pick per facet (here the person picks partly importable, any kind, iOS).
      const titles: string[] = [];
      await withUi(
        {
          pickMany: async (title, choices) => {
            titles.push(title);
            if (/state/.test(title)) return choices.filter((c) => c.label === 'partly importable').map((c) => c.value);
            if (/platform/.test(title)) return ['ios'];
            return [];
          },
        },
        () => vscode.commands.executeCommand('cm2intune.filterTree'),
      );
      assert.equal(titles.length, 3);
      assert.equal(tree.message.split('\n')[0], 'Filtered: partly importable · iOS');
      assert.ok((await children('VPN')).some((r) => r.item.label === 'Contoso VPN (iOS)'));
    } finally {
      await vscode.commands.executeCommand('cm2intune.clearTreeFilter');
    }
    assert.doesNotMatch(tree.message, /Filtered/);
    assert.equal((await children('Wi-Fi')).length, 6, 'cleared: every object again');

    const legend = await children('Legend');
    const looks = legend.filter((r) => !String(r.item.id).startsWith('legend:collection.'));
    assert.deepEqual(
      looks.map((r) => `${iconOf(r.item)} ${String(r.item.label)}`),
      [
        'pass-filled ✓ imported',
        'pass ◑ partly imported',
        'cloud-upload ↑ importable',
        'star-half ◐ partly importable',
        'diff-modified ≠ drifted',
        'error ✗ blocked',
        'circle-slash – not imported',
      ],
    );
    assert.equal(new Set(legend.map((r) => iconOf(r.item))).size, legend.length - 1, 'every state its own shape (mapped shares the check)');
    for (const r of legend) assert.ok(String(r.item.description).length > 10, `${String(r.item.label)} says what it means`);
  });

  test('include / exclude on a selection of objects: one edit of the plan, one undo', async () => {
    await usePlan(SANDBOX_PLAN);
    const doc = await openPlan(SANDBOX_PLAN);
    const original = doc.getText();
    const wifi = await children('Wi-Fi');
    const picked = [row(wifi, 'Contoso-Guest (macOS)'), row(wifi, 'Contoso-Guest (Windows)')];
    let changes = 0;
    const listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && e.contentChanges.length) changes++;
    });
    try {
      await vscode.commands.executeCommand(
        'cm2intune.excludeFromImport',
        picked[0].node,
        picked.map((p) => p.node),
      );
    } finally {
      listener.dispose();
    }
    assert.equal(changes, 1, 'one edit for the whole selection');
    const excluded = JSON.parse(doc.getText().replace(/^\s*\/\/.*$/gm, '')) as { import: { exclude: string[] } };
    assert.equal(excluded.import.exclude.length, 2);
    assert.ok(excluded.import.exclude.includes(GUEST_MAC));
    const after = await children('Wi-Fi');
    for (const p of picked) assert.equal(row(after, String(p.item.label)).item.contextValue, 'object.excluded');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('one undo restores the plan', () => doc.getText() === original);
    await waitFor('the plan back as saved', () => !doc.isDirty);
  });

  test('the import command imports into the sandbox; the tree shows imported; a second run has nothing to do', async function () {
    this.timeout(180_000);
    await usePlan(SANDBOX_PLAN);
    // Answering "no" is not a failure: nothing is written and no error shows.
    await withUi({ confirm: async () => false }, async (shown) => {
      const declined = await vscode.commands.executeCommand<ImportResult>('cm2intune.import');
      assert.equal(declined, undefined);
      assert.deepEqual([shown.error, shown.warn], [[], []]);
    });
    const report = planUri(SANDBOX_PLAN).fsPath.replace(/\.json$/, '') + '.import-report.md';
    assert.ok(!existsSync(report), 'no report before an import ran');

    const questions: string[] = [];
    const first = await withUi({ confirm: async (question) => (questions.push(question), true) }, () =>
      vscode.commands.executeCommand<ImportResult>('cm2intune.import'),
    );
    assert.ok(first, 'the command returned no result (see the cm2intune log)');
    assert.equal(questions.length, 1);
    assert.match(
      questions[0],
      /^Import into the sandbox tenant: create \d+ objects, \d+ assignments and \d+ groups? \(\d+ requests, listed in the preview\)\?$/,
    );
    assert.equal(first.failed, 0, first.message);
    assert.equal(first.skipped, 0, first.message);
    assert.ok(first.proposed > 30, `expected the Contoso objects and assignments, got ${first.proposed} steps`);
    assert.equal(first.done, first.proposed);

    const preview = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'cm2intune-preview');
    assert.ok(preview, 'the preview document was shown');
    // After the run the preview is the result: when, the counts, the report's name, then the report
    // (the document follows its provider's change).
    await waitFor('the result in the preview', () => preview.getText().startsWith('# Import done:'), 10_000);
    assert.match(
      preview.getText(),
      /^# Import done: contoso sandbox\.migration\.json\n\n\*\*Done at \S+ — \d+ done, 0 failed, 0 skipped\*\*; the report: /,
    );
    assert.doesNotMatch(preview.getText(), /Nothing has been written yet/);
    assert.match(preview.getText(), /Create Wi-Fi profile "Contoso-Guest" \(macOS\)|Create Wi-Fi profile "Contoso-Guest \(macOS\)"/);
    assert.match(preview.getText(), /## Objects not imported or imported in part/);
    // the same report file the CLI writes, beside the plan
    assert.equal(first.report, report);
    assert.match(readFileSync(report, 'utf8'), /^# cm2intune import report — contoso sandbox\.migration\.json\n/);
    assert.match(first.message, /^Import into the sandbox tenant: (\d+) of \1 step\(s\) done\.$/);

    const wifi = await children('Wi-Fi');
    // A retired profile (expired in ConfigMgr) is left out unless the plan opts in: it stays not imported.
    const retired = wifi.filter((r) => /ancien réseau/.test(String(r.item.label)));
    assert.equal(retired.length, 1);
    assert.match(String(retired[0].item.description), /not imported/);
    for (const r of wifi.filter((w) => !retired.includes(w))) {
      // complete: a filled check; settings left out: an outline check, never the same icon
      const partly = /^partly imported/.test(String(r.item.description));
      assert.match(String(r.item.description), /^(partly )?imported · /);
      assert.equal(iconOf(r.item), partly ? 'pass' : 'pass-filled', `${r.item.label}: ${r.item.description}`);
      // ConfigMgr and Intune on lines of their own
      assert.match(tooltipOf(r.item), /ConfigMgr: `[^`]+`\\\nIntune: .*\(`[0-9a-f-]{36}`\)/);
    }
    const blocked = row(await children('Certificate profiles'), 'Contoso User PFX (iOS)').item;
    assert.equal(iconOf(blocked), 'error', 'blocked objects stay blocked');

    const second = await withUi({ confirm: async () => assert.fail('nothing to confirm on a second run') }, () =>
      vscode.commands.executeCommand<ImportResult>('cm2intune.import'),
    );
    assert.equal(second?.proposed, 0);
    assert.match(second.message, /^Nothing to import: /);
  });

  test('a throttled import says what it waits for, logs each step as it settles, and ends with its report, rendered', async function () {
    this.timeout(240_000);
    // A tenant whose Intune write limit is below what cm2intune paces for (100 per 20 s): it
    // answers 429 with Retry-After, as a tenant shared with another app does.
    const tenant = await startSandboxTenant({ throttle: { writesPerWindow: 20, windowMs: 4_000 } });
    const name = 'contoso throttled.migration.json';
    const plan = planUri(name);
    writeFileSync(
      plan.fsPath,
      JSON.stringify(
        {
          version: 1,
          name: 'Contoso – a throttled tenant',
          site: { source: 'snapshot', path: 'contoso.snapshot.json' },
          tenant: { sandbox: true, url: tenant.url },
        },
        null,
        2,
      ),
    );
    const stem = plan.fsPath.replace(/\.json$/, '');
    try {
      const progress: { title: string; message: string }[] = [];
      const ended: { message: string; buttons: string[] }[] = [];
      const buttons = (a?: MessageActions) => (typeof a === 'function' ? ['Show log'] : Object.keys(a ?? {}));
      const result = await withUi(
        {
          confirm: async () => true,
          progress: (title, task) => task((message) => void progress.push({ title, message }), new AbortController().signal),
          info: (message, actions) => void ended.push({ message, buttons: buttons(actions) }),
          warn: (message, actions) => void ended.push({ message, buttons: buttons(actions) }),
        },
        () => vscode.commands.executeCommand<ImportResult>('cm2intune.import', plan),
      );
      assert.ok(result, 'the command returned no result (see the cm2intune log)');
      assert.equal(result.failed, 0, result.message);
      assert.equal(result.done, result.proposed);

      // The progress says what it waits for, with the service and the seconds, and moves with each answer.
      const importing = progress.filter((p) => p.title === 'cm2intune: importing').map((p) => p.message);
      const waits = importing.filter((m) =>
        / — Intune asked to wait \(429\), \d+ s$|waiting for Intune's write limit, about \d+ s$/.test(m),
      );
      assert.ok(waits.length > 0, `no wait text in: ${importing.join(' | ')}`);
      const counts = new Set(importing.map((m) => Number(/^(\d+)\//.exec(m)?.[1])));
      assert.ok(counts.size > result.proposed / 2, `progress moved ${counts.size} times for ${result.proposed} steps`);

      // The log was written as things happened: the steps' lines carry the times they settled at.
      const logFile = (await api()).logFile.fsPath;
      const log = await waitFor(
        'the run in the log file',
        () =>
          existsSync(logFile) &&
          /Import into the sandbox tenant: \d+ of \d+ step\(s\) done\./.test(readFileSync(logFile, 'utf8')) &&
          readFileSync(logFile, 'utf8'),
        15_000,
      );
      const run = log.slice(log.lastIndexOf(`Import from ${name}`));
      const stamps = [...run.matchAll(/^(\S+ \S+) \[info\] (?:done|reconciled): /gm)].map((m) => Date.parse(m[1].replace(' ', 'T')));
      assert.equal(stamps.length, result.done, 'one line per step');
      assert.ok(
        stamps[stamps.length - 1] - stamps[0] >= 2000,
        `the step lines span ${stamps[stamps.length - 1] - stamps[0]} ms: logged as they settled`,
      );
      assert.match(run, /\[info\] (Intune asked to wait \(429\), \d+ s|waiting for Intune's write limit, about \d+ s)\n/);
      assert.match(log, /\[info\] Read \d+ site object\(s\) and \d+ Intune object\(s\)/);

      // The preview became the result; the end offers the report and the log; the report opens rendered.
      const preview = vscode.workspace.textDocuments.find(
        (d) => d.uri.scheme === 'cm2intune-preview' && d.uri.path.includes('contoso throttled'),
      );
      assert.ok(preview, 'the preview document is open');
      await waitFor(
        'the result in the preview',
        () => preview.getText().startsWith('# Import done: contoso throttled.migration.json'),
        10_000,
      );
      assert.doesNotMatch(preview.getText(), /Nothing has been written yet/);
      assert.deepEqual(ended.at(-1)?.buttons, ['Open report', 'Show log']);
      assert.equal(result.report, `${stem}.import-report.md`);
      const opened = await vscode.commands.executeCommand<vscode.Uri>('cm2intune.openReport', plan);
      assert.equal(opened?.fsPath, result.report);
      await waitFor(
        'the report rendered in a tab',
        () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /import-report\.md/.test(t.label)),
        10_000,
      );
    } finally {
      await tenant.close();
      for (const file of [plan.fsPath, `${stem}.ledger`, `${stem}.import-report.md`]) rmSync(file, { force: true });
    }
  });
});
