/**
 * Finds the elements of one top-level array in a JSON document as it streams in
 * (`{"Records":[{…},{…}]}`, CloudTrail's file shape) and hands each element's bytes to
 * `onRecord`, without building the document: memory is one element at a time, whatever
 * the file's size. The element is parsed only when the caller wants it (most are not).
 *
 * It checks the document's structure as it goes (brackets balance, strings close, only
 * JSON's characters between tokens, one root object, nothing after it), so a file that is
 * not JSON, or is cut short, fails with ArchiveError instead of yielding half a record.
 * Strings are skipped with Buffer.indexOf (native), which keeps the scan near memchr speed.
 */
import { ArchiveError } from './types';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

/** Bytes allowed between tokens: whitespace, separators, and the letters of numbers and literals. */
const BETWEEN = new Uint8Array(256);
for (const c of ' \t\r\n,:-+.0123456789eEtruefalsn') BETWEEN[c.charCodeAt(0)] = 1;

export class RecordArrayScanner {
  /** Nesting depth: 1 inside the root object, 2 inside the wanted array, 3+ inside an element. */
  #depth = 0;
  #stack: number[] = [];
  #inString = false;
  /** Backslashes just before the end of the last chunk while in a string (odd: the next byte is escaped). */
  #trailingBackslashes = 0;
  #rootClosed = false;
  #seenRoot = false;
  /** The key string being read at depth 1, and the last complete one. */
  #keyStart = -1;
  #keyParts: Buffer[] = [];
  #lastKey: string | null = null;
  #inArray = false;
  #foundArray = false;
  /** Element bytes carried over from earlier chunks. */
  #carry: Buffer[] = [];
  #recordStart = -1;
  /** Elements handed over so far. */
  records = 0;

  constructor(
    private readonly arrayKey: string,
    private readonly onRecord: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    if (this.#recordStart === -2) this.#recordStart = 0;
    if (this.#keyStart === -2) this.#keyStart = 0;
    while (i < n) {
      if (this.#inString) {
        const q = chunk.indexOf(QUOTE, i);
        if (q === -1) {
          // The string goes on in the next chunk; remember trailing backslashes.
          let b = 0;
          for (let j = n - 1; j >= i && chunk[j] === BACKSLASH; j--) b++;
          this.#trailingBackslashes = b === n - i ? this.#trailingBackslashes + b : b;
          i = n;
          break;
        }
        let b = 0;
        for (let j = q - 1; j >= i && chunk[j] === BACKSLASH; j--) b++;
        if (b === q - i) b += this.#trailingBackslashes;
        this.#trailingBackslashes = 0;
        i = q + 1;
        if (b % 2 === 1) continue; // an escaped quote: still in the string
        this.#inString = false;
        if (this.#keyStart !== -1) this.#endKey(chunk, q);
        continue;
      }
      const c = chunk[i]!;
      if (c === QUOTE) {
        if (this.#rootClosed || !this.#seenRoot) this.#bad('text outside the root object');
        this.#inString = true;
        this.#trailingBackslashes = 0;
        // A key (or a string value) directly in the root object: keep it to know which array follows.
        if (this.#depth === 1) {
          this.#keyStart = i + 1;
          this.#keyParts = [];
        }
        i++;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (this.#rootClosed) this.#bad('text after the root object');
        if (!this.#seenRoot) {
          if (c !== OPEN_OBJ) this.#shape('the file is a JSON array, not an object with a Records list');
          this.#seenRoot = true;
        }
        this.#stack.push(c);
        this.#depth++;
        if (this.#depth === 2 && c === OPEN_ARR && this.#lastKey === this.arrayKey) {
          this.#inArray = true;
          this.#foundArray = true;
        } else if (this.#depth === 3 && this.#inArray) {
          if (c !== OPEN_OBJ) this.#shape(`an element of ${this.arrayKey} is not an object`);
          this.#recordStart = i;
        }
        i++;
        continue;
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        const open = this.#stack.pop();
        if (open === undefined || (c === CLOSE_OBJ) !== (open === OPEN_OBJ)) this.#bad('brackets do not match');
        this.#depth--;
        if (this.#depth === 2 && this.#inArray) this.#endRecord(chunk, i + 1);
        else if (this.#depth === 1 && this.#inArray) this.#inArray = false;
        else if (this.#depth === 0) this.#rootClosed = true;
        if (this.#depth === 1) this.#lastKey = null;
        i++;
        continue;
      }
      if (BETWEEN[c] !== 1) this.#bad(`unexpected byte 0x${c.toString(16).padStart(2, '0')}`);
      if (!this.#seenRoot && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) this.#bad('the file does not start with a JSON object');
      if (this.#depth === 2 && this.#inArray && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x2c) {
        this.#shape(`an element of ${this.arrayKey} is not an object`);
      }
      i++;
    }
    // Carry what is unfinished into the next chunk.
    if (this.#recordStart >= 0) {
      this.#carry.push(chunk.subarray(this.#recordStart));
      this.#recordStart = -2;
    }
    if (this.#keyStart >= 0 && this.#inString) {
      this.#keyParts.push(chunk.subarray(this.#keyStart));
      this.#keyStart = -2;
    }
  }

  /** Ends the document: throws when it was cut short or never had the array. */
  finish(): void {
    if (!this.#seenRoot) this.#bad('the file is empty');
    if (this.#inString || this.#depth !== 0 || !this.#rootClosed) this.#bad('the file ends in the middle of the document (cut short)');
    if (!this.#foundArray) this.#shape(`the file has no ${this.arrayKey} list`);
  }

  #endKey(chunk: Buffer, end: number): void {
    const start = this.#keyStart === -2 ? 0 : this.#keyStart;
    const part = chunk.subarray(start, end);
    const key = this.#keyParts.length > 0 ? Buffer.concat([...this.#keyParts, part]).toString('utf8') : part.toString('utf8');
    this.#keyStart = -1;
    this.#keyParts = [];
    this.#lastKey = key;
  }

  #endRecord(chunk: Buffer, end: number): void {
    const start = this.#recordStart === -2 ? 0 : this.#recordStart;
    const part = chunk.subarray(start, end);
    const bytes = this.#carry.length > 0 ? Buffer.concat([...this.#carry, part]) : part;
    this.#carry = [];
    this.#recordStart = -1;
    this.records++;
    this.onRecord(bytes);
  }

  #bad(why: string): never {
    throw new ArchiveError(`not JSON: ${why}`, 'not_json');
  }

  #shape(why: string): never {
    throw new ArchiveError(`not a CloudTrail log file: ${why}`, 'not_format');
  }
}
