// The same extension-host suite under @vscode/test-electron, for machines that can download a
// VS Code desktop build. Where update.code.visualstudio.com is out of reach (as here), or
// CM2INTUNE_SKIP_ELECTRON=1, it prints one line and exits 0: code-server runs the suite instead
// (npm run test:e2e).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { writeContosoSnapshot } from './site-snapshot';

const ROOT = resolve(__dirname, '../..');
const UPDATE_HOST = 'update.code.visualstudio.com';

function reachable(host: string, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((done) => {
    const req = request({ host, path: '/api/releases/stable', method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      done(undefined);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    req.end();
  });
}

async function main(): Promise<number> {
  if (process.env.CM2INTUNE_SKIP_ELECTRON === '1') {
    console.log('test:electron skipped: CM2INTUNE_SKIP_ELECTRON=1 (npm run test:e2e runs the suite in code-server)');
    return 0;
  }
  const why = await reachable(UPDATE_HOST);
  if (why) {
    console.log(`test:electron skipped: ${UPDATE_HOST} unreachable (${why}); npm run test:e2e runs the same suite in code-server`);
    return 0;
  }
  const e2e = process.env.E2E_DIR ?? join(ROOT, '.e2e');
  const ws = join(e2e, 'ws', 'electron');
  const result = join(e2e, 'logs', 'electron-result.txt');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['test/e2e/build-suite.mjs'], { cwd: ROOT, stdio: 'inherit' });
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(join(e2e, 'logs'), { recursive: true });
  cpSync(join(ROOT, 'test/e2e/fixtures/ws'), ws, { recursive: true });
  await writeContosoSnapshot(ws);
  rmSync(result, { force: true });
  try {
    await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(ROOT, 'out/e2e/suite/index.js'),
      extensionTestsEnv: { CM2INTUNE_E2E_RESULT: result },
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    });
  } catch (e) {
    console.error(`test:electron: ${(e as Error).message}`);
  }
  let summary = '0 passed, 1 failed';
  try {
    summary = readFileSync(result, 'utf8').trim().split('\n').pop()!;
  } catch {
    /* the suite never ran */
  }
  console.log(summary);
  return /^\d+ passed, 0 failed$/.test(summary) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`test:electron: ${e.stack ?? e}`);
    process.exit(1);
  },
);
