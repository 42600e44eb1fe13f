/**
 * Property tests (fast-check) of the GCP and Azure witness record readers: a record is
 * `witnessed` exactly when its note verifies under the installation's key and agrees with
 * every claimed field; everything else lands in a named state with a reason, and no input
 * makes a reader throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWitnessVersion, checkpointSecretName, checkpointTags, purgeProtectionWarning, ROOT_TAG, SIZE_TAG, type VersionSeen } from '../../core/witness/azure/version';
import { checkpointPayload, readWitnessEntry } from '../../core/witness/gcp/entry';
import { markDuplicates, parseClaimedRoot, parseClaimedSize, type NoteRecordState, type NoteWitnessRecord } from '../../core/witness/note-record';
import type { WitnessCheckpoint } from '../../core/witness/types';
import { checkpointOf, testLogKey } from './support/log-key';

const key = testLogKey();
const otherKey = testLogKey();
const LOG = 'projects/customer-project/logs/keywarden-checkpoints';
const SECRET = checkpointSecretName(key.origin);
const W = 'witness-1';

const gcp = (e: unknown): NoteWitnessRecord => readWitnessEntry(e, LOG, key, W)!;
const azure = (v: VersionSeen): NoteWitnessRecord => readWitnessVersion(v, SECRET, key, W);
function expectWitnessed(rec: NoteWitnessRecord, cp: WitnessCheckpoint): void {
  expect(rec).toMatchObject({ state: 'ok', check: 'witnessed', problem: null, origin: cp.origin, tree_size: cp.treeSize, root_hash: cp.rootHash.toString('base64') });
}
const RUNS = { numRuns: 200 };

const size = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const root = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b));
const insertId = fc.stringMatching(/^[a-z0-9]{8,24}$/);
const version = fc.stringMatching(/^[0-9a-f]{32}$/);

function entry(payload: unknown, id = 'abc123', over: Record<string, unknown> = {}): unknown {
  return { logName: LOG, insertId: id, timestamp: '2026-12-04T07:00:00.123456789Z', receiveTimestamp: '2026-12-04T07:00:00.223456789Z', resource: { type: 'global', labels: {} }, jsonPayload: payload, ...over };
}

function seen(value: unknown, over: Partial<VersionSeen> = {}): VersionSeen {
  return { version: '0123456789abcdef0123456789abcdef', name: SECRET, createdOn: new Date('2026-12-04T07:00:00Z'), tags: undefined, value, ...over };
}

describe('a genuine checkpoint reads back as witnessed', () => {
  it('GCP: any size and root round-trip through the entry, with insertId and receiveTimestamp as id and time', () => {
    fc.assert(fc.property(size, root, insertId, (n, r, id) => {
      const cp = checkpointOf(key, n, r);
      const rec = gcp(entry(checkpointPayload(cp), id, { labels: { 'keywarden-cid': 'cid-1' } }));
      expectWitnessed(rec, cp);
      expect(rec).toMatchObject({ kind: 'gcp_logging', witness_id: W, provider_event_id: id, provider_time: '2026-12-04T07:00:00.223Z', correlation_id: 'cid-1' });
    }), RUNS);
  });

  it('Azure: any size and root round-trip through the secret value and tags, with version and createdOn as id and time', () => {
    fc.assert(fc.property(size, root, version, (n, r, v) => {
      const cp = checkpointOf(key, n, r);
      const rec = azure(seen(cp.note, { version: v, tags: checkpointTags(cp, 'cid-2') }));
      expectWitnessed(rec, cp);
      expect(rec).toMatchObject({ kind: 'azure_secret', provider_event_id: v, provider_time: '2026-12-04T07:00:00.000Z', correlation_id: 'cid-2' });
    }), RUNS);
  });
});

describe('nothing else is ever trusted', () => {
  it('arbitrary JSON as an entry or a payload never throws and is never witnessed', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      for (const rec of [readWitnessEntry(v, LOG, key, W), readWitnessEntry(entry(v), LOG, key, W)]) {
        if (rec === null) continue; // only the SDK's instrumentation shape, which claims nothing
        expect(rec.state).not.toBe('ok');
        expect(rec.problem).toEqual(expect.any(String));
        expect(rec.provider_event_id.length).toBeGreaterThan(0);
      }
    }), RUNS);
  });

  it('arbitrary text as a secret value is never witnessed', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (v) => {
      const rec = azure(seen(v));
      expect(rec.state).not.toBe('ok');
      expect(rec.check).not.toBe('witnessed');
    }), RUNS);
  });

  it('any one-character change to a genuine note is caught', () => {
    const cp = checkpointOf(key, 42);
    fc.assert(fc.property(fc.integer({ min: 0, max: cp.note.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
      const note = cp.note.slice(0, i) + c + cp.note.slice(i + 1);
      fc.pre(note !== cp.note);
      expect(gcp(entry({ ...checkpointPayload(cp), note })).state).not.toBe('ok');
      expect(azure(seen(note)).state).not.toBe('ok');
    }), RUNS);
  });

  it('a size that is not a canonical decimal string is bad_size', () => {
    const notCanonical = fc.oneof(
      fc.string().filter((s) => !/^(0|[1-9][0-9]*)$/.test(s)),
      fc.integer().map((n) => `0${Math.abs(n)}`),
      fc.double().map((d) => d as unknown),
      fc.constantFrom<unknown>(null, true, [], {}, '9007199254740993', '1e3', ' 5', '5 ', '-1', '+1', '0x10'),
    );
    fc.assert(fc.property(notCanonical, (s) => {
      const cp = checkpointOf(key, 7);
      const rec = gcp(entry({ ...checkpointPayload(cp), size: s }));
      expect([rec.state, rec.check]).toEqual(['malformed', 'bad_size']);
      expect(rec.problem).toMatch(/^bad_size: /);
      expect(parseClaimedSize(s)).toBeUndefined();
    }), RUNS);
  });

  it('a root that is not canonical base64 of 32 bytes is bad_root', () => {
    const wrongLength = fc.uint8Array({ maxLength: 64 }).filter((b) => b.length !== 32).map((b) => Buffer.from(b).toString('base64'));
    const notBase64 = fc.string({ maxLength: 60 }).filter((s) => parseClaimedRoot(s) === undefined);
    // Same 32 bytes, other spellings: URL-safe alphabet or unpadded.
    const respelled = root.map((r) => r.toString('base64url')).filter((s) => s !== Buffer.from(s, 'base64url').toString('base64'));
    fc.assert(fc.property(fc.oneof(wrongLength, notBase64, respelled, fc.constantFrom<unknown>(null, 32, [])), (r) => {
      const cp = checkpointOf(key, 7);
      expect(gcp(entry({ ...checkpointPayload(cp), root: r })).check).toBe('bad_root');
    }), RUNS);
  });

  it('another origin is other_origin, whoever signed it', () => {
    fc.assert(fc.property(size, root, (n, r) => {
      const theirs = checkpointOf(otherKey, n, r);
      for (const rec of [gcp(entry(checkpointPayload(theirs))), azure(seen(theirs.note))]) {
        expect([rec.state, rec.check, rec.origin]).toEqual(['foreign_origin', 'other_origin', otherKey.origin]);
      }
    }), RUNS);
  });

  it('a note signed by another key under our origin is bad_signature', () => {
    fc.assert(fc.property(size, root, (n, r) => {
      const forged = otherKey.note(n, r, key.origin); // right origin, wrong key
      const payload = { origin: key.origin, size: String(n), root: r.toString('base64'), note: forged };
      const g = gcp(entry(payload));
      const a = azure(seen(forged));
      expect([g.state, g.check, a.state, a.check]).toEqual(['malformed', 'bad_signature', 'malformed', 'bad_signature']);
      expect(g.problem).toContain('not signed by this installation');
    }), RUNS);
  });

  it('fields that disagree with a genuine note are mismatch (a signed note cannot vouch for other numbers)', () => {
    fc.assert(fc.property(size, size, root, root, (n, m, r, s) => {
      fc.pre(n !== m || !r.equals(s));
      const cp = checkpointOf(key, n, r);
      const rec = gcp(entry({ ...checkpointPayload(cp), size: String(m), root: s.toString('base64') }));
      expect(rec.check).toBe('mismatch');
      const tagged = azure(seen(cp.note, { tags: { [SIZE_TAG]: String(m), [ROOT_TAG]: s.toString('base64') } }));
      expect([tagged.state, tagged.check]).toEqual(['malformed', 'mismatch']);
    }), RUNS);
  });

  it('repeats are duplicate, the first one kept: same id, or same checkpoint under another id', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 20 }), (picks) => {
      const cps = [0, 1, 2, 3].map((n) => checkpointOf(key, n));
      const records = picks.map(([id, c]) => gcp(entry(checkpointPayload(cps[c]!), `id-${id}`)));
      const out = markDuplicates(records);
      const witnessed = out.filter((r) => r.state === 'ok');
      const ids = witnessed.map((r) => r.provider_event_id);
      const sizes = witnessed.map((r) => r.tree_size);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(sizes).size).toBe(sizes.length);
      // Model: a record counts when its id is new and its checkpoint is new.
      const ids0 = new Set<number>();
      const cps0 = new Set<number>();
      let expected = 0;
      for (const [id, c] of picks) {
        if (ids0.has(id)) continue;
        ids0.add(id);
        if (!cps0.has(c)) expected++;
        cps0.add(c);
      }
      expect(witnessed).toHaveLength(expected);
      const dups = out.filter((r) => r.check === 'duplicate');
      expect(dups).toHaveLength(out.length - witnessed.length);
      for (const d of dups) expect([d.state, d.problem?.startsWith('duplicate: ')]).toEqual(['malformed', true]);
      expect(witnessed.length).toBeGreaterThan(0);
    }), RUNS);
  });
});

describe('named states for the record around the payload', () => {
  const cp = checkpointOf(key, 3);
  const good = checkpointPayload(cp);
  const cases: Array<[string, unknown, NoteRecordState, string]> = [
    ['no insertId', entry(good, 'x', { insertId: undefined }), 'malformed', 'insertId'],
    ['insertId with spaces', entry(good, 'a b'), 'malformed', 'insertId'],
    ['no receiveTimestamp', entry(good, 'x', { receiveTimestamp: 'yesterday' }), 'malformed', 'receiveTimestamp'],
    ['another log', entry(good, 'x', { logName: 'projects/customer-project/logs/other' }), 'malformed', 'belongs to log'],
    ['a textPayload', entry(undefined, 'x', { textPayload: cp.note }), 'malformed', 'textPayload'],
    ['payload missing the note', entry({ ...good, note: undefined }), 'malformed', 'note'],
    ['note that is not a signed note', entry({ ...good, note: 'hello\n' }), 'malformed', 'not a signed note'],
  ];
  it.each(cases)('GCP entry with %s', (_name, e, state, words) => {
    const rec = gcp(e);
    expect([rec.state, rec.check]).toEqual(['malformed', state]);
    expect(rec.problem).toContain(words);
    expect(rec.provider_event_id).toMatch(/\S/); // a derived sha256: id when the entry has none
  });

  it('the SDK’s own instrumentation entry is no record at all', () => {
    const diag = entry({ 'logging.googleapis.com/diagnostic': { instrumentation_source: [{ name: 'nodejs', version: '11.2.1' }] } });
    expect(readWitnessEntry(diag, LOG, key, W)).toBeNull();
  });

  it('without the audit verifier key nothing is trusted', () => {
    const cp = checkpointOf(key, 9);
    const rec = readWitnessEntry(entry(checkpointPayload(cp)), LOG, { origin: key.origin, verifierKey: null }, W)!;
    expect([rec.state, rec.check]).toEqual(['malformed', 'bad_signature']);
    expect(rec.problem).toContain('no audit verifier key');
  });

  it('Azure: bad version id, another secret, no creation time, unreadable value', () => {
    expect(azure(seen(cp.note, { version: 'latest' }))).toMatchObject({ state: 'malformed', provider_event_id: expect.stringMatching(/^sha256:/) });
    expect(azure(seen(cp.note, { name: 'other-secret' }))).toMatchObject({ state: 'malformed', problem: expect.stringContaining('other-secret') });
    expect(azure(seen(cp.note, { createdOn: 'today' }))).toMatchObject({ state: 'malformed', problem: expect.stringContaining('creation time') });
    expect(azure(seen(undefined, { unreadable: 'the version is disabled' }))).toMatchObject({ state: 'malformed', check: 'unreadable', problem: 'unreadable: the version is disabled' });
  });

  it('purge protection: only levels without "Purgeable" are protected', () => {
    expect(purgeProtectionWarning('Recoverable')).toBeNull();
    expect(purgeProtectionWarning('CustomizedRecoverable+ProtectedSubscription')).toBeNull();
    expect(purgeProtectionWarning('Recoverable+Purgeable')).toContain('no purge protection');
    expect(purgeProtectionWarning('Purgeable')).toContain('no purge protection');
    expect(purgeProtectionWarning(undefined)).toContain('unknown');
  });

  it('the secret name is one per log and a valid Key Vault name', () => {
    expect(checkpointSecretName(key.origin)).toMatch(/^keywarden-checkpoint-[0-9a-f]{16}$/);
    expect(checkpointSecretName(key.origin)).not.toBe(checkpointSecretName(otherKey.origin));
  });
});
