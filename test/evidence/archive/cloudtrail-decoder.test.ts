/**
 * The CloudTrail file decoder streams `{"Records":[…]}` a chunk at a time: the same
 * records come out wherever the chunks are cut (inside strings, escapes, keys), only the
 * tenant's KMS records and the audit log's witness records are kept, and a file that is
 * not JSON, cut short, or not a CloudTrail file fails with its own named kind.
 */
import { describe, expect, it } from 'vitest';
import { cloudTrailDecoder } from '../../../core/evidence/archive/cloudtrail/decoder';
import { ArchiveError } from '../../../core/evidence/archive/types';
import { kmsRecord } from '../../support/cloudtrail-archive';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER = 'arn:aws:kms:us-east-1:111122223333:key/ffffffff-12ab-34cd-56ef-1234567890ab';

function decode(text: string | Buffer, cut: number[] = []) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const run = cloudTrailDecoder.start({ key: 'f.json.gz' }, { keys: [KEY] });
  let at = 0;
  for (const c of [...cut, bytes.length]) {
    run.push(bytes.subarray(at, c));
    at = c;
  }
  return run.finish();
}

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ArchiveError) return e.kind;
    throw e;
  }
  return 'no error';
}

const tricky = {
  eventSource: 's3.amazonaws.com',
  eventName: 'PutObject',
  eventID: 'not-kms',
  requestParameters: { key: 'a "quoted" } ] { [ path\\\\', note: 'mentions kms.amazonaws.com but is not KMS', 'Records': [1, 2] },
};
const doc = JSON.stringify({
  eventVersion: 'x',
  Records: [
    tricky,
    kmsRecord({ eventID: 'ev-1', eventTime: '2026-05-01T00:10:00Z', keyArn: KEY, userAgent: 'aws-sdk-js/3 keywarden-cid/11111111-2222-3333-4444-555555555555' }),
    kmsRecord({ eventID: 'ev-other', eventTime: '2026-05-01T00:11:00Z', keyArn: OTHER }),
    kmsRecord({ eventID: 'ev-witness', eventTime: '2026-05-01T00:12:00Z', keyArn: OTHER, eventName: 'Encrypt', encryptionContext: { 'keywarden:log': 'keywarden/install-1', 'keywarden:size': '42', 'keywarden:root': 'AAAA' } }),
    { ...kmsRecord({ eventID: 'ev-unicode', eventTime: '2026-05-01T00:13:00Z', keyArn: KEY }), userAgent: 'äöü \u2028 \\"x' },
  ],
  trailer: { Records: 'not this one' },
});

describe('CloudTrail decoder', () => {
  it('keeps the tenant’s KMS records and witness records, counts the rest, whatever the chunking', () => {
    const whole = decode(doc);
    expect(whole.records).toBe(5);
    expect(whole.events.map((e) => e.event.event_id)).toEqual(['ev-1', 'ev-witness', 'ev-unicode']);
    expect(whole.events.find((e) => e.event.event_id === 'ev-witness')!.witness).toBe(true);
    expect(whole.events[0]!.event.correlation_id).toBe('11111111-2222-3333-4444-555555555555');
    expect(whole.otherKeys).toBe(1);
    const bytes = Buffer.from(doc);
    for (let i = 1; i < bytes.length; i += 7) {
      const split = decode(bytes, [i, Math.min(bytes.length, i + 3)]);
      expect(split.events.map((e) => e.event.event_id)).toEqual(['ev-1', 'ev-witness', 'ev-unicode']);
      expect(split.events.map((e) => e.event.raw)).toEqual(whole.events.map((e) => e.event.raw));
    }
    // One byte at a time, across every escape and multi-byte character.
    const bytewise = decode(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
    expect(bytewise.events.map((e) => e.event.user_agent)).toEqual(whole.events.map((e) => e.event.user_agent));
  });

  it('names what is wrong with a file that is not a CloudTrail log', () => {
    expect(kindOf(() => decode(doc.slice(0, doc.length - 40)))).toBe('not_json');
    expect(kindOf(() => decode('<html>Access Denied</html>'))).toBe('not_json');
    expect(kindOf(() => decode(''))).toBe('not_json');
    expect(kindOf(() => decode(`${doc} {}`))).toBe('not_json');
    expect(kindOf(() => decode('{"Records":[{"a":1}}'))).toBe('not_json');
    expect(kindOf(() => decode('{"Records":[{"eventSource":"kms.amazonaws.com", oops}]}'))).toBe('not_json');
    expect(kindOf(() => decode('{"logFiles":[]}'))).toBe('not_format');
    expect(kindOf(() => decode('[{"Records":[]}]'))).toBe('not_format');
    expect(kindOf(() => decode('{"Records":[1,2]}'))).toBe('not_format');
    expect(decode('{"Records":[]}').records).toBe(0);
  });

  it('keeps a KMS record it cannot normalize apart, with its raw text', () => {
    const out = decode(JSON.stringify({ Records: [{ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', resources: [{ ARN: KEY }] }] }));
    expect(out.events).toHaveLength(0);
    expect(out.unreadable).toHaveLength(1);
    expect(out.unreadable[0]!.problem).toMatch(/eventID/);
  });
});
