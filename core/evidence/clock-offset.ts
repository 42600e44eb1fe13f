/**
 * How far the provider's clock is from this machine's, measured from the pairs that are
 * proven to be one call (matched by correlation or request id): the record's time minus
 * the call's. The provider stamps a record at completion, cut to the second; the engine
 * stamps a call at its start, so a true offset of zero reads between about -1 s and the
 * call's duration. The median of the gaps is the estimate; a bounded, evenly thinned
 * sample keeps a million pairs cheap and the result the same on every run.
 */
const SAMPLE = 1024;

/** Above this, the window and the report say the clocks disagree. */
export const CLOCK_OFFSET_WARN_MS = 5_000;

export class ClockOffset {
  #samples: number[] = [];
  #stride = 1;
  #seen = 0;

  add(gapMs: number): void {
    if (!Number.isFinite(gapMs)) return;
    if (this.#seen++ % this.#stride !== 0) return;
    this.#samples.push(gapMs);
    if (this.#samples.length === SAMPLE) {
      this.#samples = this.#samples.filter((_, i) => i % 2 === 0);
      this.#stride *= 2;
    }
  }

  get pairs(): number {
    return this.#seen;
  }

  /** The median gap in ms, or null without a proven pair. */
  medianMs(): number | null {
    if (this.#samples.length === 0) return null;
    const s = [...this.#samples].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return Math.round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
  }
}

/** The sentence the coverage shows when the clocks disagree by more than a few seconds. */
export function clockWarning(provider: string, offsetMs: number | null): string | null {
  if (offsetMs === null || Math.abs(offsetMs) <= CLOCK_OFFSET_WARN_MS) return null;
  const s = Math.round(Math.abs(offsetMs) / 1000);
  const side = offsetMs > 0 ? 'ahead of' : 'behind';
  return `The ${provider.toUpperCase()} log's clock runs about ${s} s ${side} this machine's (measured on matched calls): check this machine's time sync (NTP). Calls near a period's edge are still matched by their id.`;
}
