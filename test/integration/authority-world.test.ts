// Phase 4 (the MDM authority change) on the sandbox world, through the CLI in-process: each
// preflight finding failing and passing; the guide's checklist interrupted and resumed; verify
// after the wizard's "change authority" path ends verified, after "remove subscription" it
// reports the loss first. The wizard is the world's simulated console: the product never switches.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/cli';
import { main } from '../../src/cli/main';
import { REMOVE_OPTION } from '../../src/core/phases/authority';
import type { SandboxWorld } from '../../src/sandbox/world/index';
import { INTUNE_A_PLAN } from '../../src/sandbox/world/index';
import { CONTOSO_SQL } from '../../src/sandbox/site/contoso/generate';
import { excludeWave, isLicensed, openWorld, removeDir, SUBSCRIPTION, tempDir, worldPlan } from './sandbox-world-support';

interface Run {
  code: number;
  out: string;
  err: string;
}
interface Check {
  id: string;
  state: string;
  summary: string;
  evidence: string[];
  instructions?: string;
}

const HOUR = 3_600_000;

function harness() {
  const ctx = { dir: '', world: undefined as unknown as SandboxWorld };
  const planFile = 'p.migration.json';
  const writePlan = (extra: Record<string, unknown> = {}) => {
    const { world } = ctx;
    const plan = worldPlan(world, 'authority test', extra);
    writeFileSync(join(ctx.dir, planFile), JSON.stringify(plan, null, 2));
  };
  const cli = async (...args: string[]): Promise<Run> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      cwd: ctx.dir,
      env: { CM2INTUNE_SQL_PASSWORD: ctx.world.site.password },
      // No terminal: the guide asks nothing and stops where it is.
      confirm: async () => undefined,
    };
    const code = await main([...args.slice(0, 2), '--plan', planFile, ...args.slice(2)], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const preflight = async () => {
    const run = await cli('authority', 'preflight', '--json');
    const json = JSON.parse(run.out) as {
      ready: boolean;
      checks: Check[];
      switching: { id: string }[];
      notMigrating: { deviceName: string; reason: string }[];
    };
    return { code: run.code, json, check: (id: string) => json.checks.find((c) => c.id === id)! };
  };
  /** Everyone left in the subscription collection licensed, with a usage location; the unsynced users excluded. */
  const licenceEveryone = () => {
    const { world } = ctx;
    world.tenantServer.update((t) => {
      for (const u of t.users) {
        u.usageLocation ??= 'US';
        const plans = (u.assignedPlans ?? []) as { servicePlanId: string; capabilityStatus: string }[];
        if (!isLicensed(u))
          u.assignedPlans = [
            ...plans,
            { servicePlanId: INTUNE_A_PLAN, capabilityStatus: 'Enabled', service: 'SCO', assignedDateTime: '2019-08-01T00:00:00Z' },
          ];
      }
    });
    const upns = new Set(world.tenantServer.peek().users.map((u) => String(u.userPrincipalName).toLowerCase()));
    const unsynced = world.console.members(SUBSCRIPTION).filter((id) => {
      const user = world.console.getUser(id);
      return user && !(user.upn && upns.has(user.upn.toLowerCase()));
    });
    if (unsynced.length) excludeWave(world, 'not synced to Entra ID', unsynced);
  };
  return { ctx, writePlan, cli, preflight, licenceEveryone };
}

describe('cm2intune authority on the sandbox world: preflight and guide', () => {
  const h = harness();
  let admin: string;
  let unlicensedAdmin: string;

  before(async () => {
    h.ctx.dir = tempDir();
    h.ctx.world = await openWorld(h.ctx.dir);
    const users = h.ctx.world.tenantServer.peek().users;
    admin = String(users.find((u) => isLicensed(u))!.userPrincipalName);
    unlicensedAdmin = String(users.find((u) => !isLicensed(u))!.userPrincipalName);
  });
  after(async () => {
    await h.ctx.world?.close();
    removeDir(h.ctx.dir);
  });

  it('fails each finding on the hybrid world as found, naming what to do', async () => {
    const { world } = h.ctx;
    const member = world.console.getUser(world.console.members(SUBSCRIPTION)[0])!;
    h.writePlan({ waves: [{ name: 'Pilot', users: [member.upn ?? member.uniqueName] }] });
    const { code, json, check } = await h.preflight();
    assert.equal(code, 1);
    assert.equal(json.ready, false);
    assert.equal(check('site-version').state, 'ok');
    assert.match(check('site-version').summary, /8853/);
    assert.equal(check('tenant-authority').state, 'ok');
    // Phase 2's licence check, on the users still in the subscription collection.
    assert.equal(check('licences').state, 'blocking');
    assert.match(check('licences').evidence.join('\n'), /subscription collection P0100014/);
    assert.equal(check('admin').state, 'blocking');
    assert.match(check('admin').instructions!, /"authority": \{"admin"/);
    assert.equal(check('waves').state, 'blocking');
    assert.match(check('waves').summary, /"Pilot"/);
    // The world's DEP/bulk devices without a user and the DEM's reception iPads won't switch.
    assert.equal(check('devices-not-migrating').state, 'warning');
    assert.ok(json.notMigrating.some((d) => d.deviceName === 'RECEPTION-IPAD-01' && /device enrollment manager/.test(d.reason)));
    assert.ok(json.notMigrating.some((d) => /no user/.test(d.reason)));
    assert.equal(check('dep').state, 'warning');
    assert.match(check('dep').instructions!, /Before: delete the Apple DEP device records/);
    assert.equal(check('vpp').state, 'warning');
    assert.match(check('vpp').evidence.join('\n'), /Contoso Ltd/);
    assert.equal(check('enrollment-restrictions').state, 'warning');
    assert.match(check('enrollment-restrictions').evidence.join('\n'), /androidForWork/);
    assert.equal(check('dem').state, 'warning');
    assert.match(check('dem').evidence.join('\n'), /francois\.macdonald@contoso\.com: 3 device/);
    assert.ok(json.switching.length > 300, `${json.switching.length} devices switch`);
    assert.match(check('devices-switching').summary, new RegExp(`^${json.switching.length} hybrid device`));

    h.writePlan({ authority: { admin: unlicensedAdmin } });
    assert.match((await h.preflight()).check('admin').summary, /holds no enabled Intune service plan/);
  });

  it('passes when every finding is dealt with, and the guide walks in order, resuming where it was', async () => {
    const { world } = h.ctx;
    const member = world.console.getUser(world.console.members(SUBSCRIPTION)[0])!;
    h.licenceEveryone();
    // DEP, VPP and the restrictions dealt with: their findings turn ok.
    world.tenantServer.update((t) => {
      t.depOnboardingSettings = [];
      t.vppTokens = [];
      t.deviceEnrollmentConfigurations = [];
    });
    h.writePlan({ waves: [{ name: 'Pilot', users: [member.upn ?? member.uniqueName] }], authority: { admin, skipWaves: ['Pilot'] } });

    // The guide before a passed preflight: its first step stays open.
    const early = await h.cli('authority', 'guide', '--confirm-step', 'open-wizard');
    assert.equal(early.code, 1);
    assert.match(early.err, /comes later: the next step is "preflight"/);

    const { code, json, check } = await h.preflight();
    assert.equal(code, 0, JSON.stringify(json.checks.filter((c) => c.state === 'blocking')));
    for (const id of ['licences', 'admin', 'waves', 'dep', 'vpp', 'enrollment-restrictions']) assert.equal(check(id).state, 'ok', id);
    assert.match(check('waves').evidence.join('\n'), /skipped in the plan/);

    assert.equal((await h.cli('authority', 'guide', '--confirm-step', 'preflight')).code, 0);
    assert.equal((await h.cli('authority', 'guide', '--confirm-step', 'before-switch')).code, 0);
    // Interrupted here; reopened (a new session), the guide resumes at the wizard.
    const reopened = await h.cli('authority', 'guide', '--json');
    const state = JSON.parse(reopened.out) as { next: { id: string }; steps: { id: string; done: boolean }[] };
    assert.equal(state.next.id, 'open-wizard');
    assert.deepEqual(
      state.steps.map((s) => s.done),
      [true, true, false, false, false],
    );
    const text = await h.cli('authority', 'guide');
    assert.match(text.out, /\[x\] 1\. The preflight passes/);
    assert.match(text.out, /open-wizard\) {2}<- next/);
    assert.match(text.out, new RegExp(`!! DO NOT CHOOSE "${REMOVE_OPTION}"`));
    assert.match(text.out, /DELETES the subscription's content/);

    assert.equal((await h.cli('authority', 'guide', '--confirm-step', 'open-wizard')).code, 0);
    assert.equal((await h.cli('authority', 'guide', '--confirm-step', 'choose-change')).code, 0);
    // The last step: the tenant's name typed, as it is.
    const noName = await h.cli('authority', 'guide', '--confirm-step', 'sign-in-finish');
    assert.equal(noName.code, 1);
    assert.match(noName.err, /type the tenant's name: --tenant-name "Contoso"/);
    const wrong = await h.cli('authority', 'guide', '--confirm-step', 'sign-in-finish', '--tenant-name', 'Fabrikam');
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /"Fabrikam" is not this tenant's name/);
    const done = await h.cli('authority', 'guide', '--confirm-step', 'sign-in-finish', '--tenant-name', 'contoso');
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /Every step is done/);
    // The product switched nothing: the wizard is the admin's.
    assert.equal(world.state().subscription, 'active');

    world.wizard.changeAuthorityToIntune();
    const after = await h.preflight();
    assert.equal(after.check('tenant-authority').state, 'blocking');
    assert.match(after.check('tenant-authority').summary, /already Microsoft Intune/);
  });
});

describe('cm2intune authority preflight on a site older than 1610', () => {
  const h = harness();
  before(async () => {
    h.ctx.dir = tempDir();
    // The sample site as a 1606 site (build 8412): its v_Site row says so.
    const fixture = join(h.ctx.dir, 'site-1606.sql');
    const sql = readFileSync(CONTOSO_SQL, 'utf8').replace("2, 8853, '5.00.8853.1000')", "2, 8412, '5.00.8412.1000')");
    assert.ok(sql.includes('8412'));
    writeFileSync(fixture, sql);
    h.ctx.world = await openWorld(join(h.ctx.dir, 'world'), { fixtureFile: fixture });
    h.writePlan();
  });
  after(async () => {
    await h.ctx.world?.close();
    removeDir(h.ctx.dir);
  });

  it('blocks on the site version read from v_Site.BuildNumber', async () => {
    const { code, check } = await h.preflight();
    assert.equal(code, 1);
    assert.equal(check('site-version').state, 'blocking');
    assert.match(check('site-version').summary, /build 8412 is older than 1610 \(8458\)/);
    assert.match(check('site-version').instructions!, /Update the site to ConfigMgr 1610 or later/);
  });
});

describe('cm2intune authority verify on the sandbox world', () => {
  for (const path of ['change', 'remove'] as const) {
    describe(`after the wizard's "${path === 'change' ? 'change authority' : 'remove subscription'}" path`, () => {
      const h = harness();
      before(async () => {
        h.ctx.dir = tempDir();
        h.ctx.world = await openWorld(h.ctx.dir);
        h.writePlan();
      });
      after(async () => {
        await h.ctx.world?.close();
        removeDir(h.ctx.dir);
      });

      it(
        path === 'change'
          ? 'counts devices as they check in, names those that did not, ends verified'
          : 'says first and loudly that the content was removed',
        async () => {
          const { world } = h.ctx;
          const { json } = await h.preflight(); // records the devices that should switch
          const before = await h.cli('authority', 'verify', '--json');
          assert.equal(before.code, 1);
          assert.equal(JSON.parse(before.out).state, 'notSwitched');

          if (path === 'remove') {
            world.wizard.removeSubscription();
            const run = await h.cli('authority', 'verify');
            assert.equal(run.code, 1);
            const first = run.out.split('\n')[0];
            assert.match(first, /^!!! THE INTUNE SUBSCRIPTION WAS REMOVED, NOT SWITCHED/);
            assert.match(first, new RegExp(`${json.switching.length} of ${json.switching.length} device\\(s\\) were unenrolled`));
            assert.match(run.out, /GONE: /);
            assert.equal(JSON.parse((await h.cli('authority', 'verify', '--json')).out).state, 'removed');
            return;
          }

          world.wizard.changeAuthorityToIntune();
          world.clock.advance(HOUR);
          const early = JSON.parse((await h.cli('authority', 'verify', '--json')).out);
          assert.equal(early.state, 'switching');
          assert.equal(early.expected, json.switching.length);
          assert.ok(early.switched > 0 && early.switched < early.expected, `${early.switched} of ${early.expected}`);

          // Eight hours on, the offline devices are still waiting, and named.
          world.clock.advance(8 * HOUR);
          const waiting = await h.cli('authority', 'verify');
          assert.equal(waiting.code, 1);
          assert.match(waiting.out, /^Switching: the MDM authority is Intune/);
          const offline = world
            .state()
            .devices.filter((d) => d.checkInIntervalMs === null && !d.dem && d.userResourceId !== null && d.authority !== 'intune');
          assert.ok(offline.length > 0);
          assert.match(waiting.out, new RegExp(`not switched: ${offline[0].deviceName.replace(/[()]/g, '.')}`));

          for (const d of offline) world.checkIn(d.managedDeviceId);
          const watched = await h.cli('authority', 'verify', '--watch', '--interval', '1', '--timeout', '1', '--json');
          const v = JSON.parse(watched.out);
          assert.equal(watched.code, 0, watched.out.slice(0, 2000));
          assert.equal(v.state, 'verified');
          assert.equal(v.switched, json.switching.length);
          assert.ok(v.policies.every((p: { ok: boolean }) => p.ok));
        },
      );
    });
  }
});
