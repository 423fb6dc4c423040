// A wave's exclude rule on the subscription collection is a migration step: the analysis must not
// carry it into Intune as an exclusion (the moved users would lose the policies they move for).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waveCollectionName, waveExcludes } from '../../src/core/plan/waves';
import type { MigrationPlan } from '../../src/core/plan/types';
import { checkPlanText } from '../../src/core/plan';

const plan = (waves: MigrationPlan['waves']): MigrationPlan => ({
  version: 1,
  name: 'Contoso',
  site: { source: 'snapshot', path: 'site.json' },
  tenant: { sandbox: true },
  subscriptionCollection: 'P0100014',
  waves,
});

const collections = [
  {
    id: 'P0100014',
    name: 'Intune Users',
    rules: [
      { kind: 'exclude', collectionId: 'P0100040' },
      { kind: 'exclude', collectionId: 'P010001F' },
    ],
  },
  { id: 'P0100040', name: "cm2intune wave - Pilot – Zoë's team", rules: [] },
  { id: 'P010001F', name: 'Contractors (group rule)', rules: [] },
  { id: 'P0100050', name: 'Sales wave', rules: [{ kind: 'exclude', collectionId: 'P0100040' }] },
];

test("the subscription collection's exclude rule on a wave's collection is recognised; a targeting exclude rule is not", () => {
  const waves = [{ name: "Pilot – Zoë's team", users: ['zoe@contoso.com'] }];
  assert.equal(waveCollectionName(waves[0]), "cm2intune wave - Pilot – Zoë's team");
  assert.deepEqual([...waveExcludes(plan(waves), collections)], ['P0100040']);
  // the same collection excluded elsewhere, or a wave the plan does not name, stays an exclusion
  assert.deepEqual([...waveExcludes(plan([{ name: 'Other', users: ['a@contoso.com'] }]), collections)], []);
  assert.deepEqual([...waveExcludes({ ...plan(waves), subscriptionCollection: 'P0100050' }, collections)], ['P0100040']);
  assert.deepEqual([...waveExcludes(plan(undefined), collections)], []);
});

test("a wave's own collection name from the plan is matched without case", () => {
  const named = [{ name: 'Pilot', users: ['a@contoso.com'], collectionName: "CM2INTUNE WAVE - PILOT – ZOË'S TEAM" }];
  assert.deepEqual([...waveExcludes(plan(named), collections)], ['P0100040']);
});

test('a wave name of megabytes, quoted by a thousand findings, is shown clipped (the fuzzer found the messages overflowing a string)', () => {
  const name = 'Ω'.repeat(4_000_000);
  const plan = {
    version: 1,
    name: 'Huge wave name',
    site: { source: 'sandbox', world: '.' },
    tenant: { sandbox: true, world: '.' },
    waves: [{ name, users: Array.from({ length: 1001 }, () => "zoe.o'connor@contoso.com") }],
  };
  const { findings } = checkPlanText(JSON.stringify(plan), '/plans/huge.migration.json', () => true);
  const twice = findings.filter((f) => f.code === 'plan/user-in-two-waves');
  assert.equal(twice.length, 1000);
  assert.ok(twice.every((f) => f.message.length < 400));
  assert.match(twice[0].message, /^User "zoe\.o'connor@contoso\.com" is listed twice in wave "Ω{119}…": remove one entry\.$/u);
});
