// Pacing: a sliding window per Graph service and request class, so the product uses each
// service's quota in full without finding the limit by getting throttled. Microsoft Graph passes
// each request to the service that owns the resource, and each service throttles on its own
// (docs/sign-in.md, "Throttling", has the numbers and where they come from):
// - Intune counts writes (POST/PUT/PATCH/DELETE) and all requests separately, per app per tenant
//   per 20 s, per resource family: managed devices 200 writes / 2000 requests, configuration,
//   apps, terms and enrollment 100 / 1000;
// - Entra ID (groups, members, users, licences) counts resource units per 10 s (a request costs
//   1-5 units, by path) and writes per 2.5 min.
// So a write takes a slot in its service's write window and its cost in the same service's
// request window, and a 429 from one service pauses that service only. Every inner request of a
// $batch takes its own slots.
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
  const reason: unknown = signal?.reason;
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

/** Intune configuration, compliance, apps, terms, enrollment: per app per tenant. */
export const INTUNE_WRITES: RateLimit = { limit: 100, windowMs: 20_000 };
export const INTUNE_READS: RateLimit = { limit: 1000, windowMs: 20_000 };
/** Intune managed devices (and the other device-side resources): per app per tenant. */
export const INTUNE_DEVICE_WRITES: RateLimit = { limit: 200, windowMs: 20_000 };
export const INTUNE_DEVICE_READS: RateLimit = { limit: 2000, windowMs: 20_000 };
/** Entra ID, per app + tenant pair: writes per 2 min 30 s. */
export const DIRECTORY_WRITES: RateLimit = { limit: 3000, windowMs: 150_000 };
/**
 * Entra ID resource units per 10 s, per app + tenant pair: 3,500 for a tenant under 50 users,
 * 5,000 up to 500, 8,000 above. The smallest, because the tenant's size is not known before the
 * first reads, and cm2intune's directory reads ($batch lookups) are far below it anyway.
 */
export const DIRECTORY_UNITS: RateLimit = { limit: 3500, windowMs: 10_000 };

/** The Graph services whose limits the pacer keeps apart. */
export type GraphService = 'intune' | 'intuneDevices' | 'directory';

// Intune's device family (includes/throttling-intune-devices.md): the deviceManagement
// collections under the devices limits. Everything else under deviceManagement and
// deviceAppManagement has the configuration/apps numbers.
const DEVICE_FAMILY = new Set([
  'manageddevices',
  'detectedapps',
  'devicemanagementscripts',
  'devicehealthscripts',
  'devicecompliancescripts',
  'deviceshellscripts',
  'devicecustomattributeshellscripts',
  'windowsmalwareinformation',
  'remoteactionaudits',
  'comanagementeligibledevices',
  'datasharingconsents',
  'applepushnotificationcertificate',
]);

/** A Graph path's segments without version prefix, leading slash or query, lower-cased. */
function segments(path: string): string[] {
  const bare = path.split('?')[0].replace(/^\/+/, '').toLowerCase();
  const parts = bare.split('/').filter(Boolean);
  return parts[0] === 'v1.0' || parts[0] === 'beta' ? parts.slice(1) : parts;
}

/** Which service throttles a request to this path (relative, with or without version and query). */
export function serviceOf(path: string): GraphService {
  const [root, collection] = segments(path);
  if (root === 'devicemanagement') {
    const name = (collection ?? '').replace(/\(.*$/, '');
    return DEVICE_FAMILY.has(name) || name.startsWith('userexperienceanalytics') ? 'intuneDevices' : 'intune';
  }
  if (root === 'deviceappmanagement') return 'intune';
  // A user's devices are Intune's (users/{id}/managedDevices).
  if (root === 'users' && segments(path).includes('manageddevices')) return 'intuneDevices';
  return 'directory';
}

// Entra ID's base costs that are not 1 (throttling-limits, "Identity and access service limits").
const DIRECTORY_READ_COSTS: [RegExp, number][] = [
  [/^users$/, 2],
  [/^groups\/[^/]+\/members$/, 3],
  [/^groups\/[^/]+\/transitivemembers$/, 5],
  [/^subscribedskus$/, 3],
  [/^(me|users\/[^/]+)\/licensedetails$/, 2],
  [/^(me|users\/[^/]+)\/(memberof|transitivememberof|ownedobjects)$/, 2],
  [/^applications$/, 2],
];

/**
 * What one request costs in its service's request window: 1 for Intune; for Entra ID the
 * resource units of its path ($select -1, $expand +1, $top under 20 -1; never below 1).
 */
export function requestCost(method: string, path: string): number {
  if (serviceOf(path) !== 'directory') return 1;
  let cost = 1;
  if (method.toUpperCase() === 'GET') {
    const bare = segments(path).join('/');
    cost = DIRECTORY_READ_COSTS.find(([pattern]) => pattern.test(bare))?.[1] ?? 1;
    const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
    if (query.has('$select')) cost -= 1;
    if (query.has('$expand')) cost += 1;
    const top = Number(query.get('$top'));
    if (query.has('$top') && top < 20) cost -= 1;
  }
  return Math.max(1, cost);
}

/** Slots granted by the pacer; call `done()` once the answer (or failure) is back. */
export interface Permit {
  /** The requests were sent and are finished: their slots age out `windowMs` from now. */
  done(): void;
  /** The requests were never sent: their slots are free at once. */
  unused(): void;
}

/**
 * A wait the pacer is holding a request for: its service's own limit (`status` absent) or the
 * service having said "wait" (429/503 with Retry-After). For progress texts: render.ts waitText.
 */
export interface PacerWait {
  service: GraphService;
  kind: RequestClass;
  ms: number;
  /** The HTTP status with which the service asked to wait; absent when our own count waits. */
  status?: number;
}

/** Told when a take has to wait (at least a second), and again when that wait moves. */
type WindowWait = (ms: number, status?: number) => void;

/** Waits shorter than this are not worth a line of progress. */
const REPORTED_WAIT_MS = 1000;

interface Waiter {
  n: number;
  resolve(permit: Permit): void;
  reject(error: Error): void;
  onWait?: WindowWait;
  /** When the wait last reported for this waiter ends (clock time). */
  reportedUntil?: number;
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
  /** The status with which the service asked for the current pause (429, 503). */
  private blockedBy?: number;
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
  take(n = 1, signal?: AbortSignal, onWait?: WindowWait): Promise<Permit> {
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
        onWait,
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
  pause(ms: number, status = 429): void {
    const now = this.clock.now();
    if (now + ms >= this.blockedUntil) this.blockedBy = status;
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

  /** Tells the head waiter how long it waits, once per wait (not on every wake-up). */
  private announce(head: Waiter, now: number, wait: number): void {
    if (!head.onWait || !Number.isFinite(wait) || wait < REPORTED_WAIT_MS) return;
    const until = now + wait;
    if (head.reportedUntil !== undefined && Math.abs(until - head.reportedUntil) < REPORTED_WAIT_MS) return;
    head.reportedUntil = until;
    head.onWait(wait, now < this.blockedUntil ? this.blockedBy : undefined);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        const now = this.clock.now();
        const wait = this.waitFor(head.n, now);
        if (wait > 0) {
          this.announce(head, now, wait);
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

/** One service's two windows: writes, and every request (writes too) by its cost. */
export interface ServiceLimits {
  writes?: RateLimit;
  /** All requests (reads and writes): Intune's "any" quota; for Entra ID, resource units. */
  reads?: RateLimit;
}

export interface PacingOptions extends ServiceLimits {
  // `writes`/`reads` at the top are Intune's configuration and apps windows (the first ones the
  // pacer had); the other services have their own.
  /** Intune's managed devices family. */
  devices?: ServiceLimits;
  /** Entra ID: groups, members, users, licences, organization. */
  directory?: ServiceLimits;
}

export interface ServiceWindows {
  readonly writes: SlidingWindow;
  readonly reads: SlidingWindow;
}

/** What a request (or a $batch chunk of one service) asks of its service's windows. */
export interface Demand {
  writes?: number;
  reads?: number;
  /** The request window's cost when it is not one per request (Entra ID's resource units). */
  units?: number;
}

/**
 * The windows of one app in one tenant, one pair per service, shared by single requests and
 * $batch members. A request waits only for its own service's windows.
 */
export class Pacer {
  readonly services: Readonly<Record<GraphService, ServiceWindows>>;

  constructor(options: PacingOptions = {}, clock: Clock = systemClock) {
    const pair = (limits: ServiceLimits | undefined, writes: RateLimit, reads: RateLimit): ServiceWindows => ({
      writes: new SlidingWindow(limits?.writes ?? writes, clock),
      reads: new SlidingWindow(limits?.reads ?? reads, clock),
    });
    this.services = {
      intune: pair(options, INTUNE_WRITES, INTUNE_READS),
      intuneDevices: pair(options.devices, INTUNE_DEVICE_WRITES, INTUNE_DEVICE_READS),
      directory: pair(options.directory, DIRECTORY_WRITES, DIRECTORY_UNITS),
    };
  }

  /** Intune's configuration and apps write window. */
  get writes(): SlidingWindow {
    return this.services.intune.writes;
  }

  /** Intune's configuration and apps request window. */
  get reads(): SlidingWindow {
    return this.services.intune.reads;
  }

  /** Largest number of requests of one service that can go out at once (caps $batch chunks). */
  maxAtOnce(service: GraphService = 'intune'): number {
    const { writes, reads } = this.services[service];
    return Math.min(writes.capacity, reads.capacity);
  }

  /**
   * Waits for slots for these requests of one service (a write also counts as a request). Call
   * `done()` on the permit when the answer is back or the exchange failed, `unused()` if nothing
   * was sent.
   */
  async acquire(
    counts: Demand,
    signal?: AbortSignal,
    service: GraphService = 'intune',
    onWait?: (wait: PacerWait) => void,
  ): Promise<Permit> {
    const windows = this.services[service];
    const writes = counts.writes ?? 0;
    const all = Math.min(windows.reads.capacity, counts.units ?? writes + (counts.reads ?? 0));
    const told =
      (kind: RequestClass): WindowWait | undefined =>
      (ms, status) =>
        onWait?.({ service, kind, ms, ...(status ? { status } : {}) });
    const permits: Permit[] = [];
    try {
      if (writes > 0) permits.push(await windows.writes.take(writes, signal, onWait && told('write')));
      if (all > 0) permits.push(await windows.reads.take(all, signal, onWait && told('read')));
    } catch (error) {
      for (const p of permits) p.unused();
      throw error;
    }
    return { done: () => permits.forEach((p) => p.done()), unused: () => permits.forEach((p) => p.unused()) };
  }

  /** A throttled response (429/503 with Retry-After) pauses that service's window of that class only. */
  throttled(kind: RequestClass, retryAfterMs: number, service: GraphService = 'intune', status = 429): void {
    const windows = this.services[service];
    (kind === 'write' ? windows.writes : windows.reads).pause(retryAfterMs, status);
  }
}
