// GraphPort on @microsoft/microsoft-graph-client v3, used only as a thin HTTP layer (URL
// building, body serialisation) with our own middleware chain: bearer -> fetch. Retrying,
// pacing and $batch handling are ours, because the SDK's RetryHandler neither paces, nor looks
// inside $batch responses, nor knows that a lost POST must not be resent.
import { Client, GraphClientError, ResponseType, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { Cloud } from '../plan/types';
import { apiVersionFor, type ApiVersion } from './api-versions';
import type { TokenSource } from './auth/token-source';
import { runBatch } from './batch';
import { cloudEndpoints } from './clouds';
import {
  GraphMalformedResponseError,
  GraphOutcomeUnknownError,
  GraphRequestError,
  graphError,
  isAbortError,
  parseRetryAfter,
} from './errors';
import type { BatchOptions, BatchRequest, BatchResult, GraphPort, Log, Method, PostOptions, RequestOptions } from './graph-port';
import {
  abortError,
  Pacer,
  requestCost,
  serviceOf,
  systemClock,
  type Clock,
  type PacerWait,
  type PacingOptions,
  type RequestClass,
} from './pacer';
import { describeError, redact } from './redact';
import { defaultScopes } from './scopes';
import type { Exchange, PortInternals, RawResponse, RetryOptions } from './transport';
import { createdProblem, listProblem } from './shape';

export interface GraphPortOptions {
  /** Sandbox tenant root, e.g. http://127.0.0.1:4321 (no version). Overrides the cloud's Graph host. */
  baseUrl?: string;
  cloud?: Cloud;
  tokenSource: TokenSource;
  /** Scopes asked of the token source; default the cloud's `<graph>/.default`. */
  scopes?: string[];
  pacing?: PacingOptions;
  retry?: RetryOptions;
  /**
   * How long one HTTP exchange may take, answer body included (default 120 s; plan
   * `graph.requestTimeoutSeconds`). Without it a held answer stalled a run for Node's 300 s.
   */
  requestTimeoutMs?: number;
  /** How many pages one list may have before it stops (default 1000; plan `graph.maxPages`). */
  maxPages?: number;
  log?: Log;
  fetch?: typeof fetch;
  clock?: Clock;
  /** For jitter; injectable so tests are deterministic. */
  random?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
// 1000 pages of up to 999 objects: far beyond any tenant's object lists; a next-page chain
// longer than that is a service (or proxy) going round in circles.
export const DEFAULT_MAX_PAGES = 1000;

/** Marker in GraphClientError.customError: graph-client rethrows GraphClientErrors untouched. */
interface TransportFailure {
  transport: true;
  /** True when the request cannot have reached the service (connection refused, DNS). */
  notSent: boolean;
  aborted: boolean;
  /** No answer within the port's request timeout (the caller did not cancel). */
  timedOut: boolean;
  auth: boolean;
  cause: unknown;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; current && i < 4; i++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

function transportError(cause: unknown, flags: Partial<TransportFailure>): GraphClientError {
  const error = new GraphClientError('transport');
  const failure: TransportFailure = { transport: true, notSent: false, aborted: false, timedOut: false, auth: false, cause, ...flags };
  error.customError = failure;
  return error;
}

function asTransport(error: unknown): TransportFailure | undefined {
  const custom = error instanceof GraphClientError ? (error.customError as TransportFailure | undefined) : undefined;
  return custom?.transport ? custom : undefined;
}

/** Attaches the bearer only to the one origin this port talks to (cloud Graph host or sandbox). */
class BearerMiddleware implements Middleware {
  private next!: Middleware;
  constructor(
    private readonly origin: string,
    private readonly tokenSource: TokenSource,
    private readonly scopes: string[],
  ) {}
  setNext(next: Middleware): void {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    // RequestInfo is a DOM type this Node project does not load: a URL string or a Request.
    const request = context.request as string | { url: string };
    const url = typeof request === 'string' ? request : request.url;
    const options = (context.options ??= {});
    const headers = (options.headers ??= {}) as Record<string, string>;
    delete headers.Authorization;
    // graph-client's own AuthenticationHandler only recognises https Graph hosts (customHosts
    // included), so it would never authorise the http://127.0.0.1 sandbox; an exact origin
    // match is both simpler and stricter.
    if (new URL(url).origin === this.origin) {
      let token: string;
      try {
        token = await this.tokenSource.getToken(this.scopes, options.signal ?? undefined);
      } catch (cause) {
        throw transportError(cause, { notSent: true, auth: true, aborted: isAbortError(cause) });
      }
      headers.Authorization = `Bearer ${token}`;
    }
    await this.next.execute(context);
  }
}

/**
 * One exchange's time limit. FetchMiddleware starts it once the bearer is there, so a sign-in
 * prompt is not counted as the service's time; it covers the answer's body too.
 */
interface Deadline {
  ms: number;
  signal?: AbortSignal;
}
const DEADLINE = 'cm2intuneDeadline';

class FetchMiddleware implements Middleware {
  constructor(private readonly fetchImpl: typeof fetch) {}
  async execute(context: Context): Promise<void> {
    const { [DEADLINE]: deadline, ...init } = (context.options ?? {}) as RequestInit & { [DEADLINE]?: Deadline };
    let signal = init.signal ?? undefined;
    if (deadline) {
      deadline.signal = AbortSignal.timeout(deadline.ms);
      signal = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    }
    try {
      context.response = await this.fetchImpl(context.request as Parameters<typeof fetch>[0], { ...init, signal });
    } catch (cause) {
      const code = errorCode(cause);
      throw transportError(cause, {
        aborted: Boolean(signal?.aborted) || isAbortError(cause),
        notSent: code !== undefined && NOT_SENT_CODES.has(code),
      });
    }
  }
}

/** Builds `path?k=v` with encoded values. Keys stay as given ($filter, $select, ...). */
export function withQuery(path: string, query?: Record<string, string | number | boolean>): string {
  const normalized = path.startsWith('/') ? path : `/${path}`;
  if (!query || Object.keys(query).length === 0) return normalized;
  const pairs = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return `${normalized}${normalized.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/** Seconds or HTTP date -> milliseconds; undefined when absent or unreadable. */
const isWrite = (method: Method) => method !== 'GET';

export type GraphPortWithInternals = GraphPort & { readonly internals: PortInternals };

export function createGraphPort(options: GraphPortOptions): GraphPortWithInternals {
  const endpoints = cloudEndpoints(options.cloud);
  const root = (options.baseUrl ?? endpoints.graph).replace(/\/+$/, '');
  const origin = new URL(root).origin;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const rawLog = options.log ?? (() => {});
  const log: Log = (level, message) => rawLog(level, redact(message));
  const pacer = new Pacer(options.pacing, clock);
  const retry: Required<RetryOptions> = {
    maxRetries: 6,
    baseDelayMs: 1000,
    maxDelayMs: 120_000,
    maxThrottledMs: 600_000,
    ...options.retry,
  };
  const scopes = options.scopes ?? defaultScopes(options.cloud);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const client = Client.initWithMiddleware({
    baseUrl: `${root}/`,
    middleware: [new BearerMiddleware(origin, options.tokenSource, scopes), new FetchMiddleware(options.fetch ?? globalThis.fetch)],
  });

  const backoffMs = (attempt: number) => {
    const full = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
    return Math.round(full / 2 + (random() * full) / 2);
  };

  /** One exchange within the request timeout; a timeout is a transport failure of its own kind. */
  async function sendOnce(x: Exchange): Promise<RawResponse> {
    const deadline: Deadline = { ms: requestTimeoutMs };
    try {
      return await exchange(x, deadline);
    } catch (error) {
      if (deadline.signal?.aborted && !x.signal?.aborted)
        throw transportError(new Error(`no answer within ${requestTimeoutMs / 1000} s`), { timedOut: true });
      throw error;
    }
  }

  async function exchange(x: Exchange, deadline: Deadline): Promise<RawResponse> {
    let request = client
      .api(x.path)
      .version(x.version)
      .responseType(ResponseType.RAW)
      .headers({ ...x.headers })
      .option(DEADLINE, deadline);
    if (x.signal) request = request.option('signal', x.signal);
    let response: Response;
    switch (x.method) {
      case 'GET':
        response = (await request.get()) as Response;
        break;
      case 'POST':
        response = (await request.post(x.body)) as Response;
        break;
      case 'PATCH':
        response = (await request.patch(x.body)) as Response;
        break;
      case 'PUT':
        response = (await request.put(x.body)) as Response;
        break;
      case 'DELETE':
        response = (await request.delete()) as Response;
        break;
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      throw transportError(cause, { aborted: Boolean(x.signal?.aborted) });
    }
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const requestId = response.headers.get('request-id') ?? graphError(body).requestId;
    return { status: response.status, headers: response.headers, body, requestId: requestId ?? undefined };
  }

  /**
   * One request with pacing and retries. Resolves with a 2xx response; throws typed errors.
   * `onWait` hears the pacer's holds and the request's own backoffs after a 429/503, as $batch's do.
   */
  async function execute(x: Exchange, onWait?: (wait: PacerWait) => void): Promise<RawResponse> {
    const kind: RequestClass = isWrite(x.method) ? 'write' : 'read';
    const service = serviceOf(x.path);
    const units = requestCost(x.method, x.path);
    const what = `${x.method} /${x.version}${x.path}`;
    let throttledSince: number | undefined;
    let timeouts = 0;
    for (let attempt = 0; ; attempt++) {
      const permit = await pacer.acquire(kind === 'write' ? { writes: 1, units } : { reads: 1, units }, x.signal, service, onWait);
      let response: RawResponse;
      try {
        response = await sendOnce(x);
      } catch (error) {
        permit.done();
        const transport = asTransport(error);
        if (!transport) throw new GraphRequestError(x.method, x.path, 0, 'ClientError', describeError(error));
        if (transport.auth && !transport.aborted)
          throw new GraphRequestError(x.method, x.path, 0, 'SignInFailed', `sign-in failed: ${describeError(transport.cause)}`);
        if (transport.aborted) {
          if (!x.idempotent && !transport.notSent)
            throw new GraphOutcomeUnknownError(x.method, x.path, 'cancelled while the request was on the wire', true);
          throw abortError(x.signal);
        }
        const reason = describeError(transport.cause);
        const lost = transport.timedOut ? reason : `connection lost: ${reason}`;
        if (!x.idempotent && !transport.notSent) {
          log('warn', `${what}: ${lost}; outcome unknown, not resent.`);
          throw new GraphOutcomeUnknownError(x.method, x.path, lost);
        }
        // A service that held an answer for the whole timeout gets one more chance, not six:
        // each try costs the full timeout.
        if (transport.timedOut && ++timeouts >= 2)
          throw new GraphRequestError(x.method, x.path, 0, 'Timeout', `${reason}, twice (graph.requestTimeoutSeconds in the plan)`);
        if (attempt >= retry.maxRetries)
          throw new GraphRequestError(x.method, x.path, 0, transport.timedOut ? 'Timeout' : 'NetworkError', reason);
        const wait = backoffMs(attempt);
        log('warn', `${what}: ${reason}; retry ${attempt + 1}/${retry.maxRetries} in ${(wait / 1000).toFixed(1)} s.`);
        await clock.sleep(wait, x.signal);
        continue;
      }
      // The answer is back: the service has counted this request, its slot starts ageing now.
      permit.done();
      if (response.status >= 200 && response.status < 300) return response;
      const { code, message } = graphError(response.body);
      const rid = response.requestId ? ` request-id ${response.requestId}` : '';
      const retryable = response.status === 429 || response.status === 503 || (response.status === 504 && x.idempotent);
      if (response.status === 504 && !x.idempotent) {
        log('warn', `${what}: HTTP 504${rid}; outcome unknown, not resent.`);
        throw new GraphOutcomeUnknownError(x.method, x.path, `HTTP 504 gateway timeout${rid}`);
      }
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), clock.now());
      const wait = Math.min(retry.maxDelayMs, retryAfter ?? backoffMs(attempt));
      // Elapsed time, not the sum of waits: pacer waits and Retry-After: 0 count too.
      if (response.status === 429) throttledSince ??= clock.now();
      const exhausted = response.status === 429 ? clock.now() - throttledSince! + wait > retry.maxThrottledMs : attempt >= retry.maxRetries;
      if (!retryable || exhausted) {
        log(
          response.status >= 500 || response.status === 429 ? 'error' : 'warn',
          `${what}: HTTP ${response.status} ${code}${rid}: ${message}`,
        );
        throw new GraphRequestError(x.method, x.path, response.status, code, message, response.requestId);
      }
      log('warn', `${what}: HTTP ${response.status}${rid}; retry ${attempt + 1}/${retry.maxRetries} in ${(wait / 1000).toFixed(1)} s.`);
      // Retry-After says when the service takes requests again: hold back every request of this
      // class to that service (the others are not affected); the next acquire() waits it out.
      if (retryAfter !== undefined) {
        pacer.throttled(kind, wait, service, response.status);
        continue;
      }
      // Without it each request backs off on its own, so the backoffs of requests throttled
      // together overlap; a 429 holds the rest back for the first step only, so requests not yet
      // throttled don't walk into the storm. (Pausing everyone for each request's whole backoff
      // ran parallel requests' backoffs one after another: fault suite trial fault-11.)
      if (response.status === 429) pacer.throttled(kind, Math.min(wait, retry.baseDelayMs), service, response.status);
      // The pacer tells its own holds; this sleep is the request's, so it is told here.
      if (response.status !== 504) onWait?.({ service, kind, ms: wait, status: response.status });
      await clock.sleep(wait, x.signal);
    }
  }

  function resolve(path: string, options: RequestOptions | undefined, body?: unknown): { version: ApiVersion; path: string } {
    // A next-page link from an answer read elsewhere (a list inside $batch) is followed like list()'s own.
    if (path.startsWith(`${root}/`)) return relativeLink(path);
    const odataType = options?.odataType ?? ((body as Record<string, unknown> | undefined)?.['@odata.type'] as string | undefined);
    const version = options?.version ?? apiVersionFor(path, typeof odataType === 'string' ? odataType : undefined);
    return { version, path: withQuery(path, options?.query) };
  }

  /** An absolute @odata.nextLink back to version + relative path; refuses other hosts. */
  function relativeLink(link: string): { version: ApiVersion; path: string } {
    const match = link.startsWith(`${root}/`) ? /^(v1\.0|beta)(\/.*)$/.exec(link.slice(root.length + 1)) : null;
    if (!match)
      throw new GraphRequestError(
        'GET',
        link.split('?')[0],
        0,
        'UnexpectedNextLink',
        `the next-page link does not point at ${root}; not followed`,
      );
    return { version: match[1] as ApiVersion, path: match[2] };
  }

  async function* list<T>(path: string, options?: RequestOptions): AsyncIterable<T> {
    let next: { version: ApiVersion; path: string } | undefined = resolve(path, options);
    const seen = new Set<string>();
    for (let pages = 1; next; pages++) {
      const page = await execute(
        { method: 'GET', ...next, headers: options?.headers, idempotent: true, signal: options?.signal },
        options?.onWait,
      );
      // A page that is not a list stops the read: taken as empty, it made an import create everything again.
      const problem = listProblem({ status: page.status, contentType: page.headers.get('content-type'), body: page.body });
      if (problem)
        throw new GraphMalformedResponseError('GET', `/${next.version}${next.path.split('?')[0]}`, page.status, problem, page.requestId);
      const body = page.body as { value: T[]; '@odata.nextLink'?: string | null };
      for (const item of body.value) yield item;
      const link = body['@odata.nextLink'];
      if (!link) break;
      if (pages >= maxPages)
        throw new GraphRequestError(
          'GET',
          path,
          page.status,
          'TooManyPages',
          `the list goes on past ${maxPages} pages; stopped following its next-page links (graph.maxPages in the plan)`,
        );
      if (seen.has(link))
        throw new GraphRequestError('GET', path, page.status, 'NextLinkLoop', 'the service returned the same next-page link twice');
      seen.add(link);
      next = relativeLink(link);
    }
  }

  const port: GraphPortWithInternals = {
    baseUrl: root,
    async get<T>(path: string, options?: RequestOptions) {
      const r = await execute(
        {
          method: 'GET',
          ...resolve(path, options),
          headers: options?.headers,
          idempotent: true,
          signal: options?.signal,
        },
        options?.onWait,
      );
      return r.body as T;
    },
    list,
    async listAll<T>(path: string, options?: RequestOptions) {
      const all: T[] = [];
      for await (const item of list<T>(path, options)) all.push(item);
      return all;
    },
    async create<T>(path: string, body: unknown, options?: RequestOptions) {
      const target = resolve(path, options, body);
      const r = await execute(
        { method: 'POST', ...target, body, headers: options?.headers, idempotent: false, signal: options?.signal },
        options?.onWait,
      );
      // The write went through, but without a readable id nobody knows what was created.
      const problem = createdProblem({ status: r.status, contentType: r.headers.get('content-type'), body: r.body });
      if (problem)
        throw new GraphOutcomeUnknownError('POST', target.path, `the answer (HTTP ${r.status}) is not a created object: ${problem}`);
      return r.body as T;
    },
    async post<T>(path: string, body: unknown, options?: PostOptions) {
      const r = await execute(
        {
          method: 'POST',
          ...resolve(path, options, body),
          body,
          headers: options?.headers,
          idempotent: options?.idempotent ?? false,
          signal: options?.signal,
        },
        options?.onWait,
      );
      return r.body as T | undefined;
    },
    async patch<T>(path: string, body: unknown, options?: RequestOptions) {
      const r = await execute(
        {
          method: 'PATCH',
          ...resolve(path, options, body),
          body,
          headers: options?.headers,
          idempotent: true,
          signal: options?.signal,
        },
        options?.onWait,
      );
      return r.body as T | undefined;
    },
    async delete(path: string, options?: RequestOptions) {
      await execute(
        { method: 'DELETE', ...resolve(path, options), headers: options?.headers, idempotent: true, signal: options?.signal },
        options?.onWait,
      );
    },
    batch(requests: BatchRequest[], batchOptions?: BatchOptions): Promise<BatchResult[]> {
      return runBatch(port.internals, requests, batchOptions?.signal, batchOptions?.onWait);
    },
    internals: { pacer, clock, log, retry, random, sendOnce, backoffMs },
  };
  return port;
}
