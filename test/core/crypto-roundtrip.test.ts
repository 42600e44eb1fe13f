import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/audit/canonical-json';
import { AeadOpenError, open, randomKey, seal } from '../../core/crypto/aead';
import { payloadBinding } from '../../core/crypto/bindings';
import { openRecord, sealRecord } from '../../core/engine/records';

const bytes = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a));
const id = fc.string({ minLength: 1, maxLength: 40 });
const table = fc.constantFrom('secret_environment_configs' as const, 'integration_configs' as const);

describe('AES-256-GCM envelope', () => {
  it('opens what it sealed, for any plaintext and binding', () => {
    fc.assert(
      fc.property(bytes, bytes, (plaintext, aad) => {
        const key = randomKey();
        expect(open(key, seal(key, plaintext, aad), aad).equals(plaintext)).toBe(true);
      }),
    );
  });

  it('refuses a different binding, a different key, or any flipped byte', () => {
    fc.assert(
      fc.property(bytes, bytes, bytes, fc.nat(), (plaintext, aad, otherAad, flipAt) => {
        fc.pre(!aad.equals(otherAad));
        const key = randomKey();
        const sealed = seal(key, plaintext, aad);
        expect(() => open(key, sealed, otherAad)).toThrow(AeadOpenError);
        expect(() => open(randomKey(), sealed, aad)).toThrow(AeadOpenError);
        const tampered = Buffer.from(sealed);
        const i = flipAt % tampered.length;
        tampered[i] = tampered[i]! ^ 0x01;
        expect(() => open(key, tampered, aad)).toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips records through DEK and master key for any row, version and value', () => {
    fc.assert(
      fc.property(id, table, id, fc.integer({ min: 1, max: 1000 }), bytes, (tenant, t, row, version, value) => {
        const master = randomKey();
        const sealed = sealRecord(tenant, t, row, 'name', version, master, value);
        expect(openRecord(tenant, t, { id: row, name: 'name', key_version: version, ...sealed }, master).equals(value)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('binds a record to its tenant, table, row, name and version', () => {
    fc.assert(
      fc.property(id, id, id, table, fc.integer({ min: 1, max: 50 }), (tenant, otherTenant, row, t, version) => {
        fc.pre(tenant !== otherTenant);
        const master = randomKey();
        const sealed = sealRecord(tenant, t, row, 'name', version, master, Buffer.from('value'));
        const other = t === 'integration_configs' ? 'secret_environment_configs' : 'integration_configs';
        expect(() => openRecord(otherTenant, t, { id: row, name: 'name', key_version: version, ...sealed }, master)).toThrow(AeadOpenError);
        expect(() => openRecord(tenant, other, { id: row, name: 'name', key_version: version, ...sealed }, master)).toThrow(AeadOpenError);
        expect(() => openRecord(tenant, t, { id: `${row}x`, name: 'name', key_version: version, ...sealed }, master)).toThrow(AeadOpenError);
        expect(() => openRecord(tenant, t, { id: row, name: 'name', key_version: version + 1, ...sealed }, master)).toThrow(AeadOpenError);
        expect(() => openRecord(tenant, t, { id: row, name: 'other', key_version: version, ...sealed }, master)).toThrow(AeadOpenError);
        expect(() => openRecord(tenant, t, { id: row, name: 'name', key_version: version, ...sealed, binding_version: 1 }, master)).toThrow(AeadOpenError);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps payload binding free of the version so rewrap touches only the DEK', () => {
    expect(payloadBinding('t', 'integration_configs', 'r').toString()).not.toMatch(/\n\d+$/);
  });
});

describe('canonical JSON', () => {
  it('is stable under key order and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        const reparsed = JSON.parse(text) as unknown;
        expect(canonicalJson(reparsed)).toBe(text);
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const reversed = Object.fromEntries(Object.entries(v).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
    );
  });
});
