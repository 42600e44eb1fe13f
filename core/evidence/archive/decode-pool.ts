/**
 * Local archive files decoded on worker threads: gunzip, SHA-256 and the record scan are
 * most of an import's CPU, and a year of hourly files is 8,760 independent jobs. Each
 * worker (engine-worker.ts, job `archive-decode`) reads a file from disk itself and sends
 * back only the kept events, so the main thread does nothing but store them. A worker
 * that cannot start or dies makes its file fail with `read_failed`, never silently.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, type WorkerEntry } from '../../workers/launch';
import fs from 'node:fs';
import path from 'node:path';
import type { DecodeReply, DecodeRequest, StoreRequest } from './decode-request';
import type { StoredFile } from './store-file';
import { ArchiveError, type DecodedFile, type RecordFilter } from './types';

export { decodeRequest, type DecodeReply, type DecodeRequest } from './decode-request';

const DECODE_OLD_GENERATION_MB = 64;

export interface ArchiveDecodeJob {
  job: 'archive-decode';
}

/**
 * From source (tsx), the lean decode-worker.ts beside this file; built, the engine
 * worker (its `archive-decode` job).
 */
export function decodeWorkerEntry(engine: WorkerEntry): WorkerEntry {
  if (!engine.register) return engine;
  const file = path.join(path.dirname(__filename), 'decode-worker.ts');
  return fs.existsSync(file) ? { file, register: engine.register } : engine;
}

export interface DecodePool {
  decode(path: string, key: string, format: string, filter: RecordFilter, wantHash: boolean): Promise<DecodedFile>;
  /** Decodes and stores the file on the thread (its own connection); only the counts come back. */
  store(path: string, key: string, format: string, filter: RecordFilter, wantHash: boolean, store: StoreRequest): Promise<StoredFile>;
  close(): Promise<void>;
}

/** A pool of `size` decode workers started from `entry`, one file at a time each. */
export function decodePool(entry: WorkerEntry, size: number): DecodePool {
  interface Slot {
    worker: Worker;
    busy: boolean;
  }
  const slots: Slot[] = [];
  const waiting: ((s: Slot) => void)[] = [];
  const pending = new Map<number, { resolve: (f: DecodedFile | StoredFile) => void; reject: (e: Error) => void; slot: Slot }>();
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
    // A decode thread holds one record at a time: a small old generation makes V8 collect
    // often instead of growing (CloudTrail caps a record at 256 KB).
    const worker = startWorker<ArchiveDecodeJob>(entry, { job: 'archive-decode' }, { maxOldGenerationSizeMb: DECODE_OLD_GENERATION_MB });
    const slot: Slot = { worker, busy: false };
    worker.on('message', (r: DecodeReply) => {
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (r.ok) p.resolve('file' in r ? r.file : r.stored);
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
  const send = async (req: Omit<DecodeRequest, 'id'>): Promise<DecodedFile | StoredFile> => {
    if (closed) throw new ArchiveError('the decoding threads were closed', 'cancelled');
    const slot = await acquire();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ ...req, id });
    });
  };
  return {
    decode: (path, key, format, filter, wantHash) => send({ path, key, format, keys: [...filter.keys], hash: wantHash }) as Promise<DecodedFile>,
    store: (path, key, format, filter, wantHash, store) => send({ path, key, format, keys: [...filter.keys], hash: wantHash, store }) as Promise<StoredFile>,
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      slots.length = 0;
    },
  };
}
