/**
 * Results of checking untrusted input. Everything in this library that reads input it
 * did not produce (proofs, checkpoints, notes, keys, bundles) returns one of these
 * instead of throwing: a failed check is an expected answer, and the reason is the
 * message a compliance officer reads. Misuse by our own code (asking for a proof of a
 * leaf the log does not have) throws a RangeError instead.
 */

export interface Rejection {
  ok: false;
  /** Specific and human-readable, e.g. "proof has 3 hashes, expected 4". */
  reason: string;
}

export type Verdict = { ok: true } | Rejection;

export type Outcome<T> = { ok: true; value: T } | Rejection;

export const ACCEPTED: Verdict = Object.freeze({ ok: true }) as Verdict;

export function reject(reason: string): Rejection {
  return { ok: false, reason };
}

export function accept<T>(value: T): Outcome<T> {
  return { ok: true, value };
}
