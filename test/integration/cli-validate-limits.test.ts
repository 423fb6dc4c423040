// validate on absurd plans: 60,000 findings come out right and in time that grows linearly with
// them (one position lookup per finding, not one scan of the plan); a plan nested 3,000 deep
// is refused with a clear line, exit 2, never a stack overflow.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkPlanText } from '../../src/core/plan';
import { runCli } from '../support/cli';

const planWithBadMappings = (n: number) => {
  const map: Record<string, string> = {};
  for (let i = 0; i < n; i++) map[`P01${String(i).padStart(5, '0')}`] = 'Sales team';
  return JSON.stringify(
    { version: 1, name: 'Many', site: { source: 'snapshot', path: 'site.json' }, tenant: { sandbox: true }, groups: { map } },
    null,
    2,
  );
};
const deepPlan = (depth: number) =>
  `{"version":1,"name":"Deep","site":{"source":"snapshot","path":"site.json"},"tenant":{"sandbox":true},"extra":${'{"a":'.repeat(depth)}{"password":"x"}${'}'.repeat(depth)}}`;

describe('validate on absurd plans', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cm2intune-validate-limits-'));
    writeFileSync(join(dir, 'site.json'), '{}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('60,000 findings: every one at its own line, exit 1', async () => {
    writeFileSync(join(dir, 'many.migration.json'), planWithBadMappings(60_000));
    const r = await runCli(['validate', '--json', 'many.migration.json'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { code: string; pointer: string; line: number; column: number }[];
    assert.equal(findings.length, 60_000);
    // Line 1 "{", then version, name, site (4 lines), tenant (3 lines), "groups": {, "map": {: the first
    // entry is on line 13; the finding points at its value, after `      "P0100000": `.
    assert.deepEqual(findings[0], { ...findings[0], code: 'schema/type', pointer: '/groups/map/P0100000', line: 13, column: 19 });
    assert.deepEqual(findings[59_999], {
      ...findings[59_999],
      code: 'schema/type',
      pointer: '/groups/map/P0159999',
      line: 13 + 59_999,
      column: 19,
    });
  });

  it('the cost per finding does not grow with the number of findings', () => {
    const time = (n: number) => {
      const text = planWithBadMappings(n);
      let best = Infinity;
      for (let run = 0; run < 2; run++) {
        const start = process.hrtime.bigint();
        assert.equal(checkPlanText(text, 'p.migration.json', () => true).findings.length, n);
        best = Math.min(best, Number(process.hrtime.bigint() - start));
      }
      return best;
    };
    const small = time(6_000);
    const large = time(60_000);
    // Linear: about 10 times; one scan per finding made it about 100 times.
    assert.ok(large / small < 30, `60,000 findings took ${(large / small).toFixed(1)} times as long as 6,000`);
  });

  it('a plan nested 3,000 deep: one clear line naming the place, exit 2, no stack trace', async () => {
    // Column 605: the `{` that opens level 101 (the root, "extra", then 99 of `{"a":`).
    writeFileSync(join(dir, 'deep.migration.json'), deepPlan(3000));
    const r = await runCli(['validate', 'deep.migration.json'], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      'cm2intune validate: deep.migration.json:1:605: values are nested more than 100 deep here; a plan nests about 5 deep, so this is not a plan cm2intune reads. Check the file.\n',
    );
  });

  it('a secret nested as deep as a plan may go is still found', async () => {
    writeFileSync(join(dir, 'secret.migration.json'), deepPlan(97));
    const r = await runCli(['validate', '--json', 'secret.migration.json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { code: string; pointer: string }[];
    assert.deepEqual(
      findings.map((f) => f.code),
      ['schema/additionalProperties', 'plan/secret-in-plan'],
    );
    assert.equal(findings[1].pointer, `/extra${'/a'.repeat(97)}/password`);
  });
});
