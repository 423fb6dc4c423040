import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizePicture } from '../../src/core/analysis/summary';
import type { MigrationPicture, PictureItem } from '../../src/core/analysis/types';

const item = (kind: string, state: PictureItem['state'], selected = true) =>
  ({ key: `${kind}-${state}`, selected, state, translation: { source: { kind, name: `Zoë's ${kind}` } } }) as unknown as PictureItem;

test('the dashboard counts objects per kind and state and carries the mapping and findings', () => {
  const picture = {
    items: [item('wifi', 'imported'), item('wifi', 'blocked'), item('compliance', 'partial'), item('compliance', 'imported', false)],
    groups: [
      {
        collectionId: 'P0100010',
        collectionName: 'Sales Team Users',
        status: 'mapped',
        groups: [{ id: 'g1', displayName: 'Sales Team', via: 'sid' }],
        reason: 'same SID',
      },
    ],
    order: [],
    findings: [{ severity: 'warning', code: 'x', pointer: '', message: 'Two objects carry one marker.' }],
  } as unknown as MigrationPicture;
  const model = summarizePicture('Contoso', picture);
  assert.equal(model.totals.all, 4);
  assert.deepEqual(
    model.states.map((s) => `${s.state}:${s.label}`),
    [
      'imported:imported',
      'importable:importable',
      'partial:partly importable',
      'drifted:drifted',
      'blocked:blocked',
      'notImported:not imported',
    ],
  );
  assert.equal(model.totals.selected, 3);
  assert.equal(model.totals.imported, 2);
  assert.deepEqual(
    model.byKind.map((k) => [k.kind, k.total, k.counts.imported, k.counts.blocked, k.counts.partial]),
    [
      ['compliance policy', 2, 1, 0, 1],
      ['Wi-Fi profile', 2, 1, 1, 0],
    ],
  );
  assert.deepEqual(model.groups, [
    { collectionId: 'P0100010', collection: 'Sales Team Users', status: 'mapped', groups: 'Sales Team (sid)', reason: 'same SID' },
  ]);
  assert.deepEqual(model.findings, [{ severity: 'warning', message: 'Two objects carry one marker.' }]);
});
