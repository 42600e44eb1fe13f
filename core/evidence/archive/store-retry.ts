/**
 * One request to a cloud store with its transient answers honoured: throttling (GCS 429
 * / 503, Azure 503 ServerBusy) and server errors back off (1 s, 2 s, 4 s) and ask again;
 * then, or for any other failure at once, a named ArchiveError. A download that stops
 * sending, or ends short of the size the listing gave, fails by name too: no SDK is
 * trusted to notice a dropped connection.
 */
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { ArchiveError } from './types';

export type StoreSleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const STORE_ATTEMPTS = 4;
export const STORE_BACKOFF_MS = 1000;

export const storeSleep: StoreSleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new ArchiveError('cancelled', 'cancelled'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ArchiveError('cancelled', 'cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** A classified failure, and whether asking again may help. */
export interface Classified {
  error: ArchiveError;
  transient: boolean;
}

export async function withRetries<T>(
  send: () => Promise<T>,
  classify: (e: unknown) => Classified,
  signal: AbortSignal,
  sleep: StoreSleep = storeSleep,
  attempts = STORE_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
    try {
      return await send();
    } catch (e) {
      if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
      const c = classify(e);
      if (!c.transient) throw c.error;
      if (attempt >= attempts) throw new ArchiveError(`${c.error.message}; gave up after ${attempts} attempts`, c.error.kind);
      await sleep(STORE_BACKOFF_MS * 2 ** (attempt - 1), signal);
    }
  }
}

/**
 * The download as a stream that fails by name: an SDK error becomes the classified
 * ArchiveError; silence for `idleMs`, or an end short of (or past) the listed size,
 * or bytes whose MD5 is not the listed one, become `read_failed` (that file is rejected;
 * the import goes on).
 */
export function guardedDownload(
  source: Readable,
  o: { what: string; size: number | null; idleMs: number; classify: (e: unknown) => ArchiveError; signal: AbortSignal; /** Base64 MD5 the listing gave: checked at the end. */ md5?: string | null | undefined },
): Readable {
  const md5 = o.md5 ? createHash('md5') : null;
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const fail = (err: ArchiveError) => {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    source.destroy();
    out.destroy(err);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new ArchiveError(`${o.what}: the download stopped (nothing for ${Math.round(o.idleMs / 1000)} s)`, 'read_failed')), o.idleMs);
  };
  const onAbort = () => fail(new ArchiveError('cancelled', 'cancelled'));
  o.signal.addEventListener('abort', onAbort, { once: true });
  source.on('data', (c: Buffer) => {
    received += c.length;
    md5?.update(c);
    arm();
    if (!out.write(c)) {
      source.pause();
      clearTimeout(timer);
      out.once('drain', () => {
        arm();
        source.resume();
      });
    }
  });
  source.once('error', (e) => fail(e instanceof ArchiveError ? e : o.classify(e)));
  source.resume(); // it may have been read in paused mode before (a first-byte wait)
  source.once('end', () => {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    if (o.size !== null && received !== o.size) {
      out.destroy(new ArchiveError(`${o.what}: the download ended after ${received} of ${o.size} bytes (cut short)`, 'read_failed'));
      return;
    }
    if (md5 && md5.digest('base64') !== o.md5) {
      out.destroy(new ArchiveError(`${o.what}: the bytes received do not match the object's checksum (Content-MD5)`, 'read_failed'));
      return;
    }
    out.end();
  });
  // The reader gave up on the file (cancelled, failed): stop the download too.
  out.once('close', () => {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    if (!source.destroyed) source.destroy();
  });
  arm();
  return out;
}
