/**
 * Local archive files decoded on worker threads: gunzip, SHA-256 and the record scan are
 * most of an import's CPU, and a year of hourly files is 8,760 independent jobs. Each
 * worker (engine-worker.ts, job `archive-decode`) reads a file from disk itself and sends
 * back only the kept events, so the main thread does nothing but store them. A worker
 * that cannot start or dies makes its file fail with `read_failed`, never silently.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, type WorkerEntry } from '../../workers/launch';
import { decodeStream } from './decode-file';
import { ARCHIVE_DECODERS, decoderFor } from './registry';
import { ArchiveError, type DecodedFile, type FileFailureKind, type RecordFilter } from './types';
import fs from 'node:fs';

export interface DecodeRequest {
  id: number;
  path: string;
  key: string;
  format: string;
  keys: readonly string[];
  hash: boolean;
}

export type DecodeReply = { id: number; ok: true; file: DecodedFile } | { id: number; ok: false; kind: FileFailureKind | 'invalid' | 'cancelled'; message: string };

export interface ArchiveDecodeJob {
  job: 'archive-decode';
}

export interface DecodePool {
  decode(path: string, key: string, format: string, filter: RecordFilter, wantHash: boolean): Promise<DecodedFile>;
  close(): Promise<void>;
}

/** Decodes one request (in a worker, or here when no worker is wanted). */
export async function decodeRequest(r: DecodeRequest): Promise<DecodeReply> {
  try {
    const decoder = decoderFor(ARCHIVE_DECODERS, r.format);
    if (!decoder) throw new ArchiveError(`no decoder for the ${r.format} format`, 'invalid');
    let stream: fs.ReadStream;
    try {
      fs.accessSync(r.path, fs.constants.R_OK);
      stream = fs.createReadStream(r.path, { highWaterMark: 256 * 1024 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ArchiveError(`${r.key} cannot be read (${code ?? 'error'})`, code === 'ENOENT' ? 'not_found' : code === 'EACCES' ? 'access_denied' : 'read_failed');
    }
    const file = await decodeStream(stream, r.key, decoder, { keys: r.keys }, r.hash);
    return { id: r.id, ok: true, file };
  } catch (e) {
    if (e instanceof ArchiveError) return { id: r.id, ok: false, kind: e.kind, message: e.message };
    return { id: r.id, ok: false, kind: 'read_failed', message: `${r.key}: ${String((e as Error)?.message ?? e).slice(0, 300)}` };
  }
}

/** A pool of `size` decode workers started from `entry`, one file at a time each. */
export function decodePool(entry: WorkerEntry, size: number): DecodePool {
  interface Slot {
    worker: Worker;
    busy: boolean;
  }
  const slots: Slot[] = [];
  const waiting: ((s: Slot) => void)[] = [];
  const pending = new Map<number, { resolve: (f: DecodedFile) => void; reject: (e: Error) => void; slot: Slot }>();
  let nextId = 1;
  let closed = false;

  const release = (slot: Slot) => {
    const w = waiting.shift();
    if (w) w(slot);
    else slot.busy = false;
  };
  const failAll = (slot: Slot, message: string) => {
    for (const [id, p] of pending) {
      if (p.slot !== slot) continue;
      pending.delete(id);
      p.reject(new ArchiveError(message, 'read_failed'));
    }
  };
  const start = (): Slot => {
    const worker = startWorker<ArchiveDecodeJob>(entry, { job: 'archive-decode' });
    const slot: Slot = { worker, busy: false };
    worker.on('message', (r: DecodeReply) => {
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (r.ok) p.resolve(r.file);
      else p.reject(new ArchiveError(r.message, r.kind));
      release(slot);
    });
    worker.on('error', (e) => failAll(slot, `the decoding thread failed: ${e.message}`));
    worker.on('exit', () => {
      if (!closed) failAll(slot, 'the decoding thread stopped');
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
    });
    slots.push(slot);
    return slot;
  };
  const acquire = (): Promise<Slot> => {
    const free = slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (slots.length < size) {
      const s = start();
      s.busy = true;
      return Promise.resolve(s);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    async decode(path, key, format, filter, wantHash) {
      if (closed) throw new ArchiveError('the decoding threads were closed', 'cancelled');
      const slot = await acquire();
      const id = nextId++;
      return new Promise<DecodedFile>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot });
        const req: DecodeRequest = { id, path, key, format, keys: [...filter.keys], hash: wantHash };
        slot.worker.postMessage(req);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      slots.length = 0;
    },
  };
}
