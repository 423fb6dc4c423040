// The core of the tree as a map of the migration (issue 15): counts per state, the filter, what a
// tooltip says once, the problem count, bulk selection edits, and the collections' state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPicture, type PictureInput, type PictureItem } from '../../src/core/analysis';
import { checkFilter, describeFilter, FilterError, isEmptyFilter, matchesFilter } from '../../src/core/analysis/filter';
import { countsInWords, countsShort, explainItem, itemLook, lookCounts, stateCounts } from '../../src/core/analysis/summary';
import { describeSeverityCounts, severityCounts } from '../../src/core/findings';
import { statusView } from '../../src/core/phases/render';
import { isUserError } from '../../src/core/errors';
import { selectionSubject } from '../../src/core/analysis';
import { checkPlanText, type MigrationPlan } from '../../src/core/plan';
import { applyPlanEdits, PlanEditError, selectionEdits, selectionEditsMany } from '../../src/core/plan/edit';
import { ciAssignment, collection, pfx, site, uid, user, wifi } from '../support/site-objects';

type Kind = PictureItem['translation']['source']['kind'];
const item = (name: string, kind: Kind, platform: string, state: PictureItem['state'], verdict: 'importable' | 'partial' = 'importable') =>
  ({
    key: name,
    selected: state !== 'notImported',
    state,
    stateReasons: [],
    translation: {
      source: { kind, name, platform, uniqueId: `id-${name}` },
      verdict: { status: verdict, reasons: [], droppedSettings: [], notes: [] },
    },
  }) as unknown as PictureItem;

const items = [
  item('Contoso-Guest (iOS)', 'wifi', 'ios', 'imported'),
  item('Contoso VPN (iOS)', 'vpn', 'ios', 'imported', 'partial'),
  item("Zoë's Wi-Fi (macOS)", 'wifi', 'macos', 'partial', 'partial'),
  item('Contoso-Corp (Android)', 'wifi', 'android', 'importable'),
  item('User PFX (iOS)', 'pfx', 'ios', 'blocked'),
  item('Old Wi-Fi (iOS)', 'wifi', 'ios', 'notImported'),
  item('Outlook (web)', 'app', 'unknown', 'drifted'),
];

describe('counts per state (one function for the tree and the dashboard)', () => {
  it('counts every state, and partly imported apart from imported', () => {
    const counts = stateCounts(items);
    assert.deepEqual(
      { ...counts },
      { imported: 2, importable: 1, partial: 1, drifted: 1, blocked: 1, notImported: 1, all: 7, selected: 6, partlyImported: 1 },
    );
    assert.equal(itemLook(items[0]), 'imported');
    assert.equal(itemLook(items[1]), 'partlyImported', 'in Intune with settings left out is not a plain "imported"');
    assert.deepEqual(
      lookCounts(counts).map((c) => `${c.look}:${c.count}`),
      ['imported:1', 'partlyImported:1', 'importable:1', 'partial:1', 'drifted:1', 'blocked:1', 'notImported:1'],
    );
  });

  it('says them short enough for a root, and in words for its tooltip; only the states that have objects', () => {
    const wifiOnly = stateCounts(items.filter((i) => i.translation.source.kind === 'wifi'));
    assert.equal(countsShort(wifiOnly), '4 · 1✓ 1↑ 1◐ 1–');
    assert.equal(countsInWords(wifiOnly), '4 objects: 1 imported, 1 importable, 1 partly importable, 1 not imported');
    assert.equal(countsShort(stateCounts([])), '0');
    assert.equal(countsInWords(stateCounts([items[1]])), '1 object: 1 partly imported');
  });
});

describe('the tree filter', () => {
  it('facets combine with "and", values of one facet with "or"; none = everything', () => {
    const names = (f: Parameters<typeof matchesFilter>[1]) =>
      items.filter((i) => matchesFilter(i, f)).map((i) => i.translation.source.name);
    assert.equal(names(undefined).length, 7);
    assert.equal(names({ states: [], kinds: [] }).length, 7);
    assert.ok(isEmptyFilter({ states: [], kinds: [], platforms: [] }));
    assert.deepEqual(names({ states: ['blocked', 'partial'] }), ["Zoë's Wi-Fi (macOS)", 'User PFX (iOS)']);
    assert.deepEqual(names({ kinds: ['wifi'], platforms: ['ios'] }), ['Contoso-Guest (iOS)', 'Old Wi-Fi (iOS)']);
    assert.deepEqual(names({ states: ['imported'], platforms: ['iOS'] }), ['Contoso-Guest (iOS)', 'Contoso VPN (iOS)']);
    assert.deepEqual(names({ platforms: ['none'] }), ['Outlook (web)'], 'an object without a platform is found as "none"');
  });

  it('a filter given by a caller is checked: an unknown value names the known ones', () => {
    assert.deepEqual(checkFilter({ states: ['blocked'], platforms: ['iOS'] }), { states: ['blocked'], platforms: ['ios'] });
    assert.throws(
      () => checkFilter({ states: ['broken'] }),
      (e: Error) =>
        e instanceof FilterError &&
        isUserError(e) &&
        e.message === `The filter's states names "broken": use one of imported, importable, partial, drifted, blocked, notImported.`,
    );
    assert.throws(() => checkFilter({ state: ['blocked'] }), /no facet "state": use states, kinds or platforms/);
    assert.throws(() => checkFilter('blocked'), /must be an object/);
    assert.throws(() => checkFilter({ kinds: 'wifi' }), /kinds must be a list of strings/);
  });

  it('is said in words for the view', () => {
    assert.equal(
      describeFilter({ states: ['partial', 'blocked'], kinds: ['wifi'], platforms: ['ios', 'none'] }),
      'partly importable or blocked · Wi-Fi profile · iOS or no platform',
    );
  });
});

describe('what a tooltip says, each reason once', () => {
  it('a dropped or changed setting is under its own heading, not again under "why"', () => {
    const vpn = {
      stateReasons: ['needs Contoso Root, which the plan does not import'],
      translation: {
        verdict: {
          status: 'partial',
          reasons: [
            'Split tunnelling is dropped: Intune has no such setting for iOS VPN',
            "2 kiosk mode settings dropped (Kiosk app, Kiosk lock): kiosk mode settings can't be imported (as in the Intune Data Importer)",
            'Idle timeout is changed from 45 to 30: Intune allows at most 30 minutes',
            'the connection name is longer than Intune keeps',
          ],
          droppedSettings: [
            { name: 'Split tunnelling', reason: 'Intune has no such setting for iOS VPN' },
            { name: 'Kiosk app', reason: "kiosk mode settings can't be imported (as in the Intune Data Importer)" },
            { name: 'Kiosk lock', reason: "kiosk mode settings can't be imported (as in the Intune Data Importer)" },
          ],
          settings: [{ setting: 'IdleTimeout', outcome: 'changed', from: '45', to: '30', reason: 'Intune allows at most 30 minutes' }],
          notes: [],
        },
      },
    } as unknown as PictureItem;
    const said = explainItem(vpn);
    assert.deepEqual(said.why, ['needs Contoso Root, which the plan does not import', 'the connection name is longer than Intune keeps']);
    assert.deepEqual(
      said.leftOut.map((d) => d.name),
      ['Split tunnelling', 'Kiosk app', 'Kiosk lock'],
    );
    assert.deepEqual(
      said.changed.map((c) => `${c.setting}: ${c.from} → ${c.to}`),
      ['IdleTimeout: 45 → 30'],
    );
  });
});

describe('problems counted once for the Problems panel and the tree', () => {
  it('counts per severity and says "2 errors, 1 warning"', () => {
    const counts = severityCounts(['error', 'warning', 'error', 'info']);
    assert.deepEqual(counts, { error: 2, warning: 1, info: 1 });
    assert.equal(describeSeverityCounts(counts), '2 errors, 1 warning');
    assert.equal(describeSeverityCounts(severityCounts(['warning'])), '1 warning');
    assert.equal(describeSeverityCounts(severityCounts(['info', 'info'])), '2 messages');
    assert.equal(describeSeverityCounts(severityCounts([])), '');
  });
});

describe('bulk include / exclude', () => {
  const SCOPE = 'ScopeId_5F2C7E4A-1B3D-4E6F-8A9B-0C1D2E3F4A5B';
  const guid = (n: number) => `${n}A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D`;
  const subject = (n: number, name: string) =>
    selectionSubject({ source: { uniqueId: `${SCOPE}/WifiProfile_${guid(n)}/3`, ciId: n, kind: 'wifi', name, platform: 'ios' } });
  const text = `{
  // Zoë's pilot
  "version": 1,
  "name": "Contoso",
  "site": { "source": "snapshot", "path": "contoso.snapshot.json" },
  "tenant": { "sandbox": true },
  "import": { "exclude": ["${SCOPE}/ConfigurationPolicy_${guid(9)}"] }
}
`;
  const planOf = (t: string) => checkPlanText(t, 'p.migration.json', () => true).plan as MigrationPlan;

  it('excludes a selection of objects in one edit (one undo), as the edits one by one would', () => {
    const a = subject(1, 'Guest (iOS)');
    const b = subject(2, "Hélène's Wi-Fi (iOS)");
    const edits = selectionEditsMany(text, [a, b], 'exclude');
    assert.equal(edits.length, 1, 'one edit');
    const after = applyPlanEdits(text, edits);
    assert.deepEqual(planOf(after).import?.exclude, [
      `${SCOPE}/ConfigurationPolicy_${guid(9)}`,
      `${SCOPE}/WifiProfile_${guid(1)}`,
      `${SCOPE}/WifiProfile_${guid(2)}`,
    ]);
    const mid = applyPlanEdits(text, selectionEdits(text, a, 'exclude'));
    assert.equal(after, applyPlanEdits(mid, selectionEdits(mid, b, 'exclude')));
    assert.match(after, /\/\/ Zoë's pilot/);
    const back = applyPlanEdits(after, selectionEditsMany(after, [a, b], 'include'));
    assert.deepEqual(planOf(back).import?.exclude, [`${SCOPE}/ConfigurationPolicy_${guid(9)}`]);
    assert.deepEqual(selectionEditsMany(text, [a, a], 'include'), [], 'already included: nothing to do');
  });

  it('an object that cannot be included makes nothing change, and is named', () => {
    const terms = selectionSubject({
      source: { uniqueId: `${SCOPE}/Terms_1`, ciId: 9, kind: 'termsAndConditions', name: 'Contoso terms', platform: 'unknown' },
    });
    assert.throws(
      () => selectionEditsMany(text, [subject(1, 'Guest (iOS)'), terms], 'include'),
      (e: Error) => e instanceof PlanEditError && /"Contoso terms" can't be imported/.test(e.message),
    );
  });
});

describe('collections after an import: member counts, and a group nothing needs', () => {
  const ROOT_ID = uid('PfxCertificate', 300);
  const WIFI_ID = uid('WifiProfile', 301);
  const model = site({
    collections: [
      collection({
        id: 'P0100031',
        name: 'VIP Users',
        rules: [{ kind: 'direct', name: 'u', resourceId: 2001 }],
        memberResourceIds: [2001, 2002],
      }),
      collection({
        id: 'P0100027',
        name: 'Retired – do not use',
        rules: [{ kind: 'direct', name: 'u', resourceId: 2003 }],
        memberResourceIds: [2003],
      }),
    ],
    users: [
      user({ resourceId: 2001, upn: 'zoe.oneil@contoso.com' }),
      user({ resourceId: 2002, upn: 'helene@contoso.com' }),
      user({ resourceId: 2003, upn: 'bjorn@contoso.com' }),
    ],
    ciAssignments: [ciAssignment({ collectionId: 'P0100031', ciIds: [11] }), ciAssignment({ collectionId: 'P0100027', ciIds: [10] })],
  });
  const objects = [
    pfx({ uniqueId: ROOT_ID, ciId: 10, problems: ['the digest declares a DTD or entities'] }),
    wifi({ uniqueId: WIFI_ID, ciId: 11, name: 'Guest', security: 'wpa2Personal' }),
  ];
  const input = (groups: PictureInput['tenant']['groups']): PictureInput => ({
    site: model,
    objects,
    apps: [],
    plan: {
      version: 1,
      name: 'Contoso',
      site: { source: 'snapshot', path: 's.json' },
      tenant: { sandbox: true },
      groups: { createMissing: true },
    },
    tenant: { groups, objects: [] },
    ledger: new Map(),
  });
  const mappingOf = (p: ReturnType<typeof buildPicture>, id: string) => p.groups.find((g) => g.collectionId === id)!;

  it('before: a group to create for the collection an import needs, none for one only a blocked object is deployed to', () => {
    const before = buildPicture(input([]));
    const vip = mappingOf(before, 'P0100031');
    assert.equal(vip.status, 'create');
    assert.equal(vip.memberCount, 2);
    assert.equal(vip.assignedBy, 1);
    const retired = mappingOf(before, 'P0100027');
    assert.equal(retired.assignedBy, 0);
    // the CLI's status table says the same as the tree
    const table = statusView(before).groups;
    assert.deepEqual(
      table.map((g) => `${g.collectionId}: ${g.mapping}`),
      ['P0100027: no group needed', 'P0100031: create'],
    );
    assert.equal(statusView(before).counts.blocked, 1, 'the status table counts with stateCounts');
    assert.match(
      retired.reason,
      /^nothing the plan imports is assigned to this collection, so no group is created for it \(one would get the collection's 1 user\)$/,
    );
  });

  it('after: the created group is found by its mail nickname and counted with its members', () => {
    const member = (id: string, upn: string) => ({
      id,
      kind: 'user' as const,
      displayName: upn,
      userPrincipalName: upn,
      onPremisesSecurityIdentifier: null,
    });
    const after = buildPicture(
      input([
        {
          id: 'g-vip',
          displayName: 'VIP Users',
          onPremisesSecurityIdentifier: null,
          mailNickname: 'cm2intune-P0100031',
          members: [member('u1', 'zoe.oneil@contoso.com'), member('u2', 'helene@contoso.com')],
        },
      ]),
    );
    const vip = mappingOf(after, 'P0100031');
    assert.equal(vip.status, 'mapped');
    assert.equal(vip.memberCount, 2);
    assert.match(vip.reason, /cm2intune created "VIP Users" for it \(mail nickname cm2intune-P0100031\); it has 2 members$/);
  });
});
