// Pacing: a sliding window per request class, so the product uses Intune's quota in full
// without finding the limit by getting throttled. Intune counts writes (POST/PUT/PATCH/DELETE)
// and all requests separately, per app per tenant per 20 s window; a write therefore takes a
// slot in both windows. Every inner request of a $batch takes its own slots.
//
// A slot is held while its request is on the wire and starts ageing only when the answer is
// back (Permit.done). The service counts a request somewhere between its arrival and its answer,
// both before we see the answer, so "no more than `limit` answers in the last `windowMs` plus
// in flight" keeps the service's own count of any window at most `limit` whatever the latency,
// for a sliding window and for fixed ones alike, with no timing margin to tune.

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
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RateLimit {
  /** Requests allowed per window (Intune: 100 writes / 1000 requests per 20 s per app per tenant). */
  limit: number;
  windowMs: number;
  /**
   * Extra time a slot stays taken after its window, for a service that counts late or with a
   * skewed clock. Default 0: answers are stamped when they arrive, which is already late enough.
   */
  marginMs?: number;
}

export const INTUNE_WRITES: RateLimit = { limit: 100, windowMs: 20_000 };
export const INTUNE_READS: RateLimit = { limit: 1000, windowMs: 20_000 };

/** Slots granted by the pacer; call `done()` once the answer (or failure) is back. */
export interface Permit {
  /** The requests were sent and are finished: their slots age out `windowMs` from now. */
  done(): void;
  /** The requests were never sent: their slots are free at once. */
  unused(): void;
}

interface Waiter {
  n: number;
  resolve(permit: Permit): void;
  reject(error: Error): void;
}

/**
 * At most `limit` requests in any `windowMs`, counted from when each answer came back; waiters
 * are served first come, first served (a $batch waits for all its slots, smaller requests queue
 * behind it rather than starving it).
 */
export class SlidingWindow {
  /** Largest number of slots one take can ask for (= limit). */
  readonly capacity: number;
  readonly windowMs: number;
  private readonly marginMs: number;
  private inFlight = 0;
  /** When each finished request's slot started ageing, ascending; only the last window's are kept. */
  private stamps: number[] = [];
  private blockedUntil = 0;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  /** Set while the pump waits: ends the wait early when slots come back or the queue changes. */
  private wake?: () => void;

  constructor(
    limit: RateLimit,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(limit.limit >= 1) || !(limit.windowMs > 0))
      throw new RangeError(`Pacing limit must be >= 1 per a window > 0 ms (got ${limit.limit} per ${limit.windowMs} ms).`);
    this.capacity = Math.floor(limit.limit);
    this.windowMs = limit.windowMs;
    this.marginMs = Math.max(0, limit.marginMs ?? 0);
  }

  /** Slots free now; for tests and progress displays. */
  available(): number {
    const now = this.clock.now();
    if (now < this.blockedUntil) return 0;
    this.expire(now);
    return Math.max(0, this.capacity - this.inFlight - this.stamps.length);
  }

  /** Waits until `n` slots are free and takes them. */
  take(n = 1, signal?: AbortSignal): Promise<Permit> {
    if (!(n >= 1) || n > this.capacity)
      return Promise.reject(new RangeError(`Cannot take ${n} slots at once from a window of ${this.capacity}.`));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve: (permit) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(permit);
        },
        reject,
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index < 0) return;
        this.queue.splice(index, 1);
        reject(abortError(signal));
        this.wake?.();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /**
   * The service said "wait `ms`" (Retry-After), so our count was off (another client on the same
   * app, or a service counting differently): nothing goes out before then, and the window is
   * taken as full and evenly spread, so afterwards requests trickle at the steady rate
   * (limit per window) instead of hammering with a full burst.
   */
  pause(ms: number): void {
    const now = this.clock.now();
    this.blockedUntil = Math.max(this.blockedUntil, now + Math.max(0, ms));
    const free = Math.max(0, this.capacity - this.inFlight);
    const step = this.windowMs / this.capacity;
    const start = this.blockedUntil - this.windowMs - this.marginMs;
    // Newest-aligned, slot by slot the later of what we recorded and the evenly spread guess,
    // so no slot frees earlier than either says (both are ascending, so the result is too).
    const recorded = free > 0 ? this.stamps.slice(-free) : [];
    const offset = free - recorded.length;
    this.stamps = Array.from({ length: free }, (_, i) => Math.max(start + (i + 1) * step, i >= offset ? recorded[i - offset] : -Infinity));
    this.wake?.();
  }

  private grant(n: number): Permit {
    this.inFlight += n;
    let settled = false;
    const settle = (stamp: boolean) => {
      if (settled) return;
      settled = true;
      this.inFlight -= n;
      if (stamp) {
        const now = this.clock.now();
        // Usually appended; after a pause, phantom stamps may lie ahead of now.
        let at = this.stamps.length;
        while (at > 0 && this.stamps[at - 1] > now) at--;
        this.stamps.splice(at, 0, ...Array<number>(n).fill(now));
      }
      this.wake?.();
    };
    return { done: () => settle(true), unused: () => settle(false) };
  }

  private expire(now: number): void {
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] + this.windowMs + this.marginMs <= now) drop++;
    if (drop) this.stamps.splice(0, drop);
  }

  /** Milliseconds until `n` slots are free: 0 now, Infinity when only finishing requests can free them. */
  private waitFor(n: number, now: number): number {
    if (now < this.blockedUntil) return this.blockedUntil - now;
    this.expire(now);
    const missing = n - (this.capacity - this.inFlight - this.stamps.length);
    if (missing <= 0) return 0;
    if (missing > this.stamps.length) return Infinity;
    return this.stamps[missing - 1] + this.windowMs + this.marginMs - now;
  }

  /** Waits `ms` (Infinity: until woken); a wake-up ends the wait early and cancels its timer. */
  private idle(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = new AbortController();
      const finish = () => {
        if (this.wake === finish) this.wake = undefined;
        timer.abort();
        resolve();
      };
      this.wake = finish;
      if (Number.isFinite(ms)) this.clock.sleep(Math.max(1, Math.ceil(ms)), timer.signal).then(finish, () => {});
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        const wait = this.waitFor(head.n, this.clock.now());
        if (wait > 0) {
          await this.idle(wait);
          continue;
        }
        this.queue.shift();
        head.resolve(this.grant(head.n));
      }
    } finally {
      this.pumping = false;
    }
  }
}

export type RequestClass = 'read' | 'write';

export interface PacingOptions {
  writes?: RateLimit;
  /** All requests (reads and writes): Intune's "any" quota. */
  reads?: RateLimit;
}

/** The two windows of one app in one tenant, shared by single requests and $batch members. */
export class Pacer {
  readonly writes: SlidingWindow;
  readonly reads: SlidingWindow;

  constructor(options: PacingOptions = {}, clock: Clock = systemClock) {
    this.writes = new SlidingWindow(options.writes ?? INTUNE_WRITES, clock);
    this.reads = new SlidingWindow(options.reads ?? INTUNE_READS, clock);
  }

  /** Largest number of requests of one class that can go out at once (caps $batch chunks). */
  maxAtOnce(): number {
    return Math.min(this.writes.capacity, this.reads.capacity);
  }

  /**
   * Waits for slots for these requests (a write also counts as a request). Call `done()` on the
   * permit when the answer is back or the exchange failed, `unused()` if nothing was sent.
   */
  async acquire(counts: { reads?: number; writes?: number }, signal?: AbortSignal): Promise<Permit> {
    const writes = counts.writes ?? 0;
    const all = writes + (counts.reads ?? 0);
    const permits: Permit[] = [];
    try {
      if (writes > 0) permits.push(await this.writes.take(writes, signal));
      if (all > 0) permits.push(await this.reads.take(all, signal));
    } catch (error) {
      for (const p of permits) p.unused();
      throw error;
    }
    return { done: () => permits.forEach((p) => p.done()), unused: () => permits.forEach((p) => p.unused()) };
  }

  /** A throttled response (429/503 with Retry-After) for a request of this class pauses its window. */
  throttled(kind: RequestClass, retryAfterMs: number): void {
    (kind === 'write' ? this.writes : this.reads).pause(retryAfterMs);
  }
}
