/**
 * `gcloud logging read --format=json` writes one pretty-printed JSON array. This cuts the
 * array into its elements as the bytes are pushed (each then parsed on its own), finding
 * the top level's commas outside strings, so a year's export is never held whole. What
 * is not an array, or ends before its closing bracket, is refused by name.
 */
import { asBuffer } from './line-splitter';
import { ArchiveError } from './types';

export const MAX_ELEMENT_BYTES = 4 * 1024 * 1024;

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

/** Elements as text with their 0-based position. */
export type OnElement = (text: string, index: number) => void;

export class JsonArraySplitter {
  // before: waiting for '['; inside: between or within elements; after: past ']'.
  #phase: 'before' | 'inside' | 'after' = 'before';
  #depth = 0;
  #inString = false;
  #escaped = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #index = 0;
  #first = true;

  constructor(
    private readonly onElement: OnElement,
    private readonly maxElementBytes = MAX_ELEMENT_BYTES,
  ) {}

  get elements(): number {
    return this.#index;
  }

  push(raw: Uint8Array | string): void {
    let chunk = asBuffer(raw);
    if (this.#first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3); // UTF-8 BOM
    if (chunk.length > 0) this.#first = false;
    let start = this.#phase === 'inside' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.#phase === 'before') {
        if (isSpace(b)) continue;
        if (b !== OPEN_SQ) throw new ArchiveError('not JSON: the file is not a JSON array (gcloud logging read --format=json writes one)', 'not_json');
        this.#phase = 'inside';
        start = i + 1;
        continue;
      }
      if (this.#phase === 'after') {
        if (!isSpace(b)) throw new ArchiveError('not JSON: the file has data after the end of its JSON array', 'not_json');
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) this.#escaped = true;
        else if (b === QUOTE) this.#inString = false;
        continue;
      }
      if (b === QUOTE) this.#inString = true;
      else if (b === OPEN_CURLY || b === OPEN_SQ) this.#depth++;
      else if ((b === CLOSE_CURLY || b === CLOSE_SQ) && this.#depth > 0) this.#depth--;
      else if (this.#depth === 0 && (b === COMMA || b === CLOSE_SQ)) {
        this.#take(chunk.subarray(start, i));
        const text = Buffer.concat(this.#pending, this.#pendingBytes).toString('utf8').trim();
        this.#pending = [];
        this.#pendingBytes = 0;
        if (text.length > 0) this.onElement(text, this.#index++);
        else if (b === COMMA) throw new ArchiveError(`not JSON: the array has an empty element at position ${this.#index}`, 'not_json');
        start = i + 1;
        if (b === CLOSE_SQ) this.#phase = 'after';
      }
    }
    if (this.#phase === 'inside' && start >= 0 && start < chunk.length) this.#take(Buffer.from(chunk.subarray(start)));
  }

  finish(): void {
    if (this.#phase === 'before') throw new ArchiveError('not JSON: the file is empty, not a JSON array', 'not_json');
    if (this.#phase === 'inside') {
      throw new ArchiveError(`not JSON: the array ends after ${this.#index} element(s) without its closing bracket (the file was cut short)`, 'not_json');
    }
  }

  #take(part: Buffer): void {
    if (part.length === 0) return;
    this.#pendingBytes += part.length;
    if (this.#pendingBytes > this.maxElementBytes) throw new ArchiveError(`element ${this.#index} is longer than ${this.maxElementBytes} bytes`, 'not_format');
    this.#pending.push(part);
  }
}
