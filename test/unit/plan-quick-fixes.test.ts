// Quick fixes for the plan findings with one obvious edit: applied to the text, the finding is gone,
// nothing else changed (comments stay), and the plan checks clean of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPlanText } from '../../src/core/plan';
import { applyPlanEdits, planQuickFixes } from '../../src/core/plan/edit';

const A = 'ScopeId_5F2C7E4A-1B3D-4E6F-8A9B-0C1D2E3F4A5B/Application_0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9';
const B = 'ScopeId_5F2C7E4A-1B3D-4E6F-8A9B-0C1D2E3F4A5B/SettingsPackage_1F2E3D4C-5B6A-4789-8ABC-DEF012345678';

const PLAN = `// Fabrikam's plan: waves by office
{
  "version": 1,
  "name": "Fabrikam – Oslo",
  "site": { "source": "sandbox", "world": "." },
  "tenant": { "sandbox": true, "world": "." },
  "subscriptionCollection": "P0100014",
  "import": {
    "include": ["ScopeId_5F2C7E4A-1B3D-4E6F-8A9B-0C1D2E3F4A5B/Application_0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9", "ScopeId_5F2C7E4A-1B3D-4E6F-8A9B-0C1D2E3F4A5B/SettingsPackage_1F2E3D4C-5B6A-4789-8ABC-DEF012345678/7"], // the two apps we keep
    "exclude": ["ScopeId_5f2c7e4a-1b3d-4e6f-8a9b-0c1d2e3f4a5b/SettingsPackage_1f2e3d4c-5b6a-4789-8abc-def012345678"]
  },
  "waves": [
    { "name": "Oslo pilot", "users": ["zoe.d'arcy@fabrikam.example", "jose@fabrikam.example"] },
    { "name": "Bergen", "users": ["asa@fabrikam.example", "Zoe.D'Arcy@fabrikam.example"] }
  ]
}
`;

const findingsOf = (text: string, code: string) =>
  checkPlanText(text, '/plans/fabrikam.migration.json', () => true).findings.filter((f) => f.code === code);

describe('plan quick fixes', () => {
  it('a user in two waves: removes the later entry only, and the finding is gone', () => {
    const [finding] = findingsOf(PLAN, 'plan/user-in-two-waves');
    assert.equal(finding.pointer, '/waves/1/users/1');
    const [fix] = planQuickFixes(PLAN, finding);
    assert.equal(fix.title, `Remove "Zoe.D'Arcy@fabrikam.example" from wave "Bergen"`);
    assert.equal(fix.preferred, true);
    const after = applyPlanEdits(PLAN, fix.edits);
    assert.deepEqual(findingsOf(after, 'plan/user-in-two-waves'), []);
    assert.match(after, /"users": \["asa@fabrikam.example"\]/);
    assert.match(after, /"zoe.d'arcy@fabrikam.example", "jose@fabrikam.example"/, 'the first wave keeps the user');
    assert.ok(after.startsWith("// Fabrikam's plan"));
  });

  it('an id included and excluded: either list can give it up, matched as the import matches (case, revision)', () => {
    const [finding] = findingsOf(PLAN, 'plan/included-and-excluded');
    const fixes = planQuickFixes(PLAN, finding);
    assert.deepEqual(
      fixes.map((f) => f.title),
      [`Remove "${B}/7" from import.include`, `Remove "${B}/7" from import.exclude`],
    );
    const fromInclude = applyPlanEdits(PLAN, fixes[0].edits);
    assert.match(fromInclude, new RegExp(`"include": \\["${A}"\\], // the two apps we keep`));
    const fromExclude = applyPlanEdits(PLAN, fixes[1].edits);
    assert.match(fromExclude, /"exclude": \[\]/);
    for (const after of [fromInclude, fromExclude]) assert.deepEqual(findingsOf(after, 'plan/included-and-excluded'), []);
  });

  it('a secret and encryption turned off: the property goes', () => {
    const text = PLAN.replace(
      '"site": { "source": "sandbox", "world": "." }',
      '"site": { "source": "sql", "server": "cm01.fabrikam.example", "database": "CM_FAB", "siteCode": "FAB", "auth": { "type": "sql", "user": "cm_reader", "password": "Hunter2!" }, "encryption": { "encrypt": false } }',
    );
    for (const code of ['plan/secret-in-plan', 'plan/encryption-off']) {
      const [finding] = findingsOf(text, code);
      assert.ok(finding, code);
      const [fix] = planQuickFixes(text, finding);
      const after = applyPlanEdits(text, fix.edits);
      assert.deepEqual(findingsOf(after, code), [], code);
      assert.doesNotMatch(after, code === 'plan/secret-in-plan' ? /"password"/ : /"encrypt"/);
      assert.match(after, /"user": "cm_reader"/, 'the rest stays');
    }
    assert.doesNotMatch(applyPlanEdits(text, planQuickFixes(text, findingsOf(text, 'plan/secret-in-plan')[0])[0].edits), /Hunter2/);
  });

  it('no fix for a finding whose fix needs the admin, nor for a place the text no longer has', () => {
    assert.deepEqual(planQuickFixes(PLAN, { code: 'plan/tenant-id-not-guid', pointer: '/tenant/id' }), []);
    assert.deepEqual(planQuickFixes(PLAN, { code: 'plan/user-in-two-waves', pointer: '/waves/7/users/0' }), []);
  });
});
