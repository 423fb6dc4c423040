// GraphPort: the one way the product talks to Microsoft Graph (or the sandbox tenant). It picks
// the API version per resource, pages, batches, paces and retries; callers only say what they
// want. The implementation is in graph-client.ts (createGraphPort).
import type { ApiVersion } from './api-versions';
import type { PacerWait } from './pacer';

export type { ApiVersion };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string) => void;

export interface RequestOptions {
  /** Force an API version; by default the table in api-versions.ts decides. */
  version?: ApiVersion;
  /** @odata.type of the object the path refers to, when the version depends on it. */
  odataType?: string;
  /** Query parameters, encoded by the port (`{ $filter: "displayName eq 'O''Brien'" }`). */
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Told when the request waits: for its service's limit, for a service that asked to wait, or
   * its own backoff after a 429/503 (render.ts waitText). Without it a throttled read looked hung.
   */
  onWait?: (wait: PacerWait) => void;
}

export interface PostOptions extends RequestOptions {
  /**
   * True for actions that are safe to repeat (e.g. `/assign`, which replaces the assignment set).
   * Default false: a POST whose outcome is unknown is reported, never resent.
   */
  idempotent?: boolean;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface BatchRequest {
  /** Unique within one `batch()` call. */
  id: string;
  method: Method;
  /** Relative path, e.g. `/groups/{id}/members/$ref`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ids of requests in the same call that must succeed first. */
  dependsOn?: string[];
  version?: ApiVersion;
  odataType?: string;
  /** See PostOptions.idempotent; GET/PUT/PATCH/DELETE are idempotent. */
  idempotent?: boolean;
}

export interface BatchResult {
  id: string;
  /** HTTP status of the inner response; 0 when none came back. 424: a prerequisite failed. */
  status: number;
  /** ok: 2xx. failed: the service refused (see status/code). unknown: a write that may have happened. */
  outcome: 'ok' | 'failed' | 'unknown';
  body?: unknown;
  code?: string;
  message?: string;
  requestId?: string;
}

/** A $batch's waits are told as a single request's are (RequestOptions.onWait). */
export type BatchOptions = Pick<RequestOptions, 'signal' | 'onWait'>;

export interface GraphPort {
  readonly baseUrl: string;
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** Pages through `@odata.nextLink`, yielding items of `value`. */
  list<T = unknown>(path: string, options?: RequestOptions): AsyncIterable<T>;
  listAll<T = unknown>(path: string, options?: RequestOptions): Promise<T[]>;
  /** POST that creates an object; throws GraphOutcomeUnknownError when it may or may not exist now. */
  create<T = unknown>(path: string, body: unknown, options?: RequestOptions): Promise<T>;
  /** POST of an action (`/assign`, `/$ref`, ...); returns the response body or undefined on 204. */
  post<T = unknown>(path: string, body: unknown, options?: PostOptions): Promise<T | undefined>;
  patch<T = unknown>(path: string, body: unknown, options?: RequestOptions): Promise<T | undefined>;
  delete(path: string, options?: RequestOptions): Promise<void>;
  /**
   * JSON $batch: any number of requests, sent in chunks of at most 20 (dependency chains stay in
   * one chunk), inner 429/503 retried after the longest Retry-After of the round. One result per
   * request, in the order given.
   */
  batch(requests: BatchRequest[], options?: BatchOptions): Promise<BatchResult[]>;
}

/**
 * The same port, telling `onWait` of every request's waits (unless a request names its own), so a
 * run's reads report holds through the run's progress without each read passing it on.
 */
export function reportingWaits(graph: GraphPort, onWait: ((wait: PacerWait) => void) | undefined): GraphPort {
  if (!onWait) return graph;
  const told = <O extends RequestOptions>(options?: O): O => (options?.onWait ? options : ({ ...options, onWait } as O));
  return {
    baseUrl: graph.baseUrl,
    get: (path, options) => graph.get(path, told(options)),
    list: (path, options) => graph.list(path, told(options)),
    listAll: (path, options) => graph.listAll(path, told(options)),
    create: (path, body, options) => graph.create(path, body, told(options)),
    post: (path, body, options) => graph.post(path, body, told(options)),
    patch: (path, body, options) => graph.patch(path, body, told(options)),
    delete: (path, options) => graph.delete(path, told(options)),
    batch: (requests, options) => graph.batch(requests, told(options)),
  };
}
