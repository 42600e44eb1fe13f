/**
 * Result types of the SOC 2 evidence package methods (issue 9). Plain data, so the
 * renderer can import them.
 */

export interface ReportSectionCounts {
  tenants: number;
  key_versions: number;
  rotations: number;
  rewrap_jobs: number;
  revocations: number;
  seal_events: number;
  drills: number;
  cross_check_runs: number;
  cross_check_exceptions: number;
  kms_calls: number;
  audit_entries: number;
  cited_entries: number;
}

export interface ReportPreview {
  period: { from: string; to: string; description: string };
  tenant: string | null;
  counts: ReportSectionCounts;
  /** Said in place of a section whose source has nothing for the period. */
  notes: { drills: string | null; cross_check: string | null };
  default_out: string;
}

export interface ReportExportResult {
  folder: string;
  zip: string;
  manifest_sha256: string;
  files: number;
  bytes: number;
  period: { from: string; to: string };
  tenant: string | null;
  key_fingerprint: string;
  checkpoint_tree_size: number;
  cited_entries: number;
  kms_calls: number;
  audit_entries: number;
  audit_seq: number;
}

export type ReportPhase = 'gathering' | 'writing_data' | 'rendering_pdf' | 'proving' | 'signing' | 'zipping' | 'done';

export interface ReportProgressView {
  export_id: string;
  state: 'running' | 'done' | 'failed';
  phase: ReportPhase;
  percent: number;
  rows_written: number;
  rows_total: number;
  error: { code: string; message: string } | null;
}

export interface ReportRevealResult {
  revealed: true;
  /** The package folder, as shown in the file manager. */
  folder: string;
}
