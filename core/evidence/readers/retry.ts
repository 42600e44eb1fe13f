/**
 * One page request with the provider's transient answers honoured: throttling and server
 * errors (5xx) back off (1 s, 2 s, 4 s) and ask again, each attempt through the pacer so
 * retries stay within the published rate; then the read gives up with a named ReaderError.
 * Other failures are classified at once.
 */
import { createHash } from 'node:crypto';
import { abortError, type Pacer, type Sleep } from './pacer';
import { BACKOFF_MS, ReaderError, RETRIES } from './types';

const TRANSIENT = new Set(['throttled', 'server_error']);

export async function pagedRequest<T>(
  pacer: Pacer,
  sleep: Sleep,
  signal: AbortSignal,
  send: () => Promise<T>,
  classify: (e: unknown) => ReaderError,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await pacer.wait(signal).catch(() => {
      throw new ReaderError(abortError().message, 'cancelled');
    });
    try {
      return await send();
    } catch (e) {
      if (signal.aborted) throw new ReaderError(abortError().message, 'cancelled');
      const err = e instanceof ReaderError ? e : classify(e);
      if (!TRANSIENT.has(err.kind)) throw err;
      if (attempt >= RETRIES) throw new ReaderError(`${err.message}; gave up after ${RETRIES + 1} attempts`, err.kind);
      await sleep(BACKOFF_MS * 2 ** attempt, signal).catch(() => {
        throw new ReaderError('the fetch was cancelled', 'cancelled');
      });
    }
  }
}

/** Cuts a provider message to one safe line. */
export function oneLine(message: unknown, max = 300): string {
  return String(message ?? '').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** A stable id for a record that carries none (or none that could be read). */
export function rawId(raw: string): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}

/** HTTP status of a failed request, whichever SDK shape carries it. */
export function statusOf(e: unknown): number | undefined {
  const err = e as { $metadata?: { httpStatusCode?: number }; statusCode?: number; status?: number; response?: { status?: number } } | undefined;
  const s = err?.$metadata?.httpStatusCode ?? err?.statusCode ?? err?.response?.status ?? err?.status;
  return typeof s === 'number' ? s : undefined;
}
