// What the Graph port's parts share about one HTTP exchange: the port (graph-client.ts) makes
// exchanges, $batch (batch.ts) packs requests into them. Types only; both import them from here,
// so neither imports the other's module.
import type { ApiVersion } from './api-versions';
import type { Log, Method } from './graph-port';
import type { Clock, Pacer } from './pacer';

export interface RetryOptions {
  /** Retries after 429/503/504/network errors, per request (default 6). */
  maxRetries?: number;
  /** First backoff delay when the service gave no Retry-After (default 1000 ms), doubled each time. */
  baseDelayMs?: number;
  /** Ceiling for one wait, also for a Retry-After (default 120 s). */
  maxDelayMs?: number;
  /**
   * A 429 means "not applied, come back later", so throttling is waited out by time, not by a
   * count of attempts: a request gives up after this much time spent waiting on 429s (default 10 min).
   */
  maxThrottledMs?: number;
}

/** What one HTTP exchange gave back. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  requestId?: string;
}

export interface Exchange {
  method: Method;
  version: ApiVersion;
  /** Relative, with query. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent: boolean;
  signal?: AbortSignal;
}

export interface PortInternals {
  readonly pacer: Pacer;
  readonly clock: Clock;
  readonly log: Log;
  readonly retry: Required<RetryOptions>;
  readonly random: () => number;
  /** One HTTP exchange, no pacing or retry. Throws GraphClientError carrying a TransportFailure. */
  sendOnce(exchange: Exchange): Promise<RawResponse>;
  backoffMs(attempt: number): number;
}
