/**
 * Key access review (CC6.1, CC6.3): for each customer key, the latest access review
 * stored in the period: who besides Keywarden can use or manage the key and how, the
 * findings with the public checks they map to and whether the organisation accepted them,
 * the gaps, and the raw policy documents read. Rows come from migration 015's tables;
 * without them, or with no review in the period, the section says so.
 */
import type { DriftChange, KeyReview } from '../../access-review/types';
import { keySuffix } from '../../engine/redact';
import { hasTable, tenantClause, type ReportSource } from './source';

export interface AccessPrincipalRow {
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  principal: string;
  capability: string;
  via: string;
  ref: string;
  conditional: boolean;
  inherited: boolean;
}

export interface AccessFindingReportRow {
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  review_id: number;
  reviewed_at: string;
  finding_id: string;
  severity: string;
  reason: string;
  checks: string;
  accepted: boolean;
  accepted_reason: string;
  accepted_by: string;
  fragment: string;
}

export interface AccessKeySummary {
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  review_id: number;
  reviewed_at: string;
  status: 'complete' | 'partial';
  principals: number;
  findings: number;
  open_high: number;
  gaps: string[];
  drift: DriftChange[];
  /** The raw documents the review read (key policy text, IAM policies, role assignments). */
  raw: Record<string, unknown>;
}

export type AccessReviewSection =
  | { available: false; note: string }
  | { available: true; keys: AccessKeySummary[]; principals: AccessPrincipalRow[]; findings: AccessFindingReportRow[] };

export const NO_ACCESS_REVIEW_NOTE = 'No key access review was stored in this period.';

export function gatherAccessReview(src: ReportSource): AccessReviewSection {
  if (!hasTable(src.db, 'access_reviews')) return { available: false, note: NO_ACCESS_REVIEW_NOTE };
  const t = tenantClause(src);
  // The latest review of each key in the period.
  const rows = src.db
    .prepare(
      `SELECT id, document, drift FROM access_reviews WHERE id IN (
         SELECT max(id) FROM access_reviews WHERE reviewed_at >= @from AND reviewed_at < @to${t.sql} GROUP BY tenant_id, key_ref)
       ORDER BY tenant_id, key_ref`,
    )
    .all({ from: src.period.from, to: src.period.to, ...t.params }) as { id: number; document: string; drift: string }[];
  if (rows.length === 0) return { available: false, note: NO_ACCESS_REVIEW_NOTE };
  const accepted = src.db.prepare('SELECT reason, accepted_by FROM access_acceptances WHERE tenant_id = ? AND key_ref = ? AND finding_id = ?');
  const keys: AccessKeySummary[] = [];
  const principals: AccessPrincipalRow[] = [];
  const findings: AccessFindingReportRow[] = [];
  for (const row of rows) {
    const r = JSON.parse(row.document) as KeyReview;
    const suffix = keySuffix(r.key_ref);
    let openHigh = 0;
    for (const p of r.principals) {
      principals.push({ tenant: r.tenant_slug, provider: r.provider, key_ref_suffix: suffix, principal: p.principal, capability: p.capability, via: p.via, ref: p.ref, conditional: p.conditional, inherited: p.inherited === true });
    }
    for (const f of r.findings) {
      const a = accepted.get(r.tenant_id, r.key_ref, f.id) as { reason: string; accepted_by: string } | undefined;
      if (!a && (f.severity === 'critical' || f.severity === 'high')) openHigh++;
      findings.push({
        tenant: r.tenant_slug,
        provider: r.provider,
        key_ref_suffix: suffix,
        review_id: row.id,
        reviewed_at: r.reviewed_at,
        finding_id: f.id,
        severity: f.severity,
        reason: f.reason,
        checks: Object.values(f.checks).filter(Boolean).join('; '),
        accepted: !!a,
        accepted_reason: a?.reason ?? '',
        accepted_by: a?.accepted_by ?? '',
        fragment: f.fragment,
      });
    }
    keys.push({
      tenant: r.tenant_slug,
      provider: r.provider,
      key_ref_suffix: suffix,
      review_id: row.id,
      reviewed_at: r.reviewed_at,
      status: r.status,
      principals: r.principals.length,
      findings: r.findings.length,
      open_high: openHigh,
      gaps: r.gaps.map((g) => (g.permission ? `${g.where}: missing ${g.permission}` : `${g.where}: ${g.kind}`)),
      drift: JSON.parse(row.drift) as DriftChange[],
      raw: r.raw,
    });
  }
  return { available: true, keys, principals, findings };
}
