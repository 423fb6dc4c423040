// Test doubles for the tenant layer: a manual clock for the pacer and a recording log.
import type { Clock } from '../../src/core/tenant/pacer';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Timer {
  at: number;
  resolve(): void;
}

/** Time only moves when the test says so; sleeps resolve in due order. */
export class FakeClock implements Clock {
  private t = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.t + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, firing every timer due on the way and letting promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    this.t = end;
    await flush();
  }
}

export function recordingLog() {
  const lines: string[] = [];
  return { lines, log: (level: string, message: string) => lines.push(`${level} ${message}`) };
}
