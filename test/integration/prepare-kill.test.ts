// Phase 2's fixes survive a crash: `cm2intune prepare --fix --yes` (the real CLI, in a child
// process) is killed with SIGKILL while its licence assignments are on the wire (their intents in
// the journal, no outcome: the tenant slowed down so the kill lands there), then run again on the
// same plan, journal and sandbox. The tenant ends exactly as after a clean run (every licence by
// user, the seats used), and a further --fix proposes nothing.
import { readFileSync } from 'node:fs';
import { ledgerPathFor } from '../../src/core/ledger/journal';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import type { SandboxState } from '../../src/sandbox/tenant';
import { importInProcess, openWorld, spawnCli, startContosoSite, waitFor, type ImportWorld } from './import-world';

/** Who holds which licence and how many seats each SKU uses: what the fixes change. */
function licences(state: SandboxState) {
  return {
    users: Object.fromEntries(
      state.users.map((u) => [
        String(u.userPrincipalName),
        ((u.assignedLicenses ?? []) as { skuId: string }[])
          .map((l) => l.skuId)
          .sort()
          .join(','),
      ]),
    ),
    seats: Object.fromEntries(state.subscribedSkus.map((s) => [String(s.skuPartNumber), Number(s.consumedUnits)])),
  };
}

describe('prepare --fix: kill -9 during the fixes, then resume', () => {
  let site: TdsTestServer;
  const worlds: ImportWorld[] = [];
  before(async () => {
    site = await startContosoSite();
  });
  after(async () => {
    for (const w of worlds) await w.close();
    await site?.close();
  });

  async function prepared(): Promise<ImportWorld> {
    const w = await openWorld(
      site,
      { throttle: false },
      { prepare: { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll', assignLicenseSku: 'INTUNE_A' } },
    );
    worlds.push(w);
    const imported = await importInProcess(w.planFile, site.password);
    assert.equal(imported.run.failed, 0);
    return w;
  }
  const fix = (w: ImportWorld) => spawnCli(['prepare', '--plan', w.planArg, '--fix', '--yes'], { cwd: w.dir, env: w.env });

  it('ends like a clean run, and a second --fix proposes nothing', { timeout: 240_000 }, async () => {
    const clean = await prepared();
    const cleanRun = await fix(clean).result;
    assert.match(cleanRun.stdout, /After the fixes \(25 done, 0 failed\)/, cleanRun.stderr);
    const expected = licences(clean.sandbox.objects());

    const w = await prepared();
    const ledger = ledgerPathFor(w.planFile);
    const journal = () => {
      try {
        return readFileSync(ledger, 'utf8');
      } catch {
        return '';
      }
    };
    const imported = journal().length;
    w.sandbox.faults.inject({ kind: 'latency', ms: 1500 });
    const { child, result } = fix(w);
    let exited = false;
    void result.then(() => (exited = true));
    await waitFor(
      "the fixes' intents in the journal",
      () => (/"t":"intent".*"action":"assignLicense"/.test(journal()) || exited ? true : undefined),
      60_000,
      2,
    );
    child.kill('SIGKILL');
    const killed = await result;
    assert.equal(killed.signal, 'SIGKILL', 'killed before it finished');
    assert.doesNotMatch(journal().slice(imported), /"t":"done"/, 'killed with the requests on the wire: no outcome journalled');
    // The requests the dead process left on the wire land (or not) after it died.
    await new Promise((r) => setTimeout(r, 2000));
    w.sandbox.faults.clear();

    const resumed = await fix(w).result;
    assert.equal(resumed.code, 1, `licences of users without a seat still block: ${resumed.stderr}`);
    assert.deepEqual(licences(w.sandbox.objects()), expected);
    const again = await fix(w).result;
    assert.match(again.stdout, /Nothing to fix/);
  });
});
