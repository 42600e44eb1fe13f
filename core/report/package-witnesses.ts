/**
 * The witnesses at export: the package's own checkpoint is written to every witness now
 * (a failure is recorded and the export goes on), then every witness's records are read
 * back, and those the package's log is consistent with go in with their proofs.
 */
import type { Keywarden } from '../keywarden';
import type { LogAnchor } from './log-anchor';
import { witnessesDocument, witnessSummary, type WitnessesFile, type WitnessSummary } from './witnesses-file';

export async function packageWitnesses(kw: Keywarden, anchor: LogAnchor): Promise<{ doc: WitnessesFile | null; summary: WitnessSummary }> {
  const configs = kw.witness.store.configs();
  if (configs.length === 0) {
    return { doc: null, summary: { witnessed: [], inconsistent: 0, writes_at_export: 0, writes_failed: 0, untrusted_records: 0, read_errors: [], configured: 0 } };
  }
  const written = await kw.witness.witnessNow('export');
  const back = await kw.witness.readBack();
  const kinds = new Map(configs.map((c) => [c.id, c.kind as string]));
  const doc = witnessesDocument(kw.auditLog, anchor, back.records, kinds, written.runs, back.errors.map((e) => `${e.kind} ${e.witness_id}: ${e.message}`));
  return { doc, summary: witnessSummary(doc, configs.length) };
}
