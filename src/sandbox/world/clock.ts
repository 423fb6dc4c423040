// The world's clock: real time scaled by a speed factor, plus jumps for tests (`advance`). It is
// simulated time, not wall time; while the world is stopped it stands still (resumed from world.json).

export interface ClockState {
  /** Simulated time, ms since the epoch. */
  now: number;
  speed: number;
}

export class WorldClock {
  private baseSim: number;
  private baseReal: number;
  private factor: number;

  constructor(
    start: ClockState,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(start.speed >= 0)) throw new Error(`The clock's speed must be 0 or more (got ${start.speed}).`);
    this.baseSim = start.now;
    this.baseReal = realNow();
    this.factor = start.speed;
  }

  now(): number {
    return this.baseSim + (this.realNow() - this.baseReal) * this.factor;
  }

  get speed(): number {
    return this.factor;
  }

  /** 1 = real time, 60 = a minute per second, 0 = stopped (only `advance` moves it). */
  setSpeed(speed: number): void {
    if (!(typeof speed === 'number' && speed >= 0 && Number.isFinite(speed)))
      throw new Error(`The clock's speed must be a number, 0 or more (got ${JSON.stringify(speed)}).`);
    this.baseSim = this.now();
    this.baseReal = this.realNow();
    this.factor = speed;
  }

  advance(ms: number): void {
    if (!(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms)))
      throw new Error(`advance needs a number of milliseconds, 0 or more (got ${JSON.stringify(ms)}).`);
    this.baseSim += ms;
  }

  snapshot(): ClockState {
    return { now: this.now(), speed: this.factor };
  }
}
