// Answers the product must not trust, from a scripted loopback "service": lists that are not
// lists, created objects without a string id, $batch answers without `responses`, answers held
// past the port's request timeout, and next-page chains past the page cap. Each ends in a typed
// error (a read) or an unknown outcome (a write), with a message naming the request and what was
// wrong, never the body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import { GraphMalformedResponseError, GraphOutcomeUnknownError, GraphRequestError } from '../../src/core/tenant/errors';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';
import { findGroups, readTenantObjects } from '../../src/core/tenant/read';

interface Seen {
  method: string;
  url: string;
  body: any;
}
type Handler = (req: Seen, res: ServerResponse, host: string) => void;

async function withServer(handler: Handler, run: (base: string, seen: Seen[]) => Promise<void>) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const entry: Seen = { method: req.method!, url: req.url!, body: text ? JSON.parse(text) : undefined };
      seen.push(entry);
      handler(entry, res, req.headers.host!);
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

const raw = (res: ServerResponse, status: number, contentType: string, text: string) => {
  res.writeHead(status, { 'content-type': contentType, 'request-id': 'rid-shape' });
  res.end(text);
};
const json = (res: ServerResponse, status: number, body: unknown) => raw(res, status, 'application/json', JSON.stringify(body));

const port = (base: string, extra: Partial<Parameters<typeof createGraphPort>[0]> = {}) =>
  createGraphPort({
    baseUrl: base,
    tokenSource: createSandboxTokenSource(),
    retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50 },
    ...extra,
  });

const SECRET_IN_PAGE = 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const HTML = `<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>${SECRET_IN_PAGE} upstream proxy error ${'x'.repeat(2000)}</body></html>`;

/** Bodies that used to read as an empty tenant, and what the error must say about each. */
const MALFORMED_LISTS: { name: string; contentType: string; text: string; says: RegExp }[] = [
  { name: 'an HTML page', contentType: 'text/html', text: HTML, says: /HTML\/XML page \(text\/html, \d+ characters/ },
  { name: '{}', contentType: 'application/json', text: '{}', says: /"value" array; "value" is missing/ },
  { name: '{"value":null}', contentType: 'application/json', text: '{"value":null}', says: /"value" array; "value" is null/ },
  {
    name: 'truncated JSON',
    contentType: 'application/json',
    text: '{"value":[{"id":"c1","displayName":"iOS – Contoso Security Baseline","descr',
    says: /JSON that does not parse \(cut off\?\)/,
  },
  { name: 'an empty body', contentType: 'application/json', text: '', says: /an empty body/ },
  { name: 'a JSON array', contentType: 'application/json', text: '[]', says: /a JSON array of 0/ },
];

for (const bad of MALFORMED_LISTS) {
  test(`a list page that is ${bad.name} is a MalformedResponse error, never an empty list`, async () => {
    await withServer(
      (_req, res) => raw(res, 200, bad.contentType, bad.text),
      async (b, seen) => {
        const error = await port(b)
          .listAll('/deviceManagement/deviceConfigurations', { version: 'beta' })
          .then(
            () => undefined,
            (e) => e,
          );
        assert.ok(error instanceof GraphMalformedResponseError, `rejected with ${error}`);
        assert.ok(error instanceof GraphRequestError, 'one of the GraphRequestError family');
        assert.equal(error.code, 'MalformedResponse');
        assert.equal(error.status, 200);
        assert.match(
          error.message,
          /^GET \/beta\/deviceManagement\/deviceConfigurations: the answer \(HTTP 200\) is not what Graph sends: /,
        );
        assert.match(error.message, bad.says);
        assert.match(error.message, /request-id rid-shape/);
        assert.ok(error.message.length < 400, `short: ${error.message}`);
        assert.ok(!error.message.includes('eyJ'), 'no token from the body');
        assert.ok(!error.message.includes('upstream proxy error'), 'no more of the body than its start');
        assert.equal(seen.length, 1, 'not retried: a broken answer is not throttling');
      },
    );
  });
}

test('tenant reads check the fields they use: a numeric object id, an assignment target without a type or a group without a name stops the read', async () => {
  let assignmentsBroken = false;
  await withServer(
    (req, res) => {
      if (req.url.includes('deviceCompliancePolicies') && !assignmentsBroken)
        return json(res, 200, { value: [{ id: 42, displayName: 'iOS Compliance – Corporate', description: null }] });
      if (req.url.includes('mobileApps') && assignmentsBroken)
        return json(res, 200, {
          value: [{ id: 'a1', displayName: 'Contoso Expenses', assignments: [{ intent: 'required', target: { groupId: 'g1' } }] }],
        });
      if (req.url.startsWith('/v1.0/$batch'))
        return json(res, 200, {
          responses: req.body.requests.map((r: { id: string }) => ({
            id: r.id,
            status: 200,
            body: { value: [{ id: 'g1', displayName: null }] },
          })),
        });
      json(res, 200, { value: [] });
    },
    async (b) => {
      const p = port(b);
      await assert.rejects(
        readTenantObjects(p),
        (e: Error) =>
          e instanceof GraphMalformedResponseError &&
          /^GET \/beta\/deviceManagement\/deviceCompliancePolicies: .*object 1 has "id" as a number, not a string/.test(e.message),
      );
      assignmentsBroken = true;
      await assert.rejects(
        readTenantObjects(p),
        (e: Error) => e instanceof GraphMalformedResponseError && /assignment target 1 has no "@odata\.type", not a string/.test(e.message),
      );
      await assert.rejects(
        findGroups(p, { displayNames: ["O'Brien's Team"] }),
        (e: Error) =>
          e instanceof GraphMalformedResponseError &&
          /GET \/v1\.0\/groups: .*group lookup 1 has "displayName" as null, not a string/.test(e.message),
      );
    },
  );
});

test('a create answered without a string id is an unknown outcome, not a success with a number for an id', async () => {
  for (const body of [{ id: 7, displayName: 'Contoso Root CA (iOS)' }, {}, 'Created']) {
    await withServer(
      (_req, res) => (typeof body === 'string' ? raw(res, 201, 'text/plain', body) : json(res, 201, body)),
      async (b, seen) => {
        const error = await port(b)
          .create('/deviceManagement/deviceConfigurations', {
            '@odata.type': '#microsoft.graph.iosTrustedRootCertificate',
            displayName: 'Contoso Root CA (iOS)',
          })
          .then(
            () => undefined,
            (e) => e,
          );
        assert.ok(error instanceof GraphOutcomeUnknownError, `${JSON.stringify(body)}: ${error}`);
        assert.match(
          error.message,
          /POST \/deviceManagement\/deviceConfigurations: outcome unknown \(the answer \(HTTP 201\) is not a created object: /,
        );
        assert.equal(seen.length, 1, 'never resent');
      },
    );
  }
});

test('$batch without "responses": writes are unknown, reads fail as MalformedResponse; an inner 201 with a numeric id is unknown', async () => {
  let mode: 'no-responses' | 'numeric-id' = 'no-responses';
  await withServer(
    (req, res) => {
      if (mode === 'no-responses') return json(res, 200, { value: [] });
      json(res, 200, {
        responses: req.body.requests.map((r: { id: string; method: string }) =>
          r.method === 'POST' ? { id: r.id, status: 201, body: { id: 12345 } } : { id: r.id, status: 200, body: { value: [] } },
        ),
      });
    },
    async (b, seen) => {
      const p = port(b);
      const requests = [
        {
          id: 'create',
          method: 'POST' as const,
          path: '/groups',
          body: { displayName: 'Intune Users', mailNickname: 'cm2intune-P0100014' },
        },
        { id: 'read', method: 'GET' as const, path: "/groups?$filter=displayName eq 'Sales Users'" },
      ];
      const first = await p.batch(requests);
      assert.deepEqual(
        first.map((r) => [r.id, r.outcome, r.code]),
        [
          ['create', 'unknown', 'OutcomeUnknown'],
          ['read', 'failed', 'MalformedResponse'],
        ],
      );
      assert.match(first[1].message!, /a \$batch answer must have a "responses" array; "responses" is missing/);
      assert.equal(seen.length, 1, 'not retried');
      mode = 'numeric-id';
      const second = await p.batch(requests);
      assert.deepEqual(
        second.map((r) => [r.id, r.outcome]),
        [
          ['create', 'unknown'],
          ['read', 'ok'],
        ],
      );
      assert.match(second[0].message!, /the created object's "id" is a number, not a string/);
    },
  );
});

test("a held answer times out at the port's request timeout: a GET is tried once more then fails, a create is unknown at once", async () => {
  let hold = true;
  await withServer(
    (_req, res) => {
      if (hold) return; // never answers
      json(res, 200, { value: [{ id: 'org', displayName: 'Contoso' }] });
    },
    async (b, seen) => {
      const p = port(b, { requestTimeoutMs: 300 });
      let started = Date.now();
      const read = await p.listAll('/organization').then(
        () => undefined,
        (e) => e,
      );
      const readMs = Date.now() - started;
      assert.ok(read instanceof GraphRequestError, String(read));
      assert.equal(read.code, 'Timeout');
      assert.match(
        read.message,
        /GET \/organization failed: no response Timeout: no answer within 0\.3 s, twice \(graph\.requestTimeoutSeconds in the plan\)/,
      );
      assert.equal(seen.length, 2, 'tried once more, not six times');
      assert.ok(readMs >= 550 && readMs < 5_000, `two timeouts of 0.3 s, not Node's 300 s: ${readMs} ms`);

      started = Date.now();
      const write = await p.create('/groups', { displayName: 'Sales Users' }).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(write instanceof GraphOutcomeUnknownError, String(write));
      assert.match(write.message, /outcome unknown \(no answer within 0\.3 s\)/);
      assert.equal(seen.filter((s) => s.method === 'POST').length, 1, 'a held create is never resent');
      assert.ok(Date.now() - started < 3_000);

      hold = false;
      const org = await p.listAll<{ displayName: string }>('/organization');
      assert.equal(org[0].displayName, 'Contoso', 'the port works again once answers come');
    },
  );
});

test('a held $batch: creates are unknown after the timeout, never resent; lookups are tried once more, then fail as Timeout', async () => {
  await withServer(
    () => {},
    async (b, seen) => {
      const p = port(b, { requestTimeoutMs: 300 });
      const results = await p.batch([{ id: '1', method: 'POST', path: '/groups', body: { displayName: 'Kiosk Operators' } }]);
      assert.deepEqual(
        results.map((r) => [r.outcome, r.code]),
        [['unknown', 'OutcomeUnknown']],
      );
      assert.match(results[0].message!, /no answer within 0\.3 s/);
      assert.equal(seen.length, 1);
      const started = Date.now();
      const lookups = await p.batch([{ id: 'f0', method: 'GET', path: "/groups?$filter=displayName eq 'Kiosk Operators'" }]);
      assert.deepEqual(
        lookups.map((r) => [r.outcome, r.code]),
        [['failed', 'Timeout']],
      );
      assert.match(lookups[0].message!, /no answer within 0\.3 s, twice \(graph\.requestTimeoutSeconds in the plan\)/);
      assert.equal(seen.length, 3, 'the lookup was sent twice');
      assert.ok(Date.now() - started < 3_000);
    },
  );
});

test('a next-page chain longer than the page cap stops with an error instead of running on', async () => {
  await withServer(
    (req, res, host) => {
      const n = Number(new URL(req.url, `http://${host}`).searchParams.get('$skiptoken') ?? 0);
      json(res, 200, {
        value: [{ id: `u${n}`, userPrincipalName: `user${n}@contoso.com` }],
        '@odata.nextLink': `http://${host}/v1.0/users?$skiptoken=${n + 1}`,
      });
    },
    async (b, seen) => {
      const error = await port(b, { maxPages: 25 })
        .listAll('/users')
        .then(
          () => undefined,
          (e) => e,
        );
      assert.ok(error instanceof GraphRequestError, String(error));
      assert.equal(error.code, 'TooManyPages');
      assert.match(
        error.message,
        /GET \/users failed: HTTP 200 TooManyPages: the list goes on past 25 pages; stopped following its next-page links \(graph\.maxPages in the plan\)/,
      );
      assert.equal(seen.length, 25, 'exactly the cap, not one page more');
    },
  );
  // Within the cap, the whole list comes back.
  await withServer(
    (req, res, host) => {
      const n = Number(new URL(req.url, `http://${host}`).searchParams.get('$skiptoken') ?? 0);
      json(res, 200, {
        value: [{ id: `u${n}` }],
        ...(n < 24 ? { '@odata.nextLink': `http://${host}/v1.0/users?$skiptoken=${n + 1}` } : {}),
      });
    },
    async (b) => {
      assert.equal((await port(b, { maxPages: 25 }).listAll('/users')).length, 25);
    },
  );
});

test("the request timeout starts once signed in: a slow sign-in (a device code prompt) is not the service's time", async () => {
  await withServer(
    (_req, res) => json(res, 200, { value: [{ id: 'org', displayName: 'Contoso' }] }),
    async (b, seen) => {
      const slowSignIn = {
        getToken: () => new Promise<string>((resolve) => setTimeout(() => resolve('token-after-prompt'), 600)),
        describe: () => 'device code (slow)',
      };
      const org = await port(b, { requestTimeoutMs: 300, tokenSource: slowSignIn }).listAll<{ displayName: string }>('/organization');
      assert.equal(org[0].displayName, 'Contoso');
      assert.equal(seen.length, 1);
    },
  );
});
