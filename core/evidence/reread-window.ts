/**
 * How far back an incremental fetch re-reads, so records the provider delivers late are
 * still caught: the larger of the configured delivery delay and the longest delay this
 * source has shown, with half again as margin; and once a day a deep re-read 24 h back
 * for records later than that. Records read twice stay one row.
 */

/** A deep re-read goes this far back before the cursor... */
export const DEEP_REREAD_BACK_MS = 24 * 3_600_000;
/** ...once this long after the last one. */
export const DEEP_REREAD_EVERY_MS = 24 * 3_600_000;
/**
 * An incremental re-read goes at most this far back, however late one record once was:
 * every fetch pays for its window in pages (CloudTrail: 50 records a page, 2 pages a
 * second); records later than this are left to the daily deep re-read.
 */
export const MAX_INCREMENTAL_WINDOW_MS = 2 * 3_600_000;

export function rereadWindowMs(configuredDelayMs: number, observedDelayMs: number | null): number {
  const observed = observedDelayMs && observedDelayMs > 0 ? Math.ceil(observedDelayMs * 1.5) : 0;
  return Math.max(configuredDelayMs, Math.min(MAX_INCREMENTAL_WINDOW_MS, observed));
}

export interface ReadStart {
  fromMs: number;
  /** True when this read reaches a full deep re-read back (or is the first read). */
  deep: boolean;
}

/** Where the next read of a source starts. */
export function readStart(
  source: { read_until: string | null; deep_reread_at: string | null; observed_delay_ms: number | null },
  nowMs: number,
  configuredDelayMs: number,
  initialLookbackMs: number,
  requestedFromMs?: number,
): ReadStart {
  if (source.read_until === null) {
    const fromMs = requestedFromMs ?? nowMs - initialLookbackMs;
    return { fromMs, deep: true };
  }
  const cursor = Date.parse(source.read_until);
  if (requestedFromMs !== undefined) return { fromMs: requestedFromMs, deep: requestedFromMs <= cursor - DEEP_REREAD_BACK_MS };
  const lastDeep = source.deep_reread_at ? Date.parse(source.deep_reread_at) : Number.NaN;
  const deepDue = !(nowMs - lastDeep < DEEP_REREAD_EVERY_MS);
  const back = deepDue ? DEEP_REREAD_BACK_MS : rereadWindowMs(configuredDelayMs, source.observed_delay_ms);
  return { fromMs: cursor - back, deep: deepDue };
}

/**
 * The delivery delay a newly stored record proves, given the last complete read's window
 * [rereadFrom, readUntil): a record inside it that was not there then arrived at least
 * (readUntil - its time) late; one older than the window, caught by a deeper re-read of
 * time every earlier window covered, at least the window's width late (`older`: false
 * when this read reaches where no read went before, as a `--from` read may). Null when
 * the record proves nothing.
 */
export function provenDelayMs(atMs: number, prev: { rereadFromMs: number; readUntilMs: number }, older = true): number | null {
  if (!(atMs < prev.readUntilMs)) return null;
  if (atMs >= prev.rereadFromMs) return prev.readUntilMs - atMs;
  return older ? prev.readUntilMs - prev.rereadFromMs : null;
}
