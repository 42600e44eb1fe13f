/** Result shapes of the key access review methods (issue 17). Plain data for every host. */
import type { DriftChange, Finding, KeyReview, ReviewGap, ReviewSettings } from '../access-review/types';

export type { Capability, DriftChange, Finding, KeyReview, PrincipalAccess, ReviewGap, ReviewSettings, Severity } from '../access-review/types';

export interface AcceptanceView {
  reason: string;
  accepted_by: string;
  accepted_at: string;
}

export interface FindingView extends Finding {
  accepted: AcceptanceView | null;
}

/** One stored review of one key, with what changed since the one before. */
export interface AccessReviewView extends Omit<KeyReview, 'findings'> {
  id: number;
  key_ref_suffix: string;
  findings: FindingView[];
  drift: DriftChange[];
  /** Findings of severity high or critical that are not accepted. */
  open_high: number;
}

export interface AccessReviewRun {
  reviews: AccessReviewView[];
  /** Tenants that could not be reviewed at all (not on a customer KMS key, unknown provider). */
  skipped: { tenant: string; reason: string }[];
}

export interface AccessFindingRow extends FindingView {
  review_id: number;
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  reviewed_at: string;
}

export interface AccessHistoryRow {
  id: number;
  tenant: string;
  provider: string;
  key_ref_suffix: string;
  reviewed_at: string;
  status: 'complete' | 'partial';
  findings: number;
  high_findings: number;
  drift_changes: number;
}

export interface AccessSettingsView extends ReviewSettings {
  tenant: string;
}

export interface AccessAcceptResult {
  tenant: string;
  finding_id: string;
  accepted: AcceptanceView;
}

export type { ReviewGap as AccessGap };
