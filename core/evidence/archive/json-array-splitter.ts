/**
 * `gcloud logging read --format=json` writes one pretty-printed JSON array. This yields
 * the array's elements one at a time as text (each then parsed on its own), scanning the
 * bytes for the top level's commas outside strings, so a year's export is never held
 * whole. What is not an array, or ends before its closing bracket, is refused by name.
 */

export interface ArrayElement {
  text: string;
  /** 0-based position in the array. */
  index: number;
  bytesRead: number;
}

export const MAX_ELEMENT_BYTES = 4 * 1024 * 1024;

export type ArrayShapeProblem = 'not_array' | 'truncated' | 'trailing_data' | 'element_too_long';

export class NotAJsonArray extends Error {
  constructor(
    readonly problem: ArrayShapeProblem,
    message: string,
  ) {
    super(message);
    this.name = 'NotAJsonArray';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_SQ = 0x5b;
const CLOSE_SQ = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;
const COMMA = 0x2c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export async function* splitJsonArray(chunks: AsyncIterable<Uint8Array | string>, maxElementBytes = MAX_ELEMENT_BYTES): AsyncGenerator<ArrayElement> {
  // before: waiting for '['; inside: between or within elements; after: past ']'.
  let phase: 'before' | 'inside' | 'after' = 'before';
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  let bytesRead = 0;
  let first = true;

  const element = (): ArrayElement | null => {
    const text = Buffer.concat(pending, pendingBytes).toString('utf8').trim();
    pending = [];
    pendingBytes = 0;
    return text.length > 0 ? { text, index: index++, bytesRead } : null;
  };

  for await (const raw of chunks) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3); // UTF-8 BOM
    if (chunk.length > 0) first = false;
    let start = -1; // where the current element's bytes begin in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      bytesRead++;
      if (phase === 'before') {
        if (isSpace(b)) continue;
        if (b !== OPEN_SQ) throw new NotAJsonArray('not_array', 'the file is not a JSON array (gcloud logging read --format=json writes one)');
        phase = 'inside';
        start = i + 1;
        continue;
      }
      if (phase === 'after') {
        if (!isSpace(b)) throw new NotAJsonArray('trailing_data', 'the file has data after the end of its JSON array');
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_CURLY || b === OPEN_SQ) depth++;
      else if ((b === CLOSE_CURLY || b === CLOSE_SQ) && depth > 0) depth--;
      else if (depth === 0 && (b === COMMA || b === CLOSE_SQ)) {
        if (start >= 0 && i > start) pending.push(chunk.subarray(start, i));
        pendingBytes += start >= 0 && i > start ? i - start : 0;
        if (pendingBytes > maxElementBytes) throw new NotAJsonArray('element_too_long', `element ${index} is longer than ${maxElementBytes} bytes`);
        const e = element();
        if (e) yield e;
        else if (b === COMMA) throw new NotAJsonArray('not_array', `the JSON array has an empty element at position ${index}`);
        start = i + 1;
        if (b === CLOSE_SQ) phase = 'after';
      }
    }
    if (phase === 'inside' && start >= 0 && start < chunk.length) {
      pending.push(Buffer.from(chunk.subarray(start)));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxElementBytes) throw new NotAJsonArray('element_too_long', `element ${index} is longer than ${maxElementBytes} bytes`);
    }
  }
  if (phase === 'before') throw new NotAJsonArray('not_array', 'the file is empty: not a JSON array');
  if (phase === 'inside') throw new NotAJsonArray('truncated', `the JSON array ends after ${index} element(s) without its closing bracket: the file was cut short`);
}
