// The executor's chunks: one Graph service per $batch call, and one journal sync per chunk's
// outcomes (a 10,000-member group is 500 steps: a sync each held the event loop for seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalEntry } from '../../src/core/ledger/journal';
import { executeSteps } from '../../src/core/phases/execute';
import { placeholder } from '../../src/core/placeholders';
import type { Step } from '../../src/core/phases/steps';
import type { BatchRequest, BatchResult, GraphPort } from '../../src/core/tenant/graph-port';

const step = (id: string, method: 'POST' | 'PATCH', path: string, extra: Partial<Step> = {}): Step => ({
  id,
  key: id,
  action: 'create',
  title: id,
  request: { method, path, version: 'v1.0', body: {} },
  needs: [],
  verify: '',
  ...extra,
});

/** A port whose batch() answers every request 201/204 (or as `answer` says) and records each call. */
function fakePort(answer: (r: BatchRequest) => Partial<BatchResult> = () => ({})) {
  const calls: BatchRequest[][] = [];
  const port = {
    baseUrl: 'https://graph.example',
    batch: (requests: BatchRequest[]) => {
      calls.push(requests);
      return Promise.resolve(
        requests.map((r): BatchResult => ({
          id: r.id,
          status: r.method === 'POST' ? 201 : 204,
          outcome: 'ok',
          body: r.method === 'POST' ? { id: `new-${r.path}-${calls.length}-${r.id}` } : undefined,
          ...answer(r),
        })),
      );
    },
  } as unknown as GraphPort;
  return { port, calls };
}

test('a group with 100 member additions and 30 Intune creates: each $batch holds one service, and each chunk syncs the journal twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-execute-'));
  try {
    const journal = Journal.open(join(dir, 'run.ledger'));
    let syncs = 0;
    const append = journal.append.bind(journal);
    journal.append = (...entries: JournalEntry[]) => {
      if (entries.length) syncs++;
      append(...entries);
    };
    const steps: Step[] = [
      step('group', 'POST', '/groups', { action: 'createGroup', key: 'group:G' }),
      ...Array.from({ length: 100 }, (_, i) =>
        step(`members:${i}`, 'PATCH', `/groups/${placeholder('group:G')}`, { action: 'addMembers', key: 'group:G', needs: ['group:G'] }),
      ),
      ...Array.from({ length: 30 }, (_, i) => step(`ci:${i}`, 'POST', '/deviceManagement/deviceConfigurations')),
    ];
    const { port, calls } = fakePort();
    const outcomes = await executeSteps(steps, {
      graph: port,
      journal,
      phase: 'import',
      ids: new Map(),
      reconcile: () => Promise.resolve(null),
    });
    assert.deepEqual(
      outcomes.filter((o) => o.status !== 'done').map((o) => o.step.id),
      [],
    );
    for (const call of calls) {
      const intune = call.filter((r) => r.path.startsWith('/deviceManagement/')).length;
      assert.ok(intune === 0 || intune === call.length, `one service per call: ${call.map((r) => r.path).join(' ')}`);
    }
    // The first round: the group alone (directory) and the 30 creates in chunks of 20 and 10.
    assert.deepEqual(
      calls.slice(0, 3).map((c) => c.length),
      [1, 20, 10],
    );
    assert.equal(calls.length, 3 + 5, 'then the 100 additions in 5 chunks');
    // One run line, then per chunk its intents and its outcomes: 1 + 8 * 2, not 1 + 8 + 131.
    assert.equal(syncs, 1 + calls.length * 2);
    const lines = readFileSync(join(dir, 'run.ledger'), 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => l.includes('"t":"done"')).length, 131, 'every outcome is still on its own line');
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an addition whose outcome is unknown is looked up after the chunk is synced, and recorded on its own line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-execute-'));
  try {
    const journal = Journal.open(join(dir, 'run.ledger'));
    const steps: Step[] = Array.from({ length: 3 }, (_, i) =>
      step(`members:${i}`, 'PATCH', '/groups/g1', { action: 'addMembers', key: 'group:G' }),
    );
    const { port } = fakePort((r) =>
      r.id === '2' ? { status: 0, outcome: 'unknown', code: 'OutcomeUnknown', message: 'connection lost' } : {},
    );
    const looked: string[] = [];
    const outcomes = await executeSteps(steps, {
      graph: port,
      journal,
      phase: 'import',
      ids: new Map(),
      reconcile: (s) => {
        looked.push(s.id);
        return Promise.resolve('g1');
      },
    });
    assert.deepEqual(looked, ['members:1']);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['done', 'reconciled', 'done'],
    );
    const kinds = readFileSync(join(dir, 'run.ledger'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as JournalEntry).t);
    assert.deepEqual(kinds, ['run', 'intent', 'intent', 'intent', 'done', 'done', 'reconciled']);
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a $batch call holds one API version, and steps others wait for leave first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-execute-'));
  try {
    const journal = Journal.open(join(dir, 'run.ledger'));
    const version = (i: number) => (i % 2 ? 'beta' : 'v1.0');
    const steps: Step[] = Array.from({ length: 30 }, (_, i) => {
      const s = step(`ci:${i}`, 'POST', '/deviceManagement/deviceConfigurations');
      return { ...s, request: { ...s.request, version: version(i) } };
    });
    // A chain proposed last: a root, the profile that binds it, the assignment of that profile.
    steps.push(
      step('root', 'POST', '/deviceManagement/deviceConfigurations'),
      step('scep', 'POST', '/deviceManagement/deviceConfigurations', { needs: ['root'] }),
      step('assign:scep', 'POST', `/deviceManagement/deviceConfigurations/${placeholder('scep')}/assign`, {
        action: 'assign',
        key: 'scep',
        needs: ['scep'],
      }),
    );
    const { port, calls } = fakePort();
    await executeSteps(steps, { graph: port, journal, phase: 'import', ids: new Map(), reconcile: () => Promise.resolve(null) });
    // The fake port does not see versions; the journal's intents show each call's steps.
    const intents = readFileSync(join(dir, 'run.ledger'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalEntry)
      .filter((e): e is Extract<JournalEntry, { t: 'intent' }> => e.t === 'intent');
    let at = 0;
    for (const call of calls) {
      const ids = intents.slice(at, at + call.length).map((e) => e.step);
      at += call.length;
      const callVersions = new Set(ids.map((id) => steps.find((s) => s.id === id)!.request.version));
      assert.equal(callVersions.size, 1, `one version per call: ${ids.join(' ')}`);
    }
    assert.equal(intents[0].step, 'root', 'the head of the longest chain leaves first');
    assert.equal(calls[0].length, 16, "the root's chunk: the root and the 15 other v1.0 steps");
    assert.equal(calls[1].length, 15, 'then the beta ones');
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
