/**
 * What one archived record (a LogEntry line, an AuditEvent line) turned out to be, once
 * parsed and normalized with the same normalizer as the live API path: a provider event
 * for one of the tenant's keys, a record for another key, a record of another service,
 * a record outside the period, or an unreadable record kept with its raw text.
 */
import type { UnreadableItem } from '../readers/types';
import type { NormalizedEvent } from '../types';

export type RecordOutcome =
  | { kind: 'event'; event: NormalizedEvent }
  | { kind: 'other_key'; at: string }
  | { kind: 'other_service' }
  | { kind: 'outside_period' }
  | { kind: 'unreadable'; item: UnreadableItem; keyRef: string | null; notJson: boolean };

export interface RecordFilter {
  /** The tenant's keys as the normalizer names them (CryptoKey paths, vault key URLs). */
  keyRefs: readonly string[];
  fromMs: number;
  toMs: number;
}

/** A matcher from a normalized key_ref to the tenant's own spelling of it, or null. */
export function keyMatcher(keyRefs: readonly string[], caseInsensitive: boolean): (ref: string) => string | null {
  const byRef = new Map(keyRefs.map((k) => [caseInsensitive ? k.toLowerCase() : k, k]));
  return (ref) => byRef.get(caseInsensitive ? ref.toLowerCase() : ref) ?? null;
}

/** The tenant key whose name appears in an unreadable record's text, if exactly one does. */
export function keyNamedIn(raw: string, keyRefs: readonly string[], caseInsensitive: boolean): string | null {
  const hay = caseInsensitive ? raw.toLowerCase() : raw;
  const hits = keyRefs.filter((k) => hay.includes(caseInsensitive ? k.toLowerCase() : k));
  return hits.length === 1 ? hits[0]! : null;
}

export function inPeriod(atIso: string, f: Pick<RecordFilter, 'fromMs' | 'toMs'>): boolean {
  const t = Date.parse(atIso);
  return t >= f.fromMs && t < f.toMs;
}
