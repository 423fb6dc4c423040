// `npm run demo`: the main job on the embedded default. Starts the sandbox world in .demo/ (the
// sample ConfigMgr site "Contoso", served over TDS with TLS on loopback, and the sandbox tenant, a
// local Graph-compatible server), then runs phase 1 on it: the preview, the import, the status.
// The plan it leaves names the world's folder, so it keeps working (in the CLI and in VS Code)
// after the demo ends. Run it again: everything is found in Intune by its marker and nothing is proposed.
// Then phase 3's pilot wave: preflight, the runbook, the runbook applied by the world's simulated
// console (as the admin would run it on the site server), and verification until the devices moved.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main, processIo } from '../src/cli/main';
import { openSandboxWorld, WORLD_PLAN_FILE, worldPlan, worldPlanText } from '../src/sandbox';
import type { SandboxWorld } from '../src/sandbox/world';
import { INTUNE_A_PLAN } from '../src/sandbox/world';
import { applyRunbook } from '../src/sandbox/world/runbook';

const PILOT = 'Pilot';

/** Three users of the subscription collection, licensed, whose devices are online and follow them. */
function pilotUsers(world: SandboxWorld, subscription: string): string[] {
  const members = new Set(world.console.members(subscription));
  const users = world.tenantServer.peek().users;
  const byUser = new Map<number, ReturnType<SandboxWorld['state']>['devices']>();
  for (const d of world.state().devices)
    if (d.userResourceId !== null) byUser.set(d.userResourceId, [...(byUser.get(d.userResourceId) ?? []), d]);
  const out: string[] = [];
  for (const [resourceId, devices] of byUser) {
    if (!members.has(resourceId) || devices.some((d) => d.dem || d.checkInIntervalMs === null)) continue;
    const upn = world.console.getUser(resourceId)?.upn;
    const user = upn && users.find((u) => String(u.userPrincipalName).toLowerCase() === upn.toLowerCase());
    const plans = (user ? (user.assignedPlans ?? []) : []) as { servicePlanId?: string; capabilityStatus?: string }[];
    if (user && plans.some((p) => p.servicePlanId === INTUNE_A_PLAN && p.capabilityStatus === 'Enabled'))
      out.push(String(user.userPrincipalName));
    if (out.length === 3) break;
  }
  return out;
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
    if (!existsSync(planFile) || !readFileSync(planFile, 'utf8').includes('"world"'))
      writeFileSync(planFile, worldPlanText('Contoso hybrid MDM to Intune standalone (demo)'));
    const io = { ...processIo, cwd: root };

    say('Phase 1: preview and import into the sandbox tenant');
    const imported = await main(['import', '--plan', planArg, '--yes'], io);
    if (imported !== 0) return imported;

    say('Status: every ConfigMgr object and its Intune counterpart');
    const status = await main(['status', '--plan', planArg], io);
    if (status !== 0) return status;

    const started = world.world;
    if (started && !readFileSync(planFile, 'utf8').includes('"waves"')) {
      const plan = worldPlan('Contoso hybrid MDM to Intune standalone (demo)');
      const waves = [{ name: PILOT, users: pilotUsers(started, plan.subscriptionCollection), verifyTimeoutMinutes: 2 }];
      writeFileSync(planFile, worldPlanText(plan.name).replace(/\n}\n$/, `,\n  "waves": ${JSON.stringify(waves)}\n}\n`));
    }
    say('Phase 3: preflight of the pilot wave');
    const preflight = await main(['wave', 'preflight', '--plan', planArg, '--wave', PILOT], io);
    if (preflight !== 0) return preflight;
    say("Phase 3: the pilot wave's runbook, for the site server (.demo/pilot.ps1)");
    const runbook = await main(
      ['wave', 'runbook', '--plan', planArg, '--wave', PILOT, '-o', relative(root, join(demoDir, 'pilot.ps1'))],
      io,
    );
    if (runbook !== 0) return runbook;
    if (started) {
      say("The runbook applied by the sandbox world's simulated ConfigMgr console (on a real site: the admin runs it)");
      const result = await applyRunbook(readFileSync(join(demoDir, 'pilot.ps1'), 'utf8'), started.console);
      processIo.out(
        result.outcome === 'refused' ? `refused: ${result.reason}` : `${result.outcome}: ${result.changes} change(s) on the site`,
      );
      if (result.outcome !== 'completed') return 1;
    }
    say("Phase 3: verification on both sides until the pilot's devices are managed by Intune");
    const verified = await main(['wave', 'verify', '--plan', planArg, '--wave', PILOT, '--watch', '--interval', '2'], io);
    processIo.out(
      `\nLeft in .demo/: the sandbox world (site, tenant, devices), the plan ${WORLD_PLAN_FILE} that names it, the journal and the report. ` +
        'Open the plan in VS Code, or run npm run demo again: nothing left to import, and the pilot wave stays verified.',
    );
    return verified;
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
