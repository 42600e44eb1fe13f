import type { RewrapJobView } from '../../../../core/api/types';
import { Badge, type Tone } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { ProgressBar } from '../../components/progress-bar';
import { Spinner } from '../../components/spinner';
import { formatCount, formatUtc, percent } from '../../lib/format';
import { jobIsFinished, useKeys } from './keys-store';

const TONES: Record<string, Tone> = { queued: 'grey', running: 'amber', paused: 'blue', done: 'green', failed: 'red', expired: 'red', superseded: 'grey' };

const PAUSE_REASONS: Record<string, string> = {
  operator: 'paused by an operator: resume it to continue',
  kms_error: 'paused: the KMS failed (see the error); resume it once the key answers',
  sealed: 'paused: the tenant is sealed; it resumes by itself after unseal',
  shutdown: 'paused when the app closed; it resumes on the next start',
};

function formatEta(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function jobMeta(job: RewrapJobView, finished: boolean): { text: string; lease: string | null } {
  if (job.state === 'superseded') return { text: `Handed over to job #${job.superseded_by ?? '?'} (a newer rotation)`, lease: null };
  if (finished) return { text: `Finished ${formatUtc(job.finished_at ?? job.updated_at)}`, lease: null };
  const lease = `lease until ${formatUtc(job.lease_expires_at)}`;
  if (job.state === 'queued') return { text: 'Waiting for the rewrap worker', lease };
  if (job.state === 'paused') return { text: PAUSE_REASONS[job.pause_reason ?? ''] ?? 'paused', lease };
  return { text: `Updated ${formatUtc(job.updated_at)}`, lease };
}

function JobRow({ job }: { job: RewrapJobView }) {
  const complete = job.processed + job.skipped;
  const finished = jobIsFinished(job);
  const meta = jobMeta(job, finished);
  return (
    <li className="job" data-state={job.state}>
      <div className="job-head">
        <span className="job-title">
          Job <span className="mono">#{job.lease_id}</span> → <span className="mono">v{job.target_version}</span>
        </span>
        <Badge tone={TONES[job.state] ?? 'grey'} dot>
          {job.state === 'paused' && job.pause_reason ? `paused · ${job.pause_reason}` : job.state}
        </Badge>
      </div>
      <ProgressBar value={complete} max={job.total} label={`Rewrap job ${job.lease_id}`} tone={job.state === 'done' ? 'green' : job.failed > 0 || job.state === 'failed' ? 'red' : 'accent'} />
      <div className="job-stats">
        <span>
          {formatCount(complete)} of {formatCount(job.total)} · {percent(complete, job.total)}%
        </span>
        <span className="muted">
          {formatCount(job.processed)} rewrapped · {formatCount(job.skipped)} skipped{job.failed > 0 ? ` · ${formatCount(job.failed)} failed` : ''}
        </span>
        {job.state === 'running' && job.rows_per_s !== null ? (
          <span className="muted" data-testid="rewrap-rate">
            {formatCount(Math.round(job.rows_per_s))} rows/s{job.eta_seconds !== null ? ` · about ${formatEta(job.eta_seconds)} left` : ''}
          </span>
        ) : null}
      </div>
      {job.last_error ? <div className="job-error">{job.last_error}</div> : null}
      <div className="job-meta">
        {meta.text}
        {meta.lease ? (
          <>
            {' · '}
            <span className="job-lease">{meta.lease}</span>
          </>
        ) : null}
      </div>
    </li>
  );
}

export function RewrapJobs() {
  const jobs = useKeys((s) => s.jobs);
  const error = useKeys((s) => s.jobsError);
  const polling = jobs.some((j) => !jobIsFinished(j));
  return (
    <section className="card rewrap" aria-label="Rewrap jobs">
      <div className="card-header">
        <div>
          <div className="card-title">Rewrap jobs</div>
          <div className="card-subtitle">Move records onto the version pinned when the job was queued.</div>
        </div>
        {polling ? (
          <span className="live" title="Refreshing every 2 seconds">
            <Spinner size={12} /> live
          </span>
        ) : null}
      </div>
      <div className="card-body">
        {error ? <ErrorNotice error={error} hint="Still retrying every 2 seconds." /> : null}
        {jobs.length === 0 ? (
          <p className="muted rewrap-empty">No rewrap jobs yet. Rotating queues one that moves every record onto the new version; only the wrapped data keys change.</p>
        ) : (
          <ul className="jobs">
            {jobs.map((j) => (
              <JobRow key={j.lease_id} job={j} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
