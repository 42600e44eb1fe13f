/**
 * JSON-lines archives (Cloud Logging sinks, Azure diagnostic settings) cut into lines as
 * their bytes are pushed: split on the byte 0x0A, so a multi-byte character cut between
 * two chunks is decoded whole, and only one line is ever held. A line longer than the cap
 * is refused by name instead of growing without bound.
 */
import { ArchiveError } from './types';

export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** One line: its text (the CR of a CRLF removed) and its 1-based number. */
export type OnLine = (text: string, number: number) => void;

function decode(parts: Buffer[], total: number): string {
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  const end = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
  return buf.toString('utf8', 0, end);
}

export function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #lines = 0;
  /** True once finish() found a last line without its newline (the file may be cut short). */
  unterminated = false;

  constructor(
    private readonly onLine: OnLine,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  get lines(): number {
    return this.#lines;
  }

  push(raw: Uint8Array | string): void {
    const chunk = asBuffer(raw);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      this.#check(piece.length);
      this.#pending.push(piece);
      const text = decode(this.#pending, this.#pendingBytes + piece.length);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.onLine(text, ++this.#lines);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.#check(rest.length);
      // A copy: the stream may reuse its buffer for the next chunk.
      this.#pending.push(Buffer.from(rest));
      this.#pendingBytes += rest.length;
    }
  }

  finish(): void {
    if (this.#pendingBytes === 0) return;
    const text = decode(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.unterminated = true;
    this.onLine(text, ++this.#lines);
  }

  #check(adding: number): void {
    if (this.#pendingBytes + adding > this.maxLineBytes) {
      throw new ArchiveError(`line ${this.#lines + 1} is longer than ${this.maxLineBytes} bytes: not a JSON-lines log file`, 'not_format');
    }
  }
}
