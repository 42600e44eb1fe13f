/** Reading a stored run back: its summary and its rows joined to the calls and records. */
import type { Database } from 'better-sqlite3';
import type { EvidenceClassName, EvidenceEventView, EvidenceResultView, EvidenceResultsPage, EvidenceRunView } from '../api/evidence-types';
import { keySuffix } from '../engine/redact';
import type { RunRow } from './store';
import { explainVerdict } from './verdict-explain';
import { reasonOf } from './verdict-reasons';

export interface ResultsQuery {
  run: RunRow | undefined;
  slugOf: (tenantId: string) => string;
  tenantId?: string | undefined;
  cls?: EvidenceClassName | undefined;
  provider?: string | undefined;
  q?: string | undefined;
  afterSeq?: number | undefined;
  limit: number;
}

export function runView(run: RunRow, slugOf: (id: string) => string): EvidenceRunView {
  return {
    run_id: run.id,
    at: run.at,
    from: run.period_from,
    to: run.period_to,
    tenant: run.tenant_id ? slugOf(run.tenant_id) : null,
    counts: JSON.parse(run.counts) as EvidenceRunView['counts'],
    coverage: JSON.parse(run.coverage) as EvidenceRunView['coverage'],
    timeline: JSON.parse(run.timeline) as EvidenceRunView['timeline'],
  };
}

interface JoinedRow {
  seq: number;
  class: EvidenceClassName;
  at: string;
  matched_by: EvidenceResultView['matched_by'];
  gap_ms: number | null;
  reason: number | null;
  call_id: number | null;
  event_row: number | null;
  c_tenant: string | null;
  c_provider: string | null;
  c_key_ref: string | null;
  c_operation: string | null;
  c_principal: string | null;
  c_cid: string | null;
  c_outcome: string | null;
  c_principal_note: string | null;
  c_access_key: string | null;
  e_tenant: string | null;
  e_provider: string | null;
  e_key_ref: string | null;
  e_operation: string | null;
  e_provider_operation: string | null;
  e_principal: string | null;
  e_source_address: string | null;
  e_cid: string | null;
  e_outcome: string | null;
  e_access_key: string | null;
  e_user_agent: string | null;
  e_error_code: string | null;
}

const SELECT = `
  SELECT r.run_id, r.seq, r.class, COALESCE(c.at, e.at) AS at, r.matched_by, r.gap_ms, r.reason, r.call_id, r.event_row,
    c.tenant_id AS c_tenant, c.provider AS c_provider, c.key_ref AS c_key_ref, c.operation AS c_operation, c.principal AS c_principal,
    c.correlation_id AS c_cid, c.outcome AS c_outcome, c.principal_note AS c_principal_note, c.access_key_id AS c_access_key,
    e.tenant_id AS e_tenant, e.provider AS e_provider, e.key_ref AS e_key_ref, e.operation AS e_operation,
    e.provider_operation AS e_provider_operation, e.principal AS e_principal, e.source_address AS e_source_address,
    e.correlation_id AS e_cid, e.outcome AS e_outcome, e.access_key_id AS e_access_key, e.user_agent AS e_user_agent, e.error_code AS e_error_code
  FROM evidence_results r
  LEFT JOIN kms_calls c ON c.id = r.call_id
  LEFT JOIN provider_events e ON e.id = r.event_row`;

export function readResults(db: Database, q: ResultsQuery): EvidenceResultsPage {
  if (!q.run) return { run: null, rows: [], total: 0, next_after_seq: null };
  const where = ['r.run_id = @run'];
  const params: Record<string, unknown> = { run: q.run.id, after: q.afterSeq ?? 0, limit: q.limit };
  if (q.cls) {
    where.push('r.class = @cls');
    params.cls = q.cls;
  }
  if (q.tenantId) {
    where.push('COALESCE(c.tenant_id, e.tenant_id) = @tenant');
    params.tenant = q.tenantId;
  }
  if (q.provider) {
    where.push('COALESCE(c.provider, e.provider) = @provider');
    params.provider = q.provider;
  }
  if (q.q) {
    where.push(`(instr(lower(COALESCE(c.principal, '') || ' ' || COALESCE(e.principal, '') || ' ' || COALESCE(c.correlation_id, '') || ' ' ||
      COALESCE(e.provider_operation, '') || ' ' || COALESCE(c.operation, '') || ' ' || COALESCE(e.source_address, '') || ' ' ||
      COALESCE(c.key_ref, e.key_ref, '')), lower(@q)) > 0)`);
    params.q = q.q;
  }
  const filter = where.join(' AND ');
  const rows = db.prepare(`${SELECT} WHERE ${filter} AND r.seq > @after ORDER BY r.seq LIMIT @limit`).all(params) as JoinedRow[];
  const { n } = db
    .prepare(`SELECT count(*) AS n FROM evidence_results r LEFT JOIN kms_calls c ON c.id = r.call_id LEFT JOIN provider_events e ON e.id = r.event_row WHERE ${filter}`)
    .get(params) as { n: number };
  const last = rows[rows.length - 1];
  return {
    run: runView(q.run, q.slugOf),
    rows: rows.map((r) => toView(r, q.slugOf)),
    total: n,
    next_after_seq: last && rows.length === q.limit ? last.seq : null,
  };
}

function toView(r: JoinedRow, slugOf: (id: string) => string): EvidenceResultView {
  const tenantId = r.c_tenant ?? r.e_tenant ?? '';
  return {
    seq: r.seq,
    class: r.class,
    at: r.at,
    tenant: tenantId ? slugOf(tenantId) : '',
    provider: r.c_provider ?? r.e_provider ?? '',
    key_ref_suffix: keySuffix(r.c_key_ref ?? r.e_key_ref ?? ''),
    operation: r.c_operation ?? r.e_operation ?? '',
    provider_operation: r.e_provider_operation,
    matched_by: r.matched_by,
    reason: reasonOf(r.reason),
    explanation: explainVerdict({
      class: r.class,
      reason: r.reason,
      gap_ms: r.gap_ms,
      app_principal: r.c_principal,
      app_principal_note: r.c_principal_note,
      provider_principal: r.e_principal,
      app_access_key: r.c_access_key,
      provider_access_key: r.e_access_key,
      provider: r.c_provider ?? r.e_provider ?? '',
      user_agent: r.e_user_agent,
      error_code: r.e_error_code,
      app_outcome: r.c_outcome,
    }),
    gap_ms: r.gap_ms,
    call_id: r.call_id,
    event_id: r.event_row,
    app_principal: r.c_principal,
    app_principal_note: r.c_principal_note,
    provider_principal: r.e_principal,
    source_address: r.e_source_address,
    correlation_id: r.c_cid ?? r.e_cid,
    outcome: r.c_outcome ?? r.e_outcome ?? '',
  };
}

/**
 * The latest run's verdict on one provider record, with its explanation (one run's rows
 * are read: results have no index by record, which would slow a million-row write).
 */
export function verdictOfRecord(db: Database, eventRow: number, slugOf: (id: string) => string): EvidenceEventView['verdict'] {
  const row = db.prepare(`${SELECT} WHERE r.run_id = (SELECT max(id) FROM evidence_runs) AND r.event_row = ? LIMIT 1`).get(eventRow) as (JoinedRow & { run_id: number }) | undefined;
  if (!row) return null;
  const view = toView(row, slugOf);
  return { run_id: row.run_id, class: view.class, reason: view.reason, explanation: view.explanation };
}
