// UI suite: the installed .vsix in code-server's workbench, driven like a person would through
// Debian chromium. One screenshot after each step (also after a failed one) into --shots.
// usage: tsx ui.ts --url http://127.0.0.1:PORT --workspace <dir> --shots <dir> --result <file>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { args, elapsed, launchBrowser } from './browser';

const opt = args(['url', 'workspace', 'shots', 'result']);
const ws = resolve(opt.workspace);
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[ui ${elapsed(t0)}]`, ...a);
const T = 30_000; // per condition; the first workbench load gets more

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
];

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

/** Opens a workspace file through Quick Open (Ctrl+P), the way a person would. */
async function quickOpen(page: Page, name: string) {
  await page.locator('.part.editor').click({ timeout: T });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: T });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: name }).waitFor({ timeout: T });
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
    for (const [title, run] of steps) {
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
