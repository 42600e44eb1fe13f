/** How each cross-check class is named and coloured in the window. */
import type { EvidenceClassName } from '../../../../core/api/evidence-types';
import type { Tone } from '../../components/badge';

export interface ClassMeta {
  label: string;
  tone: Tone;
  /** Bar colour in the timeline (a CSS variable). */
  color: string;
  help: string;
}

export const CLASS_ORDER: EvidenceClassName[] = ['provider_only', 'foreign_correlation', 'principal_mismatch', 'app_only_missing', 'matched_weak', 'app_only_pending', 'matched', 'failed_call', 'key_event'];

export const CLASS_META: Record<EvidenceClassName, ClassMeta> = {
  provider_only: { label: 'Provider only', tone: 'red', color: 'var(--red-strong)', help: 'Key use in the provider’s log that the engine did not make.' },
  foreign_correlation: {
    label: 'Unknown id',
    tone: 'red',
    color: '#b42318',
    help: 'A record carrying a Keywarden correlation id that no call of this installation made: another installation on this key, or a replayed id.',
  },
  principal_mismatch: { label: 'Principal mismatch', tone: 'amber', color: 'var(--amber-strong)', help: 'The provider logged the engine’s call under another identity.' },
  app_only_missing: { label: 'Missing from log', tone: 'amber', color: '#dc6803', help: 'The engine made the call; the provider’s log does not show it although its delivery delay has passed.' },
  app_only_pending: { label: 'Pending delivery', tone: 'grey', color: 'var(--text-4)', help: 'Not in the provider’s log yet, but still inside its delivery delay.' },
  matched_weak: {
    label: 'Weak match',
    tone: 'amber',
    color: '#f79009',
    help: 'No record carries the call’s id; one without a usable user agent fits it in key, operation, outcome, principal and time. Likely, not proven.',
  },
  matched: { label: 'Matched', tone: 'green', color: 'var(--green-strong)', help: 'The provider’s record carries the call’s id, with the same outcome and principal.' },
  failed_call: { label: 'Failed calls', tone: 'grey', color: '#98a2b3', help: 'Calls that failed (denied, unreachable): kept apart, they used no key.' },
  key_event: { label: 'Key events', tone: 'blue', color: 'var(--blue)', help: 'Reads and key-state changes (DisableKey, policy edits) the engine did not make.' },
};
