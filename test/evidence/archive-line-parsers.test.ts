/**
 * The JSON-lines and JSON-array splitters and the record parsers behind the GCP and
 * Azure archive decoders, against arbitrary input: whatever the chunk boundaries (inside
 * a multi-byte character, a CRLF, a string with escaped quotes), the same lines and
 * elements come out; arbitrary text never throws anything but a named ArchiveError; a
 * record is never kept for a key the tenant does not have.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditLineOutcomes } from '../../core/evidence/archive/azure-audit-record';
import { azureDiagnosticsDecoder } from '../../core/evidence/archive/azure-decoder';
import { gcpExportDecoder, gcpSinkDecoder } from '../../core/evidence/archive/gcp-decoders';
import { logEntryOutcome } from '../../core/evidence/archive/gcp-log-entry';
import { JsonArraySplitter } from '../../core/evidence/archive/json-array-splitter';
import { LineSplitter } from '../../core/evidence/archive/line-splitter';
import { keyMatcher } from '../../core/evidence/archive/record-outcome';
import { ArchiveError } from '../../core/evidence/archive/types';
import { cryptoKeyOf, normalizeLogEntry } from '../../core/evidence/normalize/gcp';
import { kmsAuditEntry } from '../fakes/gcp';

/** Cuts bytes at the given positions (sorted, deduplicated, within range). */
function chunksOf(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

const lineText = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '));
const cuts = fc.array(fc.nat({ max: 4000 }), { maxLength: 12 });

describe('LineSplitter', () => {
  it('gives back the lines whatever the chunk boundaries (UTF-8 split mid-character, CRLF)', () => {
    fc.assert(
      fc.property(fc.array(lineText, { minLength: 1, maxLength: 30 }), fc.boolean(), fc.boolean(), cuts, (lines, crlf, finalNewline, at) => {
        const text = lines.join(crlf ? '\r\n' : '\n') + (finalNewline ? (crlf ? '\r\n' : '\n') : '');
        const got: string[] = [];
        const s = new LineSplitter((t) => got.push(t));
        for (const c of chunksOf(Buffer.from(text, 'utf8'), at)) s.push(c);
        s.finish();
        const want = finalNewline || lines[lines.length - 1] !== '' ? lines : lines.slice(0, -1);
        expect(got).toEqual(want);
        expect(s.unterminated).toBe(!finalNewline && lines[lines.length - 1] !== '');
      }),
    );
  });

  it('refuses a line longer than its cap by name instead of growing', () => {
    const s = new LineSplitter(() => undefined, 100);
    expect(() => {
      for (let i = 0; i < 20; i++) s.push('x'.repeat(10));
    }).toThrow(expect.objectContaining({ kind: 'not_format' }));
  });
});

describe('JsonArraySplitter', () => {
  it('gives back every element of any JSON array, pretty-printed or not, whatever the chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 12 }), fc.boolean(), cuts, (values, pretty, at) => {
        const text = JSON.stringify(values, null, pretty ? 2 : undefined);
        const got: unknown[] = [];
        const s = new JsonArraySplitter((t) => got.push(JSON.parse(t)));
        for (const c of chunksOf(Buffer.from(text, 'utf8'), at)) s.push(c);
        s.finish();
        expect(got).toEqual(JSON.parse(text));
      }),
    );
  });

  it('an array cut anywhere before its end is refused as not_json (truncated)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 8 }), fc.nat(), (values, n) => {
        const text = JSON.stringify(values, null, 1);
        const cut = n % (text.length - 1); // leaves out at least the closing bracket
        const s = new JsonArraySplitter(() => undefined);
        s.push(text.slice(0, cut));
        expect(() => s.finish()).toThrow(ArchiveError);
      }),
    );
  });

  it('a file that is not an array is refused as not_json at its first byte', () => {
    for (const text of ['{"insertId":"x"}', 'PK\u0003\u0004', '<html>', '']) {
      const s = new JsonArraySplitter(() => undefined);
      expect(() => {
        s.push(text);
        s.finish();
      }).toThrow(expect.objectContaining({ kind: 'not_json' }));
    }
  });
});

const KEY = 'projects/p1/locations/global/keyRings/r/cryptoKeys/k';
const match = keyMatcher([KEY], cryptoKeyOf);

describe('LogEntry and AuditEvent lines', () => {
  it('arbitrary text is unreadable or skipped, never a kept event and never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ protoPayload: v, insertId: 'a', timestamp: '2026-01-01T00:00:00Z' }))), (text) => {
        const g = logEntryOutcome(text, match);
        expect(['unreadable', 'other_service', 'other_key']).toContain(g.kind);
        for (const a of auditLineOutcomes(text, keyMatcher(['https://kv.vault.azure.net/keys/k'], (s) => s.toLowerCase()))) {
          expect(['unreadable', 'other_service', 'other_key', 'event']).toContain(a.kind);
          if (a.kind === 'event') expect(a.event.key_ref).toBe('https://kv.vault.azure.net/keys/k');
        }
      }),
    );
  });

  it('an archived LogEntry gives the provider event the live path gives (same insertId, same fields)', () => {
    const entry = kmsAuditEntry({ keyPath: `${KEY}/cryptoKeyVersions/3`, method: 'Decrypt', principal: 'sa@p1.iam.gserviceaccount.com', callerIp: '10.1.2.3', userAgent: 'keywarden/1 keywarden-cid/abc', granted: true, at: Date.parse('2026-02-03T04:05:06.789Z'), seq: 123 });
    const line = JSON.stringify(entry);
    const o = logEntryOutcome(line, match);
    expect(o.kind).toBe('event');
    const live = normalizeLogEntry(JSON.parse(line));
    expect(o.kind === 'event' && { ...o.event, raw: '' }).toEqual({ ...live, key_ref: KEY, raw: '' });
  });

  it('a decoder refuses a file whose first record is not JSON, and keeps a later cut line as unreadable', () => {
    const entry = JSON.stringify(kmsAuditEntry({ keyPath: KEY, method: 'Encrypt', principal: 'a@b', callerIp: '1.1.1.1', userAgent: 'u', granted: true, at: Date.parse('2026-01-01T00:00:00Z') }));
    const bad = gcpSinkDecoder.start({ key: 'x.json' }, { keys: [KEY] });
    expect(() => bad.push(Buffer.from('<html>\n'))).toThrow(expect.objectContaining({ kind: 'not_json' }));
    const run = gcpSinkDecoder.start({ key: 'y.json' }, { keys: [KEY] });
    run.push(Buffer.from(`${entry}\n\n${entry.slice(0, 50)}`));
    const out = run.finish();
    expect(out).toMatchObject({ records: 2, otherKeys: 0 });
    expect(out.events).toHaveLength(1);
    expect(out.unreadable).toHaveLength(1);
    expect(out.unreadable[0]!.problem).toMatch(/line 3 of y\.json/);
    const exp = gcpExportDecoder.start({ key: 'e.json' }, { keys: [KEY] });
    exp.push(Buffer.from(`[${entry},\n${entry}]`));
    expect(exp.finish().events).toHaveLength(2);
  });

  it('a diagnostic-settings record keys on the vault key URL whatever its case, version and port; other categories are skipped', () => {
    const rec = {
      time: '2026-03-04T05:06:07.1234567Z', resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV', operationName: 'KeyUnwrap', category: 'AuditEvent',
      resultType: 'Success', resultSignature: 'OK', callerIpAddress: '10.0.0.9', correlationId: 'c0ffee',
      identity: { claim: { appid: 'app-1' } }, properties: { clientInfo: 'keywarden/1 keywarden-cid/xyz', requestUri: 'https://KV.vault.azure.net:443/keys/Wrap-Key/0123/unwrapkey?api-version=7.4', httpStatusCode: 200 },
    };
    const run = azureDiagnosticsDecoder.start({ key: 'PT1H.json' }, { keys: ['https://kv.vault.azure.net/keys/wrap-key/9999'] });
    run.push(Buffer.from(`${JSON.stringify(rec)}\n${JSON.stringify({ ...rec, category: 'AzurePolicyEvaluationDetails', correlationId: 'p' })}\n`));
    const out = run.finish();
    expect(out.events).toHaveLength(1);
    expect(out.events[0]!.event).toMatchObject({ event_id: 'c0ffee', at: '2026-03-04T05:06:07.123Z', operation: 'unwrap', principal: 'app-1', correlation_id: 'xyz', outcome: 'ok', key_ref: 'https://kv.vault.azure.net/keys/wrap-key/9999' });
    expect(out.events[0]!.keys).toEqual(['https://kv.vault.azure.net/keys/wrap-key/9999']);
  });
});
