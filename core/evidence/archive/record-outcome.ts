/**
 * What one archived record (a LogEntry line, an AuditEvent line) turned out to be, once
 * parsed and normalized with the same normalizer as the live API path: a provider event
 * for one of the tenant's keys, a record for another key, a record of another service,
 * or an unreadable record kept with its raw text.
 */
import type { UnreadableItem } from '../readers/types';
import type { NormalizedEvent } from '../types';

export type RecordOutcome =
  | { kind: 'event'; event: NormalizedEvent }
  | { kind: 'other_key'; at: string }
  | { kind: 'other_service' }
  | { kind: 'unreadable'; item: UnreadableItem; notJson: boolean };

/**
 * A matcher from a record's key_ref to the tenant's own spelling of that key, or null:
 * both sides are put in one canonical form first (a version cut off, case folded…).
 */
export function keyMatcher(keyRefs: readonly string[], canonical: (ref: string) => string): (ref: string) => string | null {
  const byRef = new Map<string, string>();
  for (const k of keyRefs) if (!byRef.has(canonical(k))) byRef.set(canonical(k), k); // the first spelling wins (the key ref before its ids)
  return (ref) => byRef.get(canonical(ref)) ?? null;
}
