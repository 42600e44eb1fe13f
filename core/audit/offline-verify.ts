/**
 * What an auditor runs: a proof document (a bundle, or the `audit prove` result that
 * wraps one) checked with nothing but the log's verifier key. No database, no network.
 */
import type { ProofCheckView } from '../api/audit-types';
import { parseProofBundle } from './tlog/proof-bundle';
import { verifyProofBundle } from './tlog/verify-proofs';

/** Accepts a bundle or `{ bundle: … }` (what `audit prove --json` prints), as JSON text or a value. */
export function checkProofDocument(document: unknown, verifierKey: string): ProofCheckView {
  let value = document;
  if (typeof document === 'string') {
    try {
      value = JSON.parse(document);
    } catch (e) {
      return { kind: 'inclusion', tree_size: 0, verdict: { ok: false, reason: `proof file is not valid JSON: ${(e as Error).message}` } };
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && 'bundle' in value) value = (value as { bundle: unknown }).bundle;
  const parsed = parseProofBundle(value);
  if (!parsed.ok) return { kind: 'inclusion', tree_size: 0, verdict: parsed };
  const b = parsed.value;
  const verdict = verifyProofBundle(b, verifierKey.trim());
  return b.kind === 'inclusion'
    ? { kind: 'inclusion', tree_size: b.tree_size, index: b.index, verdict }
    : { kind: 'consistency', tree_size: b.new_size, old_size: b.old_size, verdict };
}
