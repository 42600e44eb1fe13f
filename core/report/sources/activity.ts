/**
 * The bulk of a period: every KMS call the engine made and every audit entry, read in
 * keyset pages (never one open cursor, so other requests can use the connection between
 * pages), and the per-day aggregates the charts draw.
 */
import type { KmsCallView } from '../../api/types';
import { tenantClause, type ReportSource } from './source';

export const PAGE_ROWS = 5000;

/**
 * A KMS call as the report lists it: the contract's view, with the tenant's slug in place
 * of its id, and the drill whose fault layer made it fail (null for every real outcome).
 * The principal's note and access key id are not in the report's columns yet.
 */
export type KmsCallOut = Omit<KmsCallView, 'tenant_id' | 'principal_note' | 'access_key_id'> & { tenant: string; drill_id: string | null };

export interface AuditEntryOut {
  seq: number;
  at: string;
  actor: string;
  address: string;
  action: string;
  tenant: string | null;
  payload: Record<string, unknown>;
  entry_hash: string;
}

export interface DayCount {
  day: string;
  ok: number;
  /** Real failures only. */
  failed: number;
  /** Failures a drill's fault injection made up. */
  simulated: number;
}

/** Failures a drill's fault layer produced, per drill (`manual-fault`: a fault set by hand). */
export interface SimulatedCalls {
  drill_id: string;
  calls: number;
}

export interface ActivitySummary {
  /** Every call, simulated ones included. */
  kms_calls: number;
  /** Calls that really failed: drill-injected failures are never counted here. */
  kms_calls_failed: number;
  kms_calls_simulated: number;
  simulated_by_drill: SimulatedCalls[];
  audit_entries: number;
  kms_by_day: DayCount[];
  kms_by_outcome: Record<string, number>;
  kms_by_operation: Record<string, number>;
  audit_by_action: Record<string, number>;
}

export function summarizeActivity(src: ReportSource): ActivitySummary {
  const t = tenantClause(src);
  const base = { from: src.period.from, to: src.period.to, ...t.params };
  const callsWhere = `at >= @from AND at < @to AND id <= @maxCall${t.sql}`;
  const auditWhere = `at >= @from AND at < @to AND seq <= @maxSeq${t.sql}`;
  const calls = { ...base, maxCall: src.snapshot.kmsCallId };
  const audit = { ...base, maxSeq: src.snapshot.auditSeq };
  const byDay = new Map<string, DayCount>();
  const kind = "CASE WHEN outcome = 'ok' THEN 'ok' WHEN drill_id IS NOT NULL THEN 'simulated' ELSE 'failed' END";
  for (const r of src.db.prepare(`SELECT substr(at, 1, 10) AS day, ${kind} AS kind, COUNT(*) AS n FROM kms_calls WHERE ${callsWhere} GROUP BY day, kind`).all(calls) as { day: string; kind: 'ok' | 'failed' | 'simulated'; n: number }[]) {
    const d = byDay.get(r.day) ?? { day: r.day, ok: 0, failed: 0, simulated: 0 };
    d[r.kind] += r.n;
    byDay.set(r.day, d);
  }
  const grouped = (sql: string, params: object) => Object.fromEntries((src.db.prepare(sql).all(params) as { k: string; n: number }[]).map((r) => [r.k, r.n]));
  // Real outcomes only: a drill's made-up failures are counted apart, by drill.
  const kms_by_outcome = grouped(`SELECT outcome AS k, COUNT(*) AS n FROM kms_calls WHERE ${callsWhere} AND (outcome = 'ok' OR drill_id IS NULL) GROUP BY outcome ORDER BY n DESC`, calls);
  const simulated_by_drill = src.db
    .prepare(`SELECT drill_id, COUNT(*) AS calls FROM kms_calls WHERE ${callsWhere} AND outcome <> 'ok' AND drill_id IS NOT NULL GROUP BY drill_id ORDER BY MIN(id)`)
    .all(calls) as SimulatedCalls[];
  const real = Object.values(kms_by_outcome).reduce((a, b) => a + b, 0);
  const simulated = simulated_by_drill.reduce((a, d) => a + d.calls, 0);
  const audit_by_action = grouped(`SELECT action AS k, COUNT(*) AS n FROM audit_log WHERE ${auditWhere} GROUP BY action ORDER BY n DESC, action`, audit);
  return {
    kms_calls: real + simulated,
    kms_calls_failed: real - (kms_by_outcome.ok ?? 0),
    kms_calls_simulated: simulated,
    simulated_by_drill,
    audit_entries: Object.values(audit_by_action).reduce((a, b) => a + b, 0),
    kms_by_day: [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
    kms_by_outcome,
    kms_by_operation: grouped(`SELECT operation AS k, COUNT(*) AS n FROM kms_calls WHERE ${callsWhere} GROUP BY operation ORDER BY n DESC`, calls),
    audit_by_action,
  };
}

// The slug and the 12-character key suffix come out of SQL, so a page needs no per-row
// mapping in JS: the bulk of a large report is read with as few allocations as possible.
const SLUG = '(SELECT slug FROM tenants t WHERE t.id = x.tenant_id)';
const SUFFIX = "CASE WHEN length(key_ref) <= 12 THEN key_ref ELSE '…' || substr(key_ref, -12) END";

/** KMS calls in the period, by id, one page at a time; rows already in their report shape. */
export function* kmsCallPages(src: ReportSource): Generator<KmsCallOut[]> {
  const t = tenantClause(src, 'x.tenant_id');
  const stmt = src.db.prepare(
    `SELECT id, at, COALESCE(${SLUG}, x.tenant_id) AS tenant, provider, ${SUFFIX} AS key_ref_suffix, key_version, operation, correlation_id, principal, outcome, error_message, CASE WHEN outcome = 'ok' THEN NULL ELSE drill_id END AS drill_id, duration_ms
     FROM kms_calls x WHERE id > @after AND id <= @max AND at >= @from AND at < @to${t.sql} ORDER BY id LIMIT ${PAGE_ROWS}`,
  );
  let after = 0;
  for (;;) {
    const rows = stmt.all({ after, max: src.snapshot.kmsCallId, from: src.period.from, to: src.period.to, ...t.params }) as KmsCallOut[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    yield rows;
    if (rows.length < PAGE_ROWS) return;
  }
}

/** An audit entry as read for the bulk table: the payload stays the canonical JSON text it is stored as. */
export interface AuditEntryRow extends Omit<AuditEntryOut, 'payload'> {
  payload: string;
}

/** Audit entries in the period, by seq, one page at a time. */
export function* auditPages(src: ReportSource): Generator<AuditEntryRow[]> {
  const t = tenantClause(src, 'x.tenant_id');
  const stmt = src.db.prepare(
    `SELECT seq, at, actor, address, action, CASE WHEN x.tenant_id IS NULL THEN NULL ELSE COALESCE(${SLUG}, x.tenant_id) END AS tenant, payload, lower(hex(entry_hash)) AS entry_hash
     FROM audit_log x WHERE seq > @after AND seq <= @max AND at >= @from AND at < @to${t.sql} ORDER BY seq LIMIT ${PAGE_ROWS}`,
  );
  let after = 0;
  for (;;) {
    const rows = stmt.all({ after, max: src.snapshot.auditSeq, from: src.period.from, to: src.period.to, ...t.params }) as AuditEntryRow[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.seq;
    yield rows;
    if (rows.length < PAGE_ROWS) return;
  }
}

/** One audit entry as a JSON line, with its stored payload text embedded as is. */
export function auditEntryJson(r: AuditEntryRow): string {
  return `{"seq":${r.seq},"at":${JSON.stringify(r.at)},"actor":${JSON.stringify(r.actor)},"address":${JSON.stringify(r.address)},"action":${JSON.stringify(r.action)},"tenant":${r.tenant === null ? 'null' : JSON.stringify(r.tenant)},"payload":${r.payload},"entry_hash":"${r.entry_hash}"}`;
}
