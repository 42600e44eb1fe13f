/**
 * Kill-switch drills (CC7.2): each drill started in the period with its time to seal
 * against the bound, sessions refused, time to unseal after restore, and whether every
 * record still decrypted. Rows come from the `drills` table (migration 003); the audit
 * entry that recorded each drill is cited so the report can prove it. Without the table,
 * or when no drill ran in the period, the section says so plainly.
 */
import { auditEntries, hasTable, tenantClause, tenantSlugs, type ReportSource } from './source';

export interface DrillRow {
  id: string;
  tenant: string;
  mode: string;
  fault: string;
  state: string;
  started_at: string;
  time_to_seal_s: number | null;
  bound_s: number | null;
  within_bound: boolean | null;
  sessions_refused: number | null;
  time_to_unseal_s: number | null;
  records_checked: number | null;
  records_failed: number | null;
  /** The `drill.run` audit entry, when the drill finished and was recorded. */
  audit_seq: number | null;
}

export type DrillSection = { available: false; note: string } | { available: true; drills: DrillRow[] };

export const NO_DRILL_NOTE = 'No drill has been run in this period.';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function parseResult(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function gatherDrills(src: ReportSource): DrillSection {
  if (!hasTable(src.db, 'drills')) return { available: false, note: NO_DRILL_NOTE };
  const t = tenantClause(src);
  const rows = src.db
    .prepare(`SELECT id, tenant_id, kind, scenario, state, started_at, result FROM drills WHERE started_at >= @from AND started_at < @to${t.sql} ORDER BY started_at, id`)
    .all({ from: src.period.from, to: src.period.to, ...t.params }) as { id: string; tenant_id: string; kind: string; scenario: string; state: string; started_at: string; result: string | null }[];
  if (rows.length === 0) return { available: false, note: NO_DRILL_NOTE };
  const slugs = tenantSlugs(src.db);
  const recorded = new Map(auditEntries(src, ['drill.run']).map((e) => [String(e.payload.drill_id ?? ''), e.seq]));
  return {
    available: true,
    drills: rows.map((d) => {
      const r = parseResult(d.result);
      return {
        id: d.id,
        tenant: slugs.get(d.tenant_id) ?? d.tenant_id,
        mode: d.kind,
        fault: d.scenario.replace(/_/g, ' '),
        state: d.state,
        started_at: d.started_at,
        time_to_seal_s: num(r.time_to_seal_s),
        bound_s: num(r.seal_bound_s),
        within_bound: typeof r.sealed_within_bound === 'boolean' ? r.sealed_within_bound : null,
        sessions_refused: num(r.sessions_refused),
        time_to_unseal_s: num(r.time_to_unseal_s),
        records_checked: num(r.records_checked),
        records_failed: num(r.records_lost),
        audit_seq: recorded.get(d.id) ?? null,
      };
    }),
  };
}
