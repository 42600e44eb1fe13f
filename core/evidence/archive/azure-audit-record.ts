/**
 * One archived Key Vault AuditEvent record, as diagnostic settings write it to a storage
 * account (a line of `PT1H.json`: `time`, `resourceId`, `operationName`, `resultType`,
 * `resultSignature`, `durationMs`, `callerIpAddress`, `correlationId`, `identity.claim`,
 * `properties.{clientInfo, requestUri, httpStatusCode, id}`), as a RecordOutcome. The
 * record is renamed to the columns Azure Monitor gives the same event in AZKVAuditLogs
 * and normalized by normalizeKeyVaultRow, the live path's normalizer: the same request
 * gives the same provider event (its correlationId is the event id) whichever way it was
 * read. Older archives wrap records in `{"records":[...]}` on one line: each is taken.
 */
import { normalizeKeyVaultRow } from '../normalize/azure';
import { isoTime, obj, str, UnreadableRecord, type Json } from '../normalize/shared';
import { rawId } from '../readers/retry';
import type { RecordOutcome } from './record-outcome';

export const AUDIT_EVENT_CATEGORY = 'AuditEvent';

/** The diagnostic-settings record under the AZKVAuditLogs column names. */
export function auditRecordAsRow(r: Json): Record<string, unknown> {
  const p = obj(r.properties) ?? {};
  return {
    TimeGenerated: r.time,
    OperationName: r.operationName,
    OperationVersion: r.operationVersion,
    ResultType: r.resultType,
    ResultSignature: r.resultSignature,
    ResultDescription: r.resultDescription,
    DurationMs: r.durationMs,
    CallerIpAddress: r.callerIpAddress,
    CorrelationId: r.correlationId,
    Identity: r.identity,
    ClientInfo: p.clientInfo,
    RequestUri: p.requestUri,
    HttpStatusCode: p.httpStatusCode,
    Id: p.id,
    _ResourceId: r.resourceId,
  };
}

function unreadable(raw: string, rec: Json | undefined, problem: string, notJson: boolean): RecordOutcome {
  return {
    kind: 'unreadable',
    item: { event_id: str(rec?.correlationId) ?? rawId(raw), at: isoTime(rec?.time), problem, raw },
    notJson,
  };
}

function recordOutcome(raw: string, rec: Json, match: (ref: string) => string | null): RecordOutcome {
  const category = str(rec.category);
  if (category !== null && category !== AUDIT_EVENT_CATEGORY) return { kind: 'other_service' };
  let event;
  try {
    event = normalizeKeyVaultRow(auditRecordAsRow(rec), 'AZKVAuditLogs');
  } catch (e) {
    if (!(e instanceof UnreadableRecord)) throw e;
    return unreadable(raw, rec, 'AuditEvent record without correlationId, time or operationName', false);
  }
  const key = match(event.key_ref);
  if (key === null) return { kind: 'other_key', at: event.at };
  return { kind: 'event', event: { ...event, key_ref: key, raw } };
}

/** One line: usually one record; a legacy `{"records":[...]}` line gives several. */
export function auditLineOutcomes(raw: string, match: (ref: string) => string | null): RecordOutcome[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [unreadable(raw, undefined, 'not a JSON AuditEvent record (a cut or corrupted line)', true)];
  }
  const rec = obj(parsed);
  if (!rec) return [unreadable(raw, undefined, 'not an AuditEvent record object', true)];
  if (Array.isArray(rec.records)) {
    return rec.records.map((r) => {
      const one = obj(r);
      const text = JSON.stringify(r) ?? String(r);
      return one ? recordOutcome(text, one, match) : unreadable(text, undefined, 'not an AuditEvent record object', false);
    });
  }
  return [recordOutcome(raw, rec, match)];
}
