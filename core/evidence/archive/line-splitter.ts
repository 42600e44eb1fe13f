/**
 * JSON-lines archives (Cloud Logging sinks, Azure diagnostic settings) read as a stream of
 * lines: split on the byte 0x0A, so a multi-byte character cut between two chunks is
 * decoded whole, and only one line is ever held. A line longer than the cap is refused
 * by name instead of growing without bound.
 */

/** One line of a file: its text (CR of a CRLF removed) and where it starts. */
export interface ArchiveLine {
  text: string;
  /** 1-based line number in the file. */
  number: number;
  /** Bytes of the file read once this line (and its newline) was consumed. */
  bytesRead: number;
  /** True when the file ended without a newline after this line (possibly cut short). */
  unterminated: boolean;
}

export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export class LineTooLong extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
  ) {
    super(`line ${lineNumber} is longer than ${limit} bytes: not a JSON-lines log file`);
    this.name = 'LineTooLong';
  }
}

function decode(parts: Buffer[], total: number): string {
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  const end = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
  return buf.toString('utf8', 0, end);
}

/** Yields every line of the byte stream, blank lines included (callers skip them). */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<ArchiveLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytesRead = 0;
  let number = 0;
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (pendingBytes + piece.length > maxLineBytes) throw new LineTooLong(number + 1, maxLineBytes);
      pending.push(piece);
      bytesRead += piece.length + 1;
      yield { text: decode(pending, pendingBytes + piece.length), number: ++number, bytesRead, unterminated: false };
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLineBytes) throw new LineTooLong(number + 1, maxLineBytes);
      // Copy: the stream may reuse its buffer for the next chunk.
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) {
    bytesRead += pendingBytes;
    yield { text: decode(pending, pendingBytes), number: ++number, bytesRead, unterminated: true };
  }
}
