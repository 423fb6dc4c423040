// `cm2intune import` on a tenant that throttles below what cm2intune paces for (issue 15 item 3):
// stderr says, as it happens, what the run waits for, in the words VS Code's progress uses; the
// preview groups each group's member additions into one line with its requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/cli';
import { main } from '../../src/cli/main';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { openWorld, startContosoSite, type ImportWorld } from './import-world';

describe('cm2intune import on a throttling tenant', () => {
  let site: TdsTestServer;
  let world: ImportWorld;
  before(async () => {
    site = await startContosoSite();
    // 20 Intune writes per 4 s: the Contoso import's ~70 go out at once, the tenant answers 429.
    world = await openWorld(site, { throttle: { writesPerWindow: 20, windowMs: 4_000 } });
  });
  after(async () => {
    await world?.close();
    await site?.close();
  });

  it(
    'prints each wait with the service, the status and the seconds between the steps, and one line per group',
    { timeout: 180_000 },
    async () => {
      const lines: { stream: 'out' | 'err'; text: string }[] = [];
      const io: CliIo = {
        out: (text) => lines.push({ stream: 'out', text }),
        err: (text) => lines.push({ stream: 'err', text }),
        cwd: world.dir,
        env: world.env,
        confirm: async () => true,
      };
      const code = await main(['import', '--plan', world.planArg, '--yes'], io);
      const all = lines.map((l) => l.text).join('\n');
      assert.equal(code, 0, all);
      const waits = lines.filter((l) => /^ {2}Intune asked to wait \(429\), \d+ s$/.test(l.text));
      assert.ok(waits.length > 0, all);
      assert.ok(waits.every((w) => w.stream === 'err'));
      // between the steps as they settle, not after them
      const first = lines.indexOf(waits[0]);
      const steps = lines.map((l, i) => (/^\[\d+\/\d+\] /.test(l.text) ? i : -1)).filter((i) => i >= 0);
      assert.ok(steps[0] < first && first < steps[steps.length - 1], all);
      // the preview: "Intune Users" gets its 366 members in one line, with its requests
      assert.equal(all.match(/Add [\d,]+ members? to "Intune Users"/g)?.length, 1, all);
      assert.match(all, /\n {2,}\d+\. Add [\d,]+ members to "Intune Users" — \d+ requests\n/);
    },
  );
});
