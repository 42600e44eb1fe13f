/**
 * What the overview judges, read straight from the database in a handful of queries:
 * tenants, active versions, records awaiting rewrap, revocations, the audit log's size,
 * checkpoint and last verify, the last cross-check, each tenant's last drill and the last
 * report export. No judgement here (see judge.ts).
 */
import type { Db } from '../store/database';
import { lastCheckRun, type CheckRun } from './check-runs';

export interface TenantFact {
  id: string;
  slug: string;
  wrap_method: string;
  provider: string;
  sealed_since: string | null;
  sealed_permanently: boolean;
  last_verify_error: string | null;
  active_version: number | null;
  active_since: string | null;
  /** Records whose DEK is wrapped by a live (not revoked) version other than the active one. */
  awaiting_rewrap: number;
}

export interface DrillFact {
  tenant_id: string;
  id: string;
  at: string;
  scenario: string;
  result: { time_to_seal_s?: number | null; seal_bound_s?: number | null; sealed_within_bound?: boolean | null } | null;
}

export interface EvidenceRunFact {
  at: string;
  from: string;
  to: string;
  tenant: string | null;
  counts: Record<string, number>;
  coverage: { tenant?: string; provider?: string; fraction?: number | null; health?: string; diagnosis?: string | null }[];
}

export interface OverviewFacts {
  tenants: TenantFact[];
  revocations: { tenant: string; version: number; at: string }[];
  audit_entries: number;
  last_checkpoint: { at: string; tree_size: number } | null;
  last_verify: CheckRun | null;
  last_crosscheck: EvidenceRunFact | null;
  last_drills: DrillFact[];
  last_export: { at: string; actor: string; period_from: string | null; period_to: string | null } | null;
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function readOverviewFacts(db: Db): OverviewFacts {
  const tenants = db
    .prepare<[], Omit<TenantFact, 'sealed_permanently' | 'awaiting_rewrap'> & { sealed_permanently: number }>(
      `SELECT t.id, t.slug, t.wrap_method, t.provider, t.sealed_since, t.sealed_permanently, t.last_verify_error,
              v.version AS active_version, v.created_at AS active_since
         FROM tenants t LEFT JOIN master_key_versions v ON v.tenant_id = t.id AND v.status = 'active'
        ORDER BY t.slug`,
    )
    .all();
  // Per tenant: records on a retired version (a rewrap still has to move them).
  const pending = new Map<string, number>();
  for (const table of ['secret_environment_configs', 'integration_configs']) {
    const rows = db
      .prepare<[], { tenant_id: string; n: number }>(
        `SELECT r.tenant_id, COUNT(*) AS n FROM ${table} r
           JOIN master_key_versions v ON v.tenant_id = r.tenant_id AND v.version = r.key_version
          WHERE v.status = 'retired' GROUP BY r.tenant_id`,
      )
      .all();
    for (const r of rows) pending.set(r.tenant_id, (pending.get(r.tenant_id) ?? 0) + r.n);
  }
  const revocations = db
    .prepare<[], { tenant: string; version: number; at: string }>(
      `SELECT t.slug AS tenant, v.version, v.revoked_at AS at FROM master_key_versions v JOIN tenants t ON t.id = v.tenant_id
        WHERE v.status = 'revoked' AND v.revoked_at IS NOT NULL ORDER BY v.revoked_at DESC LIMIT 20`,
    )
    .all();
  const auditEntries = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit_log').get()?.n ?? 0;
  const checkpoint = db.prepare<[], { at: string; tree_size: number }>('SELECT created_at AS at, tree_size FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1').get() ?? null;
  const run = db
    .prepare<[], { at: string; period_from: string; period_to: string; tenant: string | null; counts: string; coverage: string }>(
      `SELECT r.at, r.period_from, r.period_to, t.slug AS tenant, r.counts, r.coverage
         FROM evidence_runs r LEFT JOIN tenants t ON t.id = r.tenant_id ORDER BY r.id DESC LIMIT 1`,
    )
    .get();
  // Each tenant's last finished drill (done), newest first.
  const drills = db
    .prepare<[], { tenant_id: string; id: string; at: string; scenario: string; result: string | null }>(
      `SELECT d.tenant_id, d.id, COALESCE(d.finished_at, d.started_at) AS at, d.scenario, d.result FROM drills d
        WHERE d.state = 'done' AND d.started_at = (SELECT MAX(started_at) FROM drills x WHERE x.tenant_id = d.tenant_id AND x.state = 'done')`,
    )
    .all();
  const exported = db.prepare<[], { at: string; actor: string; payload: string }>("SELECT at, actor, payload FROM audit_log WHERE action = 'report.exported' ORDER BY seq DESC LIMIT 1").get();
  const exportPayload = parseJson<{ period_from?: string; period_to?: string }>(exported?.payload, {});
  return {
    tenants: tenants.map((t) => ({ ...t, sealed_permanently: t.sealed_permanently === 1, awaiting_rewrap: pending.get(t.id) ?? 0 })),
    revocations,
    audit_entries: auditEntries,
    last_checkpoint: checkpoint,
    last_verify: lastCheckRun(db, 'audit_verify'),
    last_crosscheck: run
      ? {
          at: run.at,
          from: run.period_from,
          to: run.period_to,
          tenant: run.tenant,
          counts: parseJson<Record<string, number>>(run.counts, {}),
          coverage: parseJson<EvidenceRunFact['coverage']>(run.coverage, []),
        }
      : null,
    last_drills: drills.map((d) => ({ ...d, result: parseJson<DrillFact['result']>(d.result, null) })),
    last_export: exported ? { at: exported.at, actor: exported.actor, period_from: exportPayload.period_from ?? null, period_to: exportPayload.period_to ?? null } : null,
  };
}
