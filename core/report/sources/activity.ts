/**
 * The bulk of a period: every KMS call the engine made and every audit entry, read in
 * keyset pages (never one open cursor, so other requests can use the connection between
 * pages), and the per-day aggregates the charts draw.
 */
import { keySuffix } from '../../engine/redact';
import { tenantClause, tenantSlugs, type ReportSource } from './source';

export const PAGE_ROWS = 5000;

export interface KmsCallOut {
  id: number;
  at: string;
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  key_version: number;
  operation: string;
  correlation_id: string;
  principal: string | null;
  outcome: string;
  error_message: string | null;
  duration_ms: number;
}

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
  failed: number;
}

export interface ActivitySummary {
  kms_calls: number;
  kms_calls_failed: number;
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
  for (const r of src.db.prepare(`SELECT substr(at, 1, 10) AS day, outcome = 'ok' AS ok, COUNT(*) AS n FROM kms_calls WHERE ${callsWhere} GROUP BY day, ok`).all(calls) as { day: string; ok: number; n: number }[]) {
    const d = byDay.get(r.day) ?? { day: r.day, ok: 0, failed: 0 };
    if (r.ok) d.ok += r.n;
    else d.failed += r.n;
    byDay.set(r.day, d);
  }
  const grouped = (sql: string, params: object) => Object.fromEntries((src.db.prepare(sql).all(params) as { k: string; n: number }[]).map((r) => [r.k, r.n]));
  const kms_by_outcome = grouped(`SELECT outcome AS k, COUNT(*) AS n FROM kms_calls WHERE ${callsWhere} GROUP BY outcome ORDER BY n DESC`, calls);
  const total = Object.values(kms_by_outcome).reduce((a, b) => a + b, 0);
  const audit_by_action = grouped(`SELECT action AS k, COUNT(*) AS n FROM audit_log WHERE ${auditWhere} GROUP BY action ORDER BY n DESC, action`, audit);
  return {
    kms_calls: total,
    kms_calls_failed: total - (kms_by_outcome.ok ?? 0),
    audit_entries: Object.values(audit_by_action).reduce((a, b) => a + b, 0),
    kms_by_day: [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
    kms_by_outcome,
    kms_by_operation: grouped(`SELECT operation AS k, COUNT(*) AS n FROM kms_calls WHERE ${callsWhere} GROUP BY operation ORDER BY n DESC`, calls),
    audit_by_action,
  };
}

/** KMS calls in the period, by id, one page at a time. */
export function* kmsCallPages(src: ReportSource): Generator<KmsCallOut[]> {
  const t = tenantClause(src);
  const slugs = tenantSlugs(src.db);
  const stmt = src.db.prepare(
    `SELECT id, at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, outcome, error_message, duration_ms
     FROM kms_calls WHERE id > @after AND id <= @max AND at >= @from AND at < @to${t.sql} ORDER BY id LIMIT ${PAGE_ROWS}`,
  );
  let after = 0;
  for (;;) {
    const rows = stmt.all({ after, max: src.snapshot.kmsCallId, from: src.period.from, to: src.period.to, ...t.params }) as (Omit<KmsCallOut, 'tenant' | 'key_ref_suffix'> & { tenant_id: string; key_ref: string })[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    yield rows.map(({ tenant_id, key_ref, ...r }) => ({ ...r, tenant: slugs.get(tenant_id) ?? tenant_id, key_ref_suffix: keySuffix(key_ref) }));
    if (rows.length < PAGE_ROWS) return;
  }
}

/** Audit entries in the period, by seq, one page at a time. */
export function* auditPages(src: ReportSource): Generator<AuditEntryOut[]> {
  const t = tenantClause(src);
  const slugs = tenantSlugs(src.db);
  const stmt = src.db.prepare(
    `SELECT seq, at, actor, address, action, tenant_id, payload, entry_hash FROM audit_log
     WHERE seq > @after AND seq <= @max AND at >= @from AND at < @to${t.sql} ORDER BY seq LIMIT ${PAGE_ROWS}`,
  );
  let after = 0;
  for (;;) {
    const rows = stmt.all({ after, max: src.snapshot.auditSeq, from: src.period.from, to: src.period.to, ...t.params }) as {
      seq: number;
      at: string;
      actor: string;
      address: string;
      action: string;
      tenant_id: string | null;
      payload: string;
      entry_hash: Buffer;
    }[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.seq;
    yield rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      address: r.address,
      action: r.action,
      tenant: r.tenant_id === null ? null : (slugs.get(r.tenant_id) ?? r.tenant_id),
      payload: JSON.parse(r.payload) as Record<string, unknown>,
      entry_hash: r.entry_hash.toString('hex'),
    }));
    if (rows.length < PAGE_ROWS) return;
  }
}
