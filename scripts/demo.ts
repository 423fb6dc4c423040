// `npm run demo`: the main job on the embedded default. Starts the sandbox world in .demo/ (the
// sample ConfigMgr site "Contoso", served over TDS with TLS on loopback, and the sandbox tenant, a
// local Graph-compatible server), then runs phase 1 on it: the preview, the import, the status.
// The plan it leaves names the world's folder, so it keeps working (in the CLI and in VS Code)
// after the demo ends. Run it again: everything is found in Intune by its marker and nothing is proposed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main, processIo } from '../src/cli/main';
import { openSandboxWorld, WORLD_PLAN_FILE, worldPlanText } from '../src/sandbox';

const root = join(__dirname, '..');
const demoDir = join(root, '.demo');
const planFile = join(demoDir, WORLD_PLAN_FILE);
const planArg = relative(root, planFile);

async function demo(): Promise<number> {
  mkdirSync(demoDir, { recursive: true });
  const say = (line: string) => processIo.out(`\n== ${line}`);
  say(
    'Starting the sandbox world in .demo/: the sample ConfigMgr site "Contoso" (SQL over TDS with TLS, loopback only) and the sandbox tenant (not Microsoft Graph)',
  );
  const world = await openSandboxWorld({ dir: demoDir });
  try {
    // An older demo left a plan that named a port of the site; the world's plan names the folder.
    if (!existsSync(planFile) || !readFileSync(planFile, 'utf8').includes('"world"'))
      writeFileSync(planFile, worldPlanText('Contoso hybrid MDM to Intune standalone (demo)'));
    const io = { ...processIo, cwd: root };

    say('Phase 1: preview and import into the sandbox tenant');
    const imported = await main(['import', '--plan', planArg, '--yes'], io);
    if (imported !== 0) return imported;

    say('Status: every ConfigMgr object and its Intune counterpart');
    const status = await main(['status', '--plan', planArg], io);
    processIo.out(
      `\nLeft in .demo/: the sandbox world (site, tenant, devices), the plan ${WORLD_PLAN_FILE} that names it, the journal and the report. ` +
        'Open the plan in VS Code, or run npm run demo again: nothing left to import.',
    );
    return status;
  } finally {
    await world.close();
  }
}

demo().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
