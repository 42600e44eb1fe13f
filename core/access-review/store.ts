/** The access review tables (migration 015) behind one small class over the better-sqlite3 Database. */
import type { Database } from 'better-sqlite3';
import type { DriftChange, KeyReview, ReviewSettings } from './types';

export interface StoredReview {
  id: number;
  review: KeyReview;
  drift: DriftChange[];
}

export interface ReviewSummaryRow {
  id: number;
  tenant_id: string;
  provider: string;
  key_ref: string;
  reviewed_at: string;
  status: 'complete' | 'partial';
  findings: number;
  high_findings: number;
  drift_changes: number;
}

export interface AcceptanceRow {
  tenant_id: string;
  key_ref: string;
  finding_id: string;
  reason: string;
  accepted_by: string;
  accepted_at: string;
}

export class AccessReviewStore {
  constructor(private readonly db: Database) {}

  insert(review: KeyReview, drift: DriftChange[]): number {
    const high = review.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
    const r = this.db
      .prepare('INSERT INTO access_reviews (tenant_id, provider, key_ref, reviewed_at, status, findings, high_findings, document, drift) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(review.tenant_id, review.provider, review.key_ref, review.reviewed_at, review.status, review.findings.length, high, JSON.stringify(review), JSON.stringify(drift));
    return Number(r.lastInsertRowid);
  }

  /** The latest review of this tenant's key, or of the tenant (any key) when keyRef is omitted. */
  latest(tenantId: string, keyRef?: string): StoredReview | undefined {
    const row = (keyRef
      ? this.db.prepare('SELECT id, document, drift FROM access_reviews WHERE tenant_id = ? AND key_ref = ? ORDER BY id DESC LIMIT 1').get(tenantId, keyRef)
      : this.db.prepare('SELECT id, document, drift FROM access_reviews WHERE tenant_id = ? ORDER BY id DESC LIMIT 1').get(tenantId)) as { id: number; document: string; drift: string } | undefined;
    return row ? { id: row.id, review: JSON.parse(row.document) as KeyReview, drift: JSON.parse(row.drift) as DriftChange[] } : undefined;
  }

  byId(id: number): StoredReview | undefined {
    const row = this.db.prepare('SELECT id, document, drift FROM access_reviews WHERE id = ?').get(id) as { id: number; document: string; drift: string } | undefined;
    return row ? { id: row.id, review: JSON.parse(row.document) as KeyReview, drift: JSON.parse(row.drift) as DriftChange[] } : undefined;
  }

  history(tenantId: string | undefined, limit: number): ReviewSummaryRow[] {
    const sql = `SELECT id, tenant_id, provider, key_ref, reviewed_at, status, findings, high_findings, json_array_length(drift) AS drift_changes FROM access_reviews
      ${tenantId ? 'WHERE tenant_id = ?' : ''} ORDER BY id DESC LIMIT ?`;
    return (tenantId ? this.db.prepare(sql).all(tenantId, limit) : this.db.prepare(sql).all(limit)) as ReviewSummaryRow[];
  }

  /** Reviews in a period (for the evidence package), oldest first. */
  inPeriod(fromIso: string, toIso: string, tenantId?: string): StoredReview[] {
    const rows = this.db
      .prepare(`SELECT id, document, drift FROM access_reviews WHERE reviewed_at >= ? AND reviewed_at < ? ${tenantId ? 'AND tenant_id = ?' : ''} ORDER BY id`)
      .all(...(tenantId ? [fromIso, toIso, tenantId] : [fromIso, toIso])) as { id: number; document: string; drift: string }[];
    return rows.map((row) => ({ id: row.id, review: JSON.parse(row.document) as KeyReview, drift: JSON.parse(row.drift) as DriftChange[] }));
  }

  lastReviewAt(): string | undefined {
    return (this.db.prepare('SELECT max(reviewed_at) FROM access_reviews').pluck().get() as string | null) ?? undefined;
  }

  settingsJson(tenantId: string): string | undefined {
    return (this.db.prepare('SELECT settings FROM access_settings WHERE tenant_id = ?').pluck().get(tenantId) as string | undefined) ?? undefined;
  }

  saveSettings(tenantId: string, settings: ReviewSettings, at: string): void {
    this.db
      .prepare('INSERT INTO access_settings (tenant_id, settings, updated_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at')
      .run(tenantId, JSON.stringify(settings), at);
  }

  accept(row: AcceptanceRow): void {
    this.db
      .prepare(
        `INSERT INTO access_acceptances (tenant_id, key_ref, finding_id, reason, accepted_by, accepted_at) VALUES (@tenant_id, @key_ref, @finding_id, @reason, @accepted_by, @accepted_at)
         ON CONFLICT (tenant_id, key_ref, finding_id) DO UPDATE SET reason = excluded.reason, accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at`,
      )
      .run(row);
  }

  acceptances(tenantId: string, keyRef: string): Map<string, AcceptanceRow> {
    const rows = this.db.prepare('SELECT * FROM access_acceptances WHERE tenant_id = ? AND key_ref = ?').all(tenantId, keyRef) as AcceptanceRow[];
    return new Map(rows.map((r) => [r.finding_id, r]));
  }
}
