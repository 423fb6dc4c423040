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
  ['the workbench opens the fixture workspace', async (page) => {
    await page.goto(`${opt.url}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await explorerRow(page, 'broken plan.migration.json').waitFor({ timeout: 90_000 });
  }],

  ['the Intune Migration container shows the plans in "Site and Tenant"', async (page) => {
    await page.locator('.activitybar .action-item a[aria-label^="Intune Migration"], .activitybar .action-item .action-label[aria-label^="Intune Migration"]').first().click({ timeout: T });
    const sidebar = page.locator('.part.sidebar');
    await sidebar.getByText(/Site and Tenant/i).first().waitFor({ timeout: T });
    const row = (name: string) => sidebar.locator('.monaco-list-row', { hasText: name });
    await row('contoso pilot.migration.json').filter({ hasText: 'no problems' }).waitFor({ timeout: T });
    await row('broken plan.migration.json').filter({ hasText: /\d+ problems?/ }).waitFor({ timeout: T });
  }],

  ['the command palette (F1) runs "cm2intune: New migration plan"', async (page) => {
    const planFile = join(ws, 'cm2intune.migration.json');
    if (existsSync(planFile)) throw new Error(`${planFile} exists before the command ran: the workspace copy is not fresh`);
    await page.locator('.part.editor').click({ timeout: T });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: T });
    await input.fill('>cm2intune: New migration plan');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'New migration plan' }).first().waitFor({ timeout: T });
    await shot(page, 'palette');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'cm2intune.migration.json' }).waitFor({ timeout: T });
    await page.locator('.part.editor .view-lines', { hasText: '"version": 1' }).first().waitFor({ timeout: T });
    if (!/"version": 1/.test(readFileSync(planFile, 'utf8'))) throw new Error(`${planFile} is not a starter plan`);
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'cm2intune.migration.json' }).waitFor({ timeout: T });
  }],

  ["the Problems panel lists the plan's finding", async (page) => {
    // open the broken plan from the tree (its items run vscode.open), see the squiggle
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'broken plan.migration.json' }).click({ timeout: T });
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
  }],
];

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
      const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
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
