/**
 * One page request with the throttling answer honoured: back off (1 s, 2 s, 4 s) and ask
 * again, then give up with a ReaderError. Other failures are classified at once.
 */
import { abortError, type Pacer, type Sleep } from './pacer';
import { ReaderError, THROTTLE_BACKOFF_MS, THROTTLE_RETRIES } from './types';

export async function pagedRequest<T>(
  pacer: Pacer,
  sleep: Sleep,
  signal: AbortSignal,
  send: () => Promise<T>,
  classify: (e: unknown) => ReaderError,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await pacer.wait(signal);
    try {
      return await send();
    } catch (e) {
      if (signal.aborted) throw new ReaderError(abortError().message, 'cancelled');
      const err = e instanceof ReaderError ? e : classify(e);
      if (err.kind !== 'throttled' || attempt >= THROTTLE_RETRIES) throw err;
      await sleep(THROTTLE_BACKOFF_MS * 2 ** attempt, signal).catch(() => {
        throw new ReaderError('the fetch was cancelled', 'cancelled');
      });
    }
  }
}

/** Cuts a provider message to one safe line. */
export function oneLine(message: unknown, max = 300): string {
  return String(message ?? '').replace(/\s+/g, ' ').trim().slice(0, max);
}
