// A loopback HTTP proxy in front of the sandbox tenant that breaks answers the way real networks
// and real Graph front ends do. The sandbox's own faults (src/sandbox/tenant) are Graph-shaped
// errors; these are the answers that are not: 200s whose body is not what was asked for, cut
// connections on either side of the forward, answers held back, 429 storms with and without
// Retry-After, and single inner items of a $batch going wrong while the envelope says 200.
//
// A fault matches requests (method, a path fragment; for $batch the inner requests' urls), skips
// the first `after` matches and then hits the next `count`. Inner $batch requests are matched one
// by one, so a fault can hit "the 3rd GET of deviceConfigurations" whether or not it travelled in a
// $batch; a body fault on an inner request rewrites only that item of the batch's answer.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The 200-with-the-wrong-body shapes a proxy, a gateway or a half-deployed front end gives. */
export type BodyShape = 'html' | 'empty-object' | 'value-null' | 'truncated' | 'numeric-id' | 'batch-no-responses' | 'nextlink-loop';

export type ProxyFault =
  | { kind: 'body'; shape: BodyShape }
  | { kind: 'reset-before' }
  | { kind: 'reset-after' }
  | { kind: 'hold'; ms: number }
  | { kind: '429-storm'; retryAfterSeconds?: number }
  /**
   * One inner answer replaced. 429 and 503 say "not done": the proxy keeps that request (and what
   * depends on it, answered 424) from the sandbox. 500 and 504 say "don't know": the request is
   * applied and its answer lost, as when a front end gives up on a back end that committed.
   */
  | { kind: 'inner-status'; status: 429 | 500 | 503 | 504; retryAfterSeconds?: number }
  | { kind: 'inner-missing' };

export interface ProxyRule {
  fault: ProxyFault;
  method?: string;
  pathIncludes?: string;
  /** Matching requests let through untouched before the fault hits. */
  after?: number;
  /** Matching requests the fault hits (then it is spent). */
  count: number;
}

export interface FaultProxy {
  readonly url: string;
  /** Requests (inner $batch ones included) a rule hit, by fault label. */
  hits(): Record<string, number>;
  /** Every request seen (method and path; inner $batch requests too), for choosing targets. */
  requests(): string[];
  add(rule: ProxyRule): void;
  clear(): void;
  close(): Promise<void>;
}

export const faultLabel = (f: ProxyFault) =>
  f.kind === 'body'
    ? `body:${f.shape}`
    : f.kind === '429-storm'
      ? `429-storm${f.retryAfterSeconds === undefined ? ' (no Retry-After)' : ` (Retry-After ${f.retryAfterSeconds})`}`
      : f.kind === 'inner-status'
        ? `inner-${f.status}`
        : f.kind === 'hold'
          ? `hold ${f.ms} ms`
          : f.kind;

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>';

interface Live extends ProxyRule {
  seen: number;
  hit: number;
}

interface InnerReq {
  id: string;
  method: string;
  url: string;
  dependsOn?: string[];
}

type InnerStatus = Extract<ProxyFault, { kind: 'inner-status' }>;
const anyForwarded = (inner: InnerReq[], withheld: Set<string>, failed: Set<string>) =>
  inner.length === 0 || inner.some((r) => !withheld.has(String(r.id)) && !failed.has(String(r.id)));
const ERROR_CODES: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function innerError(f: InnerStatus, id: string) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
  return { id, status: f.status, headers, body: { error: { code: ERROR_CODES[f.status], message: `fault proxy: inner ${f.status}` } } };
}

const notApplied = (f: ProxyFault | undefined) => f?.kind === 'inner-status' && (f.status === 429 || f.status === 503);

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules: Live[] = [];
  const hits: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const held = new Set<NodeJS.Timeout>();
  let self = '';
  const seen: string[] = [];

  /** The rule (if any) that hits this request; counts the match either way. */
  const take = (method: string, path: string, topLevel: boolean): ProxyFault | undefined => {
    if (seen.length < 100_000) seen.push(`${method} ${path}`);
    for (const r of rules) {
      if (r.hit >= r.count) continue;
      if (r.method && r.method !== method) continue;
      if (r.pathIncludes && !path.includes(r.pathIncludes)) continue;
      // Connection-level faults act on the whole exchange; inner-only faults only inside a $batch.
      const inner = r.fault.kind === 'inner-status' || r.fault.kind === 'inner-missing';
      if (inner && topLevel) continue;
      r.seen++;
      if (r.seen <= (r.after ?? 0)) continue;
      r.hit++;
      const label = faultLabel(r.fault);
      hits[label] = (hits[label] ?? 0) + 1;
      return r.fault;
    }
    return undefined;
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const url = new URL(req.url ?? '/', target);
      const headers = { ...req.headers, host: url.host };
      delete headers['content-length'];
      const out = httpRequest(url, { method: req.method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers as Record<string, string | string[]>,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const reply = (res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string) => {
    const h = { ...headers };
    delete h['content-length'];
    delete h['transfer-encoding'];
    delete h['connection'];
    delete h['keep-alive'];
    res.writeHead(status, { ...h, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const reset = (req: IncomingMessage) => req.socket.destroy();

  /** A 200 body of the wrong shape, built from the real answer where the shape needs it. */
  const misshape = (shape: BodyShape, real: string, pageUrl: string): { type: string; body: string } => {
    switch (shape) {
      // A list whose next page is itself: only a page cap ends the read.
      case 'nextlink-loop':
        return { type: 'application/json', body: JSON.stringify({ value: [], '@odata.nextLink': pageUrl }) };
      case 'html':
        return { type: 'text/html', body: HTML_PAGE };
      case 'empty-object':
        return { type: 'application/json', body: '{}' };
      case 'value-null':
        return { type: 'application/json', body: '{"value":null}' };
      case 'truncated':
        return { type: 'application/json', body: real.slice(0, Math.max(1, Math.floor(real.length / 2))) };
      case 'batch-no-responses':
        return { type: 'application/json', body: '{"@odata.context":"$batch"}' };
      case 'numeric-id': {
        // Every "id" the answer holds becomes a number (a front end that coerces ids).
        let n = 1000;
        return { type: 'application/json', body: real.replace(/"id"\s*:\s*"[^"]*"/g, () => `"id":${n++}`) };
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent) reply(res, 502, { 'content-type': 'text/plain' }, 'fault proxy: the sandbox did not answer');
        else res.destroy();
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (path.startsWith('/_sandbox/')) return pass(req, res, body);
    const isBatch = /\/\$batch(\?|$)/.test(path);
    let inner: InnerReq[] = [];
    if (isBatch) {
      try {
        inner = ((JSON.parse(body.toString('utf8')) as { requests?: InnerReq[] }).requests ?? []).filter(
          (r) => r && typeof r.url === 'string',
        );
      } catch {
        inner = [];
      }
    }
    // Whole-exchange faults: matched on the envelope, or on any inner request it carries.
    let fault = take(method, path, true);
    const innerFaults = new Map<string, ProxyFault>();
    const innerUrl = new Map(inner.map((r) => [String(r.id), r.url.startsWith('/') ? r.url : `/${r.url}`]));
    for (const r of fault ? [] : inner) {
      const f = take(String(r.method ?? 'GET').toUpperCase(), r.url, false);
      if (!f) continue;
      const wholeExchange =
        f.kind === 'reset-before' ||
        f.kind === 'reset-after' ||
        f.kind === 'hold' ||
        f.kind === '429-storm' ||
        (f.kind === 'body' && f.shape === 'batch-no-responses');
      if (wholeExchange) fault ??= f;
      else innerFaults.set(String(r.id), f);
    }
    if (fault?.kind === 'reset-before') return reset(req);
    if (fault?.kind === '429-storm') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return reply(
        res,
        429,
        headers,
        JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests (fault proxy storm).' } }),
      );
    }
    // Inner requests answered "not done" never reach the sandbox, nor what depends on them.
    const withheld = new Set(inner.filter((r) => notApplied(innerFaults.get(String(r.id)))).map((r) => String(r.id)));
    const failedDependency = new Set<string>();
    let forwardBody = body;
    if (withheld.size) {
      for (let grew = true; grew;) {
        grew = false;
        for (const r of inner) {
          const id = String(r.id);
          if (withheld.has(id) || failedDependency.has(id)) continue;
          if ((r.dependsOn ?? []).some((d) => withheld.has(String(d)) || failedDependency.has(String(d)))) {
            failedDependency.add(id);
            grew = true;
          }
        }
      }
      const rest = inner.filter((r) => !withheld.has(String(r.id)) && !failedDependency.has(String(r.id)));
      forwardBody = Buffer.from(JSON.stringify({ requests: rest }));
    }
    const real = anyForwarded(inner, withheld, failedDependency)
      ? await forward(req, forwardBody)
      : { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"responses":[]}') };
    if (fault?.kind === 'reset-after') return reset(req);
    if (fault?.kind === 'hold') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (held.delete(t), resolve()), fault.ms);
        held.add(t);
        res.on('close', () => (clearTimeout(t), held.delete(t), resolve()));
      });
      if (res.destroyed) return;
      return reply(res, real.status, real.headers, real.body);
    }
    if (fault?.kind === 'body') {
      const { type, body: text } = misshape(fault.shape, real.body.toString('utf8'), new URL(path, self).href);
      return reply(res, 200, { ...real.headers, 'content-type': type }, text);
    }
    if (innerFaults.size && real.status === 200) {
      let parsed: { responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[] };
      try {
        parsed = JSON.parse(real.body.toString('utf8'));
      } catch {
        return reply(res, real.status, real.headers, real.body);
      }
      const responses = [];
      for (const id of withheld) responses.push(innerError(innerFaults.get(id) as InnerStatus, id));
      for (const id of failedDependency)
        responses.push({
          id,
          status: 424,
          headers: { 'Content-Type': 'application/json' },
          body: { error: { code: 'FailedDependency', message: 'fault proxy: a request this one depends on failed' } },
        });
      for (const r of parsed.responses ?? []) {
        const f = innerFaults.get(String(r.id));
        if (!f) responses.push(r);
        else if (f.kind === 'inner-missing') continue;
        else if (f.kind === 'inner-status') responses.push(innerError(f, r.id));
        else if (f.kind === 'body') {
          // The inner item says 200 but its body is of the wrong shape.
          const real = JSON.stringify(r.body ?? null);
          const wrong = misshape(
            f.shape,
            real,
            new URL(`${path.replace(/\/\$batch.*$/, '')}${innerUrl.get(String(r.id)) ?? ''}`, self).href,
          );
          let value: unknown = wrong.body;
          try {
            value = JSON.parse(wrong.body);
          } catch {
            /* html and truncated stay strings: that is the fault */
          }
          responses.push({
            ...r,
            status: r.status >= 300 ? r.status : 200,
            headers: { ...(r.headers ?? {}), 'Content-Type': wrong.type },
            body: value,
          });
        } else responses.push(r);
      }
      return reply(res, 200, { ...real.headers, 'content-type': 'application/json' }, JSON.stringify({ ...parsed, responses }));
    }
    return reply(res, real.status, real.headers, real.body);
  }

  async function pass(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const real = await forward(req, body);
    reply(res, real.status, real.headers, real.body);
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;
  return {
    url: self,
    hits: () => ({ ...hits }),
    requests: () => [...seen],
    add: (rule) => rules.push({ ...rule, seen: 0, hit: 0 }),
    clear: () => {
      rules.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of held) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
