/**
 * The rewrap worker's batch size. Fixed when the operator gives one; otherwise sized by
 * time: after each batch the next size is scaled toward TARGET_BATCH_MS from the rows per
 * millisecond just measured, at most doubling or halving at a time (one slow batch on a
 * shared machine must not collapse the size), within MIN/MAX_AUTO_BATCH_SIZE.
 */
import { FIRST_AUTO_BATCH_SIZE, MAX_AUTO_BATCH_SIZE, MAX_BATCH_SIZE, MIN_AUTO_BATCH_SIZE, MIN_BATCH_SIZE, TARGET_BATCH_MS } from './types';

export class BatchSizer {
  private current: number;
  readonly fixed: boolean;

  constructor(fixedSize?: number, private readonly targetMs = TARGET_BATCH_MS) {
    this.fixed = fixedSize !== undefined;
    this.current = this.fixed ? Math.max(MIN_BATCH_SIZE, Math.min(MAX_BATCH_SIZE, Math.floor(fixedSize!))) : FIRST_AUTO_BATCH_SIZE;
  }

  get size(): number {
    return this.current;
  }

  /** Feeds one committed batch: `rows` read, in `ms` from its read to its commit. */
  observe(rows: number, ms: number): void {
    // A short batch (the end of a table) says little about the rate.
    if (this.fixed || rows < this.current / 2) return;
    const scaled = ms > 0 ? (this.current * this.targetMs) / ms : this.current * 2;
    const next = Math.min(this.current * 2, Math.max(this.current / 2, scaled));
    this.current = Math.round(Math.min(MAX_AUTO_BATCH_SIZE, Math.max(MIN_AUTO_BATCH_SIZE, next)));
  }
}
