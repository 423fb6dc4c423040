// Pacing: a token bucket per request class, so the product stays under Intune's limits instead
// of finding them by getting throttled. Intune counts writes (POST/PUT/PATCH/DELETE) and all
// requests separately, per app per tenant per 20 s window; a write therefore takes a token from
// both buckets. Every inner request of a $batch takes its own tokens.

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The operation was cancelled.');
  error.name = 'AbortError';
  return error;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RateLimit {
  /** Requests allowed per window (Intune: 100 writes / 1000 requests per 20 s per app per tenant). */
  limit: number;
  windowMs: number;
  /**
   * Tokens available at once. The refill rate is (limit - burst) / window, so that no window of
   * `windowMs` ever sees more than `limit` requests, whatever the phase of the server's window.
   * Default: a quarter of the limit, at most 20 (one full $batch).
   */
  burst?: number;
}

export const INTUNE_WRITES: RateLimit = { limit: 100, windowMs: 20_000 };
export const INTUNE_READS: RateLimit = { limit: 1000, windowMs: 20_000 };

interface Waiter {
  n: number;
  resolve(): void;
  reject(error: Error): void;
}

export class TokenBucket {
  readonly capacity: number;
  /** Tokens per millisecond. */
  readonly rate: number;
  private tokens: number;
  private last: number;
  private blockedUntil = 0;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(limit: RateLimit, private readonly clock: Clock = systemClock) {
    if (!(limit.limit >= 1) || !(limit.windowMs > 0)) throw new RangeError(`Pacing limit must be >= 1 per a window > 0 ms (got ${limit.limit} per ${limit.windowMs} ms).`);
    this.capacity = Math.max(1, Math.min(limit.limit, Math.floor(limit.burst ?? Math.min(20, limit.limit / 4))));
    this.rate = Math.max(1, limit.limit - this.capacity) / limit.windowMs;
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  /** Tokens available now (after refill); for tests and progress displays. */
  available(): number {
    this.refill(this.clock.now());
    return this.clock.now() < this.blockedUntil ? 0 : this.tokens;
  }

  /** Waits until `n` tokens are available and takes them; waiters are served first come, first served. */
  take(n = 1, signal?: AbortSignal): Promise<void> {
    if (n > this.capacity) return Promise.reject(new RangeError(`Cannot take ${n} tokens at once from a bucket of ${this.capacity}.`));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /**
   * The service said "wait `ms`" (Retry-After): nothing goes out before then, and the bucket
   * restarts empty afterwards, so the requests after the pause trickle instead of hammering.
   */
  pause(ms: number): void {
    const now = this.clock.now();
    this.refill(now);
    this.blockedUntil = Math.max(this.blockedUntil, now + Math.max(0, ms));
    this.tokens = 0;
    this.last = this.blockedUntil;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.rate);
      this.last = now;
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        const now = this.clock.now();
        this.refill(now);
        let waitMs: number;
        if (now < this.blockedUntil) waitMs = this.blockedUntil - now;
        else if (this.tokens >= head.n - 1e-9) {
          this.tokens = Math.max(0, this.tokens - head.n);
          this.queue.shift();
          head.resolve();
          continue;
        } else waitMs = Math.ceil((head.n - this.tokens) / this.rate);
        // Not tied to any waiter's signal: an abort removes the waiter, the pump just re-checks.
        await this.clock.sleep(Math.max(1, waitMs));
      }
    } finally {
      this.pumping = false;
    }
  }
}

export type RequestClass = 'read' | 'write';

export interface PacingOptions {
  writes?: RateLimit;
  reads?: RateLimit;
}

/** The two buckets of one app in one tenant, shared by single requests and $batch members. */
export class Pacer {
  readonly writes: TokenBucket;
  readonly reads: TokenBucket;

  constructor(options: PacingOptions = {}, clock: Clock = systemClock) {
    this.writes = new TokenBucket(options.writes ?? INTUNE_WRITES, clock);
    this.reads = new TokenBucket(options.reads ?? INTUNE_READS, clock);
  }

  /** Largest number of requests of one class that can go out at once (caps $batch chunks). */
  maxAtOnce(): number {
    return Math.min(this.writes.capacity, this.reads.capacity);
  }

  async acquire(counts: { reads?: number; writes?: number }, signal?: AbortSignal): Promise<void> {
    const writes = counts.writes ?? 0;
    const all = writes + (counts.reads ?? 0);
    if (writes > 0) await this.writes.take(writes, signal);
    if (all > 0) await this.reads.take(all, signal);
  }

  /** A throttled response (429/503 with Retry-After) for a request of this class pauses its bucket. */
  throttled(kind: RequestClass, retryAfterMs: number): void {
    (kind === 'write' ? this.writes : this.reads).pause(retryAfterMs);
  }
}
