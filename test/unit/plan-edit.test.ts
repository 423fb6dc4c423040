import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectionSubject } from '../../src/core/analysis';
import { checkPlanText, type MigrationPlan } from '../../src/core/plan';
import { applyPlanEdits, groupMapEdits, PlanEditError, selectionEdits, siteSnapshotEdits } from '../../src/core/plan/edit';
import { exclusion } from '../../src/core/plan/selection';
import { STARTER_PLAN } from '../../src/core/plan/starter';
import { fillStarter } from '../support/starter';

const SCOPE = 'ScopeId_5F2C7E4A-1B3D-4E6F-8A9B-0C1D2E3F4A5B';
const WIFI_ID = `${SCOPE}/WifiProfile_1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D`;
const OTHER_ID = `${SCOPE}/ConfigurationPolicy_9A8B7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D`;
const GROUP = '3b1f0c52-7d4e-4a8b-9c6d-2e5f1a0b9c8d';

const wifi = (uniqueId = `${WIFI_ID}/4`) =>
  selectionSubject({ source: { uniqueId, ciId: 16777301, kind: 'wifi', name: "Contoso Corp Wi-Fi (Zoë's floor)", platform: 'ios' } });

/** Applies the edits, checks the result is a plan without errors, and returns text and plan. */
function apply(text: string, edits: ReturnType<typeof selectionEdits>) {
  const after = applyPlanEdits(text, edits);
  const checked = checkPlanText(after, 'edited.migration.json', () => true);
  const errors = checked.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(
    errors.map((f) => f.message),
    [],
    `edited plan has errors:\n${after}`,
  );
  return { after, plan: checked.plan as MigrationPlan };
}

const plan = (importSection: string, extra = '') => `{
  // Zoë's pilot – comments stay
  "version": 1,
  "name": "Contoso – pilot",
  "site": { "source": "snapshot", "path": "contoso.snapshot.json" },
  "tenant": { "sandbox": true }${importSection ? `,\n  "import": ${importSection}` : ''}${extra}
}
`;

describe('plan edits: include / exclude', () => {
  it('excludes into import.exclude, keeping comments, other entries and layout', () => {
    const text = plan(`{
    "exclude": [
      "${OTHER_ID}" // the old kiosk policy
    ]
  }`);
    const edits = selectionEdits(text, wifi(), 'exclude');
    assert.equal(edits.length, 1, 'one edit, so one undo step');
    const { after, plan: p } = apply(text, edits);
    assert.deepEqual(p.import?.exclude, [OTHER_ID, WIFI_ID], 'written without its revision');
    assert.match(after, /\/\/ Zoë's pilot – comments stay/);
    assert.match(after, /\/\/ the old kiosk policy/);
    assert.deepEqual(exclusion(p, wifi())?.pointer, '/import/exclude/1');
    assert.deepEqual(selectionEdits(after, wifi(), 'exclude'), [], 'already excluded: nothing to do');
  });

  it('creates import.exclude when the plan has no import section', () => {
    const text = plan('');
    const { plan: p } = apply(text, selectionEdits(text, wifi(), 'exclude'));
    assert.deepEqual(p.import, { exclude: [WIFI_ID] });
  });

  it('includes by removing every matching entry from import.exclude, whatever its revision and case', () => {
    const text = plan(`{ "exclude": ["${WIFI_ID.toLowerCase()}/2", "${OTHER_ID}", "${WIFI_ID}"] }`);
    const { plan: p } = apply(text, selectionEdits(text, wifi(), 'include'));
    assert.deepEqual(p.import?.exclude, [OTHER_ID]);
    assert.equal(exclusion(p, wifi()), null);
  });

  it('with an import.include list: include appends to it, exclude removes from it', () => {
    const text = plan(`{ "include": ["${OTHER_ID}"] }`);
    const included = apply(text, selectionEdits(text, wifi(), 'include'));
    assert.deepEqual(included.plan.import?.include, [OTHER_ID, WIFI_ID]);
    const excluded = apply(included.after, selectionEdits(included.after, wifi(), 'exclude'));
    assert.deepEqual(excluded.plan.import?.include, [OTHER_ID]);
    assert.equal(excluded.plan.import?.exclude, undefined, 'leaving include is enough');
    assert.equal(exclusion(excluded.plan, wifi())?.pointer, '/import/include');
  });

  it('include is empty when the plan selects the object already', () => {
    assert.deepEqual(selectionEdits(plan(`{ "exclude": ["${OTHER_ID}"] }`), wifi(), 'include'), []);
  });

  it("refuses to include an object whose kind isn't in import.kinds, and says what to change", () => {
    const text = plan(`{ "kinds": ["compliance"] }`);
    assert.throws(
      () => selectionEdits(text, wifi(), 'include'),
      (e: Error) => e instanceof PlanEditError && /import\.kinds/.test(e.message) && /Zoë's floor/.test(e.message),
    );
  });

  it('works on the starter plan (comments, "exclude": []) and keeps it free of findings', () => {
    const starter = fillStarter(STARTER_PLAN);
    const { after, plan: p } = apply(starter, selectionEdits(starter, wifi(), 'exclude'));
    assert.deepEqual(p.import?.exclude, [WIFI_ID]);
    assert.equal(
      after.split('\n').filter((l) => l.trim().startsWith('//')).length,
      starter.split('\n').filter((l) => l.trim().startsWith('//')).length,
    );
    const back = apply(after, selectionEdits(after, wifi(), 'include'));
    assert.deepEqual(back.plan.import?.exclude, []);
    assert.equal(back.after, starter, 'exclude then include gives the very text back');
  });

  it('keeps tab indentation and CRLF line ends', () => {
    const text = plan(`{\r\n\t\t"exclude": []\r\n\t}`)
      .replace(/\n/g, '\r\n')
      .replace(/\r\r\n/g, '\r\n')
      .replace(/^ {2}/gm, '\t');
    const { after } = apply(text, selectionEdits(text, wifi(), 'exclude'));
    assert.ok(!/[^\r]\n/.test(after), 'every line ends with CRLF');
    assert.ok(!/\n {2}"/.test(after), 'no space-indented property');
  });
});

describe('plan edits: map a collection to a group', () => {
  it('adds groups.map[collection] = [{ id }] where the plan has no groups section', () => {
    const text = plan('');
    const { plan: p } = apply(text, groupMapEdits(text, 'P010001D', { id: GROUP }));
    assert.deepEqual(p.groups?.map, { P010001D: [{ id: GROUP }] });
  });

  it("replaces the collection's entry and leaves the others", () => {
    const text = plan(
      '',
      `,\n  "groups": {\n    "map": { "P0100031": ["Sales Users"], "P010001D": ["VIP – Zoë's team"] }, // mapped by hand\n    "createMissing": false\n  }`,
    );
    const { after, plan: p } = apply(text, groupMapEdits(text, 'P010001D', { id: GROUP }));
    assert.deepEqual(p.groups?.map, { P0100031: ['Sales Users'], P010001D: [{ id: GROUP }] });
    assert.equal(p.groups?.createMissing, false);
    assert.match(after, /\/\/ mapped by hand/);
  });

  it('refuses text that is not a JSON object', () => {
    assert.throws(() => groupMapEdits('[1, 2]', 'P010001D', { id: GROUP }), PlanEditError);
  });
});

describe('plan edits: removing list entries by hand', () => {
  it("removes the last entry of a multi-line list with its comment, keeping the previous entry's comment", () => {
    const text = plan(`{
    "exclude": [
      "${OTHER_ID}", // kiosk, retired
      "${WIFI_ID}" // Zoë's floor, for now
    ]
  }`);
    const { after, plan: p } = apply(text, selectionEdits(text, wifi(), 'include'));
    assert.deepEqual(p.import?.exclude, [OTHER_ID]);
    assert.match(after, new RegExp(`"${OTHER_ID}" // kiosk, retired\\n    \\]`));
    assert.doesNotMatch(after, /for now/);
  });

  it('exclude then include on a multi-line "exclude": [] gives the same text back', () => {
    const text = plan(`{\n    "exclude": []\n  }`);
    const excluded = applyPlanEdits(text, selectionEdits(text, wifi(), 'exclude'));
    assert.match(excluded, /"exclude": \[\n {6}"ScopeId_/);
    assert.equal(applyPlanEdits(excluded, selectionEdits(excluded, wifi(), 'include')), text);
  });

  it('removes a middle entry of a one-line list', () => {
    const text = plan(`{ "exclude": ["${OTHER_ID}", "${WIFI_ID}/7", "${OTHER_ID.replace('9A8B', '1111')}"] }`);
    const { after } = apply(text, selectionEdits(text, wifi(), 'include'));
    assert.match(after, new RegExp(`"exclude": \\["${OTHER_ID}", "${OTHER_ID.replace('9A8B', '1111')}"\\]`));
  });
});

describe('plan edits: pointing the site at a snapshot', () => {
  it('replaces the SQL site with the snapshot, keeps the comments, and the plan reads the file', () => {
    const starter = fillStarter(STARTER_PLAN);
    const after = applyPlanEdits(starter, siteSnapshotEdits(starter, 'P01.snapshot.json'));
    const checked = checkPlanText(after, '/plans/edited.migration.json', (p) => p === '/plans/P01.snapshot.json');
    assert.deepEqual(checked.findings, []);
    assert.deepEqual(checked.plan?.site, { source: 'snapshot', path: 'P01.snapshot.json' });
    assert.equal(
      after.split('\n').filter((l) => l.trim().startsWith('//')).length,
      starter.split('\n').filter((l) => l.trim().startsWith('//')).length,
    );
    assert.equal(after.replace(/"site": \{[\s\S]*?\n {2}\}/, ''), starter.replace(/"site": \{[\s\S]*?\n {2}\}/, ''));
  });
});
