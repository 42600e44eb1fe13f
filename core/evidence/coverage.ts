/**
 * Log-coverage health per tenant and source: of the engine's successful calls old enough
 * to be in the provider's log, how many the log shows, and in plain words what is likely
 * wrong when too few are.
 */
import type { EvidenceCoverageView } from '../api/evidence-types';
import type { SourceRow } from './store';

export interface CoverageTally {
  expected: number;
  seen: number;
  pending: number;
}

const HINT: Record<string, string> = {
  aws: 'CloudTrail Event history (what LookupEvents reads) keeps 90 days of management events per region whatever the trails are set to: check that the key\u2019s region and account are the ones read and that the period is within 90 days. For evidence older than that, keep a trail that logs management events and does not exclude AWS KMS events (ExcludeManagementEventSources must not list kms.amazonaws.com).',
  gcp: 'Cloud KMS Data Access audit logs are off by default: turn on DATA_READ and DATA_WRITE for cloudkms.googleapis.com in the project’s audit configuration, and check that no exemption covers the principal Keywarden runs as.',
  azure: 'Check that the vault has a diagnostic setting sending the AuditEvent category to this Log Analytics workspace (and, for AZKVAuditLogs, in resource-specific mode).',
};

type SourceState = Pick<SourceRow, 'last_fetch_state' | 'unreadable_records'>;

/**
 * Good only when the log shows the engine's calls, its last read finished and every
 * record in it could be read: a failed read or an unreadable record (which may be a use
 * of the key) caps the health at degraded.
 */
export function healthOf(fraction: number | null, source?: SourceState): EvidenceCoverageView['health'] {
  if (fraction === null) return 'unknown';
  const h = fraction >= 0.99 ? 'good' : fraction >= 0.9 ? 'degraded' : 'poor';
  const doubtful = source?.last_fetch_state === 'failed' || (source?.unreadable_records ?? 0) > 0;
  return h === 'good' && doubtful ? 'degraded' : h;
}

function unreadableNote(source: SourceRow | undefined): string | null {
  const n = source?.unreadable_records ?? 0;
  return n > 0 ? `${n} record(s) in this log could not be read; they are kept with their raw text and may be uses of this key.` : null;
}

export function diagnose(provider: string, source: SourceRow | undefined, t: CoverageTally): string | null {
  const main = mainDiagnosis(provider, source, t);
  const note = unreadableNote(source);
  return main && note ? `${main} ${note}` : main ?? note;
}

function failure(source: SourceRow): string {
  return `${source.last_error_kind ? `${source.last_error_kind}: ` : ''}${source.last_error ?? 'unknown error'}`;
}

function mainDiagnosis(provider: string, source: SourceRow | undefined, t: CoverageTally): string | null {
  if (!source || source.read_until === null) {
    if (source?.last_fetch_state === 'failed') return `The provider log could not be read (${failure(source)}).`;
    return 'The provider log has not been read yet: run evidence fetch.';
  }
  if (source.last_fetch_state === 'failed') {
    return `The last read failed (${failure(source)}); results use what was read up to ${source.read_until}.`;
  }
  if (t.expected === 0) return t.pending > 0 ? `${t.pending} recent call(s) are still inside the provider's delivery delay.` : null;
  const fraction = t.seen / t.expected;
  if (fraction >= 0.99) return null;
  const missing = t.expected - t.seen;
  if (t.seen === 0) return `The provider log shows none of the engine's ${t.expected} call(s) to this key. ${HINT[provider] ?? ''}`.trim();
  return `The provider log is missing ${missing} of ${t.expected} call(s) (${Math.round(fraction * 100)}% coverage): a logging gap. ${HINT[provider] ?? ''}`.trim();
}
