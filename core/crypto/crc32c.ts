/**
 * CRC32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR
 * 0xFFFFFFFF. Cloud KMS checks and returns these checksums on every Encrypt / Decrypt;
 * Node 20 has no built-in one. Table-driven, byte at a time: the payloads here are
 * 32-byte keys and short ciphertexts, so slicing-by-8 would buy nothing.
 */

const POLY = 0x82f63b78;

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Continues a CRC32C over more data: `crc32cUpdate(crc32c(a), b) === crc32c(a ++ b)`.
 * `previous` is a finished checksum (as returned by `crc32c`), 0 for an empty prefix.
 */
export function crc32cUpdate(previous: number, data: Uint8Array | string): number {
  const bytes = toBytes(data);
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = (TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)) >>> 0;
  }
  return ~crc >>> 0;
}

/** The CRC32C of `data` (a string is taken as UTF-8), as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array | string): number {
  return crc32cUpdate(0, data);
}
