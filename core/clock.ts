/** Time is injected everywhere so drills and tests can run minutes in milliseconds. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: number | string = '2026-01-01T00:00:00.000Z') {
    this.current = typeof start === 'string' ? Date.parse(start) : start;
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** UTC ISO-8601, the one format times are stored and shown in. */
export function isoAt(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
