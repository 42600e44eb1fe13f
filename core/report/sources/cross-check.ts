/**
 * The evidence cross-check summary (CC7.2): the latest cross-check run(s) covering the
 * period, counts by class, and every exception listed one by one with why it is one:
 * `provider_only` (key use the engine did not make), `foreign_correlation` (a Keywarden
 * id no call of this installation made), `principal_mismatch`, `app_only_missing` (a
 * call the provider's log never recorded) and `matched_weak` (matched by time only). Tables come from migration 005; without them, or without a run, the section
 * says so instead of failing.
 */
import { keySuffix } from '../../engine/redact';
import { explainVerdict } from '../../evidence/verdict-explain';
import { reasonOf } from '../../evidence/verdict-reasons';
import { dayCount, periodAsOf } from '../period';
import { hasTable, tenantSlugs, type ReportSource } from './source';

export const EXCEPTION_CLASSES = ['provider_only', 'foreign_correlation', 'principal_mismatch', 'app_only_missing', 'matched_weak'] as const;

export interface CrossCheckException {
  class: (typeof EXCEPTION_CLASSES)[number];
  at: string;
  tenant: string;
  provider: string;
  operation: string;
  principal: string | null;
  key_ref_suffix: string;
  /** provider_only: the provider's event id; app_only_missing: the engine's correlation id. */
  reference: string;
  run_id: number;
  /** The rule behind the verdict (core/evidence/verdict-reasons.ts). */
  reason: string;
  /** The verdict in words. */
  explanation: string;
}

export interface CrossCheckRun {
  id: number;
  at: string;
  /** The `evidence.crosscheck` audit entry that recorded the run (often after the period ends). */
  audit_seq: number | null;
  tenant: string | null;
  period_from: string;
  period_to: string;
}

/** How much of the period (up to the export) the runs read, for the report's whole scope. */
export interface CrossCheckCoverage {
  covered_ms: number;
  period_ms: number;
  complete: boolean;
  /** "covered 1 of 338 days (0.3 %)" */
  text: string;
}

export type CrossCheckSection = (
  | { available: false; note: string }
  | { available: true; runs: CrossCheckRun[]; counts: Record<string, number>; exceptions: CrossCheckException[] }
) & { coverage: CrossCheckCoverage };

/**
 * The union of the runs' periods inside [from, to): runs over one tenant count only when
 * the report is that tenant's, since they say nothing of the others.
 */
export function coverageOf(runs: readonly { tenant_id: string | null; period_from: string; period_to: string }[], from: string, to: string, tenantId: string | null): CrossCheckCoverage {
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  const spans = runs
    .filter((r) => r.tenant_id === null || r.tenant_id === tenantId)
    .map((r) => [Math.max(t0, Date.parse(r.period_from)), Math.min(t1, Date.parse(r.period_to))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = t0;
  for (const [a, b] of spans) {
    const start = Math.max(a, reach);
    if (b > start) covered += b - start;
    reach = Math.max(reach, b);
  }
  const period = Math.max(0, t1 - t0);
  const pct = period === 0 ? 100 : (100 * covered) / period;
  const pctText = pct >= 99.95 || pct === 0 ? String(Math.round(pct)) : pct.toFixed(1);
  const total = dayCount(period);
  return { covered_ms: covered, period_ms: period, complete: covered >= period, text: `covered ${dayCount(covered).replace(/ days?$/, '')} of ${total} (${pctText} %)` };
}

const TABLES = ['evidence_runs', 'evidence_results', 'provider_events'];

interface ExceptionRow {
  class: CrossCheckException['class'];
  at: string;
  tenant_id: string;
  provider: string;
  operation: string;
  principal: string | null;
  key_ref: string;
  reference: string;
  reason: number | null;
  gap_ms: number | null;
  app_principal: string | null;
  app_principal_note: string | null;
  provider_principal: string | null;
  app_access_key: string | null;
  provider_access_key: string | null;
  user_agent: string | null;
  error_code: string | null;
  app_outcome: string | null;
}

export function gatherCrossCheck(src: ReportSource): CrossCheckSection {
  const tenantId = src.tenant?.id ?? null;
  const until = periodAsOf(src.period, src.at).to;
  const none = coverageOf([], src.period.from, until, tenantId);
  if (!TABLES.every((t) => hasTable(src.db, t))) return { available: false, note: 'The evidence cross-check is not set up in this installation: no cross-check has been run.', coverage: none };
  const candidates = src.db
    .prepare(
      `SELECT id, at, tenant_id, period_from, period_to FROM evidence_runs
       WHERE period_from < @to AND period_to > @from AND (@tenant IS NULL OR tenant_id IS NULL OR tenant_id = @tenant)
       ORDER BY id DESC`,
    )
    .all({ from: src.period.from, to: src.period.to, tenant: tenantId }) as { id: number; at: string; tenant_id: string | null; period_from: string; period_to: string }[];
  if (candidates.length === 0) return { available: false, note: 'No cross-check has been run over this period.', coverage: none };
  // The newest run per scope; a newer all-tenant run supersedes every older one.
  const chosen: typeof candidates = [];
  const seen = new Set<string | null>();
  for (const r of candidates) {
    if (seen.has(null)) break;
    if (seen.has(r.tenant_id)) continue;
    seen.add(r.tenant_id);
    chosen.push(r);
  }
  const slugs = tenantSlugs(src.db);
  const counts: Record<string, number> = {};
  const exceptions: CrossCheckException[] = [];
  const countStmt = src.db.prepare(
    `SELECT r.class AS class, COUNT(*) AS n FROM evidence_results r
     LEFT JOIN kms_calls c ON c.id = r.call_id LEFT JOIN provider_events e ON e.id = r.event_row
     WHERE r.run_id = @run AND COALESCE(e.at, c.at) >= @from AND COALESCE(e.at, c.at) < @to AND (@tenant IS NULL OR COALESCE(c.tenant_id, e.tenant_id) = @tenant)
     GROUP BY r.class`,
  );
  const exceptionStmt = src.db.prepare(
    `SELECT r.class AS class, COALESCE(e.at, c.at) AS at, COALESCE(c.tenant_id, e.tenant_id) AS tenant_id, COALESCE(e.provider, c.provider) AS provider,
            COALESCE(e.provider_operation, c.operation) AS operation, COALESCE(e.principal, c.principal) AS principal,
            COALESCE(e.key_ref, c.key_ref) AS key_ref, COALESCE(e.event_id, c.correlation_id) AS reference,
            r.reason, r.gap_ms, c.principal AS app_principal, c.principal_note AS app_principal_note, e.principal AS provider_principal,
            c.access_key_id AS app_access_key, e.access_key_id AS provider_access_key, e.user_agent, e.error_code, c.outcome AS app_outcome
     FROM evidence_results r
     LEFT JOIN kms_calls c ON c.id = r.call_id LEFT JOIN provider_events e ON e.id = r.event_row
     WHERE r.run_id = @run AND r.class IN (${EXCEPTION_CLASSES.map((c) => `'${c}'`).join(', ')}) AND COALESCE(e.at, c.at) >= @from AND COALESCE(e.at, c.at) < @to
       AND (@tenant IS NULL OR COALESCE(c.tenant_id, e.tenant_id) = @tenant)
     ORDER BY at, r.seq`,
  );
  for (const run of chosen) {
    const params = { run: run.id, from: src.period.from, to: src.period.to, tenant: tenantId };
    for (const { class: cls, n } of countStmt.all(params) as { class: string; n: number }[]) counts[cls] = (counts[cls] ?? 0) + n;
    for (const e of exceptionStmt.all(params) as ExceptionRow[]) {
      exceptions.push({
        class: e.class,
        at: e.at,
        tenant: slugs.get(e.tenant_id) ?? e.tenant_id,
        provider: e.provider,
        operation: e.operation,
        principal: e.principal,
        key_ref_suffix: keySuffix(e.key_ref ?? ''),
        reference: e.reference ?? '',
        run_id: run.id,
        reason: reasonOf(e.reason),
        explanation: explainVerdict({ ...e, class: e.class }),
      });
    }
  }
  exceptions.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const recordedBy = new Map<number, number>();
  const recorded = src.db.prepare(
    "SELECT seq FROM audit_log WHERE action = 'evidence.crosscheck' AND json_extract(payload, '$.run_id') = ? AND seq <= ? ORDER BY seq LIMIT 1",
  ).pluck();
  for (const r of chosen) {
    const seq = recorded.get(r.id, src.snapshot.auditSeq) as number | undefined;
    if (seq !== undefined) recordedBy.set(r.id, seq);
  }
  return {
    available: true,
    runs: chosen.map((r) => ({ id: r.id, at: r.at, audit_seq: recordedBy.get(r.id) ?? null, tenant: r.tenant_id === null ? null : (slugs.get(r.tenant_id) ?? r.tenant_id), period_from: r.period_from, period_to: r.period_to })),
    counts,
    exceptions,
    coverage: coverageOf(chosen, src.period.from, until, tenantId),
  };
}
