/** Human CLI output for rewrap jobs: one line each, the same columns for status and run. */
import type { RewrapJobView, RewrapRunView } from '../../core/api/types';

function jobLine(j: RewrapJobView): string {
  const rate = j.rows_per_s !== null ? `  ${Math.round(j.rows_per_s)} rows/s` : '';
  const why = j.pause_reason ? ` (${j.pause_reason})` : j.superseded_by !== null ? ` (by job ${j.superseded_by})` : '';
  const error = j.last_error ? `\n    last error: ${j.last_error}` : '';
  return `job ${j.lease_id} → v${j.target_version}  ${j.state}${why}  ${j.percent}%  moved ${j.processed}  skipped ${j.skipped}  failed ${j.failed}  of ${j.total}${rate}${error}`;
}

export function renderRewrapStatus(jobs: RewrapJobView[]): string {
  return jobs.length === 0 ? 'no rewrap jobs' : jobs.map(jobLine).join('\n');
}

export function renderRewrapRun(runs: RewrapRunView[]): string {
  return runs.length === 0 ? 'no runnable rewrap jobs (see keywarden rewrap status)' : runs.map((r) => `${r.outcome}: ${jobLine(r.job)}`).join('\n');
}
