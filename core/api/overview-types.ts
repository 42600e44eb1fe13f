/** The overview (issue 20): one card per area, problems first, and the user's policy. Plain data. */

export type OverviewScreen = 'tenants' | 'keys' | 'audit' | 'evidence' | 'access' | 'drills' | 'reports' | 'settings';

export interface OverviewPolicy {
  /** An active master key version older than this is overdue for rotation. */
  rotation_max_age_days: number;
  /** A tenant whose last finished drill is older than this (or that never had one) is overdue. */
  drill_cadence_days: number;
}

export interface OverviewProblem {
  severity: 'critical' | 'warning';
  area: 'tenants' | 'keys' | 'audit' | 'evidence' | 'drills' | 'reports';
  tenant: string | null;
  /** What is wrong, in plain words. */
  title: string;
  /** What fixes it. */
  action: string;
  /** Where it is fixed (the window's screen; the CLI prints `command`). */
  screen: OverviewScreen;
  command: string;
}

export type CardState = 'ok' | 'attention' | 'critical' | 'none';

export interface OverviewCard<D> {
  state: CardState;
  /** One line: the state in words. */
  headline: string;
  screen: OverviewScreen;
  details: D;
}

export interface TenantsCardDetails {
  total: number;
  sealed: { tenant: string; since: string; permanently: boolean; last_error: string | null }[];
  customer_controlled: number;
  platform_key: number;
}

export interface KeysCardDetails {
  rotation_max_age_days: number;
  tenants: { tenant: string; active_version: number | null; active_since: string | null; age_days: number | null; overdue: boolean }[];
  awaiting_rewrap: { tenant: string; records: number }[];
  revocations: { tenant: string; version: number; at: string }[];
}

export interface AuditCardDetails {
  entries: number;
  last_verify: { at: string; ok: boolean; summary: string } | null;
  last_checkpoint: { at: string; tree_size: number } | null;
  entries_since_checkpoint: number;
}

export interface EvidenceCardDetails {
  customer_kms_tenants: number;
  last_crosscheck: { at: string; from: string; to: string; tenant: string | null } | null;
  /** Counts by class of the last cross-check, exceptions only (not matched). */
  exceptions: Record<string, number>;
  coverage_gaps: { tenant: string; provider: string; fraction: number | null; diagnosis: string | null }[];
}

export interface DrillsCardDetails {
  drill_cadence_days: number;
  tenants: {
    tenant: string;
    last_drill: { id: string; at: string; scenario: string; time_to_seal_s: number | null; seal_bound_s: number | null; sealed_within_bound: boolean | null } | null;
    overdue: boolean;
  }[];
}

export interface ReportsCardDetails {
  last_export: { at: string; actor: string; period: string | null } | null;
}

export interface OverviewView {
  generated_at: string;
  policy: OverviewPolicy;
  /** Critical first, then warnings; empty when custody is in order. */
  problems: OverviewProblem[];
  cards: {
    tenants: OverviewCard<TenantsCardDetails>;
    keys: OverviewCard<KeysCardDetails>;
    audit: OverviewCard<AuditCardDetails>;
    evidence: OverviewCard<EvidenceCardDetails>;
    drills: OverviewCard<DrillsCardDetails>;
    reports: OverviewCard<ReportsCardDetails>;
  };
}
