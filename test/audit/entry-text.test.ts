/**
 * The verifier hashes rows without parsing them (entry-text.ts in JS, and SQLite's
 * json_quote on the hot path). Both must give exactly canonicalJson(entry) for any
 * strings and payloads an entry can hold, or verification would report false tampering.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/audit/canonical-json';
import { entryText } from '../../core/audit/entry-text';
import { FAST_ROW } from '../../core/audit/entry-hasher';
import { rowToEntry } from '../../core/engine/audit-trail';
import type { AuditRow } from '../../core/store/rows';
import { makeFixture, rawDb } from '../support/engine-fixture';

// Full Unicode, control characters, quotes and backslashes included.
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '😀'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 24 });
const payload = fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => !/secret|token|key|pass|dek|credential|plaintext/i.test(k)), fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 })), { maxKeys: 5 });

describe('entry text without parsing', () => {
  it('equals canonicalJson(entry), in JS and in SQLite, and the log verifies', async () => {
    const fx = makeFixture();
    const db = rawDb(fx);
    const fast = db.prepare<[number], string>(`SELECT ${FAST_ROW} FROM audit_log WHERE seq = ?`).pluck();
    fc.assert(
      fc.property(text, text, text.filter((a) => a !== ''), fc.option(text, { nil: null }), payload, (actor, address, action, tenant, p) => {
        const e = fx.kw.ctx.audit.append({ actor, address }, action, tenant, p);
        const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(e.seq) as AuditRow;
        const reference = canonicalJson(rowToEntry(row));
        expect(entryText(row)).toBe(reference);
        const viaSqlite = fast.get(e.seq) as string;
        expect(viaSqlite.slice(viaSqlite.indexOf(' ') + 1, -64)).toBe(reference);
        expect(viaSqlite.slice(-64)).toBe(row.entry_hash.toString('hex'));
      }),
      { numRuns: 150 },
    );
    expect(await fx.kw.auditLog.verify()).toMatchObject({ ok: true, entries: fx.kw.auditLog.tree.size() });
  });
});
