/**
 * One calendar day of provider evidence in words and in one of five states, the worst
 * first: an integrity problem (a rejected or altered archive file), archive evidence whose
 * signatures verified, archive evidence without that proof, the live API only, none.
 */
import type { CoverageDay } from '../../../../core/evidence/archive/types';
import { formatCount, plural } from '../../lib/format';

export type DayStatus = 'integrity_failure' | 'archive_validated' | 'archive_unvalidated' | 'api' | 'none';

export const DAY_STATUS_ORDER: readonly DayStatus[] = ['archive_validated', 'archive_unvalidated', 'api', 'none', 'integrity_failure'];

export const DAY_STATUS_WORDS: Record<DayStatus, string> = {
  archive_validated: 'Archive, validated',
  archive_unvalidated: 'Archive, not validated',
  api: 'Live API only',
  none: 'No evidence',
  integrity_failure: 'Integrity problem',
};

export function dayStatus(d: CoverageDay): DayStatus {
  if (d.integrity === 'problem') return 'integrity_failure';
  if (d.archive_validated > 0 || (d.archive_files > 0 && d.integrity === 'valid')) return 'archive_validated';
  if (d.archive_unvalidated > 0 || d.archive_files > 0) return 'archive_unvalidated';
  if (d.api > 0) return 'api';
  return 'none';
}

/** "2026-03-04, AWS: Archive, not validated. 12 events from archives (not validated), 3 from the API; 24 archive files; integrity: hashes match." */
export function describeDay(d: CoverageDay, providerName: string): string {
  const parts: string[] = [];
  if (d.archive_validated > 0) parts.push(`${formatCount(d.archive_validated)} from validated archives`);
  if (d.archive_unvalidated > 0) parts.push(`${formatCount(d.archive_unvalidated)} from archives (not validated)`);
  if (d.api > 0) parts.push(`${formatCount(d.api)} from the API`);
  const events = parts.length > 0 ? `Events: ${parts.join(', ')}.` : 'No provider event.';
  const files = d.archive_files > 0 ? ` ${plural(d.archive_files, 'archive file')} read.` : '';
  const integrity =
    d.integrity === 'problem'
      ? ' Integrity: a file was rejected or altered.'
      : d.integrity === 'valid'
        ? ' Integrity: signatures verified.'
        : d.integrity === 'hash_matches'
          ? ' Integrity: hashes match, signatures not checked.'
          : d.integrity === 'unchecked'
            ? ' Integrity: not checked.'
            : '';
  return `${d.day}, ${providerName}: ${DAY_STATUS_WORDS[dayStatus(d)]}. ${events}${files}${integrity}`;
}
