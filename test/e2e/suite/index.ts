// Entry point VS Code loads as extensionTestsPath, inside the real extension host: runs every
// *.e2e.js bundle beside it with mocha and writes a result file the harness reads
// (`ok - ...` / `not ok - ...` lines, then `N passed, N failed`).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000 });
  // E2E_EXT_FILES (run.sh passes it on): a regular expression over the file names, to rerun some.
  const only = process.env.E2E_EXT_FILES ? new RegExp(process.env.E2E_EXT_FILES) : undefined;
  for (const name of readdirSync(__dirname).sort()) {
    if (name.endsWith('.e2e.js') && (!only || only.test(name))) mocha.addFile(join(__dirname, name));
  }
  const resultFile = process.env.CM2INTUNE_E2E_RESULT;
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      lines.push(`${runner.stats?.passes ?? 0} passed, ${runner.stats?.failures ?? 0} failed`);
      if (resultFile) writeFileSync(resultFile, lines.join('\n') + '\n');
      if (failures) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => lines.push(`ok - ${t.fullTitle()}`));
    runner.on('fail', (t, err: Error) => lines.push(`not ok - ${t.fullTitle()}: ${err?.message?.split('\n')[0]}`));
  });
}
