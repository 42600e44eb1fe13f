/**
 * An audit row's canonical JSON, assembled from the stored columns without parsing the
 * payload. The payload column holds canonicalJson(payload) (AuditTrail writes it so),
 * and the entry's keys sort as action, actor, address, at, payload, seq, tenant_id, so
 * this text equals canonicalJson(entry) for every row AuditTrail wrote. A payload
 * edited in any way (even white space) changes these bytes and so fails its hashes:
 * verification hashes exactly what is stored.
 */
import type { AuditRow } from '../store/rows';

/** The stored columns an entry's canonical JSON is made of (not its hashes). */
export type AuditColumns = Omit<AuditRow, 'prev_hash' | 'entry_hash'>;

export function entryText(r: AuditColumns): string {
  return (
    `{"action":${JSON.stringify(r.action)},"actor":${JSON.stringify(r.actor)},"address":${JSON.stringify(r.address)},` +
    `"at":${JSON.stringify(r.at)},"payload":${r.payload},"seq":${r.seq},"tenant_id":${r.tenant_id === null ? 'null' : JSON.stringify(r.tenant_id)}}`
  );
}
