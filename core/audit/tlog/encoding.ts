/**
 * Strict text encodings for hashes, keys and signatures. "Strict" means one accepted
 * spelling per value: a verifier that also accepted non-canonical base64 or uppercase
 * hex would let two different documents carry the same proof.
 */

const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard (RFC 4648 §4) padded base64, canonical only; undefined when not. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64_SHAPE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Re-encoding rejects non-zero padding bits, which Buffer.from silently drops.
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Lowercase hex of exactly `byteLength` bytes; undefined when not. */
export function decodeHexStrict(text: string, byteLength: number): Buffer | undefined {
  if (text.length !== byteLength * 2 || !/^[0-9a-f]*$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

/** 1-based line and column of the first ASCII control character other than newline. */
export function findControlChar(text: string): { line: number; column: number } | undefined {
  let line = 1;
  let column = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      column = 1;
      continue;
    }
    if (c < 0x20) return { line, column };
    column++;
  }
  return undefined;
}

/** True when the string has no lone surrogate, i.e. it encodes to UTF-8 losslessly. */
export function isWellFormedUnicode(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** First 8 hex digits for messages: enough to tell hashes apart, short enough to read. */
export function shortHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').slice(0, 8);
}
