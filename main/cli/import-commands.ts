/**
 * `keywarden evidence import` and `evidence coverage`: the archive import with a progress
 * bar on stderr (files, bytes, events, ETA; plain lines when stderr is not a terminal),
 * Ctrl+C cancelling cleanly (every finished file is kept; run again to go on), and the
 * validation summary in words.
 */
import type { EvidenceCoverageCalendar, ImportProgressView, ImportResultView, IntegrityReport } from '../../core/evidence/archive/types';
import { archiveImportEvents } from '../../core/evidence/archive/service';
import type { CommandSpec } from './commands';
import { progressLine } from './progress-line';

/** Exit code when the import stopped, or some file was rejected, or the integrity check found a problem. */
export const IMPORT_PROBLEM_EXIT = 2;

const MB = 1024 * 1024;

function mb(n: number): string {
  return `${(n / MB).toFixed(n >= 100 * MB ? 0 : 1)} MB`;
}

export function formatImportProgress(p: ImportProgressView): string {
  const files = `${p.files_done + p.files_skipped + p.files_failed}/${p.files_total} files`;
  const eta = p.eta_s !== null && p.state === 'importing' ? `  eta ${p.eta_s}s` : '';
  const failed = p.files_failed > 0 ? `  ${p.files_failed} rejected` : '';
  return `import ${p.state ?? ''}: ${files}  ${mb(p.bytes_done)}/${mb(p.bytes_total)}  ${p.events} events (${p.events_new} new)${failed}${eta}`;
}

/** Follows the in-process import until the returned function is called. */
export function followImportProgress(write: (line: string) => void, tty: boolean, now: () => number = Date.now): () => void {
  const line = progressLine({ write, tty });
  let lastAt = 0;
  let lastState = '';
  const listener = (p: ImportProgressView) => {
    const t = now();
    if (p.state === lastState && t - lastAt < (tty ? 200 : 2000)) return;
    lastAt = t;
    lastState = p.state ?? '';
    line.update(formatImportProgress(p), p.bytes_total > 0 ? p.bytes_done / p.bytes_total : null);
  };
  archiveImportEvents.on('progress', listener);
  return () => {
    archiveImportEvents.off('progress', listener);
    line.end();
  };
}

export function importExitCode(value: unknown): number {
  const r = value as ImportResultView;
  const i = r.integrity;
  const integrityProblem = i !== null && (i.files.modified.length > 0 || i.files.missing_from_bucket.length > 0 || i.digests.invalid.length > 0 || i.chain_gaps.length > 0);
  return r.state !== 'done' || r.files_failed > 0 || integrityProblem ? IMPORT_PROBLEM_EXIT : 0;
}

function list(title: string, items: string[], max = 20): string[] {
  if (items.length === 0) return [];
  return [`${title} (${items.length}):`, ...items.slice(0, max).map((k) => `  ${k}`), ...(items.length > max ? [`  … ${items.length - max} more (--json lists them all)`] : [])];
}

export function renderIntegrity(i: IntegrityReport): string[] {
  return [
    `integrity (${i.level === 'signed' ? 'signatures verified' : i.level === 'hashes_only' ? 'hashes only: signatures NOT checked' : 'not checked'}): ${i.files.valid} valid, ${i.files.hash_matches} hash matches, ${i.files.modified.length} modified, ${i.files.missing_from_bucket.length} missing from the ${i.location.startsWith('s3://') ? 'bucket' : 'folder'}, ${i.files.not_in_digest.length} in no digest`,
    `digests: ${i.digests.valid}/${i.digests.total} valid, ${i.digests_missing.length} hour(s) without a digest, ${i.chain_gaps.length} chain gap(s)`,
    i.note,
    ...list('MODIFIED log files (not imported)', i.files.modified),
    ...list('missing log files (listed in a digest, absent)', i.files.missing_from_bucket),
    ...list('invalid digests', i.digests.invalid.map((d) => `${d.key}: ${d.problem}: ${d.detail}`)),
    ...list('chain gaps', i.chain_gaps.map((g) => `${g.before}: ${g.detail}`)),
    ...list('hours without a digest', i.digests_missing),
  ];
}

function renderImport(r: ImportResultView): string {
  return [
    `import #${r.job_id} ${r.state}: ${r.tenant} ${r.provider} ${r.location}  ${r.period?.from} → ${r.period?.to}`,
    `files: ${r.files_done} imported, ${r.files_skipped} already imported (skipped), ${r.files_failed} rejected, of ${r.files_total}`,
    `records read ${r.records}; KMS events kept ${r.events} (${r.events_new} new); unreadable ${r.unreadable}; other keys ${r.other_keys}; ${mb(r.bytes_uncompressed)} decompressed`,
    ...(r.error ? [`STOPPED (${r.error.kind}): ${r.error.message}`] : []),
    ...list('rejected files', r.failures.map((f) => `${f.key}: ${f.kind}: ${f.message}`)),
    ...(r.missing_hours ? list('hours without a log file (a quiet hour or a lost file)', r.missing_hours.first).map((l, i) => (i === 0 ? l.replace(/\(\d+\):$/, `(${r.missing_hours!.total}):`) : l)) : []),
    ...(r.integrity
      ? renderIntegrity(r.integrity)
      : r.validate
        ? r.provider === 'aws'
          ? []
          : [`integrity: ${r.provider} does not sign its archives, so there is nothing to validate (the events are archive_unvalidated)`]
        : ['integrity: not checked (add --validate)']),
  ].join('\n');
}

function renderCoverage(c: EvidenceCoverageCalendar): string {
  const lines = [`evidence coverage ${c.from} → ${c.to}${c.tenant ? `  tenant ${c.tenant}` : ''}`];
  for (const p of c.providers) {
    const sum = (k: 'api' | 'archive_validated' | 'archive_unvalidated') => p.days.reduce((n, d) => n + d[k], 0);
    lines.push(`${p.provider}: ${p.days.length - p.days_without}/${p.days.length} days covered; events api ${sum('api')}, archive validated ${sum('archive_validated')}, archive unvalidated ${sum('archive_unvalidated')}`);
    const none = p.days.filter((d) => d.none).map((d) => d.day);
    if (none.length > 0) lines.push(`  days without evidence: ${none.length > 12 ? `${none.slice(0, 12).join(', ')} … (${none.length})` : none.join(', ')}`);
    const bad = p.days.filter((d) => d.integrity === 'problem').map((d) => d.day);
    if (bad.length > 0) lines.push(`  days with an integrity problem: ${bad.join(', ')}`);
  }
  return lines.join('\n');
}

export function renderArchive(method: string, value: unknown): string | undefined {
  if (method === 'evidence.import') return renderImport(value as ImportResultView);
  if (method === 'evidence.import_progress') return formatImportProgress(value as ImportProgressView);
  if (method === 'evidence.coverage') return renderCoverage(value as EvidenceCoverageCalendar);
  return undefined;
}

export const IMPORT_COMMANDS: CommandSpec[] = [
  {
    words: ['evidence', 'import'],
    method: 'evidence.import',
    exitCode: importExitCode,
    help: `Import a provider's log archive: --tenant S --source s3://bucket/prefix|gs://bucket/prefix|azblob://account/container|DIR --from DATE --to DATE [--validate]. Progress on stderr; Ctrl+C stops after keeping every finished file (run again to go on). Exits ${IMPORT_PROBLEM_EXIT} when it stopped, a file was rejected or the integrity check found a problem.`,
  },
  { words: ['evidence', 'import-progress'], method: 'evidence.import_progress', help: 'Progress of the running (or last) archive import.' },
  { words: ['evidence', 'import-cancel'], method: 'evidence.import_cancel', help: 'Cancel the running archive import (every finished file is kept).' },
  { words: ['evidence', 'coverage'], method: 'evidence.coverage', help: 'Per provider and day, where the evidence came from (api, archive validated/unvalidated) and which days have none: --from DATE --to DATE [--tenant S].' },
];
