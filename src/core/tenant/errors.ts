// Typed failures of the Graph port. Messages are redacted and name the request; a caller can
// tell "the service said no" (GraphRequestError, outcome 'failed') from "we cannot know whether
// the write happened" (GraphOutcomeUnknownError, outcome 'unknown': reconcile by marker, never
// blindly retry a create).
import { UserError } from '../errors';
import { redact } from './redact';

export class GraphRequestError extends UserError {
  override readonly name = 'GraphRequestError';
  readonly outcome = 'failed' as const;
  constructor(
    readonly method: string,
    readonly path: string,
    /** HTTP status, or 0 when no response came back (network error on a retried idempotent request). */
    readonly status: number,
    /** Graph error code (`Request_BadRequest`, `ResourceNotFound`, ...). */
    readonly code: string,
    detail: string,
    /** Graph `request-id` of the failed response, for a support ticket. */
    readonly requestId?: string,
  ) {
    super(
      redact(
        `${method} ${path} failed: ${status ? `HTTP ${status}` : 'no response'}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}${requestId ? ` (request-id ${requestId})` : ''}`,
      ),
      1,
    );
  }
}

/**
 * An answer whose shape is not what Graph sends (an HTML page, `{}`, `{"value":null}`, cut-off
 * JSON, a created object without a string id): nothing is read from it, so a broken answer can
 * never pass for an empty tenant. See shape.ts.
 */
export class GraphMalformedResponseError extends GraphRequestError {
  constructor(method: string, path: string, status: number, problem: string, requestId?: string) {
    super(method, path, status, 'MalformedResponse', problem, requestId);
    this.message = redact(
      `${method} ${path}: the answer (HTTP ${status}) is not what Graph sends: ${problem}${requestId ? ` (request-id ${requestId})` : ''}. Nothing was read from it.`,
    );
  }
}

export class GraphOutcomeUnknownError extends UserError {
  override readonly name = 'GraphOutcomeUnknownError';
  readonly outcome = 'unknown' as const;
  constructor(
    readonly method: string,
    readonly path: string,
    reason: string,
    /** True when the caller cancelled while the request was on the wire. */
    readonly cancelled = false,
  ) {
    super(
      redact(
        `${method} ${path}: outcome unknown (${reason}); it may or may not have been applied. Look for the object by its marker before trying again.`,
      ),
      1,
    );
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/** `Retry-After` in ms: seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Graph's error shape `{ error: { code, message, innerError: { request-id } } }`. */
export function graphError(body: unknown): { code: string; message: string; requestId?: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | undefined)?.error;
  const inner = error?.innerError;
  return {
    code: typeof error?.code === 'string' ? error.code : '',
    message: typeof error?.message === 'string' ? error.message : typeof body === 'string' ? body.slice(0, 300) : '',
    requestId: typeof inner?.['request-id'] === 'string' ? (inner['request-id'] as string) : undefined,
  };
}
