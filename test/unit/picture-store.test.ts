// The picture store: the site and the tenant are read once per plan; an edit of the plan's
// selection or group map is analysed again without reading them; only groups the edit newly
// names are looked up; refresh() and a change of site or tenant read again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PictureStore } from '../../src/core/phases/picture-store';
import type { MigrationPlan } from '../../src/core/plan/types';
import { CONTOSO_PLAN, contosoGroups, fakeSession, fakeTenant } from '../support/fake-session';

const phaseOne = () => import('../../src/core/phases/import');

async function world() {
  const { graph, reads } = fakeTenant(await contosoGroups());
  let sessions = 0;
  const store = new PictureStore(async (_key, work) => {
    sessions++;
    return work(fakeSession(CONTOSO_PLAN, graph, reads));
  }, phaseOne);
  return { store, reads, sessions: () => sessions };
}

const KEY = 'file:///plans/contoso%20sandbox.migration.json';
const itemNamed = (
  p: { items: { translation: { source: { name: string; platform: string; uniqueId: string } }; selected: boolean; state: string }[] },
  name: string,
  platform: string,
) => p.items.find((i) => i.translation.source.name === name && i.translation.source.platform === platform)!;

describe('PictureStore', () => {
  it('reads site and tenant once; asking again reads nothing', async () => {
    const { store, reads, sessions } = await world();
    const first = await store.picture(KEY, CONTOSO_PLAN);
    assert.deepEqual(
      [reads.site, reads.lists, reads.batches],
      [1, 3, 3],
      'one site read, three Intune lists, a $batch of group filters, one of the matched groups’ members, one of the users they lack',
    );
    assert.ok(first.picture.items.length > 40, `${first.picture.items.length} items`);
    assert.equal(first.tenantLabel, 'sandbox');
    const again = await store.picture(KEY, CONTOSO_PLAN);
    assert.deepEqual([reads.site, reads.lists, reads.batches, sessions()], [1, 3, 3, 1]);
    assert.deepEqual(
      again.picture.items.map((i) => [i.key, i.state]),
      first.picture.items.map((i) => [i.key, i.state]),
    );
  });

  it('a plan edit of the selection is analysed again without reading site or tenant', async () => {
    const { store, reads, sessions } = await world();
    const before = await store.picture(KEY, CONTOSO_PLAN);
    const guest = itemNamed(before.picture, 'Contoso-Guest (macOS)', 'macos');
    assert.ok(guest, 'the Contoso site has the macOS guest Wi-Fi');
    assert.equal(guest.selected, true);
    const edited: MigrationPlan = { ...CONTOSO_PLAN, import: { ...CONTOSO_PLAN.import, exclude: [guest.translation.source.uniqueId] } };
    const after = await store.picture(KEY, edited);
    assert.equal(itemNamed(after.picture, 'Contoso-Guest (macOS)', 'macos').selected, false);
    assert.equal(itemNamed(after.picture, 'Contoso-Guest (macOS)', 'macos').state, 'notImported');
    assert.deepEqual([reads.site, reads.lists, reads.batches, sessions()], [1, 3, 3, 1], 'nothing read again');
  });

  it('a group map edit looks up only the group it newly names, once', async () => {
    const { store, reads } = await world();
    const before = await store.picture(KEY, CONTOSO_PLAN);
    assert.equal(before.picture.groups.find((g) => g.collectionId === 'P010001D')!.status, 'create', 'VIP Users has no group of its own');
    const VIPS = '33333333-3333-4333-8333-333333333333';
    const edited: MigrationPlan = { ...CONTOSO_PLAN, groups: { ...CONTOSO_PLAN.groups, map: { P010001D: [{ id: VIPS }] } } };
    const filtersBefore = reads.filters.length;
    const after = await store.picture(KEY, edited);
    const filters = reads.filters.slice(filtersBefore);
    assert.deepEqual(filters.slice(0, 2), [`id in ('${VIPS}')`, ''], 'one filter, for the new id only, then its member list');
    assert.ok(
      filters.slice(2).every((f) => /^(onPremisesSecurityIdentifier|userPrincipalName) in \(/.test(f)),
      `then only the users it lacks: ${filters.slice(2).join(' | ')}`,
    );
    assert.equal(reads.site, 1);
    assert.equal(reads.lists, 3);
    const vip = after.picture.groups.find((g) => g.collectionId === 'P010001D')!;
    assert.equal(vip.status, 'mapped');
    assert.deepEqual(
      vip.groups.map((g) => g.displayName),
      ['Zoë’s VIPs'],
    );
    await store.picture(KEY, edited);
    await store.picture(KEY, CONTOSO_PLAN);
    await store.picture(KEY, edited);
    assert.equal(reads.batches, 6, 'a group looked up once is known for every later edit');
  });

  it('a group map edit by a name the first read already looked up asks nothing', async () => {
    const { store, reads } = await world();
    await store.picture(KEY, CONTOSO_PLAN);
    // "O'Neill Project" is a collection name: looked up with the first read.
    const after = await store.picture(KEY, { ...CONTOSO_PLAN, groups: { ...CONTOSO_PLAN.groups, map: { P010001D: ["O'Neill Project"] } } });
    assert.equal(reads.batches, 3);
    assert.deepEqual(
      after.picture.groups.find((g) => g.collectionId === 'P010001D')!.groups.map((g) => g.displayName),
      ["O'Neill Project"],
    );
  });

  it('refresh() and another site or tenant read again; listeners hear refresh', async () => {
    const { store, reads } = await world();
    const heard: (string | undefined)[] = [];
    store.onDidRefresh((key) => heard.push(key));
    await store.picture(KEY, CONTOSO_PLAN);
    store.refresh(KEY);
    assert.deepEqual(heard, [KEY]);
    await store.picture(KEY, CONTOSO_PLAN);
    assert.equal(reads.site, 2);
    await store.picture(KEY, { ...CONTOSO_PLAN, site: { source: 'snapshot', path: 'other.snapshot.json' } });
    assert.equal(reads.site, 3, 'another site');
    await store.picture(KEY, {
      ...CONTOSO_PLAN,
      site: { source: 'snapshot', path: 'other.snapshot.json' },
      tenant: { sandbox: true, url: 'http://127.0.0.1:9' },
    });
    assert.equal(reads.site, 4, 'another tenant');
    await store.picture('file:///plans/second.migration.json', CONTOSO_PLAN);
    assert.equal(reads.site, 5, 'another plan has its own picture');
  });

  it('concurrent requests share one read; a failed read is not kept', async () => {
    const { graph, reads } = fakeTenant(await contosoGroups());
    let fail = true;
    const store = new PictureStore(async (_key, work) => {
      if (fail) {
        fail = false;
        throw new Error('Login failed for user svc-cm-read');
      }
      return work(fakeSession(CONTOSO_PLAN, graph, reads));
    }, phaseOne);
    await assert.rejects(store.picture(KEY, CONTOSO_PLAN), /Login failed/);
    const [a, b] = await Promise.all([store.picture(KEY, CONTOSO_PLAN), store.picture(KEY, CONTOSO_PLAN)]);
    assert.equal(reads.site, 1, 'read once for both, after the failure');
    assert.equal(a.picture.items.length, b.picture.items.length);
  });
});
