/**
 * The Cloud Logging entry a GCP checkpoint witness writes, and the adversarial reading of
 * what entries.list hands back for that log. The entry's `jsonPayload` holds the
 * checkpoint's origin, tree size (a decimal string: Struct numbers are doubles), root
 * (standard base64) and the signed checkpoint note. Cloud Logging keeps the entry's
 * `insertId` and stamps `receiveTimestamp` itself: those are the witness id and time.
 */
import { isoTime, obj } from '../../evidence/normalize/shared';
import { checkClaim, shown, type WitnessedLog, type WitnessReadRecord } from '../note-record';

/** The log id the witness writes to, in the customer's project. */
export const CHECKPOINT_LOG_ID = 'keywarden-checkpoints';

/** The key @google-cloud/logging puts in its once-per-process instrumentation entry. */
const SDK_DIAGNOSTIC_KEY = 'logging.googleapis.com/diagnostic';
const INSERT_ID_RE = /^[\x21-\x7e]{1,256}$/;

export function checkpointLogName(project: string): string {
  return `projects/${project}/logs/${CHECKPOINT_LOG_ID}`;
}

export interface CheckpointPayload {
  origin: string;
  size: string;
  root: string;
  note: string;
}

export function checkpointPayload(cp: { origin: string; tree_size: number; root_hash: string; note: string }): CheckpointPayload {
  return { origin: cp.origin, size: String(cp.tree_size), root: cp.root_hash, note: cp.note };
}

/** True for the entry the SDK adds by itself: a jsonPayload with only its diagnostic key. */
function isSdkDiagnostic(payload: Record<string, unknown>): boolean {
  const keys = Object.keys(payload);
  return keys.length === 1 && keys[0] === SDK_DIAGNOSTIC_KEY && obj(payload[SDK_DIAGNOSTIC_KEY]) !== undefined;
}

/** Reads one entries.list entry (raw JSON, untrusted) of the checkpoint log. Never throws. */
export function readWitnessEntry(entry: unknown, logName: string, log: WitnessedLog): WitnessReadRecord {
  const e = obj(entry);
  const base = { provider: 'gcp' as const, event_id: null, provider_time: null, checkpoint: null };
  if (!e) return { ...base, state: 'malformed', problem: `entry is ${shown(entry)}, not a LogEntry object` };
  const insertId = typeof e.insertId === 'string' && INSERT_ID_RE.test(e.insertId) ? e.insertId : null;
  const at = isoTime(e.receiveTimestamp);
  const known = { ...base, event_id: insertId, provider_time: at };
  if (!insertId) return { ...known, state: 'malformed', problem: `entry has no usable insertId (${shown(e.insertId)})` };
  if (!at) return { ...known, state: 'malformed', problem: `entry has no readable receiveTimestamp (${shown(e.receiveTimestamp)})` };
  if (e.logName !== logName) return { ...known, state: 'malformed', problem: `entry belongs to log ${shown(e.logName)}, not ${logName}` };
  const payload = obj(e.jsonPayload);
  if (!payload) {
    const kind = e.textPayload !== undefined ? 'a textPayload' : e.protoPayload !== undefined ? 'a protoPayload' : 'no payload';
    return { ...known, state: 'malformed', problem: `entry has ${kind}, not the jsonPayload of a checkpoint` };
  }
  if (isSdkDiagnostic(payload)) return { ...known, state: 'sdk_diagnostic', problem: 'the logging library’s own instrumentation entry, not a checkpoint' };
  const checked = checkClaim({ origin: payload.origin, size: payload.size, root: payload.root, note: payload.note }, log);
  return { ...known, ...checked };
}
