/** One local archive file decoded from its path: what a decode thread does per message. */
import fs from 'node:fs';
import { decodeStream } from './decode-file';
import { ARCHIVE_DECODERS, decoderFor } from './decoders';
import { ArchiveError, type DecodedFile, type FileFailureKind } from './types';

export interface DecodeRequest {
  id: number;
  path: string;
  key: string;
  format: string;
  keys: readonly string[];
  hash: boolean;
}

export type DecodeReply = { id: number; ok: true; file: DecodedFile } | { id: number; ok: false; kind: FileFailureKind | 'invalid' | 'cancelled'; message: string };

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
    const file = await decodeStream(stream, r.key, decoder, { keys: r.keys }, r.hash);
    return { id: r.id, ok: true, file: packRaw(file) };
  } catch (e) {
    if (e instanceof ArchiveError) return { id: r.id, ok: false, kind: e.kind, message: e.message };
    return { id: r.id, ok: false, kind: 'read_failed', message: `${r.key}: ${String((e as Error)?.message ?? e).slice(0, 300)}` };
  }
}


/** The buffer a reply may hand over instead of copying. */
export function transferOf(reply: DecodeReply): ArrayBuffer[] {
  const b = reply.ok ? reply.file.packedRaw?.bytes.buffer : undefined;
  return b instanceof ArrayBuffer ? [b] : [];
}
