/**
 * The report's data: every section gathered once (small, in memory), plus the two bulk
 * tables that are streamed page by page. The PDF, the JSON and the CSV are all written
 * from this one model, so they cannot disagree.
 */
import { gatherAccessReview, type AccessReviewSection } from './sources/access-review';
import { type ActivitySummary, summarizeActivity } from './sources/activity';
import { gatherCrossCheck, type CrossCheckSection } from './sources/cross-check';
import { gatherProviderEvidence, type ProviderEvidenceSection } from './sources/provider-evidence';
import { gatherDrills, type DrillSection } from './sources/drills';
import { gatherInventory, type InventoryRow } from './sources/inventory';
import { gatherLifecycle, type Lifecycle } from './sources/lifecycle';
import { gatherRevocations, type Revocation } from './sources/revocations';
import { gatherSeal, type SealSection } from './sources/seal';
import type { ReportSource } from './sources/source';
import type { ChainVerification } from '../api/types';
import { SOC2_MAPPING, type MappingRow } from './soc2';

export interface ReportScope {
  generated_at: string;
  /** The operator who exported the package (`user@host`), named on the sign-off page. */
  exported_by: string;
  /**
   * `to` as asked; `as_of` is where the figures end: the export time when the period had
   * not ended yet (`not_ended`), else `to`.
   */
  period: { from: string; to: string; description: string; as_of: string; not_ended: boolean };
  tenant: string | null;
  product: string;
  installation: { log_origin: string; key_fingerprint: string };
  tenants_in_scope: string[];
}

import type { WitnessSummary } from './witnesses-file';

export interface AuditVerificationSection {
  chain: ChainVerification;
  checkpoint: { tree_size: number; root_hash: string; origin: string };
  cited_entries: number;
  /** The checkpoints the customer's own cloud logs recorded (audit/witnesses.json has the proofs). */
  witnesses?: WitnessSummary;
}

export interface ReportModel {
  scope: ReportScope;
  activity: ActivitySummary;
  inventory: InventoryRow[];
  lifecycle: Lifecycle;
  revocations: Revocation[];
  seal: SealSection;
  drills: DrillSection;
  cross_check: CrossCheckSection;
  /** Where the provider evidence came from (API, archives) per day, and the archives' integrity. */
  provider_evidence: ProviderEvidenceSection;
  access_review: AccessReviewSection;
  audit_verification: AuditVerificationSection;
  soc2_mapping: readonly MappingRow[];
}

export type GatheredSections = Omit<ReportModel, 'scope' | 'audit_verification'>;

export function gatherSections(src: ReportSource): GatheredSections {
  return {
    activity: summarizeActivity(src),
    inventory: gatherInventory(src),
    lifecycle: gatherLifecycle(src),
    revocations: gatherRevocations(src),
    seal: gatherSeal(src),
    drills: gatherDrills(src),
    cross_check: gatherCrossCheck(src),
    provider_evidence: gatherProviderEvidence(src),
    access_review: gatherAccessReview(src),
    soc2_mapping: SOC2_MAPPING,
  };
}

/** Every audit entry a section cites: each gets an inclusion proof in the package. */
export function citedSeqs(m: GatheredSections): number[] {
  const seqs = new Set<number>();
  for (const e of m.lifecycle.rotations) seqs.add(e.seq);
  for (const e of m.lifecycle.rewrap_events) seqs.add(e.seq);
  for (const r of m.revocations) seqs.add(r.seq);
  for (const e of m.seal.events) seqs.add(e.seq);
  if (m.drills.available) for (const d of m.drills.drills) if (d.audit_seq !== null) seqs.add(d.audit_seq);
  if (m.cross_check.available) for (const r of m.cross_check.runs) if (r.audit_seq !== null) seqs.add(r.audit_seq);
  return [...seqs].sort((a, b) => a - b);
}

/** Section counts for the window's preview. */
export function sectionCounts(m: GatheredSections) {
  return {
    tenants: m.inventory.length,
    key_versions: m.lifecycle.versions.length,
    rotations: m.lifecycle.rotations.filter((e) => e.action === 'byok.kms.rotate' || e.action === 'tenant-kms.rotated').length,
    rewrap_jobs: m.lifecycle.rewrap_jobs.length,
    revocations: m.revocations.length,
    seal_events: m.seal.events.length,
    drills: m.drills.available ? m.drills.drills.length : 0,
    cross_check_exceptions: m.cross_check.available ? m.cross_check.exceptions.length : 0,
    cross_check_runs: m.cross_check.available ? m.cross_check.runs.length : 0,
    kms_calls: m.activity.kms_calls,
    audit_entries: m.activity.audit_entries,
    cited_entries: citedSeqs(m).length,
  };
}
