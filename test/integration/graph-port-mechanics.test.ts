// The Graph port against a scripted loopback server: each test decides exactly what the
// "service" answers, to prove paging, version choice, $batch retry rules, unknown outcomes,
// cancellation and redaction independently of the sandbox tenant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import { GraphOutcomeUnknownError, GraphRequestError } from '../../src/core/tenant/errors';
import { createSandboxTokenSource, SANDBOX_TOKEN } from '../../src/core/tenant/auth/sandbox';
import type { TokenSource } from '../../src/core/tenant/auth/token-source';
import { recordingLog } from '../support/graph-fakes';
import { reportingWaits } from '../../src/core/tenant/graph-port';
import type { PacerWait } from '../../src/core/tenant/pacer';
import { waitText } from '../../src/core/phases/render';

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body: any;
}
type Handler = (req: Seen, res: ServerResponse, raw: IncomingMessage) => void;

async function withServer(handler: Handler, run: (base: string, seen: Seen[]) => Promise<void>) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const entry: Seen = {
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      };
      seen.push(entry);
      handler(entry, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await run(base, seen);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `rid-${status}-${Math.floor(Math.random() * 1e6)}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

const fast = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 200 };
const port = (base: string, extra: Partial<Parameters<typeof createGraphPort>[0]> = {}) =>
  createGraphPort({ baseUrl: base, tokenSource: createSandboxTokenSource(), retry: fast, ...extra });

test('list pages through absolute @odata.nextLink links and sends the bearer on every page', async () => {
  const names = ['Sales Users', "O'Brien's Team", 'Équipe Zürich', 'Ops', 'Финансы'];
  await withServer(
    (req, res, raw) => {
      const base = `http://${raw.headers.host}`;
      const skip = Number(new URL(req.url, base).searchParams.get('$skiptoken') ?? 0);
      const page = names.slice(skip, skip + 2).map((displayName, i) => ({ id: `g${skip + i}`, displayName }));
      const next = skip + 2 < names.length ? { '@odata.nextLink': `${base}/v1.0/groups?$top=2&$skiptoken=${skip + 2}` } : {};
      json(res, 200, { value: page, ...next });
    },
    async (b, seen) => {
      const groups = await port(b).listAll<{ displayName: string }>('/groups', {
        query: { $top: 2, $filter: "startswith(displayName,'O''B')" },
      });
      assert.deepEqual(
        groups.map((g) => g.displayName),
        names,
      );
      assert.equal(seen.length, 3);
      assert.equal(decodeURIComponent(new URL(seen[0].url, b).searchParams.get('$filter')!), "startswith(displayName,'O''B')");
      assert.match(seen[0].url, /^\/v1\.0\/groups\?/);
      assert.ok(seen.every((s) => s.auth === `Bearer ${SANDBOX_TOKEN}`));
    },
  );
});

test('the port picks beta for profile types v1.0 lacks and v1.0 for the rest', async () => {
  await withServer(
    (req, res) => json(res, 201, { id: 'new', ...req.body }),
    async (b, seen) => {
      const p = port(b);
      await p.create('/deviceManagement/deviceConfigurations', {
        '@odata.type': '#microsoft.graph.iosScepCertificateProfile',
        displayName: 'SCEP – Contoso',
      });
      await p.create('/deviceManagement/deviceConfigurations', {
        '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
        displayName: 'iOS restrictions',
      });
      await p.get('/deviceManagement/ndesConnectors');
      await p.post(
        '/deviceManagement/deviceConfigurations/abc/assign',
        { assignments: [] },
        { odataType: '#microsoft.graph.windowsWifiConfiguration', idempotent: true },
      );
      assert.deepEqual(
        seen.map((s) => s.url),
        [
          '/beta/deviceManagement/deviceConfigurations',
          '/v1.0/deviceManagement/deviceConfigurations',
          '/beta/deviceManagement/ndesConnectors',
          '/beta/deviceManagement/deviceConfigurations/abc/assign',
        ],
      );
    },
  );
});

test('$batch: chunks of 20, inner 429 retried after the longest Retry-After, 424 chains retried with a throttled root, final 424 surfaced', async () => {
  const attempts = new Map<string, number>();
  await withServer(
    (req, res) => {
      assert.equal(req.url, '/v1.0/$batch');
      const responses = (req.body.requests as any[]).map((r) => {
        const n = (attempts.get(r.id) ?? 0) + 1;
        attempts.set(r.id, n);
        if (r.id === 'bad')
          return {
            id: r.id,
            status: 400,
            body: { error: { code: 'Request_BadRequest', message: 'mailNickname invalid', innerError: { 'request-id': 'rid-bad' } } },
          };
        if (r.id === 'after-bad') return { id: r.id, status: 424, body: { error: { code: 'FailedDependency' } } };
        if (r.id === 'root' && n === 1)
          return { id: r.id, status: 429, headers: { 'Retry-After': '0.1' }, body: { error: { code: 'TooManyRequests' } } };
        if (r.id === 'child' && n === 1) return { id: r.id, status: 424, body: { error: { code: 'FailedDependency' } } };
        if (r.id === 'w7' && n === 1) return { id: r.id, status: 429, headers: { 'retry-after': '0.2' }, body: {} };
        if (r.id === 'w30' && n === 1) return { id: r.id, status: 503, body: {} };
        return {
          id: r.id,
          status: r.method === 'POST' ? 201 : 200,
          body: { id: `id-${r.id}`, sent: r.body ?? null, dependsOn: r.dependsOn ?? [] },
        };
      });
      json(res, 200, { responses: responses.reverse() });
    },
    async (b, seen) => {
      const { lines, log } = recordingLog();
      const p = port(b, { log });
      const requests = [
        ...Array.from({ length: 40 }, (_, i) => ({
          id: `w${i}`,
          method: 'POST' as const,
          path: '/groups',
          body: { displayName: `Wave ${i} – Zoë's group`, mailEnabled: false, mailNickname: `wave${i}`, securityEnabled: true },
        })),
        { id: 'root', method: 'POST' as const, path: '/groups', body: { displayName: 'Pilot' } },
        { id: 'child', method: 'POST' as const, path: '/groups/$root/members/$ref', body: { '@odata.id': 'x' }, dependsOn: ['root'] },
        { id: 'bad', method: 'POST' as const, path: '/groups', body: { displayName: 'Bad' } },
        { id: 'after-bad', method: 'PATCH' as const, path: '/groups/bad', body: { description: 'x' }, dependsOn: ['bad'] },
        { id: 'read', method: 'GET' as const, path: '/users?$top=1' },
      ];
      const results = await p.batch(requests);
      assert.deepEqual(
        results.map((r) => r.id),
        requests.map((r) => r.id),
        'results in request order',
      );
      const byId = Object.fromEntries(results.map((r) => [r.id, r]));
      assert.equal(byId.bad.outcome, 'failed');
      assert.equal(byId.bad.status, 400);
      assert.equal(byId.bad.requestId, 'rid-bad');
      assert.equal(byId['after-bad'].status, 424);
      assert.equal(byId['after-bad'].outcome, 'failed');
      assert.match(byId['after-bad'].message!, /prerequisite "bad"/);
      for (const id of ['root', 'child', 'w7', 'w30', 'w0', 'read']) assert.equal(byId[id].outcome, 'ok', id);
      assert.equal(attempts.get('root'), 2);
      assert.equal(attempts.get('child'), 2, 'the 424 of a throttled chain is retried with its root');
      assert.equal(attempts.get('bad'), 1, 'a 400 is not retried');
      assert.equal(attempts.get('after-bad'), 1, 'a 424 behind a 400 is not retried');
      assert.equal(attempts.get('w0'), 1, 'successful requests are not resent');
      // Round 1: 45 requests -> 3 chunks (20, 20, 5); round 2: only the 4 failed ones.
      const sizes = seen.map((s) => s.body.requests.length);
      assert.deepEqual(
        sizes.slice(0, 3).sort((a, c) => c - a),
        [20, 20, 5],
      );
      assert.deepEqual(sizes.slice(3), [4]);
      const retried = seen[3].body.requests.map((r: any) => r.id).sort();
      assert.deepEqual(retried, ['child', 'root', 'w30', 'w7']);
      const root = seen.flatMap((s) => s.body.requests).filter((r: any) => r.id === 'child');
      assert.ok(
        root.every((r: any) => r.dependsOn?.[0] === 'root'),
        'chain kept together with dependsOn',
      );
      assert.ok(
        seen.flatMap((s) => s.body.requests).every((r: any) => r.method === 'GET' || r.headers['Content-Type'] === 'application/json'),
      );
      assert.ok(
        lines.some((l) => /retrying 4 request\(s\) in 0\.2 s/.test(l)),
        'waits the longest Retry-After (0.2 s) of the round',
      );
      assert.ok(lines.some((l) => /\$batch w7: POST \/groups -> HTTP 429/.test(l)));
    },
  );
});

test('a create whose connection drops after the service committed it is reported unknown, never resent; a GET is retried', async () => {
  let gets = 0;
  await withServer(
    (req, res, raw) => {
      if (req.method === 'POST') return raw.socket.destroy();
      gets++;
      if (gets === 1) return raw.socket.destroy();
      json(res, 200, { value: [] });
    },
    async (b, seen) => {
      const { lines, log } = recordingLog();
      const p = port(b, { log });
      const error = await p
        .create('/deviceManagement/deviceCompliancePolicies', {
          '@odata.type': '#microsoft.graph.iosCompliancePolicy',
          displayName: 'iOS – Lüneburg',
        })
        .then(
          () => assert.fail('should not resolve'),
          (e) => e,
        );
      assert.ok(error instanceof GraphOutcomeUnknownError);
      assert.equal(error.outcome, 'unknown');
      assert.equal(seen.filter((s) => s.method === 'POST').length, 1, 'exactly one POST reached the service');
      assert.deepEqual(await p.listAll('/deviceManagement/deviceCompliancePolicies'), []);
      assert.equal(gets, 2, 'the GET was retried once');
      assert.ok(lines.some((l) => /outcome unknown, not resent/.test(l)));
    },
  );
});

test('503 on GET is retried; a 400 throws a GraphRequestError naming request-id, logged without the token', async () => {
  let n = 0;
  await withServer(
    (req, res) => {
      n++;
      if (req.url.includes('users')) return n === 1 ? json(res, 503, {}) : json(res, 200, { id: 'u1' });
      json(
        res,
        400,
        { error: { code: 'BadRequest', message: `Invalid filter; header was ${req.auth}`, innerError: { 'request-id': 'rid-400' } } },
        { 'request-id': 'rid-400' },
      );
    },
    async (b) => {
      const { lines, log } = recordingLog();
      const p = port(b, { log });
      assert.deepEqual(await p.get('/users/alice@contoso.com'), { id: 'u1' });
      const error = await p.get('/groups', { query: { $filter: 'bad' } }).catch((e) => e);
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.status, 400);
      assert.equal(error.requestId, 'rid-400');
      assert.match(error.message, /request-id rid-400/);
      const all = [error.message, ...lines].join('\n');
      assert.ok(!all.includes(SANDBOX_TOKEN), 'token echoed by the service is redacted');
      assert.ok(
        lines.some((l) => l.includes('rid-400')),
        'request-id in the log line',
      );
    },
  );
});

test('outer 429 with Retry-After pauses the port; no 429 reaches the caller', async () => {
  let n = 0;
  await withServer(
    (_req, res) =>
      ++n <= 2 ? json(res, 429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '0.05' }) : json(res, 201, { id: 'x' }),
    async (b) => {
      const { lines, log } = recordingLog();
      const p = port(b, { log });
      assert.deepEqual(await p.create('/groups', { displayName: 'G' }), { id: 'x' });
      assert.equal(n, 3);
      assert.equal(lines.filter((l) => /HTTP 429/.test(l)).length, 2);
    },
  );
});

test('cancellation: a GET in flight rejects with AbortError, a create in flight is unknown (cancelled), a queued wait is abandoned', async () => {
  await withServer(
    () => {
      /* never answers */
    },
    async (b) => {
      const p = port(b);
      const c1 = new AbortController();
      const get = p.get('/groups', { signal: c1.signal });
      setTimeout(() => c1.abort(), 30);
      await assert.rejects(get, { name: 'AbortError' });
      const c2 = new AbortController();
      const create = p.create('/groups', { displayName: 'G' }, { signal: c2.signal });
      setTimeout(() => c2.abort(), 30);
      const error = await create.catch((e) => e);
      assert.ok(error instanceof GraphOutcomeUnknownError && error.cancelled);
      // A pacer wait: the only write slot is held (its request never finishes), the write queues.
      const slow = port(b, { pacing: { writes: { limit: 1, windowMs: 60_000 } } });
      await slow.internals.pacer.writes.take(1);
      const c3 = new AbortController();
      const queued = slow.delete('/groups/abc', { signal: c3.signal });
      c3.abort();
      await assert.rejects(queued, { name: 'AbortError' });
    },
  );
});

test('an @odata.nextLink to another host is refused; token errors are redacted', async () => {
  await withServer(
    (_req, res) => json(res, 200, { value: [1], '@odata.nextLink': 'https://evil.example/v1.0/groups?$skiptoken=2' }),
    async (b, seen) => {
      const p = port(b);
      await assert.rejects(p.listAll('/groups'), /does not point at/);
      assert.equal(seen.length, 1);
      const leaky: TokenSource = {
        describe: () => 'leaky',
        getToken: async () => {
          throw new Error(
            'AADSTS7000215: Invalid client secret. client_secret=abcDEF123456789 Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
          );
        },
      };
      const error = await port(b, { tokenSource: leaky })
        .get('/groups')
        .catch((e) => e);
      assert.ok(error instanceof GraphRequestError);
      assert.match(error.message, /sign-in failed: AADSTS7000215/);
      assert.ok(!/abcDEF123456789|eyJhbGci/.test(error.message), error.message);
      assert.equal(seen.length, 1, 'no request left without a token');
    },
  );
});

test('a 429 storm without Retry-After on parallel reads: their backoffs overlap instead of adding up', async () => {
  // Fault suite trial fault-11 (seed 340430549): three list reads, six 429s each, no Retry-After.
  // Each request backing off on its own *and* pausing the shared window made the waits run one
  // after the other (about three times the longest request's own waits).
  let n = 0;
  await withServer(
    (_req, res) => (++n <= 18 ? json(res, 429, { error: { code: 'TooManyRequests' } }) : json(res, 200, { value: [] })),
    async (b) => {
      const base = 40;
      const p = port(b, { retry: { maxRetries: 6, baseDelayMs: base, maxDelayMs: 60_000 }, random: () => 1 });
      const started = Date.now();
      const lists = await Promise.all(
        ['/deviceManagement/deviceConfigurations', '/deviceManagement/deviceCompliancePolicies', '/deviceAppManagement/mobileApps'].map(
          (path) => p.listAll(path),
        ),
      );
      const elapsed = Date.now() - started;
      assert.deepEqual(lists, [[], [], []]);
      assert.equal(n, 21);
      // One request's own backoffs: base × (1 + 2 + … + 32) = 63 × base.
      const own = 63 * base;
      assert.ok(
        elapsed < own * 1.6,
        `took ${elapsed} ms; one request's backoffs add up to ${own} ms, all three serialised to ${own * 3} ms`,
      );
    },
  );
});

/** Time that moves only by the port's own waits, so a 30 s hold takes no time in the test. */
function instantClock() {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      t += ms;
    },
  };
}

test('a list read held by the pacer, by a 429 pause or by its own backoff says so through onWait, as a run says it', async () => {
  // Page 2 gets 429 Retry-After: 30 (the pacer holds the reads), then 429 without one (the
  // request's own backoff, 2 s doubled on the second try), then the pages come at the window's
  // pace (two reads per 10 s).
  const answers = [200, 429, 429, 200, 200];
  let n = 0;
  await withServer(
    (req, res, raw) => {
      const status = answers[n++];
      if (status === 429) return json(res, 429, { error: { code: 'TooManyRequests' } }, n === 2 ? { 'Retry-After': '30' } : {});
      const page = Number(new URL(req.url, `http://${raw.headers.host}`).searchParams.get('page') ?? 1);
      const next =
        page < 3 ? { '@odata.nextLink': `http://${raw.headers.host}/beta/deviceManagement/deviceConfigurations?page=${page + 1}` } : {};
      json(res, 200, { value: [{ id: `p${page}` }], ...next });
    },
    async (b) => {
      const waits: PacerWait[] = [];
      const p = port(b, {
        clock: instantClock(),
        random: () => 1,
        retry: { maxRetries: 4, baseDelayMs: 2_000, maxDelayMs: 60_000 },
        pacing: { reads: { limit: 2, windowMs: 10_000 } },
      });
      const items = await p.listAll<{ id: string }>('/deviceManagement/deviceConfigurations', { onWait: (w) => waits.push(w) });
      assert.deepEqual(
        items.map((i) => i.id),
        ['p1', 'p2', 'p3'],
      );
      const said = waits.map(waitText);
      assert.equal(said[0], 'Intune asked to wait (429), 30 s', said.join(' | '));
      assert.ok(said.includes('Intune asked to wait (429), 4 s'), said.join(' | '));
      assert.ok(
        said.some((t) => /^waiting for Intune's request limit, about \d+ s$/.test(t)),
        said.join(' | '),
      );
      assert.ok(waits.every((w) => w.service === 'intune' && w.kind === 'read'));
    },
  );
});

test('reportingWaits: a get through the wrapped port reports its hold; a request naming its own onWait keeps it', async () => {
  let n = 0;
  await withServer(
    (_req, res) =>
      ++n === 1 ? json(res, 429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '5' }) : json(res, 200, { id: 'org' }),
    async (b) => {
      const run: PacerWait[] = [];
      const own: PacerWait[] = [];
      const graph = reportingWaits(port(b, { clock: instantClock(), retry: { maxDelayMs: 60_000 } }), (w) => run.push(w));
      assert.deepEqual(await graph.get('/organization/org'), { id: 'org' });
      assert.deepEqual(run.map(waitText), ['Entra ID asked to wait (429), 5 s']);
      n = 0;
      await graph.get('/organization/org', { onWait: (w) => own.push(w) });
      assert.equal(run.length, 1);
      assert.deepEqual(own.map(waitText), ['Entra ID asked to wait (429), 5 s']);
    },
  );
});
