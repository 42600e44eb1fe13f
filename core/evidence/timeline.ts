/** Buckets for the Evidence screen's timeline: a round size giving at most ~60 bars. */
import type { EvidenceClass } from './types';

const SIZES_MS = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];

export function bucketSizeFor(spanMs: number, maxBuckets = 60): number {
  return SIZES_MS.find((s) => spanMs / s <= maxBuckets) ?? Math.ceil(spanMs / maxBuckets / 86_400_000) * 86_400_000;
}

export class Timeline {
  private readonly buckets = new Map<number, Partial<Record<EvidenceClass, number>>>();
  readonly sizeMs: number;
  constructor(
    private readonly fromMs: number,
    toMs: number,
  ) {
    this.sizeMs = bucketSizeFor(Math.max(1, toMs - fromMs));
  }

  add(atMs: number, cls: EvidenceClass): void {
    const b = Math.floor((atMs - this.fromMs) / this.sizeMs);
    let c = this.buckets.get(b);
    if (!c) this.buckets.set(b, (c = {}));
    c[cls] = (c[cls] ?? 0) + 1;
  }

  view(): { bucket_start: string; bucket_ms: number; counts: Partial<Record<EvidenceClass, number>> }[] {
    return [...this.buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, counts]) => ({ bucket_start: new Date(this.fromMs + b * this.sizeMs).toISOString(), bucket_ms: this.sizeMs, counts }));
  }
}
