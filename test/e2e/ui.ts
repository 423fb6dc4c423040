// UI suite: the installed .vsix in code-server's workbench, driven like a person would through
// Debian chromium. One screenshot after each step (also after a failed one) into --shots.
// usage: tsx ui.ts --url http://127.0.0.1:PORT --workspace <dir> --shots <dir> --result <file>
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { openSandboxWorld, worldPlanText, type OpenedWorld } from '../../src/sandbox';
import { INTUNE_A_PLAN } from '../../src/sandbox/world';
import { args, elapsed, launchBrowser } from './browser';

const opt = args(['url', 'workspace', 'shots', 'result']);
const ws = resolve(opt.workspace);
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[ui ${elapsed(t0)}]`, ...a);
const T = 30_000; // per condition; the first workbench load gets more

/**
 * The sandbox world phases 2 to 4 run on, run by this harness (as `cm2intune sandbox start` would
 * run it) so that it can play the admin's part on the site and in the tenant; the extension joins it.
 */
const worldDir = join(ws, 'world');
const worldPlan = join(worldDir, 'contoso.migration.json');
const cli = resolve(__dirname, '../../dist/cli.js');
let world: OpenedWorld | undefined;

/** Three unlicensed users and two licensed ones (phase 2 assigns the licence); three licensed users whose devices follow them. */
const PILOT = [
  'jose.odegard@contoso.com',
  'sofia.lindqvist@contoso.com',
  'annamaria.dubois@contoso.com',
  'bjorn.fernandez@contoso.com',
  'sofia.garcia@contoso.com',
];
const WAVE_1 = ['raul.johansson@contoso.com', 'kwame.lindqvist@contoso.com', 'yamada.taro@contoso.com'];

const steps: [string, (page: Page) => Promise<void>][] = [
  [
    'the workbench opens the fixture workspace',
    async (page) => {
      await page.goto(`${opt.url}/?folder=${encodeURIComponent(ws)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
      await explorerRow(page, 'broken plan.migration.json').waitFor({ timeout: 90_000 });
    },
  ],

  [
    '"Site and Tenant" names the first plan\'s error',
    async (page) => {
      await page
        .locator(
          '.activitybar .action-item a[aria-label^="Intune Migration"], .activitybar .action-item .action-label[aria-label^="Intune Migration"]',
        )
        .first()
        .click({ timeout: T });
      const sidebar = page.locator('.part.sidebar');
      await sidebar
        .getByText(/Site and Tenant/i)
        .first()
        .waitFor({ timeout: T });
      // no plan in an editor: the view follows the first plan by path, which has errors
      await sidebar.locator('.monaco-list-row', { hasText: /broken plan\.migration\.json has \d+ errors?/ }).waitFor({ timeout: T });
    },
  ],

  [
    'the command palette (F1) runs "cm2intune: New migration plan"',
    async (page) => {
      const planFile = join(ws, 'cm2intune.migration.json');
      if (existsSync(planFile)) throw new Error(`${planFile} exists before the command ran: the workspace copy is not fresh`);
      await palette(page, '>cm2intune: New migration plan');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'New migration plan' }).first().waitFor({ timeout: T });
      await shot(page, 'palette');
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: 'cm2intune.migration.json' }).waitFor({ timeout: T });
      await page.locator('.part.editor .view-lines', { hasText: '"version": 1' }).first().waitFor({ timeout: T });
      if (!/"version": 1/.test(readFileSync(planFile, 'utf8'))) throw new Error(`${planFile} is not a starter plan`);
      // the view follows the plan in the editor: its SQL site needs a password, offered, not prompted
      await page
        .locator('.part.sidebar .monaco-list-row', { hasText: 'Enter the password for CONTOSO\\svc-cm-read on cm01.contoso.com' })
        .waitFor({ timeout: T });
    },
  ],

  [
    "the Problems panel lists the plan's finding",
    async (page) => {
      await quickOpen(page, 'broken plan.migration.json');
      await page.locator('.tabs-container .tab', { hasText: 'broken plan.migration.json' }).waitFor({ timeout: T });
      await page.locator('.part.editor .squiggly-error').first().waitFor({ timeout: T });
      await page.locator('#status\\.problems').click({ timeout: T });
      const finding = page.locator('.markers-panel .monaco-list-row', { hasText: 'is in wave "Pilot" and in wave "Sales Europe"' });
      await finding.first().waitFor({ timeout: T });
      const text = (await finding.first().innerText()).replace(/\s+/g, ' ');
      log('problems row:', text);
      for (const part of ['cm2intune', 'plan/user-in-two-waves', 'Ln 15']) {
        if (!text.includes(part)) throw new Error(`problems row lacks "${part}": ${text}`);
      }
    },
  ],

  [
    '"Site and Tenant" shows the sandbox plan\'s objects by kind with their states',
    async (page) => {
      await page
        .locator('.part.panel .codicon-panel-close, .part.panel .action-label[aria-label^="Hide Panel"]')
        .first()
        .click({ timeout: 5_000 })
        .catch(() => undefined);
      await quickOpen(page, 'contoso sandbox.migration.json');
      await expand(page, 'Wi-Fi', 'Contoso-Guest (macOS)');
      await expand(page, 'Certificate profiles', 'Contoso User PFX (iOS)');
      await treeRow(page, 'Contoso-Guest (macOS)').filter({ hasText: 'importable' }).waitFor({ timeout: 60_000 });
      await treeRow(page, 'Contoso User PFX (iOS)').filter({ hasText: 'blocked' }).waitFor({ timeout: T });
    },
  ],

  [
    '"cm2intune: Import objects (phase 1)" previews, asks (modal), imports into the sandbox',
    async (page) => {
      await palette(page, '>cm2intune: Import objects');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Import objects (phase 1)' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.filter({ hasText: /Import into the sandbox tenant: create \d+ objects?/ }).waitFor({ timeout: 60_000 });
      await page.locator('.tabs-container .tab', { hasText: 'import preview.md' }).waitFor({ timeout: T });
      await shot(page, 'import-confirmation');
      await dialog.locator('.monaco-button', { hasText: /^Import$/ }).click({ timeout: T });
      await page
        .locator('.notifications-toasts', { hasText: /Import into the sandbox tenant: \d+ of \d+ step\(s\) done\./ })
        .waitFor({ timeout: 120_000 });
      await expand(page, 'Wi-Fi', 'Contoso-Guest (macOS)');
      await treeRow(page, 'Contoso-Guest (macOS)').filter({ hasText: '→ Contoso-Guest (macOS)' }).waitFor({ timeout: 60_000 });
      await expand(page, 'Certificate profiles', 'Contoso User PFX (iOS)');
      await treeRow(page, 'Contoso User PFX (iOS)').filter({ hasText: 'blocked' }).waitFor({ timeout: T });
    },
  ],

  [
    '"cm2intune: Show migration dashboard" renders the picture in a webview',
    async (page) => {
      await palette(page, '>cm2intune: Show migration dashboard');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show migration dashboard' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: 'Migration dashboard' }).waitFor({ timeout: T });
      // A webview is an iframe holding the content iframe.
      const content = page.frameLocator('iframe.webview.ready').frameLocator('iframe');
      await content.locator('h2', { hasText: 'Objects by kind' }).waitFor({ timeout: 60_000 });
      await content.locator('vscode-table-cell', { hasText: 'Wi-Fi profile' }).first().waitFor({ timeout: T });
      await content.locator('vscode-table-cell', { hasText: 'Sales Team Users' }).first().waitFor({ timeout: T });
    },
  ],

  [
    'the sandbox world runs in the workspace; its plan gets a licence to assign and two waves',
    async () => {
      world = await openSandboxWorld({ dir: worldDir });
      if (!world.world) throw new Error(`another process runs the world in ${worldDir}: the workspace copy is not fresh`);
      if (!existsSync(worldPlan)) writeFileSync(worldPlan, worldPlanText());
      const plan = JSON.parse(readFileSync(worldPlan, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
      plan.prepare = { ...(plan.prepare as object), assignLicenseSku: 'INTUNE_A' };
      plan.waves = [
        { name: 'Pilot', users: PILOT },
        { name: 'Wave 1', users: WAVE_1, verifyTimeoutMinutes: 3 },
      ];
      writeFileSync(worldPlan, JSON.stringify(plan, null, 2) + '\n');
    },
  ],

  [
    '"Phase 2 · Readiness" lists the checks with their state icons; the tooltip shows the evidence',
    async (page) => {
      // A webview in front takes the clicks meant for the editor area: close the dashboard first.
      await page
        .locator('.tabs-container .tab', { hasText: 'Migration dashboard' })
        .locator('.codicon-close, .action-label[aria-label^="Close"]')
        .first()
        .click({ timeout: 5_000, force: true })
        .catch(() => log('no dashboard tab to close'));
      await quickOpen(page, 'world/contoso.migration.json', 'contoso.migration.json');
      await openView(page);
      await collapseAll(page);
      await expand(page, 'Phase 2 · Readiness', 'Licences');
      const licences = treeRow(page, 'Licences');
      await licences.locator('.codicon-error').waitFor({ timeout: 90_000 });
      await treeRow(page, 'Tenant').locator('.codicon-pass').waitFor({ timeout: T });
      await licences.hover();
      await page
        .locator('.monaco-hover, .workbench-hover', { hasText: 'Evidence' })
        .first()
        .waitFor({ timeout: 10_000 })
        .catch(() => log('no tooltip shown on hover (the screenshot shows the row only)'));
      await shot(page, 'readiness-checks-tooltip');
      await page.mouse.move(0, 0);
    },
  ],

  [
    '"cm2intune: Fix readiness (phase 2)" previews, asks (modal), assigns the licences',
    async (page) => {
      await palette(page, '>cm2intune: Fix readiness');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Fix readiness (phase 2)' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.filter({ hasText: /Fix readiness in the sandbox tenant: send \d+ request\(s\)/ }).waitFor({ timeout: 90_000 });
      await page.locator('.tabs-container .tab', { hasText: 'fixes.txt' }).waitFor({ timeout: T });
      await shot(page, 'fix-readiness-confirmation');
      await dialog.locator('.monaco-button', { hasText: /^Fix$/ }).click({ timeout: T });
      await page.locator('.notifications-toasts', { hasText: /\d+ of \d+ fix\(es\) done/ }).waitFor({ timeout: 120_000 });
      await page.locator('.part.editor .view-lines', { hasText: 'After the fixes' }).first().waitFor({ timeout: T });
    },
  ],

  [
    '"cm2intune: Prepare wave runbook (phase 3)" asks which wave and opens the runbook as PowerShell',
    async (page) => {
      await palette(page, '>cm2intune: Prepare wave runbook');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Prepare wave runbook (phase 3)' })
        .first()
        .waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Wave 1' }).first().waitFor({ timeout: T });
      await input.fill('Wave 1');
      await page.keyboard.press('Enter');
      await page
        .locator('.tabs-container .tab', { hasText: /Untitled-\d/ })
        .first()
        .waitFor({ timeout: 90_000 });
      await page.locator('.part.editor .view-lines', { hasText: 'DryRun' }).first().waitFor({ timeout: T });
      await page
        .locator('#status\\.editor\\.mode, .statusbar-item[id*="editor.mode"]', { hasText: 'PowerShell' })
        .first()
        .waitFor({ timeout: T });
    },
  ],

  [
    'the runbook is applied on the site (the world applies it as the SMS Provider would)',
    async () => {
      const file = join(worldDir, 'wave-1.ps1');
      // Asynchronously: the world the CLI joins runs in this process and must keep answering.
      await promisify(execFile)(process.execPath, [cli, 'wave', 'runbook', '--plan', worldPlan, '--wave', 'Wave 1', '-o', file]).catch(
        (error: Error & { stderr?: string }) => {
          throw new Error(`wave runbook: ${error.stderr ?? error.message}`);
        },
      );
      const running = JSON.parse(readFileSync(join(worldDir, 'world.running.json'), 'utf8')) as { tenant: { url: string } };
      const answer = await fetch(`${running.tenant.url}/_sandbox/world/runbook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ script: readFileSync(file, 'utf8'), dryRun: false }),
      });
      const transcript = (await answer.json()) as { outcome?: string };
      if (transcript.outcome !== 'completed') throw new Error(`the runbook did not complete: ${JSON.stringify(transcript).slice(0, 300)}`);
    },
  ],

  [
    '"cm2intune: Verify wave (phase 3)" counts the devices as they move until the wave is verified',
    async (page) => {
      await palette(page, '>cm2intune: Verify wave');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Verify wave (phase 3)' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Wave 1' }).first().waitFor({ timeout: T });
      await page.locator('.quick-input-widget input').fill('Wave 1');
      await page.keyboard.press('Enter');
      await page
        .locator('.notifications-toasts', { hasText: /device\(s\) in Intune/ })
        .first()
        .waitFor({ timeout: 60_000 })
        .then(() => shot(page, 'verify-wave-progress'))
        .catch(() => log('the progress went by before it could be seen'));
      await page
        .locator('.notifications-toasts', { hasText: /Wave "Wave 1": applied on the site; \d+ of \d+ devices managed by Intune: verified/ })
        .waitFor({ timeout: 180_000 });
    },
  ],

  [
    '"Phase 3 · Waves" shows the wave verified, its users and their devices in Intune',
    async (page) => {
      await collapseAll(page);
      await expand(page, 'Phase 3 · Waves', 'Wave 1');
      await treeRow(page, 'Wave 1').filter({ hasText: 'verified' }).waitFor({ timeout: 60_000 });
      await expand(page, 'Wave 1', WAVE_1[0]);
      await expand(page, WAVE_1[0], 'in Intune');
    },
  ],

  [
    'the dashboard shows readiness per wave and the devices moving over time',
    async (page) => {
      await palette(page, '>cm2intune: Show migration dashboard');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show migration dashboard' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: 'Migration dashboard' }).waitFor({ timeout: T });
      const content = page.frameLocator('iframe.webview.ready').frameLocator('iframe');
      const section = content.locator('#phases');
      await section.locator('vscode-table-cell', { hasText: 'Wave 1' }).first().waitFor({ timeout: 90_000 });
      await section.locator('svg.chart polyline').first().waitFor({ timeout: T });
      // Where the migration stands: phase 1 is not done in this world (nothing imported), so it is current.
      await content.locator('ol.stages li.stage-current', { hasText: 'Phase 1 · Import objects' }).waitFor({ timeout: T });
      await section.scrollIntoViewIfNeeded({ timeout: T }).catch(() => undefined);
    },
  ],
  [
    'phase 4: the admin licenses the users left in the subscription collection; "Check authority switch readiness" finds nothing blocking',
    async (page) => {
      // The admin's part, in the tenant and on the site (as `npm run demo` stages it).
      const w = world!.world!;
      w.tenantServer.update((t) => {
        for (const u of t.users) {
          u.usageLocation ??= 'US';
          const plans = (u.assignedPlans ?? []) as { servicePlanId: string; capabilityStatus: string }[];
          if (!plans.some((p) => p.servicePlanId === INTUNE_A_PLAN && p.capabilityStatus === 'Enabled'))
            u.assignedPlans = [
              ...plans,
              { servicePlanId: INTUNE_A_PLAN, capabilityStatus: 'Enabled', service: 'SCO', assignedDateTime: '2019-09-02T08:00:00Z' },
            ];
        }
      });
      const upns = new Set(w.tenantServer.peek().users.map((u) => String(u.userPrincipalName).toLowerCase()));
      const unsynced = w.console.members('P0100014').filter((id) => !upns.has(w.console.getUser(id)?.upn?.toLowerCase() ?? ''));
      if (unsynced.length) {
        const keep = w.console.newCollection({ name: 'Not synced to Entra ID', type: 'user', limitToCollectionId: 'SMS00002' });
        for (const id of unsynced) w.console.addDirectRule(keep.collectionId, id);
        w.console.addExcludeRule('P0100014', keep.collectionId);
      }
      const plan = JSON.parse(readFileSync(worldPlan, 'utf8')) as Record<string, unknown>;
      plan.authority = { admin: 'bjorn.fernandez@contoso.com', skipWaves: ['Pilot'], verifyTimeoutMinutes: 3 };
      writeFileSync(worldPlan, JSON.stringify(plan, null, 2) + '\n');
      await closeTab(page, 'Migration dashboard');
      await page.locator('.tabs-container .tab', { hasText: 'contoso.migration.json' }).first().click({ timeout: T });
      await palette(page, '>cm2intune: Check authority switch readiness');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Check authority switch readiness (phase 4)' })
        .first()
        .waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page
        .locator('.notifications-toasts', { hasText: /nothing blocks the switch; \d+ device\(s\) will switch/ })
        .waitFor({ timeout: 120_000 });
      await page.locator('.tabs-container .tab', { hasText: 'authority preflight.txt' }).waitFor({ timeout: T });
    },
  ],

  [
    '"Switch the MDM authority — guided (phase 4)": the warning first; each step marked done in the console\'s order',
    async (page) => {
      await palette(page, '>cm2intune: Switch the MDM authority');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Switch the MDM authority — guided (phase 4)' })
        .first()
        .waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: 'Switch the MDM authority' }).waitFor({ timeout: T });
      const content = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe');
      await content
        .locator('.danger', { hasText: 'DO NOT CHOOSE "Remove Microsoft Intune Subscription from Configuration Manager"' })
        .waitFor({ timeout: 90_000 });
      await shot(page, 'guided-switch-warning');
      for (const step of ['preflight', 'before-switch', 'open-wizard', 'choose-change']) {
        const item = content.locator(`li.step[data-step="${step}"]`);
        await item.locator('button', { hasText: 'Mark this step done' }).click({ timeout: 90_000 });
        await content.locator(`li.step.done[data-step="${step}"]`).waitFor({ timeout: 90_000 });
        if (step === 'choose-change') await shot(page, 'guided-switch-before-the-last-step');
      }
      // The admin makes the switch in the console's wizard: here the world's simulated one.
      world!.world!.wizard.changeAuthorityToIntune();
      const last = content.locator('li.step[data-step="sign-in-finish"]');
      const button = last.locator('button', { hasText: 'Mark this step done' });
      await last.locator('input#tenant-name').fill('Contoso Ltd');
      if (!(await button.isDisabled())) throw new Error("the last step can be marked done without the tenant's name");
      await last.locator('input#tenant-name').fill('contoso');
      await button.click({ timeout: T });
      await content.locator('li.step.done[data-step="sign-in-finish"]').waitFor({ timeout: 90_000 });
      await content.getByText('Every step is done').waitFor({ timeout: T });
    },
  ],

  [
    '"Verify the MDM authority (phase 4)" counts the devices switching until verified; the tree\'s phase-4 section says so',
    async (page) => {
      // Devices that were offline come back and check in, as the demo has them.
      const w = world!.world!;
      for (const d of w.state().devices) if (d.checkInIntervalMs === null && !d.removed) w.checkIn(d.managedDeviceId);
      await closeTab(page, 'Switch the MDM authority');
      await page.locator('.tabs-container .tab', { hasText: 'contoso.migration.json' }).first().click({ timeout: T });
      await palette(page, '>cm2intune: Verify the MDM authority');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Verify the MDM authority (phase 4)' })
        .first()
        .waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await page
        .locator('.notifications-toasts', { hasText: /device\(s\) switched/ })
        .first()
        .waitFor({ timeout: 60_000 })
        .then(() => shot(page, 'verify-authority-progress'))
        .catch(() => log('the progress went by before it could be seen'));
      await page.locator('.notifications-toasts', { hasText: /Verified: the MDM authority is Intune/ }).waitFor({ timeout: 180_000 });
      await openView(page);
      await collapseAll(page);
      await expand(page, 'Phase 4 · MDM authority', 'Verification');
      await expand(page, 'Verification', 'Devices switched');
    },
  ],
];

/** Shows the Intune Migration view (a click on its activity bar item when another view is shown; a second click would hide it). */
async function openView(page: Page) {
  const shown = await page
    .locator('.part.sidebar')
    .getByText(/Site and Tenant/i)
    .first()
    .isVisible()
    .catch(() => false);
  if (shown) return;
  await page
    .locator(
      '.activitybar .action-item a[aria-label^="Intune Migration"], .activitybar .action-item .action-label[aria-label^="Intune Migration"]',
    )
    .first()
    .click({ timeout: T });
  await page
    .locator('.part.sidebar')
    .getByText(/Site and Tenant/i)
    .first()
    .waitFor({ timeout: T });
}

/** Closes an editor tab by its text, when it is open. */
async function closeTab(page: Page, text: string) {
  await page
    .locator('.tabs-container .tab', { hasText: text })
    .locator('.codicon-close, .action-label[aria-label^="Close"]')
    .first()
    .click({ timeout: 5_000, force: true })
    .catch(() => undefined);
}

/** Collapses every root of the view (its title bar's button), so the rows wanted are in view. */
async function collapseAll(page: Page) {
  await page.locator('.part.sidebar').hover();
  await page
    .locator('.part.sidebar .action-label[aria-label^="Collapse All"]')
    .first()
    .click({ timeout: 5_000 })
    .catch(() => log('no Collapse All button'));
}

/**
 * Expands a root of the view until `child` shows: a refresh of the view (the plan's picture read
 * in, a plan saved) may land while the root is expanding, so the click is repeated until it holds.
 */
async function expand(page: Page, root: string, child: string) {
  const until = Date.now() + 60_000;
  for (;;) {
    const row = treeRow(page, root);
    if ((await row.getAttribute('aria-expanded', { timeout: T })) !== 'true') await row.click({ timeout: T });
    const shown = await treeRow(page, child)
      .waitFor({ timeout: 5_000 })
      .then(
        () => true,
        () => false,
      );
    if (shown) return;
    if (Date.now() > until) throw new Error(`"${root}" did not show "${child}" within 60 s`);
  }
}

const treeRow = (page: Page, label: string) => page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();

/**
 * Opens the command palette (F1) and types `text`, as a person would. The workbench may take
 * focus back right after F1 (a tree refreshing, a notification): then the palette closes before it
 * can be typed in, and the person presses F1 again; so does this, a few times.
 */
async function palette(page: Page, text: string) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.part.editor').click({ timeout: T });
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 5_000 });
      await input.fill(text, { timeout: 5_000 });
      return input;
    } catch (error) {
      if (attempt >= 4) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Opens a workspace file through Quick Open (Ctrl+P), the way a person would; `tab`: its tab's text when `name` is a path. */
async function quickOpen(page: Page, name: string, tab = name) {
  await page.locator('.part.editor').click({ timeout: T });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: T });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: tab }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: tab }).first().waitFor({ timeout: T });
}

const explorerRow = (page: Page, name: string) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });

let shotNo = 0;
async function shot(page: Page, name: string) {
  const file = join(opt.shots, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  log('screenshot', file);
}

async function main() {
  mkdirSync(opt.shots, { recursive: true });
  const browser = await launchBrowser();
  const { page } = browser;
  page.on('pageerror', (e) => log('pageerror:', e.message));
  const results: string[] = [];
  let passed = 0;
  let failed = 0;
  try {
    const only = process.env.E2E_UI_STEPS ? new RegExp(process.env.E2E_UI_STEPS, 'i') : undefined;
    for (const [index, [title, run]] of steps.entries()) {
      if (only && index > 0 && !only.test(title)) continue;
      const slug = title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 50);
      try {
        await run(page);
        passed++;
        results.push(`ok - ${title}`);
        log('PASS', title);
        await shot(page, slug);
      } catch (e) {
        failed++;
        const message = (e as Error).message.split('\n')[0];
        results.push(`not ok - ${title}: ${message}`);
        log('FAIL', title, '-', message);
        await shot(page, `${slug}-FAILED`).catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await world?.close();
  }
  results.push(`${passed} passed, ${failed} failed`);
  writeFileSync(opt.result, results.join('\n') + '\n');
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`[ui] ${e.stack ?? e}`);
    process.exit(2);
  },
);
