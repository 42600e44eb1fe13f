/**
 * One decoded archive file stored: its verdict against its digest (when validating), the
 * source each event belongs to, and the file's events with its row in one transaction
 * (an altered file: its row only, nothing of it). The same code runs on the main thread
 * and on a decode thread with its own connection, so a year of records never has to
 * cross to the main thread.
 */
import { sourceIdFor } from '../sources';
import type { UnreadableItem } from '../readers/types';
import type { ArchiveStore, FileOutcome } from './archive-store';
import { keyMatches } from './cloudtrail/decoder';
import type { ArchiveObject, DecodedFile, FileFailureKind, FileIntegrity, IntegrityPlan } from './types';

/** Where a file's events go: plain data, so it can be posted to a thread. */
export interface FileTarget {
  tenantId: string;
  provider: 'aws' | 'gcp' | 'azure';
  location: string;
  importId: number;
  /** The tenant's keys of this provider: the refs a record may name, and the source they feed. */
  keys: { keyRef: string; refs: string[] }[];
}

/** What the digest says the file should hash to; undefined when not validating. */
export type Expected = ReturnType<IntegrityPlan['expected']> | undefined;

export interface StoredFile {
  integrity: FileIntegrity | null;
  rejected: { kind: FileFailureKind; message: string } | null;
  records: number;
  events: number;
  fresh: number;
  unreadable: number;
  otherKeys: number;
  bytes: number;
}

type FileRef = Pick<ArchiveObject, 'key' | 'etag' | 'size' | 'day'>;

function outcome(t: FileTarget, o: FileRef, at: string, fields: Partial<FileOutcome> & Pick<FileOutcome, 'state'>): FileOutcome {
  return {
    tenantId: t.tenantId,
    provider: t.provider,
    location: t.location,
    key: o.key,
    etag: o.etag,
    size: o.size,
    day: o.day,
    importId: t.importId,
    at,
    origin: null,
    integrity: null,
    records: 0,
    errorKind: null,
    error: null,
    events: [],
    unreadable: [],
    ...fields,
  };
}

/** Records a file that was not imported (cut short, not JSON, altered…), with why. */
export function storeRejected(archive: ArchiveStore, t: FileTarget, o: FileRef, at: string, kind: FileFailureKind, message: string, integrity: FileIntegrity | null): void {
  archive.commitFile(outcome(t, o, at, { state: 'rejected', integrity, errorKind: kind, error: message }), { tenant_id: t.tenantId, provider: t.provider });
}

export function storeDecoded(archive: ArchiveStore, t: FileTarget, o: FileRef, d: DecodedFile, expected: Expected, at: string): StoredFile {
  const base = { records: d.records, events: 0, fresh: 0, unreadable: 0, otherKeys: 0, bytes: d.bytes };
  let integrity: FileIntegrity | null = null;
  let origin: FileOutcome['origin'] = 'archive_unvalidated';
  if (expected !== undefined) {
    if (expected === null) integrity = 'not_in_digest';
    else if ('digestInvalid' in expected) integrity = 'digest_invalid';
    else if (expected.sha256 !== d.sha256) {
      const message = `${o.key} was altered after delivery: its SHA-256 is ${d.sha256}, its digest says ${expected.sha256}; nothing of it was imported`;
      storeRejected(archive, t, o, at, 'modified', message, 'modified');
      return { ...base, records: 0, integrity: 'modified', rejected: { kind: 'modified', message } };
    } else if (expected.signed) {
      integrity = 'valid';
      origin = 'archive_validated';
    } else integrity = 'hash_matches';
  }
  const sourceOf = (keyRef: string) => {
    const id = sourceIdFor(t.tenantId, t.provider, keyRef);
    archive.ensureSource(id, t.tenantId, t.provider, keyRef);
    return id;
  };
  const events: FileOutcome['events'] = [];
  const packed = d.packedRaw;
  for (let i = 0; i < d.events.length; i++) {
    const e = d.events[i]!;
    // The tenant's key the record names; a witness record on another key gets that key's own source.
    const key = t.keys.find((k) => keyMatches(k.refs, e.keys))?.keyRef ?? (e.witness && e.event.key_ref ? e.event.key_ref : null);
    if (key === null) continue;
    const rawBytes = packed ? packed.bytes.subarray(i === 0 ? 0 : packed.ends[i - 1]!, packed.ends[i]!) : undefined;
    events.push({ sourceId: sourceOf(key), event: e.event.key_ref === key ? e.event : { ...e.event, key_ref: key }, rawBytes });
  }
  const first = t.keys[0]?.keyRef;
  const unreadable: { sourceId: string; item: UnreadableItem }[] = first ? d.unreadable.map((item) => ({ sourceId: sourceOf(first), item })) : [];
  const fresh = archive.commitFile(outcome(t, o, at, { state: 'imported', origin, integrity, records: d.records, events, unreadable }), { tenant_id: t.tenantId, provider: t.provider });
  if (first && d.otherKeys > 0) archive.addOtherKeyRecords(sourceOf(first), d.otherKeys);
  return { ...base, integrity, rejected: null, events: events.length, fresh, unreadable: d.unreadable.length, otherKeys: d.otherKeys };
}
