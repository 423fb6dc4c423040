import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Journal, ledgerPathFor } from '../../src/core/ledger/journal';

const at = '2026-11-25T10:00:00.000Z';
const tmp = () => join(mkdtempSync(join(tmpdir(), 'cm2intune-journal-')), "O'Brien's plan.migration.ledger");

test('an intent without an outcome is unknown; an outcome settles it', () => {
  const path = tmp();
  const journal = Journal.open(path);
  journal.append(
    { t: 'intent', run: 'r1', step: 's1', key: 'ScopeId_A/Policy_1', action: 'create', at },
    { t: 'intent', run: 'r1', step: 's2', key: 'ScopeId_A/Policy_2', action: 'create', at },
    { t: 'done', run: 'r1', step: 's1', key: 'ScopeId_A/Policy_1', intuneId: 'id-1', at },
  );
  journal.close();
  const state = Journal.open(path).state();
  assert.deepEqual([...state.created], [['ScopeId_A/Policy_1', 'id-1']]);
  assert.deepEqual([...state.unknown.keys()], ['s2']);
});

test('a reconciled step is no longer unknown, with or without an object found', () => {
  const journal = Journal.open(tmp());
  journal.append(
    { t: 'intent', run: 'r1', step: 's1', key: 'k1', action: 'create', at },
    { t: 'intent', run: 'r1', step: 's2', key: 'k2', action: 'create', at },
    { t: 'reconciled', run: 'r2', step: 's1', key: 'k1', intuneId: 'found-1', at },
    { t: 'reconciled', run: 'r2', step: 's2', key: 'k2', intuneId: null, at },
  );
  const state = journal.state();
  assert.equal(state.unknown.size, 0);
  assert.deepEqual([...state.created], [['k1', 'found-1']]);
});

test('a torn last line from a killed run is skipped and the next append starts a new line', () => {
  const path = tmp();
  const first = Journal.open(path);
  first.append({ t: 'intent', run: 'r1', step: 's1', key: 'k1', action: 'create', at });
  first.close();
  appendFileSync(path, '{"t":"done","run":"r1","st');
  const second = Journal.open(path);
  assert.deepEqual(second.damagedLines, [2]);
  assert.deepEqual([...second.state().unknown.keys()], ['s1']);
  second.append({ t: 'done', run: 'r2', step: 's1', key: 'k1', intuneId: 'id-1', at });
  second.close();
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines[2], JSON.stringify({ t: 'done', run: 'r2', step: 's1', key: 'k1', intuneId: 'id-1', at }));
  assert.deepEqual([...Journal.open(path).state().created], [['k1', 'id-1']]);
});

test('failures are kept per step until the step succeeds', () => {
  const journal = Journal.open(tmp());
  journal.append(
    { t: 'intent', run: 'r1', step: 's1', key: 'k1', action: 'create', at },
    {
      t: 'failed',
      run: 'r1',
      step: 's1',
      key: 'k1',
      status: 400,
      message: 'Compliance policy must have one and only one block scheduled action',
      at,
    },
  );
  assert.equal(journal.state().failed.get('s1')?.status, 400);
  journal.append(
    { t: 'intent', run: 'r2', step: 's1', key: 'k1', action: 'create', at },
    { t: 'done', run: 'r2', step: 's1', key: 'k1', intuneId: 'x', at },
  );
  assert.equal(journal.state().failed.size, 0);
});

test('a reconciled step is no longer failed: a failure of an earlier run is not its outcome', () => {
  const journal = Journal.open(tmp());
  journal.append(
    { t: 'intent', run: 'r1', step: 's1', key: 'k1', action: 'create', at },
    { t: 'failed', run: 'r1', step: 's1', key: 'k1', status: 503, message: 'Service unavailable', at },
    { t: 'intent', run: 'r1', step: 's2', key: 'k2', action: 'create', at },
    { t: 'failed', run: 'r1', step: 's2', key: 'k2', status: 503, message: 'Service unavailable', at },
    // r2 retried both and was killed before their outcomes; r3 settled them against the tenant
    { t: 'intent', run: 'r2', step: 's1', key: 'k1', action: 'create', at },
    { t: 'intent', run: 'r2', step: 's2', key: 'k2', action: 'create', at },
    { t: 'reconciled', run: 'r3', step: 's1', key: 'k1', intuneId: 'found-1', at },
    { t: 'reconciled', run: 'r3', step: 's2', key: 'k2', intuneId: null, at },
  );
  const state = journal.state();
  assert.deepEqual([...state.failed.keys()], []);
  assert.deepEqual([...state.created], [['k1', 'found-1']]);
  assert.equal(state.unknown.size, 0);
});

test('the ledger sits beside the plan', () => {
  assert.equal(ledgerPathFor('/plans/contoso.migration.json'), '/plans/contoso.migration.ledger');
});
