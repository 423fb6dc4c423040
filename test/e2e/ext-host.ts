// Runs the mocha suite inside code-server's real extension host. code-server's CLI has no
// --extensionTestsPath; the web workbench takes it from the URL payload instead (the way VS Code's
// own browser integration tests run), logs through window.codeAutomationLog and reports the
// end through window.codeAutomationExit(code). The server needs
// `--vscode-option enable-smoke-test-driver` for the workbench to honour it.
// usage: tsx ext-host.ts --url http://127.0.0.1:PORT --ext <dir> --tests <index.js> --workspace <dir> --log <file> [--shot <png>]
import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format } from 'node:util';
import { args, elapsed, launchBrowser } from './browser';

const opt = args(['url', 'ext', 'tests', 'workspace', 'log']);
const timeoutMs = Number(process.env.E2E_EXT_HOST_TIMEOUT_MS ?? 300_000);
const t0 = Date.now();
// the remote authority must be the host:port the page itself is served from
const remote = (p: string) => `vscode-remote://${new URL(opt.url).host}${resolve(p)}`;

async function main(): Promise<number> {
  const log = createWriteStream(opt.log);
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    let exit!: (code: number | string) => void;
    const exited = new Promise<number | string>((r) => (exit = r));
    await page.exposeFunction('codeAutomationLog', (type: string, a: unknown) => {
      log.write(`[${type}] ${format(...(Array.isArray(a) ? a : [a]))}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    page.on('pageerror', (e) => log.write(`[pageerror] ${e.message}\n`));
    page.on('crash', () => exit('page crashed'));
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(opt.ext)],
      ['extensionTestsPath', remote(opt.tests)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(`${opt.url}/?folder=${encodeURIComponent(resolve(opt.workspace))}&payload=${encodeURIComponent(payload)}`);
    const timer = setTimeout(() => exit(`no result after ${timeoutMs / 1000} s`), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    if (opt.shot) await page.screenshot({ path: opt.shot, animations: 'disabled' }).catch(() => undefined);
    console.log(`[ext-host ${elapsed(t0)}] exit: ${code} (log: ${opt.log})`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await new Promise((r) => log.end(r));
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`[ext-host] ${e.stack ?? e}`);
    try {
      console.error(readFileSync(opt.log, 'utf8').split('\n').slice(-40).join('\n'));
    } catch {
      /* no log yet */
    }
    process.exit(2);
  },
);
