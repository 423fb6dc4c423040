// Intune-style throttling: a sliding window per app (this sandbox is one tenant), one for writes
// and one for all requests. Over the limit -> 429 with Retry-After (whole seconds) until the
// oldest counted request leaves the window.
import { createHash } from 'node:crypto';
import type { ThrottleOptions } from './types';

export const DEFAULT_THROTTLE: Required<ThrottleOptions> = { writesPerWindow: 100, readsPerWindow: 2000, windowMs: 20_000 };

export class Throttle {
  private readonly windows = new Map<string, number[]>();
  constructor(
    private readonly options: Required<ThrottleOptions> | false,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the request and returns undefined, or the seconds to wait when it is over the limit. */
  admit(app: string, isWrite: boolean): number | undefined {
    if (!this.options) return undefined;
    const { windowMs } = this.options;
    const t = this.now();
    const check = (key: string, limit: number) => {
      const stamps = (this.windows.get(key) ?? []).filter((s) => s > t - windowMs);
      this.windows.set(key, stamps);
      return stamps.length >= limit ? Math.max(1, Math.ceil((stamps[0] + windowMs - t) / 1000)) : undefined;
    };
    const anyWait = check(`${app}|any`, this.options.readsPerWindow);
    const writeWait = isWrite ? check(`${app}|write`, this.options.writesPerWindow) : undefined;
    const wait = Math.max(anyWait ?? 0, writeWait ?? 0);
    if (wait > 0) return wait;
    this.windows.get(`${app}|any`)!.push(t);
    if (isWrite) this.windows.get(`${app}|write`)!.push(t);
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
