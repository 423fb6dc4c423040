// Throttling per service, as Microsoft Graph's services do it, each on its own and per app (this
// sandbox is one tenant): Intune counts writes and all requests per window, per resource family
// (configuration/apps, managed devices); Entra ID counts resource units (a request costs 1-5, by
// path) and writes, over windows of their own. Over a limit -> 429 with Retry-After (whole
// seconds) until the oldest counted request leaves that window; the other services go on.
// The service and the costs are worked out here from the path, independently of the client.
import { createHash } from 'node:crypto';
import type { DirectoryThrottle, IntuneThrottle, ThrottleOptions } from './types';

export type ThrottledService = 'intune' | 'intuneDevices' | 'directory';

export interface ResolvedThrottle {
  intune: Required<IntuneThrottle>;
  devices: Required<IntuneThrottle>;
  directory: DirectoryThrottle;
}

/** Intune's per-app limits (per 20 s) and Entra ID's per app + tenant (a tenant under 50 users). */
export const DEFAULT_THROTTLE: ResolvedThrottle = {
  intune: { writesPerWindow: 100, readsPerWindow: 2000, windowMs: 20_000 },
  devices: { writesPerWindow: 200, readsPerWindow: 2000, windowMs: 20_000 },
  directory: { unitsPerWindow: 3500, unitsWindowMs: 10_000, writesPerWindow: 3000, writesWindowMs: 150_000 },
};

export function resolveThrottle(options: ThrottleOptions | undefined): ResolvedThrottle {
  if (!options) return structuredClone(DEFAULT_THROTTLE);
  const { devices, directory, ...intune } = options;
  return {
    intune: { ...DEFAULT_THROTTLE.intune, ...intune },
    devices: { ...DEFAULT_THROTTLE.devices, ...devices },
    directory: { ...DEFAULT_THROTTLE.directory, ...directory },
  };
}

const DEVICE_FAMILY =
  /^(manageddevices|detectedapps|devicemanagementscripts|devicehealthscripts|devicecompliancescripts|deviceshellscripts|devicecustomattributeshellscripts|windowsmalwareinformation|remoteactionaudits|comanagementeligibledevices|datasharingconsents|applepushnotificationcertificate|userexperienceanalytics)/;

/** The service that owns a path (no version, no query). */
export function serviceFor(path: string): ThrottledService {
  const [root, collection = ''] = path.toLowerCase().split('/').filter(Boolean);
  if (root === 'devicemanagement') return DEVICE_FAMILY.test(collection) ? 'intuneDevices' : 'intune';
  if (root === 'deviceappmanagement') return 'intune';
  if (root === 'users' && path.toLowerCase().includes('/manageddevices')) return 'intuneDevices';
  return 'directory';
}

/** Entra ID's resource units for a request (Graph's published base costs and query adjustments). */
export function directoryUnits(method: string, path: string, query: URLSearchParams): number {
  const p = path.toLowerCase().replace(/\/+$/, '');
  let cost = 1;
  if (method === 'GET') {
    if (p === 'users' || p === 'applications') cost = 2;
    else if (/^groups\/[^/]+\/members$/.test(p) || p === 'subscribedskus') cost = 3;
    else if (/^groups\/[^/]+\/transitivemembers$/.test(p)) cost = 5;
    else if (/^users\/[^/]+\/(licensedetails|memberof|transitivememberof|ownedobjects)$/.test(p)) cost = 2;
    if (query.has('$select')) cost--;
    if (query.has('$expand')) cost++;
    if (query.has('$top') && Number(query.get('$top')) < 20) cost--;
  }
  return Math.max(1, cost);
}

export interface Throttled {
  /** Seconds to wait. */
  wait: number;
  service: ThrottledService;
  /** Which limit: Intune's writes or requests, Entra ID's writes or resource units. */
  limit: 'writes' | 'requests' | 'units';
}

export class Throttle {
  private readonly windows = new Map<string, number[]>();
  constructor(
    private readonly options: ResolvedThrottle | false,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the request and returns undefined, or what to tell the client when it is over a limit. */
  admit(app: string, method: string, path: string, query: URLSearchParams = new URLSearchParams()): Throttled | undefined {
    if (!this.options) return undefined;
    const service = serviceFor(path);
    const isWrite = method !== 'GET';
    const t = this.now();
    // [window key, limit, window ms, slots this request takes, which limit]
    const checks: [string, number, number, number, Throttled['limit']][] = [];
    if (service === 'directory') {
      const d = this.options.directory;
      checks.push([`${app}|directory|units`, d.unitsPerWindow, d.unitsWindowMs, directoryUnits(method, path, query), 'units']);
      if (isWrite) checks.push([`${app}|directory|write`, d.writesPerWindow, d.writesWindowMs, 1, 'writes']);
    } else {
      const o = service === 'intune' ? this.options.intune : this.options.devices;
      checks.push([`${app}|${service}|any`, o.readsPerWindow, o.windowMs, 1, 'requests']);
      if (isWrite) checks.push([`${app}|${service}|write`, o.writesPerWindow, o.windowMs, 1, 'writes']);
    }
    let worst: Throttled | undefined;
    for (const [key, limit, windowMs, n, which] of checks) {
      const stamps = (this.windows.get(key) ?? []).filter((s) => s > t - windowMs);
      this.windows.set(key, stamps);
      if (stamps.length + n > limit) {
        // Wait until enough of the oldest stamps have left the window for this request to fit.
        const freeAt = stamps[Math.min(stamps.length - 1, Math.max(0, stamps.length + n - limit - 1))] ?? t;
        const wait = Math.max(1, Math.ceil((freeAt + windowMs - t) / 1000));
        if (!worst || wait > worst.wait) worst = { wait, service, limit: which };
      }
    }
    if (worst) return worst;
    for (const [key, , , n] of checks) this.windows.get(key)!.push(...Array<number>(n).fill(t));
    return undefined;
  }

  reset(): void {
    this.windows.clear();
  }
}

/** The calling app: the `appid`/`azp` claim of a JWT bearer token, else a hash of the token. */
export function appOf(token: string): string {
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { appid?: unknown; azp?: unknown };
      const app = claims.appid ?? claims.azp;
      if (typeof app === 'string' && app) return app;
    } catch {
      // not a JWT: hash below
    }
  }
  return 'token:' + createHash('sha256').update(token).digest('hex').slice(0, 16);
}
