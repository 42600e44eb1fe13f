/**
 * Spaces a reader's requests to the provider's published rate (CloudTrail LookupEvents:
 * 2 per second per account and region) so a long read is never throttled by our own
 * pace; shared by every reader of one account and region. Real time: sockets do not
 * follow an injected clock.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function abortError(): Error {
  return Object.assign(new Error('the fetch was cancelled'), { name: 'AbortError' });
}

export class Pacer {
  private next = 0;
  private readonly intervalMs: number;

  constructor(
    readonly perSecond: number,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError('perSecond must be positive');
    // A little under the published rate: the service counts arrivals, we count departures.
    this.intervalMs = (1000 / perSecond) * 1.25 + 25;
  }

  /** Resolves when the next request may start; reserves its slot first, so concurrent callers queue. */
  async wait(signal?: AbortSignal): Promise<void> {
    const t = this.now();
    const slot = Math.max(t, this.next);
    this.next = slot + this.intervalMs;
    if (slot > t) await this.sleep(slot - t, signal);
    if (signal?.aborted) throw abortError();
  }
}
