/**
 * What every section module reads from: the database, the period, the optional tenant,
 * and a snapshot of the log's high-water marks taken when the export starts, so the
 * PDF, the JSON and the CSV describe exactly the same rows even while the engine keeps
 * writing.
 */
import type { Database } from 'better-sqlite3';
import type { TenantRow } from '../../store/rows';
import type { Period } from '../period';

export interface ReportSource {
  db: Database;
  period: Period;
  /** Set when the report is scoped to one tenant. */
  tenant: TenantRow | null;
  /** Highest audit seq and kms_calls id included: later rows belong to the next report. */
  snapshot: { auditSeq: number; kmsCallId: number };
  /** When the snapshot was taken: a period ending later is only covered up to here. */
  at: string;
}

export function takeSnapshot(db: Database): ReportSource['snapshot'] {
  const auditSeq = (db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number) ?? 0;
  const kmsCallId = (db.prepare('SELECT COALESCE(MAX(id), 0) FROM kms_calls').pluck().get() as number) ?? 0;
  return { auditSeq, kmsCallId };
}

/** Whether a table exists: sections whose tables come from later migrations check first. */
export function hasTable(db: Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) === 1;
}

export function columnsOf(db: Database, table: string): Set<string> {
  return new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]));
}

/** SQL fragment + params for "this tenant, if the report has one". */
export function tenantClause(src: ReportSource, column = 'tenant_id'): { sql: string; params: Record<string, unknown> } {
  return src.tenant ? { sql: ` AND ${column} = @tenant_id`, params: { tenant_id: src.tenant.id } } : { sql: '', params: {} };
}

/** Slug by tenant id, for rows that carry only the id. */
export function tenantSlugs(db: Database): Map<string, string> {
  return new Map((db.prepare('SELECT id, slug FROM tenants').all() as { id: string; slug: string }[]).map((t) => [t.id, t.slug]));
}

/** An audit entry as the report cites it: enough to read, and its seq for the inclusion proof. */
export interface CitedEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  tenant: string | null;
  payload: Record<string, unknown>;
}

/** Audit entries in the period whose action is one of `actions`, oldest first. */
export function auditEntries(src: ReportSource, actions: readonly string[]): CitedEntry[] {
  if (actions.length === 0) return [];
  const t = tenantClause(src);
  const placeholders = actions.map((_, i) => `@a${i}`).join(', ');
  const rows = src.db
    .prepare(
      `SELECT seq, at, actor, action, tenant_id, payload FROM audit_log
       WHERE at >= @from AND at < @to AND seq <= @max AND action IN (${placeholders})${t.sql}
       ORDER BY seq`,
    )
    .all({ from: src.period.from, to: src.period.to, max: src.snapshot.auditSeq, ...Object.fromEntries(actions.map((a, i) => [`a${i}`, a])), ...t.params }) as {
    seq: number;
    at: string;
    actor: string;
    action: string;
    tenant_id: string | null;
    payload: string;
  }[];
  const slugs = tenantSlugs(src.db);
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    tenant: r.tenant_id === null ? null : (slugs.get(r.tenant_id) ?? r.tenant_id),
    payload: JSON.parse(r.payload) as Record<string, unknown>,
  }));
}
