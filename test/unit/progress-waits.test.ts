// Honest progress (issue 15 item 3): a run that waits says what for and how long, in the core's
// words, so VS Code's progress and the CLI print the same line. Real Graph port, fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/core/ledger/journal';
import { executeSteps, type StepOutcome } from '../../src/core/phases/execute';
import { waitText } from '../../src/core/phases/render';
import type { Step } from '../../src/core/phases/steps';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import { FakeClock } from '../support/graph-fakes';
import { CONTOSO_PLAN, contosoGroups, fakeSession, fakeTenant } from '../support/fake-session';
import { readImportPicture } from '../../src/core/phases/import';
import type { GraphPort } from '../../src/core/tenant/graph-port';

const create = (id: string, path: string): Step => ({
  id,
  key: id,
  action: 'create',
  title: `Create ${id}`,
  request: { method: 'POST', path, version: 'v1.0', body: { displayName: id } },
  needs: [],
  verify: '',
});

/** Graph over fetch: every inner request answered 201, except as `answer` says. */
function fakeFetch(answer: (url: string, n: number) => { status: number; headers?: Record<string, string> } | undefined) {
  let n = 0;
  return (async (_input: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { requests: { id: string; url: string }[] };
    const responses = body.requests.map((r) => {
      const a = answer(r.url, n++) ?? { status: 201 };
      return {
        id: r.id,
        status: a.status,
        headers: { 'Content-Type': 'application/json', ...a.headers },
        body: a.status < 300 ? { id: `id-${r.id}-${n}` } : { error: { code: 'TooManyRequests', message: 'slow down' } },
      };
    });
    return new Response(JSON.stringify({ responses }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
}

/** Runs the steps, moving the fake clock until they are all settled; returns the waits said and when. */
async function run(steps: Step[], fetchImpl: typeof fetch, pacing = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-waits-'));
  const clock = new FakeClock();
  const graph = createGraphPort({
    baseUrl: 'http://127.0.0.1:9',
    tokenSource: createSandboxTokenSource(),
    clock,
    fetch: fetchImpl,
    pacing,
  });
  const said: { at: number; settled: number; text: string }[] = [];
  const settled: number[] = [];
  try {
    const journal = Journal.open(join(dir, 'run.ledger'));
    const done = executeSteps(steps, {
      graph,
      journal,
      phase: 'import',
      ids: new Map(),
      reconcile: () => Promise.resolve(null),
      onProgress: () => settled.push(clock.now()),
      onWait: (w) => said.push({ at: clock.now(), settled: settled.length, text: waitText(w) }),
    });
    let outcomes: StepOutcome[] | undefined;
    void done.then((o) => (outcomes = o));
    for (let i = 0; i < 400 && !outcomes; i++) {
      await clock.advance(500);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(outcomes, 'the run ended');
    return { said, settled, outcomes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a run held by Intune's write window says so with the seconds, after the first window's steps settled", async () => {
  const steps = Array.from({ length: 25 }, (_, i) => create(`profile-${i}`, '/deviceManagement/deviceConfigurations'));
  const { said, settled, outcomes } = await run(
    steps,
    fakeFetch(() => undefined),
    { writes: { limit: 20, windowMs: 20_000 } },
  );
  assert.equal(outcomes.filter((o) => o.status === 'done').length, 25);
  assert.equal(said.length, 1, said.map((s) => s.text).join(' | '));
  assert.equal(said[0].text, "waiting for Intune's write limit, about 20 s");
  // said when the first 20 answers came back (not at the end), and the last 5 settle a window later
  assert.equal(said[0].at, settled[19]);
  assert.ok(said[0].settled <= 20);
  assert.ok(settled[24] - settled[0] >= 20_000, `the last steps waited for the window: ${settled[0]} .. ${settled[24]}`);
});

test('a 429 from Entra ID is said as the service asking, with its Retry-After; Intune is not named', async () => {
  const steps = [create('group-a', '/groups'), create('group-b', '/groups')];
  const { said, outcomes } = await run(
    steps,
    fakeFetch((url, n) => (url === '/groups' && n < 2 ? { status: 429, headers: { 'Retry-After': '30' } } : undefined)),
  );
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['done', 'done'],
  );
  assert.ok(said.length >= 1);
  assert.equal(said[0].text, 'Entra ID asked to wait (429), 30 s');
  assert.ok(!said.some((s) => /Intune/.test(s.text)), said.map((s) => s.text).join(' | '));
});

test('wait texts: the service, the limit or the status, whole seconds', () => {
  assert.equal(waitText({ service: 'intune', kind: 'write', ms: 14_200 }), "waiting for Intune's write limit, about 14 s");
  assert.equal(waitText({ service: 'directory', kind: 'read', ms: 400 }), "waiting for Entra ID's request limit, about 1 s");
  assert.equal(waitText({ service: 'intuneDevices', kind: 'write', ms: 5_000, status: 503 }), 'Intune (devices) asked to wait (503), 5 s');
});

test("the import's read of the tenant hands its waits to the run: every list and $batch of it gets the run's onWait", async () => {
  const { graph: tenant, reads } = fakeTenant(await contosoGroups());
  // A tenant where every read is held once: a list by the pacer's window, a $batch by a 429.
  const graph: GraphPort = {
    ...tenant,
    listAll: (path, options) => {
      options?.onWait?.({ service: 'intune', kind: 'read', ms: 12_000 });
      return tenant.listAll(path, options);
    },
    batch: (requests, options) => {
      options?.onWait?.({ service: 'directory', kind: 'read', ms: 30_000, status: 429 });
      return tenant.batch(requests, options);
    },
  };
  const said: string[] = [];
  await readImportPicture(fakeSession(CONTOSO_PLAN, graph, reads), undefined, { onWait: (w) => said.push(waitText(w)) });
  assert.ok(reads.lists > 0 && reads.batches > 0, `lists ${reads.lists}, batches ${reads.batches}`);
  assert.equal(said.filter((t) => t === "waiting for Intune's request limit, about 12 s").length, reads.lists);
  assert.equal(said.filter((t) => t === 'Entra ID asked to wait (429), 30 s').length, reads.batches);
  // Without a listener the reads go as before: nothing is said, nothing breaks.
  said.length = 0;
  await readImportPicture(fakeSession(CONTOSO_PLAN, graph, reads));
  assert.deepEqual(said, []);
});
