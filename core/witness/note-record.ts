/**
 * Checking one witness record read back from a customer's log (a Cloud Logging entry, a
 * Key Vault secret version) that claims to hold a checkpoint of this installation's audit
 * log: origin, tree size, root hash and the signed checkpoint note.
 *
 * Whoever can write to that log can write anything there, so nothing in a record is
 * believed until the note verifies under the installation's audit log key and agrees
 * with every claimed field. Every other outcome is a named state with the reason in
 * words; only `witnessed` records carry a checkpoint.
 */
import { parseCheckpoint } from '../audit/tlog/checkpoint';
import { decodeBase64Strict } from '../audit/tlog/encoding';
import { HASH_SIZE } from '../audit/tlog/hash';
import { parseVerifierKey, type VerifierKey } from '../audit/tlog/log-key';
import { openNote, parseSignedNote } from '../audit/tlog/signed-note';
import { derivedEventId, RAW_LIMIT, type RecordMeta } from './record-fields';
import type { WitnessRecord, WitnessRecordState } from './types';

export type NoteRecordState =
  /** The note verifies under the log key and matches every claimed field. */
  | 'witnessed'
  /** Not a witness record at all: not JSON / not an object / fields missing or of the wrong type / note unparseable. */
  | 'malformed'
  /** A checkpoint of another log (another installation sharing the log, or a forgery). */
  | 'other_origin'
  /** The claimed tree size is not a canonical non-negative decimal integer. */
  | 'bad_size'
  /** The claimed root is not canonical base64 of 32 bytes. */
  | 'bad_root'
  /** The note does not carry a valid signature by this installation's audit log key. */
  | 'bad_signature'
  /** The note verifies, but what it says differs from the record's claimed fields. */
  | 'mismatch'
  /** The same provider record, or the same checkpoint, seen again: counted once. */
  | 'duplicate'
  /** The provider would not hand over the record's content (e.g. a disabled secret version). */
  | 'unreadable';

/** The log the records must belong to. */
export interface WitnessedLog {
  origin: string;
  /**
   * The installation's audit verifier key (`<name>+<id>+<key>`) or its parsed form. Null:
   * not given, so no note can be checked and no record is trusted.
   */
  verifierKey: string | VerifierKey | null;
}

/** What a record claims, before any of it is believed. */
export interface ClaimedCheckpoint {
  origin: unknown;
  size: unknown;
  root: unknown;
  note: unknown;
}

export interface VerifiedCheckpoint {
  origin: string;
  tree_size: number;
  /** Standard base64 of the 32-byte root hash. */
  root_hash: string;
  /** The signed note exactly as read back. */
  note: string;
}

export type RecordCheck =
  | { state: 'witnessed'; problem: null; checkpoint: VerifiedCheckpoint }
  | { state: Exclude<NoteRecordState, 'witnessed'>; problem: string; checkpoint: null };

/** Bounds on what is read at all: a real note is a few hundred bytes. */
export const MAX_NOTE_CHARS = 4096;
export const MAX_ORIGIN_CHARS = 256;

const SIZE_RE = /^(?:0|[1-9][0-9]*)$/;

function failed(state: Exclude<NoteRecordState, 'witnessed'>, problem: string): RecordCheck {
  return { state, problem, checkpoint: null };
}

/** Short, single-line, printable rendering of an untrusted value for a problem text. */
export function shown(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  const flat = text.replace(/[^\x20-\x7e]/g, '?');
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** A canonical decimal tree size, or undefined. */
export function parseClaimedSize(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length > 16 || !SIZE_RE.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Canonical base64 of exactly 32 bytes, or undefined. */
export function parseClaimedRoot(v: unknown): Buffer | undefined {
  if (typeof v !== 'string' || v.length > 64) return undefined;
  const bytes = decodeBase64Strict(v);
  return bytes && bytes.length === HASH_SIZE ? bytes : undefined;
}

function verifierOf(log: WitnessedLog & { verifierKey: string | VerifierKey }): VerifierKey {
  if (typeof log.verifierKey !== 'string') return log.verifierKey;
  const parsed = parseVerifierKey(log.verifierKey);
  // Our own pinned key: unreadable means the caller passed something else, a programming error.
  if (!parsed.ok) throw new RangeError(`witness check needs the audit verifier key: ${parsed.reason}`);
  return parsed.value;
}

/** Checks one record's claim against the installation's log. Never throws on bad input. */
export function checkClaim(claim: ClaimedCheckpoint, log: WitnessedLog): RecordCheck {
  const { origin, size, root, note } = claim;
  if (typeof origin !== 'string' || origin === '') return failed('malformed', `origin is ${shown(origin)}, expected a string`);
  if (origin.length > MAX_ORIGIN_CHARS) return failed('malformed', `origin is longer than ${MAX_ORIGIN_CHARS} characters`);
  if (origin !== log.origin) return failed('other_origin', `checkpoint of another log ${shown(origin)}, not ${shown(log.origin)}`);
  const treeSize = parseClaimedSize(size);
  if (treeSize === undefined) return failed('bad_size', `tree size ${shown(size)} is not a decimal number without leading zeros`);
  const rootHash = parseClaimedRoot(root);
  if (rootHash === undefined) return failed('bad_root', `root ${shown(root)} is not canonical base64 of ${HASH_SIZE} bytes`);
  if (typeof note !== 'string' || note === '') return failed('malformed', `note is ${shown(note)}, expected the signed checkpoint note`);
  if (note.length > MAX_NOTE_CHARS) return failed('malformed', `note is longer than ${MAX_NOTE_CHARS} characters`);
  const syntax = parseSignedNote(note);
  if (!syntax.ok) return failed('malformed', `note is not a signed note: ${syntax.reason}`);
  if (log.verifierKey === null) return failed('bad_signature', 'the note cannot be checked: no audit verifier key was given to the reader');
  const opened = openNote(note, verifierOf({ ...log, verifierKey: log.verifierKey }));
  if (!opened.ok) return failed('bad_signature', `note is not signed by this installation's audit log key: ${opened.reason}`);
  const body = parseCheckpoint(opened.text);
  if (!body.ok) return failed('mismatch', `the signed note is not a checkpoint: ${body.reason}`);
  const cp = body.value;
  const differs = [
    cp.origin !== origin ? `origin ${shown(cp.origin)}` : '',
    cp.treeSize !== treeSize ? `tree size ${cp.treeSize}` : '',
    !cp.rootHash.equals(rootHash) ? `root ${cp.rootHash.toString('base64')}` : '',
  ].filter(Boolean);
  if (differs.length) return failed('mismatch', `the signed note says ${differs.join(', ')}, unlike the record's own fields`);
  return { state: 'witnessed', problem: null, checkpoint: { origin, tree_size: treeSize, root_hash: rootHash.toString('base64'), note } };
}

/**
 * The claim of a record that holds only the signed note (a Key Vault secret value): the
 * fields are read from the note's own body lines, unverified, so the same checks apply.
 */
export function claimFromNote(note: unknown): ClaimedCheckpoint {
  const none = { origin: undefined, size: undefined, root: undefined, note };
  if (typeof note !== 'string') return none;
  // A note's body ends at its blank line; without one (or without three lines) it claims nothing.
  const end = note.slice(0, MAX_NOTE_CHARS + 1).indexOf('\n\n');
  const lines = end < 0 ? [] : note.slice(0, end).split('\n');
  return lines.length < 3 ? none : { origin: lines[0], size: lines[1], root: lines[2], note };
}

/**
 * A witness record as the service reads it (types.ts), plus the named state of the note
 * check. The service's three states: `witnessed` is `ok`, `other_origin` is
 * `foreign_origin`, every other named state is `malformed` with the name leading its
 * problem text (so it survives wherever only `problem` is kept).
 */
export interface NoteWitnessRecord extends WitnessRecord {
  check: NoteRecordState;
}

function serviceState(check: NoteRecordState): WitnessRecordState {
  return check === 'witnessed' ? 'ok' : check === 'other_origin' ? 'foreign_origin' : 'malformed';
}

function claimedText(v: unknown, max: number): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
}

/** Builds the record from a check and the provider's facts about it. */
export function noteWitnessRecord(result: RecordCheck, claim: ClaimedCheckpoint, meta: RecordMeta): NoteWitnessRecord {
  const raw = meta.raw.length > RAW_LIMIT ? `${meta.raw.slice(0, RAW_LIMIT)}…` : meta.raw;
  const hasId = typeof meta.provider_event_id === 'string' && meta.provider_event_id.length > 0;
  const base = {
    kind: meta.kind,
    witness_id: meta.witness_id,
    provider_event_id: hasId ? (meta.provider_event_id as string) : derivedEventId(meta.raw),
    provider_time: meta.provider_time,
    correlation_id: meta.correlation_id,
    raw,
  };
  if (result.state === 'witnessed') {
    const cp = result.checkpoint;
    return { ...base, state: 'ok', check: 'witnessed', problem: null, origin: cp.origin, tree_size: cp.tree_size, root_hash: cp.root_hash };
  }
  return {
    ...base,
    state: serviceState(result.state),
    check: result.state,
    problem: `${result.state}: ${result.problem}`,
    origin: claimedText(claim.origin, MAX_ORIGIN_CHARS),
    tree_size: parseClaimedSize(claim.size) ?? null,
    root_hash: claimedText(claim.root, 64),
  };
}

/** The check to report when the provider's own facts (id, time) are missing: nothing else matters then. */
export function missingFact(problem: string): RecordCheck {
  return failed('malformed', problem);
}

/**
 * Marks repeats: a provider id already seen, or a checkpoint (size and root) already
 * witnessed by an earlier record. The first one (in the order given) keeps its state.
 */
export function markDuplicates(records: NoteWitnessRecord[]): NoteWitnessRecord[] {
  const ids = new Set<string>();
  const checkpoints = new Map<string, string>();
  const dup = (r: NoteWitnessRecord, why: string): NoteWitnessRecord => ({ ...r, state: 'malformed', check: 'duplicate', problem: `duplicate: ${why}` });
  return records.map((r) => {
    if (ids.has(r.provider_event_id)) return dup(r, `the provider returned record ${r.provider_event_id} more than once`);
    ids.add(r.provider_event_id);
    if (r.state !== 'ok' || r.tree_size === null) return r;
    const key = `${r.tree_size}\n${r.root_hash}`;
    const first = checkpoints.get(key);
    if (first !== undefined) return dup(r, `tree size ${r.tree_size} with this root is already witnessed by ${first}`);
    checkpoints.set(key, r.provider_event_id);
    return r;
  });
}
