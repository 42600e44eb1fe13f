/**
 * The Cloud Logging entry a GCP checkpoint witness writes, and the adversarial reading of
 * what entries.list hands back for that log. The entry's `jsonPayload` holds the
 * checkpoint's origin, tree size (a decimal string: Struct numbers are doubles), root
 * (standard base64) and the signed checkpoint note; a label carries the call's
 * correlation id. Cloud Logging keeps the entry's `insertId` and stamps
 * `receiveTimestamp` itself: those are the witness id and time.
 */
import { isoTime, obj } from '../../evidence/normalize/shared';
import type { WitnessCheckpoint } from '../types';
import { checkClaim, missingFact, noteWitnessRecord, shown, type ClaimedCheckpoint, type NoteWitnessRecord, type WitnessedLog } from '../note-record';

/** The log id the witness writes to in the customer's project, unless the target names another. */
export const CHECKPOINT_LOG_ID = 'keywarden-checkpoints';
export const CID_LABEL = 'keywarden-cid';

/** The key @google-cloud/logging puts in its once-per-process instrumentation entry. */
const SDK_DIAGNOSTIC_KEY = 'logging.googleapis.com/diagnostic';
const INSERT_ID_RE = /^[\x21-\x7e]{1,256}$/;
const CID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CheckpointPayload {
  origin: string;
  size: string;
  root: string;
  note: string;
}

export function checkpointPayload(cp: WitnessCheckpoint): CheckpointPayload {
  return { origin: cp.origin, size: String(cp.treeSize), root: cp.rootHash.toString('base64'), note: cp.note };
}

/** True for the entry the SDK adds by itself: a jsonPayload with only its diagnostic key. */
function isSdkDiagnostic(payload: Record<string, unknown> | undefined): boolean {
  if (!payload) return false;
  const keys = Object.keys(payload);
  return keys.length === 1 && keys[0] === SDK_DIAGNOSTIC_KEY && obj(payload[SDK_DIAGNOSTIC_KEY]) !== undefined;
}

const NO_CLAIM: ClaimedCheckpoint = { origin: undefined, size: undefined, root: undefined, note: undefined };

/**
 * Reads one entries.list entry (raw JSON, untrusted) of the checkpoint log. Null for the
 * SDK's own instrumentation entry (it claims nothing); every other entry is a record,
 * trusted only when its note checks out. Never throws.
 */
export function readWitnessEntry(entry: unknown, logName: string, log: WitnessedLog, witnessId: string): NoteWitnessRecord | null {
  const e = obj(entry);
  const raw = JSON.stringify(entry) ?? String(entry);
  const insertId = e && typeof e.insertId === 'string' && INSERT_ID_RE.test(e.insertId) ? e.insertId : null;
  const at = e ? isoTime(e.receiveTimestamp) : null;
  const cid = obj(e?.labels)?.[CID_LABEL];
  const meta = {
    kind: 'gcp_logging' as const, witness_id: witnessId, provider_event_id: insertId, provider_time: at,
    correlation_id: typeof cid === 'string' && CID_RE.test(cid) ? cid : null, raw,
  };
  if (!e) return noteWitnessRecord(missingFact(`entry is ${shown(entry)}, not a LogEntry object`), NO_CLAIM, meta);
  const payload = obj(e.jsonPayload);
  if (isSdkDiagnostic(payload)) return null;
  const claim: ClaimedCheckpoint = payload ? { origin: payload.origin, size: payload.size, root: payload.root, note: payload.note } : NO_CLAIM;
  const fact = !insertId ? `entry has no usable insertId (${shown(e.insertId)})`
    : !at ? `entry has no readable receiveTimestamp (${shown(e.receiveTimestamp)})`
      : e.logName !== logName ? `entry belongs to log ${shown(e.logName)}, not ${logName}`
        : !payload ? `entry has ${e.textPayload !== undefined ? 'a textPayload' : e.protoPayload !== undefined ? 'a protoPayload' : 'no payload'}, not the jsonPayload of a checkpoint`
          : null;
  return noteWitnessRecord(fact ? missingFact(fact) : checkClaim(claim, log), claim, meta);
}
