/**
 * Key-version lifecycle per tenant (CC6.1, CC6.7): every master key version with its
 * dates and status, the rotations made in the period (from the audit trail), and each
 * rewrap job with how far it got. A rotation is complete when its rewrap finished and
 * no record is left under an older version.
 */
import { keySuffix } from '../../engine/redact';
import type { KeyVersionRow, RewrapJobRow } from '../../store/rows';
import { auditEntries, tenantClause, tenantSlugs, type CitedEntry, type ReportSource } from './source';

export interface VersionRow {
  tenant: string;
  version: number;
  status: string;
  wrap_method: string;
  provider: string;
  key_ref_suffix: string;
  created_at: string;
  retired_at: string | null;
  revoked_at: string | null;
  records_now: number;
}

export interface RewrapRow {
  tenant: string;
  lease_id: number;
  target_version: number;
  state: string;
  created_at: string;
  finished_at: string | null;
  processed: number;
  skipped: number;
  failed: number;
  total: number;
  percent: number;
}

export interface Lifecycle {
  versions: VersionRow[];
  rotations: CitedEntry[];
  rewrap_jobs: RewrapRow[];
  /** Audit entries for rewrap start/finish, cited with proofs. */
  rewrap_events: CitedEntry[];
  /** Tenant → records still under a version older than the active one. */
  records_behind: Record<string, number>;
}

export const ROTATION_ACTIONS = ['byok.kms.rotate', 'byok.kms.onboard', 'tenant-kms.registered', 'tenant-kms.rotated', 'tenant-kms.disabled', 'tenant.created'] as const;
export const REWRAP_ACTIONS = ['rewrap.started', 'rewrap.finished', 'rewrap.superseded', 'rewrap.expired'] as const;

export function gatherLifecycle(src: ReportSource): Lifecycle {
  const slugs = tenantSlugs(src.db);
  const t = tenantClause(src);
  const versions = src.db
    .prepare(`SELECT * FROM master_key_versions WHERE created_at < @to${t.sql} ORDER BY tenant_id, version`)
    .all({ to: src.period.to, ...t.params }) as KeyVersionRow[];
  const countUnder = src.db.prepare<[string, number, string, number], number>(
    `SELECT (SELECT COUNT(*) FROM secret_environment_configs WHERE tenant_id = ? AND key_version = ?)
          + (SELECT COUNT(*) FROM integration_configs WHERE tenant_id = ? AND key_version = ?)`,
  ).pluck();
  const versionRows = versions
    .map((v) => ({
    tenant: slugs.get(v.tenant_id) ?? v.tenant_id,
    version: v.version,
    status: v.status,
    wrap_method: v.wrap_method,
    provider: v.provider,
    key_ref_suffix: keySuffix(v.kms_key_ref),
    created_at: v.created_at,
    retired_at: v.retired_at,
    revoked_at: v.revoked_at,
    records_now: countUnder.get(v.tenant_id, v.version, v.tenant_id, v.version) ?? 0,
  }))
    .sort((a, b) => (a.tenant === b.tenant ? a.version - b.version : a.tenant < b.tenant ? -1 : 1));
  const records_behind: Record<string, number> = {};
  for (const v of versionRows) {
    if (v.status === 'retired') records_behind[v.tenant] = (records_behind[v.tenant] ?? 0) + v.records_now;
    else records_behind[v.tenant] ??= 0;
  }
  const jobs = src.db
    .prepare(`SELECT * FROM rewrap_jobs WHERE created_at < @to AND (finished_at IS NULL OR finished_at >= @from)${t.sql} ORDER BY lease_id`)
    .all({ from: src.period.from, to: src.period.to, ...t.params }) as RewrapJobRow[];
  return {
    versions: versionRows,
    rotations: auditEntries(src, ROTATION_ACTIONS),
    rewrap_jobs: jobs.map((j) => {
      const done = j.processed + j.skipped;
      const total = Math.max(j.total, done + j.failed);
      return {
        tenant: slugs.get(j.tenant_id) ?? j.tenant_id,
        lease_id: j.lease_id,
        target_version: j.target_version,
        state: j.state,
        created_at: j.created_at,
        finished_at: j.finished_at,
        processed: j.processed,
        skipped: j.skipped,
        failed: j.failed,
        total,
        percent: total === 0 ? (j.state === 'done' ? 100 : 0) : Math.floor((done * 100) / total),
      };
    }),
    rewrap_events: auditEntries(src, REWRAP_ACTIONS),
    records_behind,
  };
}
