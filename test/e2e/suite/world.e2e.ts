// The sample migration in a real extension host: "cm2intune: Open the sample migration" makes the
// sandbox world in a folder of the workspace (through dist/sandbox.js, loaded on first use) and
// opens its plan; the tree then reads the world's sample site over TDS and its tenant, started
// again from the folder, as the plan `npm run demo` leaves behind is read after the demo ended.
// Then phases 2 and 3 on that world, as `npm run demo` walks them: Fix readiness assigns the
// licence the plan allows, the wave runbook opens as PowerShell, the world (run by
// `cm2intune sandbox start`, as an admin would) applies it as the site server would, and Verify
// wave watches the devices move until the wave is verified.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FixResult, ReadinessResult } from '../../../src/extension/readinessCommand';
import type { RunbookResult, VerifyResult } from '../../../src/extension/waveCommands';
import type { AuthorityCheckResult, AuthorityVerifyResult, GuideResult } from '../../../src/extension/authorityCommands';
import { api, childrenOf, EXTENSION_ID, roots, sections, usePlan, withUi, type Row } from './extension';
import { waitFor } from './wait';

/** Three unlicensed users (with a usage location) and two licensed ones of the sample site: what phase 2 fixes (as the demo). */
const PILOT = [
  'jose.odegard@contoso.com',
  'sofia.lindqvist@contoso.com',
  'annamaria.dubois@contoso.com',
  'bjorn.fernandez@contoso.com',
  'sofia.garcia@contoso.com',
];
/** Three licensed users of the subscription collection whose devices are online and follow them (the demo's "Wave 1"). */
const WAVE_1 = ['raul.johansson@contoso.com', 'kwame.lindqvist@contoso.com', 'yamada.taro@contoso.com'];

suite('the sample migration (sandbox world)', () => {
  const dir = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'rehearsal world');
  suiteTeardown(() => usePlan(''));

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

    await usePlan('rehearsal world/contoso.migration.json');
    // Polled, not timed: the first read starts the world from its folder (site over TDS, tenant).
    let labels: Row[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      // The kinds are sections of phase 1's root.
      const kinds = await sections();
      labels = kinds.length ? kinds : await roots();
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

  test('phases 2 and 3 in the tree: readiness checks with state icons and evidence, one node per wave with its users', async function () {
    this.timeout(240_000);
    const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
    // As an admin edits the plan: the licence phase 2 may assign, and two waves.
    const text = readFileSync(plan.fsPath, 'utf8');
    const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
    json.prepare = { ...(json.prepare as object), assignLicenseSku: 'INTUNE_A' };
    json.waves = [
      { name: 'Pilot', users: PILOT },
      { name: 'Wave 1', users: WAVE_1, verifyTimeoutMinutes: 3 },
    ];
    writeFileSync(plan.fsPath, JSON.stringify(json, null, 2) + '\n');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === plan.fsPath);
    if (doc) await waitFor('the open plan to show the waves', () => doc.getText().includes('Wave 1'));
    (await api()).objects.refresh();

    const phase2 = (await roots()).find((r) => r.item.label === 'Phase 2 · Readiness');
    assert.ok(phase2, 'a phase-2 root');
    const checks = await childrenOf(phase2.node);
    const byId = new Map(checks.map((c) => [c.node.kind === 'check' ? c.node.check.id : '', c]));
    for (const id of ['tenant', 'imported-objects', 'groups', 'licences', 'ndes-connector'])
      assert.ok(byId.has(id), `check ${id}: ${[...byId.keys()].join(', ')}`);
    const shape = (id: string) => (byId.get(id)!.item.iconPath as vscode.ThemeIcon).id;
    assert.equal(shape('tenant'), 'pass', 'ok: a pass circle');
    assert.equal(shape('licences'), 'error', 'blocking: a cross (three pilot users hold no Intune licence)');
    const licences = byId.get('licences')!;
    assert.equal(licences.item.contextValue, 'check.fixable', 'the licence fix is offered: the plan names a SKU');
    // Markdown escapes (jose\.odegard) taken out: the text as the tooltip shows it.
    const tooltip = (licences.item.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tooltip, /\*\*Evidence\*\*/);
    assert.match(tooltip, /jose\.odegard@contoso\.com/, `the evidence names the users: ${tooltip}`);

    const phase3 = (await roots()).find((r) => r.item.label === 'Phase 3 · Waves')!;
    const waves = await childrenOf(phase3.node);
    assert.deepEqual(
      waves.map((w) => w.item.label),
      ['Pilot', 'Wave 1'],
    );
    const wave1 = waves[1];
    assert.equal(wave1.item.contextValue, 'wave');
    assert.match(String(wave1.item.description), /3 user\(s\)/);
    const users = await childrenOf(wave1.node);
    assert.deepEqual(users.map((u) => String(u.item.label)).sort(), [...WAVE_1].sort());
    const devices = await childrenOf(users[0].node);
    assert.ok(devices.length > 0, `devices below ${String(users[0].item.label)}`);
    assert.ok(
      devices.every((d) => d.item.description === 'not moved yet'),
      devices.map((d) => `${String(d.item.label)}: ${String(d.item.description)}`).join(', '),
    );
  });

  test('"Fix readiness (phase 2)": preview, modal question, the licences assigned; a second run has nothing to fix', async function () {
    this.timeout(240_000);
    const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
    const unlicensed = (summary: string | undefined) => Number(/(\d+) unlicensed/.exec(summary ?? '')?.[1] ?? NaN);
    const before = await withUi({}, () => vscode.commands.executeCommand<ReadinessResult>('cm2intune.checkReadiness', plan));
    const unlicensedBefore = unlicensed(before.checks.find((c) => c.id === 'licences')?.summary);
    assert.ok(unlicensedBefore > 0, 'pilot users hold no Intune licence yet');
    const asked: string[] = [];
    const first = await withUi({ confirm: async (q) => (asked.push(q), true) }, () =>
      vscode.commands.executeCommand<FixResult>('cm2intune.fixReadiness', plan),
    );
    assert.equal(asked.length, 1, 'asked once');
    assert.match(asked[0], /^Fix readiness in the sandbox tenant: send \d+ request\(s\), listed in the preview\?$/);
    assert.ok(first.proposed >= 3, `at least one licence per unlicensed pilot user: ${first.proposed}`);
    assert.equal(first.failed, 0, first.message);
    assert.equal(first.done, first.proposed);
    const preview = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('fixes.txt'));
    assert.ok(preview, 'the preview is open');
    // The preview becomes the report: the document follows its provider's change.
    await waitFor('the report in the preview', () => preview.getText().startsWith('After the fixes'), 10_000);
    assert.match(preview.getText(), /^After the fixes \(\d+ done, 0 failed\):/);
    // Every free seat assigned, no more: the licence check counts that many fewer unlicensed users.
    const after = unlicensed(/Licences: ([^\n]*)/.exec(preview.getText())?.[1]);
    assert.equal(after, unlicensedBefore - first.done, `${unlicensedBefore} unlicensed before, ${first.done} licence(s) assigned`);

    const second = await withUi({ confirm: async () => assert.fail('nothing to confirm') }, (shown) =>
      vscode.commands.executeCommand<FixResult>('cm2intune.fixReadiness', plan).then((r) => ({ r, shown })),
    );
    assert.equal(second.r.proposed, 0);
    assert.match(second.shown.info[0] ?? '', /^Nothing to fix/);
  });

  suite('phase 3 with the world run by "cm2intune sandbox start"', () => {
    let world: ChildProcess | undefined;
    suiteSetup(async function () {
      this.timeout(120_000);
      const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
      world = spawn(process.execPath, [cli, 'sandbox', 'start', '--dir', dir().fsPath], {
        stdio: 'ignore',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      await waitFor('the world to run', () => existsSync(join(dir().fsPath, 'world.running.json')), 90_000);
    });
    suiteTeardown(async () => {
      if (!world || world.exitCode !== null) return;
      const exited = new Promise((done) => world!.once('exit', done));
      world.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    });

    test('"Prepare wave runbook (phase 3)" opens the runbook as an untitled PowerShell document; the undo runbook too', async function () {
      this.timeout(180_000);
      const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
      const runbook = await withUi({}, () => vscode.commands.executeCommand<RunbookResult>('cm2intune.prepareWaveRunbook', plan, 'Wave 1'));
      assert.equal(runbook.wave, 'Wave 1');
      assert.equal(runbook.document.scheme, 'untitled');
      const editor = vscode.window.activeTextEditor!;
      assert.equal(editor.document.uri.toString(), runbook.document.toString());
      assert.equal(editor.document.languageId, 'powershell');
      assert.match(editor.document.getText(), /param\(\s*\[switch\]\$DryRun\s*\)/i);
      assert.match(editor.document.getText(), /Wave 1/);

      const undo = await withUi({}, () =>
        vscode.commands.executeCommand<RunbookResult>('cm2intune.prepareWaveUndoRunbook', plan, 'Wave 1'),
      );
      assert.ok(undo.undo);
      assert.match(undo.text, /Remove-CMUserCollectionExcludeMembershipRule/);
      assert.notEqual(undo.document.toString(), runbook.document.toString());

      // The admin runs it on the site server: here the world applies it as the SMS Provider would.
      const running = JSON.parse(readFileSync(join(dir().fsPath, 'world.running.json'), 'utf8')) as { tenant: { url: string } };
      const answer = await fetch(`${running.tenant.url}/_sandbox/world/runbook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ script: runbook.text, dryRun: false }),
      });
      const transcript = (await answer.json()) as { outcome?: string; changes?: number };
      assert.equal(answer.status, 200, JSON.stringify(transcript).slice(0, 500));
      assert.equal(transcript.outcome, 'completed', JSON.stringify(transcript).slice(0, 500));
      assert.ok((transcript.changes ?? 0) > 0, 'the runbook changed the site');
    });

    test('"Verify wave (phase 3)": the device count moves until the wave is verified; the tree says so', async function () {
      this.timeout(240_000);
      const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
      const reports: string[] = [];
      const result = await withUi(
        {
          progress: (_title, task) => task((message) => void reports.push(message), new AbortController().signal),
        },
        () =>
          vscode.commands.executeCommand<VerifyResult>('cm2intune.verifyWave', plan, 'Wave 1', { intervalSeconds: 2, timeoutMinutes: 3 }),
      );
      assert.equal(result.state, 'verified', `${result.message} | ${reports.join(' | ')}`);
      assert.ok(result.expected >= 3, `the wave's devices: ${result.expected}`);
      assert.equal(result.moved, result.expected);
      assert.equal(result.timedOut, false);
      assert.match(
        reports[reports.length - 1],
        new RegExp(`^${result.expected} of ${result.expected} device\\(s\\) in Intune — verified$`),
      );
      assert.ok(reports.length >= 1);

      const phase3 = (await roots()).find((r) => r.item.label === 'Phase 3 · Waves')!;
      const wave1 = (await childrenOf(phase3.node)).find((w) => w.item.label === 'Wave 1')!;
      assert.match(String(wave1.item.description), /^verified \(devices \d+ of \d+ in Intune\)/);
      assert.equal((wave1.item.iconPath as vscode.ThemeIcon).id, 'pass-filled');
      const user = (await childrenOf(wave1.node))[0];
      const devices = await childrenOf(user.node);
      assert.ok(
        devices.every((d) => d.item.description === 'in Intune'),
        devices.map((d) => String(d.item.description)).join(', '),
      );
    });

    test('the dashboard: the four phases, states per kind with their kind ids, readiness as checks; the page runs allowed commands only', async function () {
      this.timeout(240_000);
      const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
      await withUi({}, () => vscode.commands.executeCommand('cm2intune.showDashboard', plan));
      const feed = (await api()).dashboard();
      assert.ok(feed, 'the dashboard is open');
      const { model, phases } = await waitFor('the phases posted', () => feed.shown.phases && feed.shown);
      assert.deepEqual(
        phases!.stages?.map((s) => `${s.phase} ${s.title}`),
        ['1 Import objects', '2 Prepare Intune', '3 Move users in waves', '4 Switch the MDM authority'],
      );
      assert.match(phases!.stages[2].summary, /^1 of \d+ wave\(s\) verified$/, 'Wave 1 was verified');
      const wifi = model!.byKind.find((k) => k.kindId === 'wifi');
      assert.ok(wifi && wifi.total >= 5, `Wi-Fi profiles by state: ${JSON.stringify(wifi)}`);
      assert.equal(
        Object.values(wifi.counts).reduce((a, b) => a + b, 0),
        wifi.total,
        'the states of a kind add up to its bar',
      );
      const checks = 'checks' in phases!.readiness ? (phases!.readiness.checks ?? []) : [];
      assert.ok(
        checks.some((c) => c.id === 'licences'),
        `readiness checks: ${checks.map((c) => c.id).join(', ')}`,
      );
      assert.ok(phases!.waves.find((w) => w.name === 'Wave 1')?.series.length, "Wave 1's devices over time");

      // Refused: closing every editor would close the documents open now, and the dashboard with them.
      const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      const before = tabs();
      assert.ok(before.length > 0, 'editors are open');
      const refused = await feed.receive({ type: 'run', command: 'workbench.action.closeAllEditors', args: [] });
      assert.deepEqual(refused, { refused: 'workbench.action.closeAllEditors' });
      assert.deepEqual(tabs(), before, 'the editors stay open');
      assert.equal((await api()).dashboard(), feed, 'the dashboard stays open');
      assert.deepEqual(await feed.receive({ type: 'run', command: 'cm2intune.import', args: ['file:///elsewhere.migration.json'] }), {
        refused: 'cm2intune.import',
      });

      // Allowed: "Verify wave" with the wave's name, on the dashboard's plan; the command says the wave is verified.
      const ran = await withUi({ progress: (_title, task) => task(() => undefined, new AbortController().signal) }, async (shown) => ({
        answer: await feed.receive({ type: 'run', command: 'cm2intune.verifyWave', args: ['Wave 1'] }),
        shown,
      }));
      assert.deepEqual(ran.answer, { ran: 'cm2intune.verifyWave' });
      assert.ok(
        ran.shown.info.some((m) => /verified/i.test(m)),
        `the wave was verified from the page: ${JSON.stringify(ran.shown)}`,
      );
    });

    test('phase 4: "Check authority switch readiness" names what blocks; the tree shows the findings, the checklist and the verification', async function () {
      this.timeout(240_000);
      const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
      const result = await withUi({}, (shown) =>
        vscode.commands.executeCommand<AuthorityCheckResult>('cm2intune.checkAuthority', plan).then((r) => ({ r, shown })),
      );
      const ids = result.r.checks.map((c) => c.id);
      for (const id of ['site-version', 'tenant-authority', 'licences', 'admin', 'waves', 'devices-switching'])
        assert.ok(ids.includes(id), `finding ${id}: ${ids.join(', ')}`);
      assert.equal(result.r.checks.find((c) => c.id === 'tenant-authority')?.state, 'ok', 'still hybrid');
      assert.equal(
        result.r.checks.find((c) => c.id === 'licences')?.state,
        'blocking',
        'users left in the subscription collection are unlicensed',
      );
      assert.equal(result.r.ready, false);
      assert.match(result.shown.warn[0] ?? '', /check\(s\) block the MDM authority switch\.$/);
      assert.ok(
        vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('authority preflight.txt')),
        'the preflight is open',
      );

      const phase4 = (await roots()).find((r) => r.item.label === 'Phase 4 · MDM authority');
      assert.ok(phase4, 'a phase-4 root');
      assert.equal(phase4.item.contextValue, 'phase.authority', 'its commands as buttons');
      const groups = await childrenOf(phase4.node);
      assert.deepEqual(
        groups.map((g) => String(g.item.label)),
        ['Preflight', 'Checklist (the switch, in the ConfigMgr console)', 'Verification'],
      );
      const findings = await childrenOf(groups[0].node);
      const licences = findings.find((f) => f.node.kind === 'check' && f.node.check.id === 'licences');
      assert.equal((licences!.item.iconPath as vscode.ThemeIcon).id, 'error', 'blocking: a cross');
      const steps = await childrenOf(groups[1].node);
      assert.deepEqual(
        steps.map((x) => x.node.kind === 'step' && x.node.step.id),
        ['preflight', 'before-switch', 'open-wizard', 'choose-change', 'sign-in-finish'],
      );
      assert.equal(steps[0].item.description, 'next');
      assert.match((steps[3].item.tooltip as vscode.MarkdownString).value, /DO NOT CHOOSE/);
      const verification = await childrenOf(groups[2].node);
      assert.match(String(verification[0].item.label), /^Not switched yet/);
    });

    test('phase 4, guided: the page says the warning; steps go in order; a blocking preflight keeps the first open; verify says not switched', async function () {
      this.timeout(240_000);
      const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
      const opened = await withUi({}, () => vscode.commands.executeCommand<GuideResult>('cm2intune.switchAuthorityGuided', plan));
      assert.match(opened.view.warning.join(' '), /DO NOT CHOOSE "Remove Microsoft Intune Subscription from Configuration Manager"/);
      assert.equal(opened.view.steps.find((x) => x.next)?.id, 'preflight');
      assert.equal(opened.view.tenantName, 'Contoso');

      const later = await withUi({}, (shown) =>
        vscode.commands
          .executeCommand<GuideResult>('cm2intune.switchAuthorityGuided', plan, { confirmStep: 'open-wizard' })
          .then((r) => ({ r, shown })),
      );
      assert.equal(later.r.confirmed, false);
      assert.match(later.r.view.problem ?? '', /comes later: the next step is "preflight"/);
      assert.equal(later.shown.warn.length, 1, 'said as a warning too');

      const first = await withUi({}, () =>
        vscode.commands.executeCommand<GuideResult>('cm2intune.switchAuthorityGuided', plan, { confirmStep: 'preflight' }),
      );
      assert.equal(first.confirmed, false, 'the preflight blocks, so its step stays open');
      assert.match(first.view.problem ?? '', /preflight did not pass/);
      assert.ok(first.view.steps.every((x) => !x.done));

      const verified = await withUi({}, () =>
        vscode.commands.executeCommand<AuthorityVerifyResult>('cm2intune.verifyAuthority', plan, { watch: false }),
      );
      assert.equal(verified.state, 'notSwitched');
      assert.match(verified.headline, /still "sccm"/);
    });

    test('phase 4: after the wizard\'s "Remove Microsoft Intune Subscription" path, verify says the content was removed, first and as an error', async function () {
      this.timeout(180_000);
      const plan = vscode.Uri.joinPath(dir(), 'contoso.migration.json');
      // The wrong option, chosen in the (simulated) console: the world the CLI runs takes it over HTTP.
      const running = JSON.parse(readFileSync(join(dir().fsPath, 'world.running.json'), 'utf8')) as { tenant: { url: string } };
      const answer = await fetch(`${running.tenant.url}/_sandbox/world/wizard/remove-subscription`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.equal(answer.status, 200, await answer.text());
      const result = await withUi({}, (shown) =>
        vscode.commands
          .executeCommand<AuthorityVerifyResult>('cm2intune.verifyAuthority', plan, { watch: false })
          .then((r) => ({ r, shown })),
      );
      assert.equal(result.r.state, 'removed');
      assert.equal(result.shown.error.length, 1, `said as an error: ${result.shown.error.join(' | ')}`);
      assert.match(result.shown.error[0], /^!!! THE INTUNE SUBSCRIPTION WAS REMOVED, NOT SWITCHED/);
      const phase4 = (await roots()).find((r) => r.item.label === 'Phase 4 · MDM authority')!;
      await childrenOf(phase4.node); // read, then the root shows its summary
      const again = (await roots()).find((r) => r.item.label === 'Phase 4 · MDM authority')!;
      assert.equal(again.item.description, 'SUBSCRIPTION REMOVED');
    });
  });
});
