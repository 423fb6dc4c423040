// The sandbox tenant's HTTP face (node:http only): Graph's envelope around graph.ts — bearer
// check, request ids, faults, throttling per service (Intune, Entra ID), $batch, persistence —
// and the admin endpoints under /_sandbox/ that let a test steer a separately running sandbox.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphHandler, type GraphRequest, type GraphResponse } from './graph';
import { badRequest, errorBody, GraphError } from './odata';
import { saveState, stateFromSeed } from './store';
import { appOf, Throttle, type ResolvedThrottle } from './throttle';
import type { Fault, GraphVersion, SandboxSeed, SandboxState, SandboxStats } from './types';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const MAX_BODY = 20 * 1024 * 1024;
const JSON_TYPE = 'application/json; odata.metadata=minimal; charset=utf-8';

/** What a world around the tenant (src/sandbox/world) plugs in: its admin endpoints and a look at every applied write. */
export interface TenantHooks {
  /** `/_sandbox/world/<path>`; throws an Error whose message is the 400 answer. */
  admin(method: string, path: string, body: unknown): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
  /**
   * After a Graph write was applied (and persisted), e.g. a licence assigned. A promise holds the
   * write's answer until it settles (the fault suite kills a run there, before the answer leaves).
   */
  afterWrite?(): void | Promise<void>;
}

export interface EngineOptions {
  state: SandboxState;
  seed: SandboxSeed;
  persistPath?: string;
  throttle: ResolvedThrottle | false;
  hooks?: TenantHooks;
}

type Outcome = GraphResponse & { applied: boolean; resetSocket: boolean };

export class SandboxEngine {
  state: SandboxState;
  private readonly graph: GraphHandler;
  private throttle: Throttle;
  private faults: Fault[] = [];
  private latencyMs = 0;
  private counters: SandboxStats = { requests: 0, writes: 0, throttled: 0, throttledByService: {}, byStatus: {} };
  url = '';

  constructor(private readonly options: EngineOptions) {
    this.state = options.state;
    this.graph = new GraphHandler(
      () => this.state,
      () => this.url,
    );
    this.throttle = new Throttle(options.throttle);
  }

  // ---- in-process controls ----
  inject(f: Fault): void {
    if (f.kind === 'latency') this.latencyMs = Math.max(0, f.ms);
    else this.faults.push({ ...f });
  }
  /** New limits from now on (false: off), counting afresh. */
  setThrottle(throttle: ResolvedThrottle | false): void {
    this.throttle = new Throttle(throttle);
  }
  clearFaults(): void {
    this.faults = [];
    this.latencyMs = 0;
  }
  stats(): SandboxStats {
    return structuredClone(this.counters);
  }
  reset(): void {
    this.state = stateFromSeed(this.options.seed);
    this.counters = { requests: 0, writes: 0, throttled: 0, throttledByService: {}, byStatus: {} };
    this.throttle.reset();
    this.clearFaults();
    this.persist();
  }

  /** Changes the state outside Graph (the world) and persists it. */
  update(change: (state: SandboxState) => void): void {
    change(this.state);
    this.persist();
  }

  private persist(): void {
    if (this.options.persistPath) saveState(this.options.persistPath, this.state);
  }

  private count(status: number): void {
    this.counters.requests++;
    this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
    if (status === 429) this.counters.throttled++;
  }

  private takeFault(kind: '429-storm' | '503'): Fault | undefined {
    const f = this.faults.find((x) => x.kind === kind);
    if (!f || !('count' in f)) return undefined;
    f.count--;
    if (f.count <= 0) this.faults.splice(this.faults.indexOf(f), 1);
    return f;
  }

  private takeReset(method: string, path: string): boolean {
    const f = this.faults.find(
      (x) =>
        x.kind === 'reset-after-commit' &&
        WRITE_METHODS.has(method) &&
        (!x.method || x.method.toUpperCase() === method) &&
        (!x.pathIncludes || path.includes(x.pathIncludes)),
    );
    if (!f || f.kind !== 'reset-after-commit') return false;
    f.count--;
    if (f.count <= 0) this.faults.splice(this.faults.indexOf(f), 1);
    return true;
  }

  /** One Graph request, throttled and counted; used for plain requests and $batch inner ones. */
  private execute(req: GraphRequest, app: string): Outcome {
    const isWrite = WRITE_METHODS.has(req.method);
    const throttled = this.throttle.admit(app, req.method, req.path, req.query);
    if (throttled) {
      const { wait, service, limit } = throttled;
      this.counters.throttledByService[service] = (this.counters.throttledByService[service] ?? 0) + 1;
      const who = service === 'directory' ? 'Entra ID' : service === 'intuneDevices' ? 'Intune (devices)' : 'Intune';
      const what = limit === 'units' ? 'resource units' : limit === 'writes' ? 'write requests' : 'requests';
      // Entra ID says which limit in headers of its own (x-ms-throttle-information); Intune does not.
      const headers: Record<string, string> = { 'Retry-After': String(wait) };
      if (service === 'directory')
        headers['x-ms-throttle-information'] = limit === 'writes' ? 'WriteLimitExceeded' : 'ResourceUnitLimitExceeded';
      return {
        ...graphError(
          new GraphError(
            429,
            'TooManyRequests',
            `Too many ${what} to ${who} for this application in this tenant (sandbox limit). Retry after ${wait} s.`,
            headers,
          ),
        ),
        applied: false,
        resetSocket: false,
      };
    }
    let res: GraphResponse;
    try {
      res = this.graph.handle(req);
    } catch (e) {
      if (!(e instanceof GraphError)) throw e;
      res = graphError(e);
    }
    const applied = isWrite && res.status < 400;
    if (applied) this.counters.writes++;
    return { ...res, applied, resetSocket: applied && this.takeReset(req.method, req.path) };
  }

  private batch(version: GraphVersion, body: unknown, app: string): Outcome {
    const requests = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      throw badRequest('Invalid batch payload format: the body needs a non-empty "requests" array.');
    if (requests.length > 20) throw badRequest(`The number of requests in the batch (${requests.length}) exceeds the maximum of 20.`);
    type Inner = { id: string; method: string; url: string; headers: Record<string, string>; body?: unknown; dependsOn: string[] };
    const inner: Inner[] = requests.map((r, i) => {
      const x = r as Record<string, unknown>;
      if (typeof x?.id !== 'string' || !x.id) throw badRequest(`Invalid batch payload format: request ${i + 1} has no "id".`);
      if (typeof x.method !== 'string' || typeof x.url !== 'string')
        throw badRequest(`Invalid batch payload format: request "${x.id}" needs "method" and "url".`);
      if (/^https?:/i.test(x.url))
        throw badRequest(`Invalid batch payload format: request "${x.id}" has an absolute url; inner urls are relative to /${version}.`);
      const headers = Object.fromEntries(
        Object.entries((x.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      if (x.body !== undefined && !headers['content-type'])
        throw badRequest(`Invalid batch payload format: request "${x.id}" has a body but no Content-Type header.`);
      const dependsOn = Array.isArray(x.dependsOn) ? x.dependsOn.map(String) : [];
      return { id: x.id, method: x.method.toUpperCase(), url: x.url, headers, body: x.body, dependsOn };
    });
    const ids = new Set<string>();
    for (const r of inner) {
      if (ids.has(r.id)) throw badRequest(`Invalid batch payload format: the id "${r.id}" is used twice.`);
      ids.add(r.id);
    }
    for (const r of inner)
      for (const d of r.dependsOn)
        if (!ids.has(d) || d === r.id)
          throw badRequest(`Invalid batch payload format: request "${r.id}" depends on unknown request "${d}".`);
    const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
    let resetSocket = false;
    let anyApplied = false;
    // Run in list order, a request only after the ones it depends on (Graph sequences dependsOn).
    while (results.size < inner.length) {
      const ready = inner.find((r) => !results.has(r.id) && r.dependsOn.every((d) => results.has(d)));
      if (!ready) throw badRequest('Invalid batch payload format: "dependsOn" forms a cycle.');
      const failedDep = ready.dependsOn.find((d) => results.get(d)!.status >= 400);
      let out: { status: number; headers?: Record<string, string>; body?: unknown };
      if (failedDep) {
        out = graphError(new GraphError(424, 'FailedDependency', `The request depends on request "${failedDep}", which failed.`));
        this.count(424);
      } else {
        const [path, search = ''] = ready.url.replace(/^\/+/, '').split(/\?(.*)/s);
        if (path === '$batch') out = graphError(badRequest('A $batch request cannot contain another $batch.'));
        else {
          const o = this.execute({ method: ready.method, version, path, query: new URLSearchParams(search), body: ready.body }, app);
          resetSocket ||= o.resetSocket;
          anyApplied ||= o.applied;
          out = o;
        }
        this.count(out.status);
      }
      const headers: Record<string, string> = { ...(out.headers ?? {}) };
      if (out.body !== undefined) headers['Content-Type'] = JSON_TYPE;
      results.set(ready.id, { id: ready.id, status: out.status, headers, ...(out.body !== undefined ? { body: out.body } : {}) });
    }
    // Graph answers in any order; shuffled so clients correlate by id, never by position.
    const responses = [...results.values()];
    for (let i = responses.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [responses[i], responses[j]] = [responses[j], responses[i]];
    }
    return { status: 200, body: { responses }, applied: anyApplied, resetSocket };
  }

  // ---- HTTP ----
  async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const clientRequestId = String(req.headers['client-request-id'] ?? requestId);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'request-id': requestId,
        'client-request-id': clientRequestId,
        'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'sandbox', Slice: 'cm2intune', Ring: '0' } }),
        ...(body === undefined ? {} : { 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(text)) }),
        ...headers,
      });
      res.end(text);
    };
    const fail = (e: GraphError) => send(e.status, errorBody(e.status, e.code, e.message, requestId, clientRequestId), e.headers);

    // Loopback only, also by name: a web page reaching 127.0.0.1 through DNS rebinding carries
    // its own host name, and is refused.
    const host = String(req.headers.host ?? '')
      .replace(/:\d+$/, '')
      .toLowerCase();
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host))
      return fail(new GraphError(403, 'Forbidden', `The sandbox tenant answers loopback host names only, not "${host}".`));
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (e) {
      if (e instanceof GraphError) return fail(e);
      throw e;
    }
    if (url.pathname.startsWith('/_sandbox/')) return this.admin(method, url.pathname.slice('/_sandbox/'.length), body, send, fail);

    const m = /^\/(v1\.0|beta)(?:\/(.*))?$/.exec(url.pathname);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const reply = (status: number, payload?: unknown, headers?: Record<string, string>) => {
      this.count(status);
      send(status, payload, headers);
    };
    const replyError = (e: GraphError) => reply(e.status, errorBody(e.status, e.code, e.message, requestId, clientRequestId), e.headers);
    if (!m) return replyError(badRequest(`Invalid version: the path must start with /v1.0/ or /beta/ (got ${url.pathname}).`));
    const auth = String(req.headers.authorization ?? '');
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) return replyError(new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.'));
    const storm = this.takeFault('429-storm');
    if (storm && storm.kind === '429-storm') {
      const after = String(storm.retryAfterSeconds ?? 1);
      return replyError(
        new GraphError(429, 'TooManyRequests', `Too many requests (injected 429 storm). Retry after ${after} s.`, { 'Retry-After': after }),
      );
    }
    if (this.takeFault('503'))
      return replyError(
        new GraphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable (injected fault). Retry later.', {
          'Retry-After': '1',
        }),
      );

    const version = m[1] as GraphVersion;
    const path = m[2] ?? '';
    const app = appOf(token);
    let outcome: Outcome;
    try {
      if (path === '$batch') {
        if (method !== 'POST') throw new GraphError(405, 'Request_BadRequest', 'Use POST for $batch.');
        outcome = this.batch(version, body, app);
      } else {
        outcome = this.execute({ method, version, path, query: url.searchParams, body }, app);
      }
    } catch (e) {
      if (e instanceof GraphError) return replyError(e);
      throw e;
    }
    if (outcome.applied) {
      this.persist();
      await this.options.hooks?.afterWrite?.();
    }
    if (outcome.resetSocket) {
      // The write is committed; the client sees a connection reset instead of the answer.
      this.count(0);
      req.socket.destroy();
      return;
    }
    const withIds =
      outcome.status >= 400 && outcome.body && typeof outcome.body === 'object' && 'error' in outcome.body
        ? errorBody(
            outcome.status,
            (outcome.body as { error: { code: string } }).error.code,
            (outcome.body as { error: { message: string } }).error.message,
            requestId,
            clientRequestId,
          )
        : outcome.body;
    reply(outcome.status, withIds, outcome.headers);
  }

  private admin(method: string, what: string, body: unknown, send: (s: number, b?: unknown) => void, fail: (e: GraphError) => void): void {
    if (what.startsWith('world/') && this.options.hooks) {
      const hooks = this.options.hooks;
      // A world call may take a while (a runbook): answered when it is done, refused as a 400.
      void (async () => {
        try {
          const answer = await hooks.admin(method, what.slice('world/'.length), body);
          send(answer.status, answer.body);
        } catch (e) {
          fail(e instanceof GraphError ? e : badRequest((e as Error).message));
        }
      })();
      return;
    }
    if (what === 'stats' && method === 'GET') return send(200, this.stats());
    if (what === 'state' && method === 'GET') return send(200, this.state);
    if (what === 'reset' && method === 'POST') {
      this.reset();
      return send(204);
    }
    if (what === 'faults' && method === 'POST') {
      const f = body as Fault;
      const ok =
        f &&
        ((f.kind === 'latency' && typeof f.ms === 'number') ||
          (['429-storm', '503', 'reset-after-commit'].includes(f.kind) && typeof (f as { count?: unknown }).count === 'number'));
      if (!ok)
        return fail(
          badRequest(
            'A fault is {"kind":"429-storm","count":n,"retryAfterSeconds"?:s} | {"kind":"503","count":n} | {"kind":"reset-after-commit","count":n,"method"?:"POST","pathIncludes"?:"…"} | {"kind":"latency","ms":n}.',
          ),
        );
      this.inject(f);
      return send(204);
    }
    if (what === 'faults' && method === 'DELETE') {
      this.clearFaults();
      return send(204);
    }
    return fail(
      new GraphError(
        404,
        'NotFound',
        `Unknown sandbox admin endpoint ${method} /_sandbox/${what}: use GET stats|state, POST reset|faults, DELETE faults.`,
      ),
    );
  }
}

function graphError(e: GraphError): GraphResponse {
  // request ids are filled in when the answer leaves the server (or stay placeholders inside $batch)
  return { status: e.status, headers: e.headers, body: errorBody(e.status, e.code, e.message, randomUUID(), '') };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new GraphError(413, 'RequestEntityTooLarge', 'The request body is larger than the sandbox accepts (20 MB).');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

export async function listen(engine: SandboxEngine, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    engine.onRequest(req, res).catch((e: unknown) => {
      // A bug in the sandbox, not a Graph answer: say so plainly.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': JSON_TYPE });
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: `sandbox tenant bug: ${(e as Error).message}` } }));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  engine.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return server;
}
