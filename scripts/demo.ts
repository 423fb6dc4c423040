// `npm run demo`: the main job on the embedded default. Starts the sandbox world in .demo/ (the
// sample ConfigMgr site "Contoso", served over TDS with TLS on loopback, and the sandbox tenant, a
// local Graph-compatible server), then runs phase 1 on it: the preview, the import, the status;
// then phase 2 for the wave "Pilot": blocking (unlicensed users, the NDES connector on ConfigMgr's
// certificate registration point), the licence fix the plan allows, the connector moved, ready.
// The plan it leaves names the world's folder, so it keeps working (in the CLI and in VS Code)
// after the demo ends. Run it again: everything is found in Intune by its marker and nothing is proposed.
// Then phase 3 on the wave "Wave 1" (licensed users whose devices are online): preflight, the runbook,
// the runbook applied by the world's simulated console (as the admin would run it on the site server),
// and verification until the devices moved.
// Then phase 4, the MDM authority change: the preflight (blocking: users left in the subscription
// collection without a licence), the admin's fixes, the guide's checklist, the wizard's "Change MDM
// Authority to Microsoft Intune" made in the world's simulated console (the product never switches
// the tenant), the last step confirmed by typing the tenant's name, and verification.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main, processIo } from '../src/cli/main';
import { openSandboxWorld, WORLD_PLAN_FILE, worldPlan, type OpenedWorld } from '../src/sandbox';
import type { SandboxWorld } from '../src/sandbox/world';
import { INTUNE_A_PLAN } from '../src/sandbox/world';
import { applyRunbook } from '../src/sandbox/world/runbook';

/** The wave phase 3 moves in the demo. */
const WAVE = 'Wave 1';

/** The admin who makes the switch in phase 4: a licensed user of the sample tenant. */
const ADMIN = 'bjorn.fernandez@contoso.com';

/** Three unlicensed users (with a usage location) and two licensed ones of the sample site. */
const PILOT = [
  'jose.odegard@contoso.com',
  'sofia.lindqvist@contoso.com',
  'annamaria.dubois@contoso.com',
  'bjorn.fernandez@contoso.com',
  'sofia.garcia@contoso.com',
];

/**
 * The world's plan with the licence phase 2 may assign (INTUNE_A: 25 seats), the wave "Pilot" phase 2
 * prepares and, when this process runs the world, the wave "Wave 1" phase 3 moves.
 */
function demoPlanText(world: SandboxWorld | undefined): string {
  const plan = worldPlan('Contoso hybrid MDM to Intune standalone (demo)');
  const waves: { name: string; users: string[]; verifyTimeoutMinutes?: number }[] = [{ name: 'Pilot', users: PILOT }];
  if (world) waves.push({ name: WAVE, users: pilotUsers(world, plan.subscriptionCollection, PILOT), verifyTimeoutMinutes: 2 });
  // Phase 4: the admin who signs in to the wizard (licensed), and "Pilot", prepared but not moved, moves with the switch.
  const authority = { admin: ADMIN, skipWaves: ['Pilot'] };
  const full = { ...plan, prepare: { ...plan.prepare, assignLicenseSku: 'INTUNE_A' }, waves, authority };
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

/** Three users of the subscription collection, licensed, whose devices are online and follow them. */
function pilotUsers(world: SandboxWorld, subscription: string, taken: string[]): string[] {
  const members = new Set(world.console.members(subscription));
  const users = world.tenantServer.peek().users;
  const byUser = new Map<number, ReturnType<SandboxWorld['state']>['devices']>();
  for (const d of world.state().devices)
    if (d.userResourceId !== null) byUser.set(d.userResourceId, [...(byUser.get(d.userResourceId) ?? []), d]);
  const out: string[] = [];
  for (const [resourceId, devices] of byUser) {
    if (!members.has(resourceId) || devices.some((d) => d.dem || d.checkInIntervalMs === null)) continue;
    const upn = world.console.getUser(resourceId)?.upn;
    const user = upn ? users.find((u) => String(u.userPrincipalName).toLowerCase() === upn.toLowerCase()) : undefined;
    const plans = (user ? (user.assignedPlans ?? []) : []) as { servicePlanId?: string; capabilityStatus?: string }[];
    const name = typeof user?.userPrincipalName === 'string' ? user.userPrincipalName : '';
    if (
      user &&
      !taken.includes(name.toLowerCase()) &&
      plans.some((p) => p.servicePlanId === INTUNE_A_PLAN && p.capabilityStatus === 'Enabled')
    )
      out.push(name);
    if (out.length === 3) break;
  }
  return out;
}

/**
 * What the admin does before the switch, staged in the world: every user left in the subscription
 * collection licensed with a usage location; users never synced to Entra ID taken out of it.
 */
function stageLicences(world: SandboxWorld, subscription: string): void {
  world.tenantServer.update((t) => {
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
  const upns = new Set(world.tenantServer.peek().users.map((u) => String(u.userPrincipalName).toLowerCase()));
  const unsynced = world.console.members(subscription).filter((id) => {
    const upn = world.console.getUser(id)?.upn;
    return !upn || !upns.has(upn.toLowerCase());
  });
  if (!unsynced.length) return;
  const keep = world.console.newCollection({ name: 'Not synced to Entra ID', type: 'user', limitToCollectionId: 'SMS00002' });
  for (const id of unsynced) world.console.addDirectRule(keep.collectionId, id);
  world.console.addExcludeRule(subscription, keep.collectionId);
}

/** Phase 4 on the world: preflight, the admin's fixes, the guide, the wizard in the simulated console, verification. */
async function phase4(opened: OpenedWorld, io: typeof processIo): Promise<number> {
  const say = (line: string) => processIo.out(`\n== ${line}`);
  const world = opened.world;
  const authority = (...args: string[]) => main(['authority', args[0], '--plan', planArg, ...args.slice(1)], io);
  if (!world) {
    say('Phase 4 needs the sandbox world in this process (another process runs it): verification only');
    return authority('verify');
  }
  if (world.state().subscription === 'active') {
    say('Phase 4: can the tenant switch its MDM authority to Intune? (users are still in the subscription collection without a licence)');
    await authority('preflight');
    say(
      'Phase 4: the admin licenses the users left in the subscription collection and takes out those never synced to Entra ID; checked again',
    );
    stageLicences(world, worldPlan('').subscriptionCollection);
    const ready = await authority('preflight');
    if (ready !== 0) return ready;
    say('Phase 4: the guide, a checklist kept in the journal (steps confirmed as the admin makes them)');
    await authority('guide');
    for (const step of ['preflight', 'before-switch', 'open-wizard']) {
      const code = await authority('guide', '--confirm-step', step);
      if (code !== 0) return code;
    }
    const chosen = await authority('guide', '--confirm-step', 'choose-change');
    if (chosen !== 0) return chosen;
    say(
      'The sandbox world\'s simulated ConfigMgr console: the delete wizard, "Change MDM Authority to Microsoft Intune" (on a real site: the admin, in the console)',
    );
    world.wizard.changeAuthorityToIntune();
    processIo.out(`subscription: ${world.state().subscription}`);
    say("Phase 4: the last step, confirmed by typing the tenant's name");
    const finished = await authority('guide', '--confirm-step', 'sign-in-finish', '--tenant-name', 'Contoso');
    if (finished !== 0) return finished;
    say('Phase 4: verification right after the switch: online devices check in at once, offline ones when they connect');
    await authority('verify');
    say('The offline devices come back online and check in');
    for (const d of world.state().devices) if (d.checkInIntervalMs === null && !d.removed) world.checkIn(d.managedDeviceId);
  }
  say('Phase 4: verification until every device the preflight expected has switched');
  return authority('verify', '--watch', '--interval', '2', '--timeout', '2');
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
      !readFileSync(planFile, 'utf8').includes('"assignLicenseSku"') ||
      !readFileSync(planFile, 'utf8').includes(`"${WAVE}"`) ||
      !readFileSync(planFile, 'utf8').includes('"authority"')
    )
      writeFileSync(planFile, demoPlanText(world.world));
    const io = { ...processIo, cwd: root };

    say('Phase 1: preview and import into the sandbox tenant');
    const imported = await main(['import', '--plan', planArg, '--yes'], io);
    if (imported !== 0) return imported;

    say('Status: every ConfigMgr object and its Intune counterpart');
    const status = await main(['status', '--plan', planArg], io);
    if (status !== 0) return status;

    // A demo run before switched the tenant: phases 2 and 3 are behind it (phase 2 checks a hybrid tenant).
    if (world.world && world.world.state().subscription !== 'active') {
      say('The tenant already left hybrid MDM (phase 4 ran before): phases 2 and 3 are behind it');
      const again = await phase4(world, io);
      processIo.out(
        `\nLeft in .demo/: the sandbox world, the plan ${WORLD_PLAN_FILE} that names it, the journal, the report and the runbook.`,
      );
      return again;
    }

    say('Phase 2: is Intune ready for wave "Pilot"? (the NDES connector was installed on ConfigMgr\'s certificate registration point)');
    await stageNdes(world, 'wrong');
    await main(['prepare', '--plan', planArg, '--wave', 'Pilot'], io);
    say('Phase 2: the fixes the plan allows (prepare.assignLicenseSku: INTUNE_A for the unlicensed pilot users)');
    await main(['prepare', '--plan', planArg, '--wave', 'Pilot', '--fix', '--yes'], io);
    say('Phase 2: the admin moves the NDES connector to NDES02; checked again');
    await stageNdes(world, 'healthy');
    const ready = await main(['prepare', '--plan', planArg, '--wave', 'Pilot'], io);
    if (ready !== 0) return ready;

    say(`Phase 3: preflight of the wave "${WAVE}"`);
    const preflight = await main(['wave', 'preflight', '--plan', planArg, '--wave', WAVE], io);
    if (preflight !== 0) return preflight;
    say(`Phase 3: the runbook of "${WAVE}", for the site server (.demo/wave-1.ps1)`);
    const runbook = await main(
      ['wave', 'runbook', '--plan', planArg, '--wave', WAVE, '-o', relative(root, join(demoDir, 'wave-1.ps1'))],
      io,
    );
    if (runbook !== 0) return runbook;
    if (world.world) {
      say("The runbook applied by the sandbox world's simulated ConfigMgr console (on a real site: the admin runs it)");
      const result = await applyRunbook(readFileSync(join(demoDir, 'wave-1.ps1'), 'utf8'), world.world.console);
      processIo.out(
        result.outcome === 'refused' ? `refused: ${result.reason}` : `${result.outcome}: ${result.changes} change(s) on the site`,
      );
      if (result.outcome !== 'completed') return 1;
    }
    say(`Phase 3: verification on both sides until the devices of "${WAVE}" are managed by Intune`);
    const verified = await main(['wave', 'verify', '--plan', planArg, '--wave', WAVE, '--watch', '--interval', '2'], io);
    if (verified !== 0) return verified;

    const switched = await phase4(world, io);
    processIo.out(
      `\nLeft in .demo/: the sandbox world (site, tenant, devices), the plan ${WORLD_PLAN_FILE} that names it, the journal, the report and the runbook. ` +
        'Open the plan in VS Code, or run npm run demo again: nothing left to import, nothing left to fix, the wave stays verified and the tenant stays switched.',
    );
    return switched;
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
