/** One local archive file decoded from its path: what a decode thread does per message. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { ArchiveStore } from './archive-store';
import { decodeStream } from './decode-file';
import { storeDecoded, type Expected, type FileTarget, type StoredFile } from './store-file';
import { ARCHIVE_DECODERS, decoderFor } from './decoders';
import { ArchiveError, type DecodedFile, type FileFailureKind } from './types';

export interface DecodeRequest {
  id: number;
  path: string;
  key: string;
  format: string;
  keys: readonly string[];
  hash: boolean;
  /** Store the file here too (its own connection to the database): only counts go back. */
  store?: StoreRequest | undefined;
}

export interface StoreRequest {
  dbFile: string;
  nativeBinding?: string | undefined;
  target: FileTarget;
  object: { key: string; etag: string | null; size: number; day: string };
  expected: Expected;
  at: string;
}

export type DecodeReply =
  | { id: number; ok: true; file: DecodedFile }
  | { id: number; ok: true; stored: StoredFile }
  | { id: number; ok: false; kind: FileFailureKind | 'invalid' | 'cancelled'; message: string };

const stores = new Map<string, ArchiveStore>();

/** This thread's connection to the database (opened once; waits for the main thread's writes). */
function storeFor(r: StoreRequest): ArchiveStore {
  let s = stores.get(r.dbFile);
  if (!s) {
    const db = new Database(r.dbFile, { fileMustExist: true, ...(r.nativeBinding ? { nativeBinding: r.nativeBinding } : {}) });
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    s = new ArchiveStore(db);
    stores.set(r.dbFile, s);
  }
  return s;
}

/** Decodes one request (in a worker, or here when no worker is wanted). */
/** Moves the events' raw texts into one buffer (transferred, not copied, to the main thread). */
export function packRaw(file: DecodedFile): DecodedFile {
  const parts = file.events.map((e) => Buffer.from(e.event.raw, 'utf8'));
  const ends: number[] = [];
  let at = 0;
  for (const p of parts) ends.push((at += p.length));
  const bytes = Buffer.concat(parts, at);
  return { ...file, events: file.events.map((e) => ({ ...e, event: { ...e.event, raw: '' } })), packedRaw: { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ends } };
}

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
    // A file that fails to decode is recorded as rejected by the main thread.
    const file = await decodeStream(stream, r.key, decoder, { keys: r.keys }, r.hash);
    if (r.store) return { id: r.id, ok: true, stored: storeDecoded(storeFor(r.store), r.store.target, r.store.object, file, r.store.expected, r.store.at) };
    return { id: r.id, ok: true, file: packRaw(file) };
  } catch (e) {
    if (e instanceof ArchiveError) return { id: r.id, ok: false, kind: e.kind, message: e.message };
    return { id: r.id, ok: false, kind: 'read_failed', message: `${r.key}: ${String((e as Error)?.message ?? e).slice(0, 300)}` };
  }
}


/** The buffer a reply may hand over instead of copying. */
export function transferOf(reply: DecodeReply): ArrayBuffer[] {
  const b = reply.ok && 'file' in reply ? reply.file.packedRaw?.bytes.buffer : undefined;
  return b instanceof ArrayBuffer ? [b] : [];
}
