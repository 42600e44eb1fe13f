import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cUpdate } from '../../core/crypto/crc32c';

describe('crc32c', () => {
  it.each([
    ['empty', Buffer.alloc(0), 0x00000000],
    ['"123456789" (check value)', Buffer.from('123456789'), 0xe3069283],
    ['32 zero bytes (RFC 3720 B.4)', Buffer.alloc(32, 0x00), 0x8a9136aa],
    ['32 0xFF bytes (RFC 3720 B.4)', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['32 ascending bytes (RFC 3720 B.4)', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    ['32 descending bytes (RFC 3720 B.4)', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
    ['"a"', Buffer.from('a'), 0xc1d04330],
  ])('%s', (_name, data, want) => {
    expect(crc32c(data)).toBe(want);
  });

  it('takes strings as UTF-8 and always answers an unsigned 32-bit number', () => {
    expect(crc32c('123456789')).toBe(0xe3069283);
    expect(crc32c('é')).toBe(crc32c(Buffer.from('é', 'utf8')));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (b) => {
      const c = crc32c(b);
      return Number.isInteger(c) && c >= 0 && c <= 0xffffffff;
    }));
  });

  it('incremental equals one-shot for any split', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(), (bytes, cut) => {
      const at = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
      const a = bytes.subarray(0, at);
      const b = bytes.subarray(at);
      return crc32cUpdate(crc32c(a), b) === crc32c(bytes);
    }));
  });

  it('detects every single-bit flip', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 128 }), fc.nat(), (bytes, bit) => {
      const flipped = Uint8Array.from(bytes);
      const i = bit % (bytes.length * 8);
      flipped[i >> 3]! ^= 1 << (i & 7);
      return crc32c(flipped) !== crc32c(bytes);
    }));
  });
});
