/**
 * What a drill writes down as it runs: timeline events, and per-bucket counts of agent
 * sessions accepted and refused (the chart), with live sessions and the sealed state at
 * the end of each bucket.
 */
import type { DrillEvent, DrillSeriesPoint } from '../api/seal-types';

export class DrillRecorder {
  readonly timeline: DrillEvent[] = [];
  private readonly buckets = new Map<number, DrillSeriesPoint>();
  private last: { live: number; sealed: boolean } = { live: 0, sealed: false };

  constructor(
    readonly startMs: number,
    readonly bucketMs: number,
    /** Told of every timeline event as it is recorded (a real drill's live progress). */
    private readonly onEvent: (e: DrillEvent) => void = () => {},
  ) {}

  seconds(atMs: number): number {
    return Math.round((atMs - this.startMs) / 100) / 10;
  }

  event(atMs: number, kind: string, detail: string): void {
    const e = { t_s: this.seconds(atMs), at: new Date(atMs).toISOString(), kind, detail };
    this.timeline.push(e);
    this.onEvent(e);
  }

  private bucket(atMs: number): DrillSeriesPoint {
    const i = Math.max(0, Math.floor((atMs - this.startMs) / this.bucketMs));
    let b = this.buckets.get(i);
    if (!b) this.buckets.set(i, (b = { t_s: (i * this.bucketMs) / 1000, accepted: 0, refused: 0, live_sessions: this.last.live, sealed: this.last.sealed }));
    return b;
  }

  count(atMs: number, outcome: 'accepted' | 'refused'): void {
    this.bucket(atMs)[outcome]++;
  }

  sample(atMs: number, live: number, sealed: boolean): void {
    this.last = { live, sealed };
    const b = this.bucket(atMs);
    b.live_sessions = live;
    b.sealed = sealed;
  }

  /** Every bucket up to `endMs`, empty ones carrying the last known state forward. */
  series(endMs: number): DrillSeriesPoint[] {
    const out: DrillSeriesPoint[] = [];
    const lastIndex = Math.max(0, Math.floor((endMs - this.startMs) / this.bucketMs));
    let carry = { live_sessions: 0, sealed: false };
    for (let i = 0; i <= lastIndex; i++) {
      const b = this.buckets.get(i);
      const point = b ?? { t_s: (i * this.bucketMs) / 1000, accepted: 0, refused: 0, ...carry };
      carry = { live_sessions: point.live_sessions, sealed: point.sealed };
      out.push(point);
    }
    return out;
  }
}
