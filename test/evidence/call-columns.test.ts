/**
 * The engine's calls read into columns (call-columns.ts) say exactly what the rows say:
 * every call of the period once, in chunks of a fixed size, grouped by (tenant, provider, key), with its time,
 * operation, outcome, principal, correlation id and request id, whatever characters
 * those hold.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCallColumns, type CallColumns } from '../../core/evidence/call-columns';
import { opCode } from '../../core/evidence/matcher';
import { appOperation } from '../../core/evidence/types';
import { openDatabase } from '../../core/store/database';
import { tempDir } from '../support/engine-fixture';

const BASE_MS = Date.parse('2026-03-01T00:00:00.000Z');
const OPERATIONS = ['wrap', 'unwrap', 'probe_wrap', 'probe_unwrap', 'describe', 'generate_data_key'];
const OUTCOMES = ['ok', 'access_denied', 'unreachable', 'throttled'];
/** Text that tests the UTF-8 byte offsets: ASCII, accents, CJK, an astral emoji. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '-', '/', 'é', '中', '😀', ' '), minLength: 1, maxLength: 12 });

const call = fc.record({
  offsetMs: fc.integer({ min: -60_000, max: 3_660_000 }),
  tenant: fc.constantFrom('t1', 't2'),
  provider: fc.constantFrom('aws', 'gcp', 'azure', 'local'),
  key: fc.constantFrom('key/a', 'key/b'),
  operation: fc.constantFrom(...OPERATIONS),
  outcome: fc.constantFrom(...OUTCOMES),
  principal: fc.option(text, { nil: null }),
  accessKey: fc.option(fc.constantFrom('ASIAEXAMPLE1', 'AKIAEXAMPLE2'), { nil: null }),
  cid: text,
  requestId: fc.option(text, { nil: null }),
});

interface Decoded {
  key: string;
  id: number;
  atMs: number;
  op: number;
  ok: boolean;
  principal: string | null;
  accessKey: string | null;
  cid: string;
  requestId: string | null;
}

function decode(c: CallColumns): Decoded[] {
  return c.chunks.flatMap((k) => {
    const bytes = Buffer.from(k.cids.buffer, k.cids.byteOffset, k.cids.byteLength);
    return Array.from({ length: k.n }, (_, i): Decoded => {
      const key = c.keys[k.key[i]!]!;
      const p = k.principal[i]!;
      const a = k.accessKey[i]!;
      return {
        key: `${key.tenant_id} ${key.provider} ${key.key_ref}`,
        id: k.id[i]!,
        atMs: k.atMs[i]!,
        op: k.op[i]!,
        ok: k.ok[i] === 1,
        principal: p >= 0 ? c.principals[p]! : null,
        accessKey: a >= 0 ? c.accessKeys[a]! : null,
        cid: bytes.toString('utf8', i === 0 ? 0 : k.cidEnd[i - 1], k.cidEnd[i]),
        requestId: k.requestIds.get(i) ?? null,
      };
    });
  });
}

describe('the calls of a period, read into columns', () => {
  it('hold every cloud call of the period once, as its row says, grouped by key', () => {
    const dir = tempDir();
    let run = 0;
    fc.assert(
      fc.property(fc.uniqueArray(call, { selector: (c) => c.cid, maxLength: 40 }), fc.option(fc.constantFrom('t1', 't2'), { nil: undefined }), fc.integer({ min: 1, max: 9 }), (calls, tenantId, chunkSize) => {
        const db = openDatabase(path.join(dir, `calls-${run++}.db`));
        try {
          const insert = db.prepare(
            `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, provider_key_id, provider_request_id, outcome, error_message, duration_ms, access_key_id)
             VALUES (?, ?, ?, ?, 1, ?, ?, ?, NULL, ?, ?, NULL, 5, ?)`,
          );
          const ids = calls.map((c) => Number(insert.run(new Date(BASE_MS + c.offsetMs).toISOString(), c.tenant, c.provider, c.key, c.operation, c.cid, c.principal, c.requestId, c.outcome, c.accessKey).lastInsertRowid));
          const period = { fromMs: BASE_MS, toMs: BASE_MS + 3_600_000, tenantId };
          const columns = readCallColumns(db, period, chunkSize);
          const got = decode(columns);

          const expected = calls
            .map((c, i) => ({ c, id: ids[i]!, atMs: BASE_MS + c.offsetMs }))
            .filter(({ c, atMs }) => atMs >= period.fromMs && atMs < period.toMs && c.provider !== 'local')
            // A tenant's run also reads other tenants' calls on the keys that tenant used.
            .filter(({ c }, _, inPeriod) => !tenantId || inPeriod.some((o) => o.c.tenant === tenantId && o.c.provider === c.provider && o.c.key === c.key))
            .map(({ c, id, atMs }) => ({
              key: `${c.tenant} ${c.provider} ${c.key}`,
              id,
              atMs,
              op: opCode(appOperation(c.operation)),
              ok: c.outcome === 'ok',
              principal: c.principal,
              accessKey: c.accessKey,
              cid: c.cid,
              requestId: c.requestId,
            }));
          const byId = (a: Decoded, b: Decoded) => a.id - b.id;
          expect([...got].sort(byId)).toEqual(expected.sort(byId));
          expect(columns.n).toBe(expected.length);
          expect(columns.chunks.slice(0, -1).every((k) => k.n === chunkSize)).toBe(true);
          // One run per key: a key's calls are never split.
          const runs = got.map((d) => d.key).filter((k, i, all) => i === 0 || all[i - 1] !== k);
          expect(new Set(runs).size).toBe(runs.length);
        } finally {
          db.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('are empty for a period without calls', () => {
    const db = openDatabase(path.join(tempDir(), 'empty.db'));
    const c = readCallColumns(db, { fromMs: BASE_MS, toMs: BASE_MS + 1000 });
    expect(c).toEqual({ n: 0, keys: [], principals: [], accessKeys: [], chunks: [] });
    db.close();
  });
});
