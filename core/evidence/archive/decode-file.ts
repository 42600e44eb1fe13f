/**
 * One archive file through its decoder: bytes as stored → gunzip (for .gz) → SHA-256 of
 * the decompressed bytes (what CloudTrail's digests sign) → the format's push parser.
 * Streams chunk by chunk, so a file of any size needs memory for one chunk and one
 * record. A cut-short gzip, bytes that are not gzip and a file that is not JSON each fail
 * with their own ArchiveError kind. Runs on the main thread or in a worker.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ArchiveError, type DecodedFile, type RecordDecoder, type RecordFilter } from './types';

function gunzipError(e: unknown, key: string): ArchiveError {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err?.message ?? '')) {
    return new ArchiveError(`${key} is a truncated gzip file (it ends before the compressed data does)`, 'truncated_gzip');
  }
  return new ArchiveError(`${key} is not a gzip file (${err?.message ?? 'bad data'})`, 'not_gzip');
}

export async function decodeStream(input: Readable, key: string, decoder: RecordDecoder, filter: RecordFilter, wantHash: boolean, signal?: AbortSignal): Promise<DecodedFile> {
  const gz = key.endsWith('.gz');
  const run = decoder.start({ key }, filter);
  const hash = wantHash ? createHash('sha256') : null;
  let bytes = 0;
  const source: Readable = gz ? input.pipe(createGunzip({ chunkSize: 128 * 1024 })) : input;
  // An error on the raw stream (network, file) must end the read too.
  if (gz) input.once('error', (e) => source.destroy(e));
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new ArchiveError('cancelled', 'cancelled');
      bytes += chunk.length;
      hash?.update(chunk);
      run.push(chunk);
    }
  } catch (e) {
    input.destroy();
    source.destroy();
    if (e instanceof ArchiveError) throw e;
    const code = (e as { code?: string })?.code ?? '';
    if (gz && code.startsWith('Z_')) throw gunzipError(e, key);
    if (gz && /unexpected end of file|incorrect header|invalid/i.test((e as Error)?.message ?? '')) throw gunzipError(e, key);
    throw e;
  }
  const out = run.finish();
  return { ...out, bytes, sha256: hash ? hash.digest('hex') : null };
}
