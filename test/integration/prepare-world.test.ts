// Phase 2 (prepare) on the sandbox world: each check in its failing and passing form, driven
// through the CLI in-process (`main`); the licence fix never assigns more seats than are free nor
// touches a user outside the plan, and a second --fix proposes nothing.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SandboxWorld } from '../../src/sandbox/world/index';
import { graph, isLicensed, openWorld, preparePlan, removeDir, tempDir, worldCli } from './sandbox-world-support';

interface JsonCheck {
  id: string;
  state: string;
  evidence: string[];
}

describe('cm2intune prepare on the sandbox world', () => {
  let dir: string;
  let world: SandboxWorld;
  const planFile = 'p.migration.json';

  function writePlan(extra: Record<string, unknown> = {}, prepare: Record<string, unknown> = {}) {
    const plan = preparePlan(world, 'prepare test', prepare, extra);
    writeFileSync(join(dir, planFile), JSON.stringify(plan, null, 2));
  }

  const cli = (...args: string[]) => worldCli(world, dir, ...args);

  async function checks(...args: string[]): Promise<{
    code: number;
    json: { ready: boolean; checks: JsonCheck[]; fixes: { id: string; title: string; request: { path: string; body: any } }[] };
  }> {
    const run = await cli('prepare', '--plan', planFile, '--json', ...args);
    return { code: run.code, json: JSON.parse(run.out) };
  }
  const state = (json: { checks: JsonCheck[] }, id: string) => json.checks.find((c) => c.id === id)!.state;

  async function users(): Promise<any[]> {
    const r = await graph(world, 'GET', '/v1.0/users?$select=id,userPrincipalName,usageLocation,assignedPlans,assignedLicenses&$top=999');
    return r.body.value;
  }

  before(async () => {
    dir = tempDir();
    world = await openWorld(dir);
    writePlan();
    // Phase 1 first: phase 2 checks what it left behind.
    const imported = await cli('import', '--plan', planFile, '--yes');
    assert.ok(imported.code === 0 || imported.code === 1, imported.err);
  });
  after(async () => {
    await world?.close();
    removeDir(dir);
  });

  it('passes a wave of licensed users and fails one with an unlicensed user, naming them', async () => {
    const all = await users();
    const licensed = all
      .filter((u) => isLicensed(u) && u.usageLocation)
      .slice(0, 2)
      .map((u) => u.userPrincipalName);
    const unlicensed = all.find((u) => !isLicensed(u) && u.usageLocation).userPrincipalName;
    writePlan({
      waves: [
        { name: 'Pilot', users: licensed },
        { name: 'Second', users: [unlicensed] },
      ],
    });
    const pilot = await checks('--wave', 'Pilot');
    assert.equal(state(pilot.json, 'licences'), 'ok');
    const second = await checks('--wave', 'Second');
    assert.equal(state(second.json, 'licences'), 'blocking');
    assert.equal(second.code, 1);
    assert.ok(second.json.checks.find((c) => c.id === 'licences')!.evidence.some((e) => e.includes(unlicensed)));
    // No SKU in the plan: no fix is proposed.
    assert.equal(second.json.fixes.length, 0);
    const unknownWave = await cli('prepare', '--plan', planFile, '--wave', 'Nope');
    assert.equal(unknownWave.code, 2);
    assert.match(unknownWave.err, /no wave named "Nope".*"Pilot"/);
  });

  it('NDES: blocking when no connector is active, ok when one is; Exchange: blocking when absent and required', async () => {
    writePlan({}, { requireExchangeConnector: true });
    world.setConnectors({ ndes: 'inactive', exchange: 'absent' });
    const down = await checks();
    assert.equal(state(down.json, 'ndes-connector'), 'blocking');
    assert.equal(state(down.json, 'exchange-connector'), 'blocking');
    world.setConnectors({ ndes: 'healthy', exchange: 'healthy' });
    const up = await checks();
    assert.equal(state(up.json, 'ndes-connector'), 'ok');
    assert.equal(state(up.json, 'exchange-connector'), 'ok');
    assert.equal(state(up.json, 'tenant'), 'ok');
    // The world's terms moved to Intune with the tenant, unassigned: a warning, not a block.
    assert.equal(state(up.json, 'terms'), 'warning');
  });

  it("SCEP URL: an imported profile pointing elsewhere gets the plan's URL with --fix", async () => {
    const url = 'https://ndes-intune.contoso.com/certsrv/mscep/mscep.dll';
    writePlan({}, { scepServerUrl: url });
    const before = await checks();
    assert.equal(state(before.json, 'scep-url'), 'warning');
    const scepFixes = before.json.fixes.filter((f) => f.id.startsWith('scep-url:'));
    assert.ok(scepFixes.length > 0);
    assert.ok(scepFixes.every((f) => f.request.body.scepServerUrls[0] === url));
    // --json with fixes that run: one document, the table after them.
    const fixedJson = await checks('--fix', '--yes');
    assert.equal(state(fixedJson.json, 'scep-url'), 'ok');
    const afterFix = await checks();
    assert.equal(state(afterFix.json, 'scep-url'), 'ok');
    assert.deepEqual(
      afterFix.json.fixes.filter((f) => f.id.startsWith('scep-url:')),
      [],
    );
  });

  it('licence fix: never more seats than are free, only users of the plan, and a second --fix proposes nothing', async () => {
    writePlan({}, { assignLicenseSku: 'INTUNE_A' });
    const skusBefore = (await graph(world, 'GET', '/v1.0/subscribedSkus')).body.value;
    const intuneA = skusBefore.find((s: any) => s.skuPartNumber === 'INTUNE_A');
    const free = intuneA.prepaidUnits.enabled - intuneA.consumedUnits;
    const first = await checks('--fix', '--dry-run');
    assert.equal(state(first.json, 'licences'), 'blocking');
    const licenceFixes = first.json.fixes.filter((f) => f.id.startsWith('licence:'));
    assert.equal(licenceFixes.length, free, 'the site has more unlicensed users than free seats: exactly the free seats are used');
    // Scoped to a wave, the fix names that wave's users and nobody else.
    const unlicensed = (await users()).find((u) => !isLicensed(u) && u.usageLocation).userPrincipalName;
    writePlan({ waves: [{ name: 'One', users: [unlicensed] }] }, { assignLicenseSku: 'INTUNE_A' });
    const one = await checks('--wave', 'One', '--fix', '--dry-run');
    assert.deepEqual(
      one.json.fixes.filter((f) => f.id.startsWith('licence:')).map((f) => f.title),
      [`Assign INTUNE_A to ${unlicensed}`],
    );
    writePlan({}, { assignLicenseSku: 'INTUNE_A' });
    const beforeUsers = new Map((await users()).map((u) => [u.id, JSON.stringify(u.assignedLicenses)]));
    const targets = new Set(licenceFixes.map((f) => f.request.path.split('/')[2]));
    const fixed = await cli('prepare', '--plan', planFile, '--fix', '--yes');
    assert.match(fixed.err, /\[\d+\/\d+\] done/);
    // The run's report beside the plan, named last (the same file "Fix readiness" writes in VS Code).
    const reportFile = join(dir, 'p.migration.prepare-report.md');
    assert.ok(fixed.err.endsWith(`Report: ${reportFile}`), fixed.err.slice(-300));
    const report = readFileSync(reportFile, 'utf8');
    assert.match(
      report,
      /^# cm2intune readiness fixes report — p\.migration\.json\n\n\S+, [\d.]+ s, the sandbox tenant: \d+ done, 0 failed; /,
    );
    assert.equal(report.match(/^\| \d+ \| Assign INTUNE\\_A to .+ \| done \|/gm)?.length, targets.size, report);
    assert.match(report, /\n## Readiness after the fixes\n\n```text\nReadiness of the sandbox tenant/);
    const afterUsers = await users();
    for (const u of afterUsers) {
      if (targets.has(u.id)) assert.ok(isLicensed(u), `${u.userPrincipalName} was assigned the licence`);
      else
        assert.equal(
          JSON.stringify(u.assignedLicenses),
          beforeUsers.get(u.id),
          `${u.userPrincipalName} is not in the fix and was not touched`,
        );
    }
    const skusAfter = (await graph(world, 'GET', '/v1.0/subscribedSkus')).body.value;
    const a = skusAfter.find((s: any) => s.skuPartNumber === 'INTUNE_A');
    assert.ok(a.consumedUnits <= a.prepaidUnits.enabled);
    const second = await checks('--fix', '--dry-run');
    assert.equal(second.json.ready, false, 'users without a seat still block');
    assert.deepEqual(second.json.fixes, [], 'a second --fix proposes nothing');
    const again = await cli('prepare', '--plan', planFile, '--fix', '--yes');
    assert.match(again.out, /Nothing to fix/);
  });

  it('tenant: blocking once the MDM authority is no longer sccm', async () => {
    world.wizard.changeAuthorityToIntune();
    const r = await checks();
    assert.equal(state(r.json, 'tenant'), 'blocking');
    assert.equal(r.json.ready, false);
  });
});
