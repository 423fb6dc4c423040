// UI suite: the installed .vsix in code-server's workbench, driven like a person would through
// Debian chromium. One screenshot after each step (also after a failed one) into --shots.
// usage: tsx ui.ts --url http://127.0.0.1:PORT --workspace <dir> --shots <dir> --result <file> --settings <user settings.json>
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { openSandboxWorld, WORLD_PLAN_FILE, type OpenedWorld } from '../../src/sandbox';
import { INTUNE_A_PLAN } from '../../src/sandbox/world';
import { args, elapsed, launchBrowser } from './browser';

const opt = args(['url', 'workspace', 'shots', 'result', 'settings']);
const ws = resolve(opt.workspace);
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[ui ${elapsed(t0)}]`, ...a);
const T = 30_000; // per condition; the first workbench load gets more

/**
 * The sample migration the walkthrough opens (the sandbox world in the workspace's .sandbox folder),
 * run by this harness (as `cm2intune sandbox start` would run it) so that it can play the admin's part
 * on the site and in the tenant and throttle the tenant; "Open the sample migration" joins it.
 */
const worldDir = join(ws, '.sandbox');
const worldPlan = join(worldDir, WORLD_PLAN_FILE);
/** The walkthrough's title and the ids VS Code knows it by (`<publisher>.<name>#<walkthrough id>`). */
const WALKTHROUGH = 'Migrate hybrid MDM to Intune standalone';
/**
 * Import progress must say what it waits for ("waiting for Intune's write limit, about 14 s"; issue 15):
 * at least one reading of the throttled import's progress text. E2E_EXPECT_WAIT_TEXT=0 turns it off.
 */
const EXPECT_WAIT_TEXT = process.env.E2E_EXPECT_WAIT_TEXT !== '0';
/** What the product says while it waits (render.ts waitText): for a service's limit, or for a service that asked to wait. */
const WAIT_TEXT = /waiting for .+'s (write|request) limit, about \d+ s$|asked to wait \(\d+\), \d+ s$/;
/**
 * A webview's content frame. While a page is drawn again (the detail redraws once it has read the
 * Intune object) the webview holds a pending frame beside the active one: `iframe` alone met two.
 */
const ACTIVE_FRAME = 'iframe#active-frame';
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

/**
 * A step: its title, what it does, and whether its screenshot is taken in the dark and the light theme
 * (`themes`), and in the two high-contrast ones too (`contrast`, with `themes`).
 */
type Step = [string, (page: Page) => Promise<void>, { themes?: boolean; contrast?: boolean }?];

const steps: Step[] = [
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
      // the view follows the plan in the editor
      await page
        // the starter's site is placeholders to fill in: the view says so and asks no password yet
        .locator('.part.sidebar .monaco-list-row', { hasText: /cm2intune\.migration\.json has 4 errors/ })
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
    'the walkthrough "Migrate hybrid MDM to Intune standalone" opens from the command palette',
    async (page) => {
      world = await openSandboxWorld({ dir: worldDir });
      if (!world.world) throw new Error(`another process runs the world in ${worldDir}: the workspace copy is not fresh`);
      if (existsSync(worldPlan))
        throw new Error(`${worldPlan} exists before "Open the sample migration" ran: the workspace copy is not fresh`);
      const step = await walkthroughStep(page, 'Rehearse on a sample');
      await step.locator('.monaco-button', { hasText: 'Open the sample migration' }).waitFor({ timeout: T });
    },
    { themes: true },
  ],

  [
    'the walkthrough\'s sample path: "Open the sample migration" opens the sample plan',
    async (page) => {
      await walkthroughButton(page, 'Rehearse on a sample', 'Open the sample migration');
      await page.locator('.tabs-container .tab', { hasText: WORLD_PLAN_FILE }).first().waitFor({ timeout: 90_000 });
      await page.locator('.part.editor .view-lines', { hasText: '"world"' }).first().waitFor({ timeout: T });
      if (!existsSync(worldPlan)) throw new Error(`"Open the sample migration" wrote no ${worldPlan}`);
      // The admin's part for phases 2 and 3: a licence to assign and two waves.
      const plan = JSON.parse(readFileSync(worldPlan, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
      plan.prepare = { ...(plan.prepare as object), assignLicenseSku: 'INTUNE_A' };
      plan.waves = [
        { name: 'Pilot', users: PILOT },
        { name: 'Wave 1', users: WAVE_1, verifyTimeoutMinutes: 3 },
      ];
      writeFileSync(worldPlan, JSON.stringify(plan, null, 2) + '\n');
      await page.locator('.part.editor .view-lines', { hasText: '"assignLicenseSku"' }).first().waitFor({ timeout: T });
    },
    { themes: true },
  ],

  [
    'the walkthrough\'s "Show the view": the sample site\'s objects by kind with their states',
    async (page) => {
      await walkthroughButton(page, 'See every object', 'Show the view');
      await openView(page);
      await collapseAll(page);
      await expand(page, 'Wi-Fi', 'Contoso-Guest (macOS)');
      await treeRow(page, 'Contoso-Guest (macOS)').filter({ hasText: 'importable' }).waitFor({ timeout: 60_000 });
      await expand(page, 'Certificate profiles', 'Contoso User PFX (iOS)');
      await treeRow(page, 'Contoso User PFX (iOS)').filter({ hasText: 'blocked' }).waitFor({ timeout: T });
    },
    { themes: true },
  ],

  [
    '"cm2intune: Filter the objects…" from the palette narrows the tree to the blocked objects; "Clear the filter" shows all again',
    async (page) => {
      await openView(page);
      await collapseAll(page);
      await palette(page, '>cm2intune: Filter the objects');
      await page
        .locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^\s*cm2intune: Filter the objects…\s*$/ })
        .first()
        .click({ timeout: T });
      // One quick pick per facet: the state "blocked", then any kind and any platform (nothing picked).
      await pickFacet(page, 'Filter the objects by state', 'blocked');
      await pickFacet(page, 'Filter the objects by kind');
      await pickFacet(page, 'Filter the objects by platform');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });

      const sidebar = page.locator('.part.sidebar');
      // The view's message says what is filtered, its title bar offers "Clear the filter". Its description
      // "filtered" is in the view's header, which a view alone in its container hides: screen readers
      // read it there (the header's label), sighted admins read the message.
      await sidebar.getByText('Filtered: blocked', { exact: true }).waitFor({ timeout: T });
      await sidebar.locator('.pane-header[aria-label^="Site and Tenant - filtered"]').waitFor({ state: 'attached', timeout: T });
      await sidebar.hover();
      const clear = sidebar.locator('.action-label[aria-label^="Clear the filter"]').first();
      await clear.waitFor({ timeout: T });

      // Phase 1 shows only the kinds that have a blocked object, each row of them blocked.
      await expand(page, 'Certificate profiles', 'Contoso User PFX (iOS)');
      const { kinds, objects } = await phase1Objects(page);
      log(`filtered: kinds ${kinds.join(', ')}; ${objects.length} object rows:`, objects.join(' | '));
      if (!objects.some((o) => o.startsWith('Contoso User PFX (iOS),')))
        throw new Error(`the blocked "Contoso User PFX (iOS)" is not shown`);
      const phase1 = (await treeRow(page, 'Phase 1 · Import').innerText()).replace(/\s+/g, ' ');
      const shown = Number(/(\d+) of \d+/.exec(phase1)?.[1]);
      if (shown !== objects.length)
        throw new Error(`"Phase 1 · Import" counts ${shown} shown (${phase1}), the tree shows ${objects.length}`);
      // Each label: the name, the platform when there is one, the state (no empty part for a screen reader to read).
      const other = objects.filter((o) => !/, blocked$/.test(o) || /, ,/.test(o));
      if (other.length) throw new Error(`the tree filtered to "blocked" labels ${other.length} row(s) otherwise: ${other.join(' | ')}`);
      if (objects.some((o) => o.startsWith('Contoso-Guest (macOS),')))
        throw new Error('the tree filtered to "blocked" shows the importable "Contoso-Guest (macOS)"');
      const certificates = treeRow(page, 'Certificate profiles');
      if (!/\d+ of \d+/.test((await certificates.innerText()).replace(/\s+/g, ' ')))
        throw new Error(`"Certificate profiles" does not count what the filter shows of all: ${await certificates.innerText()}`);
      await shotThemes(page, 'tree-filtered-blocked', true);

      await sidebar.hover();
      await clear.click({ timeout: T });
      await sidebar.getByText('Filtered: blocked', { exact: true }).waitFor({ state: 'hidden', timeout: T });
      await sidebar.locator('.action-label[aria-label^="Clear the filter"]').first().waitFor({ state: 'hidden', timeout: T });
      await expand(page, 'Wi-Fi', 'Contoso-Guest (macOS)');
      await treeRow(page, 'Contoso-Guest (macOS)').filter({ hasText: 'importable' }).waitFor({ timeout: T });
    },
  ],

  [
    'the walkthrough\'s "Import objects" previews, asks (modal), imports while Intune throttles; the progress text moves',
    async (page) => {
      // Intune's write limit, tighter than the real one, so that the import waits for it more than once.
      world!.world!.tenantServer.setThrottle({ writesPerWindow: 25, windowMs: 6_000 });
      let samples: ProgressSample[];
      try {
        // The modal dialog takes the palette's keys, so each theme's picture of it is one ask: "Cancel" first.
        const dialog = page.locator('.monaco-dialog-box');
        const ask = async () => {
          await walkthroughButton(page, 'Phase 1: import', 'Import objects');
          await dialog.filter({ hasText: /Import into .*: create \d+ objects?/ }).waitFor({ timeout: 90_000 });
          await page.locator('.tabs-container .tab', { hasText: 'import preview' }).first().waitFor({ timeout: T });
        };
        const first: Theme = (await page.locator(`.monaco-workbench.${THEMES.dark.workbenchClass}`).isVisible()) ? 'dark' : 'light';
        await ask();
        await shot(page, `import-preview-and-confirmation-${first}`);
        await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click({ timeout: T });
        await dialog.waitFor({ state: 'hidden', timeout: T });
        if (world!.world!.tenantServer.peek().deviceConfigurations?.length)
          throw new Error('"Cancel" in the import dialog wrote to the tenant');
        await setTheme(page, first === 'dark' ? 'light' : 'dark');
        await ask();
        await shot(page, `import-preview-and-confirmation-${first === 'dark' ? 'light' : 'dark'}`, false);
        await dialog.locator('.monaco-button', { hasText: /^Import$/ }).click({ timeout: T });
        samples = await sampleProgress(page, 'cm2intune: importing', /Import into .*: \d+ of \d+ step\(s\) done/, 180_000);
      } finally {
        world!.world!.tenantServer.setThrottle(false);
      }
      const texts = [...new Set(samples.map((x) => x.text))];
      const stood = longestStill(samples);
      log(
        `progress: ${samples.length} samples, ${texts.length} texts, stood still at most ${(stood.ms / 1000).toFixed(1)} s on "${stood.text}"`,
      );
      for (const t of texts.slice(0, 40)) log('  progress text:', t);
      if (texts.length < 3)
        throw new Error(`the progress text changed ${texts.length - 1} time(s) during the import: ${JSON.stringify(texts)}`);
      const waiting = texts.filter((t) => WAIT_TEXT.test(t));
      if (EXPECT_WAIT_TEXT && waiting.length === 0)
        throw new Error(
          `no progress text said what it waits for (${WAIT_TEXT}) while Intune throttled: ${JSON.stringify(texts.slice(0, 20))}`,
        );
      await openView(page);
      await expand(page, 'Wi-Fi', 'Contoso-Guest (macOS)');
      await treeRow(page, 'Contoso-Guest (macOS)')
        .filter({ hasText: /imported · macOS/ })
        .waitFor({ timeout: 60_000 });
      await expand(page, 'Certificate profiles', 'Contoso User PFX (iOS)');
      await treeRow(page, 'Contoso User PFX (iOS)').filter({ hasText: 'blocked' }).waitFor({ timeout: T });
    },
    { themes: true },
  ],

  [
    'the import\'s end message offers "Open report": the report opens rendered',
    async (page) => {
      const ended = /Import into .*: \d+ of \d+ step\(s\) done/;
      const inToast = page
        .locator('.notifications-toasts .notification-toast', { hasText: ended })
        .locator('.monaco-button', { hasText: /^Open report$/ })
        .first();
      if (await inToast.isVisible().catch(() => false)) await inToast.click({ timeout: T });
      else {
        // The toast hid after a while: the notification centre keeps the message with its buttons.
        log('the end message is no longer a toast: "Open report" from the notification centre');
        await palette(page, '>Notifications: Show Notifications', { click: false });
        await page
          .locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^\s*Notifications: Show Notifications\s*$/ })
          .first()
          .click({ timeout: T });
        await page
          .locator('.notifications-center .notification-list-item', { hasText: ended })
          .first()
          .locator('.monaco-button', { hasText: /^Open report$/ })
          .first()
          .click({ timeout: T });
      }
      await page
        .locator('.tabs-container .tab.active', { hasText: /import-report\.md/ })
        .first()
        .waitFor({ timeout: 60_000 });
      // The Markdown preview: the report's title, its steps as a table, what was not imported and why.
      const content = page.frameLocator('iframe.webview.ready').last().frameLocator(ACTIVE_FRAME);
      await content.locator('h1', { hasText: `cm2intune import report — ${WORLD_PLAN_FILE}` }).waitFor({ timeout: 60_000 });
      await content
        .locator('table td', { hasText: /^done$/ })
        .first()
        .waitFor({ timeout: T });
      await content.locator('h2', { hasText: 'Objects not imported or imported in part' }).waitFor({ timeout: T });
      await content.locator('li', { hasText: 'Contoso User PFX' }).first().waitFor({ timeout: T });
      // The notification centre, when it was opened, would cover the report.
      await page.keyboard.press('Escape');
      await shotThemes(page, 'import-report', true);
      // Closed again: the later steps' editors (and their pictures) are laid out as without it.
      await closeTab(page, 'import-report.md');
      await page.locator('.tabs-container .tab', { hasText: 'import-report.md' }).waitFor({ state: 'hidden', timeout: T });
    },
  ],

  [
    'the walkthrough\'s "Check readiness" (phase 2) lists what blocks the move',
    async (page) => {
      await walkthroughButton(page, 'Phase 2: prepare Intune', 'Check readiness');
      await page.locator('.tabs-container .tab', { hasText: 'readiness.txt' }).first().waitFor({ timeout: 90_000 });
      // The licences are not assigned yet (phase 2's fix does it next).
      await page
        .locator('.notifications-toasts', { hasText: /readiness check\(s\) block the move/ })
        .first()
        .waitFor({ timeout: T });
    },
    { themes: true },
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
      await openSamplePlan(page);
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
    'the walkthrough\'s "Prepare a wave runbook" (phase 3) asks which wave and opens the runbook as PowerShell',
    async (page) => {
      await walkthroughButton(page, 'Phase 3: move users in waves', 'Prepare a wave runbook');
      await pickOne(page, 'Wave 1');
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
      await pickOne(page, 'Wave 1');
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
      const content = page.frameLocator('iframe.webview.ready').last().frameLocator(ACTIVE_FRAME);
      const section = content.locator('#phases');
      await section.locator('vscode-table-cell', { hasText: 'Wave 1' }).first().waitFor({ timeout: 90_000 });
      await section.locator('svg.chart polyline').first().waitFor({ timeout: T });
      // Where the migration stands: phase 1 is done (the walkthrough's import); phase 2 still has a blocking check.
      await content.locator('ol.stages li[aria-current="step"]', { hasText: 'Phase 2 · Prepare Intune' }).waitFor({ timeout: T });
      // Its top first, in every theme: the phases, the states per kind as bars and their legend, coloured by the theme.
      await content.locator('.bars .bar').first().waitFor({ timeout: T });
      await shotThemes(page, 'dashboard-top', true);
      await section.scrollIntoViewIfNeeded({ timeout: T }).catch(() => undefined);
    },
    { themes: true, contrast: true },
  ],
  [
    'phase 4: the admin licenses the users left in the subscription collection; the walkthrough\'s "Check authority switch readiness" finds nothing blocking',
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
      await openSamplePlan(page);
      await walkthroughButton(page, 'Phase 4: switch MDM authority', 'Check authority switch readiness');
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
      const content = page.frameLocator('iframe.webview.ready').last().frameLocator(ACTIVE_FRAME);
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
      await openSamplePlan(page);
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

  [
    'a click on an object in the tree opens its detail: the ConfigMgr settings beside the Intune payload',
    async (page) => {
      await closeTab(page, 'Switch the MDM authority');
      await openView(page);
      await collapseAll(page);
      await expand(page, 'Wi-Fi', 'Contoso-Guest (macOS)');
      await treeRow(page, 'Contoso-Guest (macOS)').click({ timeout: T });
      await page.locator('.tabs-container .tab.active', { hasText: 'Contoso-Guest (macOS)' }).first().waitFor({ timeout: 60_000 });
      const content = page.frameLocator('iframe.webview.ready').last().frameLocator(ACTIVE_FRAME);
      await content.getByText('Intune payload').first().waitFor({ timeout: 60_000 });
      await content.getByText('Open in the Intune admin center').first().waitFor({ timeout: T });
    },
    { themes: true, contrast: true },
  ],

  [
    'an object renamed in Intune is drifted: its detail\'s "Show drift" opens the diff of both sides',
    async (page) => {
      const renamed = 'Contoso-Guest (macOS) (edited in Intune)';
      world!.world!.tenantServer.update((t) => {
        const object = t.deviceConfigurations.find((c) => c.displayName === 'Contoso-Guest (macOS)');
        if (!object) throw new Error('the import made no "Contoso-Guest (macOS)" in the tenant');
        object.displayName = renamed;
      });
      await palette(page, '>cm2intune: Refresh', { click: false });
      await page
        .locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^\s*cm2intune: Refresh\s*$/ })
        .first()
        .click({ timeout: T });
      // The open detail is drawn again from the picture read again: now drifted, with its one command.
      const content = page.frameLocator('iframe.webview.ready').last().frameLocator(ACTIVE_FRAME);
      const showDrift = content.locator('a', { hasText: 'Show drift' });
      await showDrift.first().waitFor({ timeout: 120_000 });
      await showDrift.first().click({ timeout: T });
      await page
        .locator('.tabs-container .tab.active', { hasText: /· drift/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: T });
      await page.locator('.monaco-diff-editor .view-lines', { hasText: renamed }).first().waitFor({ timeout: T });
    },
    { themes: true },
  ],
];

/** The walkthrough's step titled `title`, expanded (the walkthrough opened through "Welcome: Open Walkthrough..." first). */
async function walkthroughStep(page: Page, title: string) {
  await palette(page, '>Welcome: Open Walkthrough', { click: false });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: WALKTHROUGH }).first().waitFor({ timeout: T });
  await page.locator('.quick-input-widget input').fill(WALKTHROUGH);
  await page.keyboard.press('Enter');
  const details = page.locator('.gettingStartedSlideDetails');
  await details.getByText(WALKTHROUGH).first().waitFor({ timeout: T });
  const step = details.locator('button.getting-started-step', { hasText: title }).first();
  if ((await step.getAttribute('aria-expanded', { timeout: T })) !== 'true') await step.locator('.step-title').click({ timeout: T });
  await details.locator('button.getting-started-step[aria-expanded="true"]', { hasText: title }).waitFor({ timeout: T });
  return step;
}

/** Clicks the button of a walkthrough step, as the admin following it would. */
async function walkthroughButton(page: Page, title: string, button: string) {
  const step = await walkthroughStep(page, title);
  await step.locator('.monaco-button', { hasText: button }).first().click({ timeout: T });
}

/** Brings the sample plan to the front the way the admin found it: the walkthrough's first button (it opens the plan again). */
async function openSamplePlan(page: Page) {
  await walkthroughButton(page, 'Rehearse on a sample', 'Open the sample migration');
  await page.locator('.tabs-container .tab.active', { hasText: WORLD_PLAN_FILE }).first().waitFor({ timeout: 60_000 });
}

type Theme = 'dark' | 'light' | 'hc' | 'hcl';
/**
 * VS Code's default themes and its two high-contrast ones as the theme picker labels them (before VS Code
 * 1.10x "Default Dark Modern" and "Default Light Modern"; the high-contrast ones keep the ids "Default High
 * Contrast" and "Default High Contrast Light"); the key is the screenshot's suffix.
 */
const THEMES: Record<Theme, { name: string; workbenchClass: string }> = {
  dark: { name: 'Dark Modern', workbenchClass: 'vs-dark' },
  light: { name: 'Light Modern', workbenchClass: 'vs' },
  hc: { name: 'Dark High Contrast', workbenchClass: 'hc-black' },
  hcl: { name: 'Light High Contrast', workbenchClass: 'hc-light' },
};
/** The theme the workbench shows now. */
async function currentTheme(page: Page): Promise<Theme> {
  for (const theme of Object.keys(THEMES) as Theme[])
    if (await page.locator(`.monaco-workbench.${THEMES[theme].workbenchClass}`).isVisible()) return theme;
  throw new Error('the workbench shows none of the themes the suite knows');
}

/**
 * Switches the colour theme with "Preferences: Color Theme" from the palette, as a person would (code-server
 * does not pick up an edit of its settings file reliably), and waits until the workbench shows it.
 */
async function setTheme(page: Page, theme: Theme) {
  const shown = page.locator(`.monaco-workbench.${THEMES[theme].workbenchClass}`);
  for (let attempt = 1; ; attempt++) {
    if (await shown.isVisible().catch(() => false)) return;
    await palette(page, '>Preferences: Color Theme', { click: false });
    // Not the first row: "Preferences: Browse Color Themes in Marketplace" may come first.
    await page
      .locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^\s*Preferences: Color Theme\s*$/ })
      .first()
      .click({ timeout: T });
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: THEMES.light.name }).first().waitFor({ timeout: T });
    await input.fill(THEMES[theme].name);
    const label = new RegExp(`^\\s*${THEMES[theme].name}\\s*$`);
    await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: label }).first().click({ timeout: T });
    // The picker previews the theme a row shows: only a closed picker has chosen it.
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
    // Webviews restyle from the theme's variables a moment later.
    await page.waitForTimeout(600);
    if (await shown.isVisible().catch(() => false)) return;
    if (attempt >= 3) throw new Error(`the colour theme did not change to ${THEMES[theme].name}`);
    log(`the colour theme is not ${THEMES[theme].name} yet: choosing it again`);
  }
}

/**
 * One screenshot in each theme (`NN-<name>-dark.png`, `NN-<name>-light.png`), the current theme's first;
 * the workbench is left in the other one. `contrast`: the two high-contrast themes too, between them
 * (`-hc.png`, `-hcl.png`). Not while a modal dialog is open: it takes the palette's keys.
 */
async function shotThemes(page: Page, name: string, contrast = false) {
  const now = await currentTheme(page);
  const first: Theme = now === 'light' ? 'light' : 'dark';
  const last: Theme = first === 'dark' ? 'light' : 'dark';
  const order: Theme[] = [first, ...(contrast ? (['hc', 'hcl'] as const) : []), last];
  for (const [i, theme] of order.entries()) {
    await setTheme(page, theme);
    await noHover(page);
    await shot(page, `${name}-${theme}`, i === 0);
  }
}

/**
 * Moves the mouse to the title bar's empty left part and waits (up to 2 s) until no tooltip shows: one
 * left where the last click was (a tab's "Close", a tab under the theme picker's row) would cover the picture.
 */
async function noHover(page: Page) {
  await page.mouse.move(200, 12);
  const hovers = page.locator('.workbench-hover-container:visible, .monaco-hover:visible');
  for (let i = 0; i < 10 && (await hovers.count()) > 0; i++) await page.waitForTimeout(200);
}

interface ProgressSample {
  at: number;
  text: string;
}

/**
 * Reads the text of the progress notification titled `title` about every 250 ms until a notification
 * matches `end`; takes one screenshot in each theme of the progress after the text changed twice.
 */
async function sampleProgress(page: Page, title: string, end: RegExp, timeout: number): Promise<ProgressSample[]> {
  const toast = page
    .locator('.notifications-toasts .notification-toast', { hasText: title })
    .first()
    .locator('.notification-list-item-message');
  const done = page.locator('.notifications-toasts', { hasText: end });
  const samples: ProgressSample[] = [];
  const until = Date.now() + timeout;
  let shotTaken = false;
  for (;;) {
    if (await done.isVisible().catch(() => false)) return samples;
    if (Date.now() > until) throw new Error(`no notification said ${end} within ${timeout / 1000} s`);
    const text = await toast.innerText({ timeout: 1_000 }).catch(() => '');
    if (text) {
      const flat = text.replace(/\s+/g, ' ').trim();
      if (samples.at(-1)?.text !== flat) log('progress:', flat);
      samples.push({ at: Date.now(), text: flat });
      if (!shotTaken && new Set(samples.map((x) => x.text)).size >= 3) {
        shotTaken = true;
        await shotThemes(page, 'import-progress');
      }
    }
    await page.waitForTimeout(250);
  }
}

/**
 * Picks the row `label` in the open quick pick: typed, then Enter. Under load the Enter can land while
 * the list is still filtering and be lost: then the pick is still open, and the row is clicked.
 */
async function pickOne(page: Page, label: string) {
  const widget = page.locator('.quick-input-widget');
  const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: T });
  await widget.locator('input').fill(label);
  await row.waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  const closed = await widget.waitFor({ state: 'hidden', timeout: 5_000 }).then(
    () => true,
    () => false,
  );
  if (closed) return;
  log(`the pick of "${label}" is still open after Enter: clicking its row`);
  await row.click({ timeout: T });
  await widget.waitFor({ state: 'hidden', timeout: T });
}

/**
 * Answers one of "Filter the objects…"'s quick picks (a list with check boxes) titled `title`: checks the
 * row labelled `label` when given, then OK (Enter).
 */
async function pickFacet(page: Page, title: string, label?: string) {
  const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ timeout: T });
  if (label) {
    const row = widget.locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }),
    });
    await row.first().click({ timeout: T });
    await widget.locator(`.quick-input-list .monaco-list-row[aria-checked="true"]`, { hasText: label }).first().waitFor({ timeout: T });
  }
  await widget.locator('.quick-input-box input').press('Enter');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'hidden', timeout: T });
}

/** Phase 1's sections that are not a kind of object. */
const NOT_KINDS = /^(Collections → groups|Legend)\b/;

/**
 * Phase 1's kinds as the tree shows them (their labels), each expanded, and the accessible labels
 * (`<name>, <platform>, <state>`) of their object rows (the rows three deep under a kind).
 */
async function phase1Objects(page: Page): Promise<{ kinds: string[]; objects: string[] }> {
  const rows = page.locator('.part.sidebar .monaco-list-row');
  const read = async () => {
    const out = { kinds: [] as string[], objects: [] as string[], collapsed: [] as string[] };
    let inPhase1 = false;
    let inKind = false;
    for (const row of await rows.all()) {
      const level = await row.getAttribute('aria-level');
      const text = (
        await row
          .locator('.label-name')
          .first()
          .innerText()
          .catch(() => '')
      ).trim();
      if (level === '1') inPhase1 = text.startsWith('Phase 1');
      else if (inPhase1 && level === '2') {
        inKind = !NOT_KINDS.test(text);
        if (!inKind) continue;
        out.kinds.push(text);
        if ((await row.getAttribute('aria-expanded')) !== 'true') out.collapsed.push(text);
      } else if (inPhase1 && inKind && level === '3') out.objects.push((await row.getAttribute('aria-label')) ?? text);
    }
    return out;
  };
  for (let round = 1; ; round++) {
    const now = await read();
    if (now.collapsed.length === 0) return now;
    if (round > 5) throw new Error(`phase 1's kinds did not stay expanded: ${now.collapsed.join(', ')}`);
    for (const kind of now.collapsed) await treeRow(page, kind).click({ timeout: T });
    await page.waitForTimeout(500);
  }
}

/** The longest run of samples with one text. */
function longestStill(samples: ProgressSample[]): { ms: number; text: string } {
  let best = { ms: 0, text: '' };
  let from = 0;
  for (let i = 1; i <= samples.length; i++) {
    if (i < samples.length && samples[i].text === samples[from].text) continue;
    const ms = samples[i - 1].at - samples[from].at;
    if (ms > best.ms) best = { ms, text: samples[from].text };
    from = i;
  }
  return best;
}

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
    // The kinds are sections of Phase 1, collapsed with it by "Collapse All".
    const phase1 = treeRow(page, 'Phase 1 · Import');
    if (!root.startsWith('Phase') && (await phase1.getAttribute('aria-expanded', { timeout: T })) !== 'true')
      await phase1.click({ timeout: T });
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
async function palette(page: Page, text: string, how: { click?: boolean } = {}) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    // A click in the editor area takes the focus from a quick input; not where the click would press a button (the walkthrough).
    if (how.click !== false) await page.locator('.part.editor').click({ timeout: T });
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 5_000 });
      await input.fill(text, { timeout: 5_000 });
      // The focus may also go back a moment after the text is in: then the palette has closed again.
      await page.waitForTimeout(300);
      if (!(await input.isVisible()) || (await input.inputValue()) !== text)
        throw new Error(`the palette closed after "${text}" was typed`);
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
/** A screenshot `NN-<name>.png`; `next`: false keeps the number of the one before (the other theme's picture). */
async function shot(page: Page, name: string, next = true) {
  if (next) shotNo++;
  const file = join(opt.shots, `${String(shotNo).padStart(2, '0')}-${name}.png`);
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
    for (const [index, [title, run, how]] of steps.entries()) {
      if (only && index > 0 && !only.test(title)) continue;
      const slug = title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 50);
      try {
        await run(page);
        if (how?.themes) await shotThemes(page, slug, how.contrast);
        else await shot(page, slug);
        passed++;
        results.push(`ok - ${title}`);
        log('PASS', title);
      } catch (e) {
        failed++;
        const message = (e as Error).message.split('\n')[0];
        results.push(`not ok - ${title}: ${message}`);
        log('FAIL', title, '-', message);
        await shot(page, `${slug}-FAILED`).catch(() => undefined);
        // A dialog left open would take every later step's clicks.
        await page
          .locator('.monaco-dialog-box .monaco-button', { hasText: /^Cancel$/ })
          .click({ timeout: 2_000 })
          .catch(() => undefined);
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
