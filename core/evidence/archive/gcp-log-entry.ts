/**
 * One archived Cloud Logging LogEntry (a line of a sink's object, or an element of a
 * `gcloud logging read --format=json` export) as a RecordOutcome. Cloud KMS entries go
 * through normalizeLogEntry, the live API path's normalizer, so the same insertId gives
 * the same provider event whichever way it was read; other services' entries are skipped.
 */
import { normalizeLogEntry } from '../normalize/gcp';
import { isoTime, obj, str, UnreadableRecord } from '../normalize/shared';
import { rawId } from '../readers/retry';
import type { RecordOutcome } from './record-outcome';

export const CLOUD_KMS_SERVICE = 'cloudkms.googleapis.com';

function unreadable(raw: string, parsed: unknown, problem: string, notJson: boolean): RecordOutcome {
  const e = obj(parsed);
  return {
    kind: 'unreadable',
    item: { event_id: str(e?.insertId) ?? rawId(raw), at: isoTime(e?.timestamp), problem, raw },
    notJson,
  };
}

export function logEntryOutcome(raw: string, match: (ref: string) => string | null): RecordOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return unreadable(raw, undefined, 'not a JSON LogEntry (a cut or corrupted line)', true);
  }
  const entry = obj(parsed);
  if (!entry) return unreadable(raw, parsed, 'not a LogEntry object', true);
  const service = str(obj(entry.protoPayload)?.serviceName);
  if (service !== null && service !== CLOUD_KMS_SERVICE) return { kind: 'other_service' };
  let event;
  try {
    event = normalizeLogEntry(entry);
  } catch (e) {
    if (!(e instanceof UnreadableRecord)) throw e;
    return unreadable(raw, entry, e.message, false);
  }
  if (service === null) return unreadable(raw, entry, 'log entry without protoPayload.serviceName', false);
  const key = match(event.key_ref);
  if (key === null) return { kind: 'other_key', at: event.at };
  return { kind: 'event', event: { ...event, key_ref: key, raw } };
}
