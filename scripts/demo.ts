// `npm run demo`: the main job on the embedded default. Starts the sandbox world in .demo/ (the
// sample ConfigMgr site "Contoso", served over TDS with TLS on loopback, and the sandbox tenant, a
// local Graph-compatible server), then runs phase 1 on it: the preview, the import, the status;
// then phase 2 for the wave "Pilot": blocking (unlicensed users, the NDES connector on ConfigMgr's
// certificate registration point), the licence fix the plan allows, the connector moved, ready.
// The plan it leaves names the world's folder, so it keeps working (in the CLI and in VS Code)
// after the demo ends. Run it again: everything is found in Intune by its marker and nothing is proposed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main, processIo } from '../src/cli/main';
import { openSandboxWorld, WORLD_PLAN_FILE, worldPlan, type OpenedWorld } from '../src/sandbox';

/** Three unlicensed users (with a usage location) and two licensed ones of the sample site. */
const PILOT = [
  'jose.odegard@contoso.com',
  'sofia.lindqvist@contoso.com',
  'annamaria.dubois@contoso.com',
  'bjorn.fernandez@contoso.com',
  'sofia.garcia@contoso.com',
];

/** The world's plan with a pilot wave and the licence phase 2 may assign (INTUNE_A: 25 seats). */
function demoPlanText(): string {
  const plan = worldPlan('Contoso hybrid MDM to Intune standalone (demo)');
  const full = { ...plan, prepare: { ...plan.prepare, assignLicenseSku: 'INTUNE_A' }, waves: [{ name: 'Pilot', users: PILOT }] };
  return `// Written by npm run demo: the sample site "Contoso" and the sandbox tenant of the sandbox world in this folder\n// (a rehearsal on this machine: not a real site, not Microsoft Graph).\n${JSON.stringify(full, null, 2)}\n`;
}

/**
 * The NDES connector as the demo stages it: "wrong" = the only active one runs on NDES01, ConfigMgr's
 * certificate registration point; "healthy" = as seeded (active on NDES02). A world another process
 * runs is driven over its admin API, which can only make the connectors inactive.
 */
async function stageNdes(opened: OpenedWorld, state: 'wrong' | 'healthy'): Promise<void> {
  if (opened.world) {
    if (state === 'healthy') opened.world.setConnectors({ ndes: 'healthy' });
    else
      opened.world.tenantServer.update((t) => {
        t.ndesConnectors = t.ndesConnectors.filter((c) => /ndes01/i.test(String(c.machineName))).map((c) => ({ ...c, state: 'active' }));
      });
    return;
  }
  await fetch(`${opened.tenant.url}/_sandbox/world/connectors`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ndes: state === 'healthy' ? 'healthy' : 'inactive' }),
  });
}

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
    if (
      !existsSync(planFile) ||
      !readFileSync(planFile, 'utf8').includes('"world"') ||
      !readFileSync(planFile, 'utf8').includes('"assignLicenseSku"')
    )
      writeFileSync(planFile, demoPlanText());
    const io = { ...processIo, cwd: root };

    say('Phase 1: preview and import into the sandbox tenant');
    const imported = await main(['import', '--plan', planArg, '--yes'], io);
    if (imported !== 0) return imported;

    say('Status: every ConfigMgr object and its Intune counterpart');
    const status = await main(['status', '--plan', planArg], io);
    if (status !== 0) return status;

    say('Phase 2: is Intune ready for wave "Pilot"? (the NDES connector was installed on ConfigMgr\'s certificate registration point)');
    await stageNdes(world, 'wrong');
    await main(['prepare', '--plan', planArg, '--wave', 'Pilot'], io);
    say('Phase 2: the fixes the plan allows (prepare.assignLicenseSku: INTUNE_A for the unlicensed pilot users)');
    await main(['prepare', '--plan', planArg, '--wave', 'Pilot', '--fix', '--yes'], io);
    say('Phase 2: the admin moves the NDES connector to NDES02; checked again');
    await stageNdes(world, 'healthy');
    const ready = await main(['prepare', '--plan', planArg, '--wave', 'Pilot'], io);
    processIo.out(
      `\nLeft in .demo/: the sandbox world (site, tenant, devices), the plan ${WORLD_PLAN_FILE} that names it, the journal and the report. ` +
        'Open the plan in VS Code, or run npm run demo again: nothing left to import, nothing left to fix.',
    );
    return ready;
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
