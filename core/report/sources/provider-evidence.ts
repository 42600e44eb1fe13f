/**
 * Where the cross-check's provider evidence came from over the period (issue 18): per
 * provider, how many days had events from the live API, from archive files whose signed
 * digests verified, from archive files read without that proof, and which days had none;
 * and the integrity validation of every archive import overlapping the period, in full
 * for `evidence/archive-validation.json` and summarised for the PDF.
 */
import { coverageCalendar } from '../../evidence/archive/coverage';
import type { IntegrityReport } from '../../evidence/archive/types';
import { periodAsOf } from '../period';
import { hasTable, tenantSlugs, type ReportSource } from './source';

export const VALIDATION_FILE = 'evidence/archive-validation.json';

export interface ProviderDays {
  provider: string;
  days: number;
  days_api: number;
  days_archive_validated: number;
  days_archive_unvalidated: number;
  days_without: number;
  days_integrity_problem: number;
  /** Up to 60 of the days without evidence (all are in the validation file's coverage). */
  without: string[];
}

export interface ValidationSummary {
  import_id: number;
  tenant: string;
  location: string;
  period_from: string;
  period_to: string;
  finished_at: string | null;
  level: IntegrityReport['level'];
  files_valid: number;
  files_hash_matches: number;
  files_modified: number;
  files_missing: number;
  digests_invalid: number;
  hours_without_digest: number;
  chain_gaps: number;
}

export interface ProviderEvidenceSection {
  available: boolean;
  providers: ProviderDays[];
  validations: ValidationSummary[];
  /** The full reports (written to VALIDATION_FILE; not repeated in report.json). */
  reports: { import_id: number; tenant: string; report: IntegrityReport }[];
  per_day: ReturnType<typeof coverageCalendar> | null;
}

export function gatherProviderEvidence(src: ReportSource): ProviderEvidenceSection {
  if (!hasTable(src.db, 'archive_imports')) return { available: false, providers: [], validations: [], reports: [], per_day: null };
  const tenantId = src.tenant?.id ?? null;
  const to = periodAsOf(src.period, src.at).to;
  const cal = coverageCalendar(src.db, { tenantId, tenantSlug: src.tenant?.slug ?? null, from: src.period.from, to: to > src.period.from ? to : src.period.to });
  const providers = cal.providers.map((p) => ({
    provider: p.provider,
    days: p.days.length,
    days_api: p.days.filter((d) => d.api > 0).length,
    days_archive_validated: p.days.filter((d) => d.archive_validated > 0 || (d.archive_files > 0 && d.integrity === 'valid')).length,
    days_archive_unvalidated: p.days.filter((d) => d.archive_unvalidated > 0 || (d.archive_files > 0 && d.integrity !== 'valid')).length,
    days_without: p.days_without,
    days_integrity_problem: p.days.filter((d) => d.integrity === 'problem').length,
    without: p.days.filter((d) => d.none).map((d) => d.day).slice(0, 60),
  }));
  const slugs = tenantSlugs(src.db);
  const rows = src.db
    .prepare(
      `SELECT id, tenant_id, location, period_from, period_to, finished_at, integrity FROM archive_imports
       WHERE integrity IS NOT NULL AND period_from < ? AND period_to > ? AND started_at <= ? AND (? IS NULL OR tenant_id = ?) ORDER BY id`,
    )
    .all(src.period.to, src.period.from, src.at, tenantId, tenantId) as { id: number; tenant_id: string; location: string; period_from: string; period_to: string; finished_at: string | null; integrity: string }[];
  const reports = rows.map((r) => ({ import_id: r.id, tenant: slugs.get(r.tenant_id) ?? r.tenant_id, report: JSON.parse(r.integrity) as IntegrityReport, row: r }));
  return {
    available: true,
    providers,
    validations: reports.map(({ import_id, tenant, report: i, row }) => ({
      import_id,
      tenant,
      location: row.location,
      period_from: row.period_from,
      period_to: row.period_to,
      finished_at: row.finished_at,
      level: i.level,
      files_valid: i.files.valid,
      files_hash_matches: i.files.hash_matches,
      files_modified: i.files.modified.length,
      files_missing: i.files.missing_from_bucket.length,
      digests_invalid: i.digests.invalid.length,
      hours_without_digest: i.digests_missing.length,
      chain_gaps: i.chain_gaps.length,
    })),
    reports: reports.map(({ import_id, tenant, report }) => ({ import_id, tenant, report })),
    per_day: cal,
  };
}

/** The validation summary file: every import's full report and the per-day coverage. */
export function validationDocument(s: ProviderEvidenceSection): string {
  return `${JSON.stringify({ format: 'keywarden-archive-validation', format_version: 1, coverage: s.per_day, validations: s.reports }, null, 1)}\n`;
}
