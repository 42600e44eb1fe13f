/**
 * audit/witnesses.json: the checkpoints the customer's own cloud logs recorded (CloudTrail
 * eventID, Logging insertId, secret version id), each with an RFC 9162 consistency proof
 * from the witnessed (size, root) to the package's own signed checkpoint, so an auditor
 * can check offline that this package's log extends what the provider saw, then look the
 * event ids up in their own console. Also: the witness writes made for this export (not
 * yet delivered), witnessed roots the log no longer has (an alarm), and unread logs.
 */
import { z } from 'zod';
import type { AuditLedger } from '../audit/audit-ledger';
import type { WitnessRunView } from '../api/witness-types';
import type { WitnessRecord } from '../witness/types';
import type { LogAnchor } from './log-anchor';

export const WITNESSES_FILE = 'audit/witnesses.json';
const b64 = z.string().max(100);

export const witnessedSchema = z.strictObject({
  kind: z.string().max(40),
  witness_id: z.string().max(100),
  provider_event_id: z.string().min(1).max(300),
  provider_time: z.string().max(40).nullable(),
  tree_size: z.int().nonnegative(),
  root_hash: b64,
  /** base64 hashes from the witnessed tree to the package's checkpoint. */
  consistency_proof: z.array(b64).max(128),
});

export const witnessesFileSchema = z.strictObject({
  format: z.literal('keywarden-checkpoint-witnesses'),
  version: z.literal(1),
  checkpoint: z.strictObject({ tree_size: z.int().nonnegative(), root_hash: b64 }),
  witnessed: z.array(witnessedSchema).max(100_000),
  inconsistent: z.array(z.strictObject({ kind: z.string(), provider_event_id: z.string(), provider_time: z.string().nullable(), tree_size: z.int().nonnegative(), root_hash: b64, reason: z.string() })),
  writes_at_export: z.array(z.strictObject({ kind: z.string(), witness_id: z.string(), state: z.string(), tree_size: z.int().nonnegative(), correlation_id: z.string().nullable(), failure: z.string().nullable() })),
  untrusted_records: z.int().nonnegative(),
  read_errors: z.array(z.string()),
});

export type WitnessesFile = z.infer<typeof witnessesFileSchema>;

/** The summary the report model (report.json, the PDF) carries. */
export interface WitnessSummary {
  witnessed: { kind: string; provider_event_id: string; provider_time: string | null; tree_size: number }[];
  inconsistent: number;
  writes_at_export: number;
  writes_failed: number;
  untrusted_records: number;
  read_errors: string[];
  configured: number;
}

export function witnessesDocument(
  ledger: AuditLedger,
  anchor: LogAnchor,
  records: readonly WitnessRecord[],
  kinds: ReadonlyMap<string, string>,
  writes: readonly WitnessRunView[],
  readErrors: readonly string[],
): WitnessesFile {
  const witnessed: WitnessesFile['witnessed'] = [];
  const inconsistent: WitnessesFile['inconsistent'] = [];
  let untrusted = 0;
  for (const r of records) {
    if (r.state !== 'ok' || r.tree_size === null || r.root_hash === null) {
      untrusted++;
      continue;
    }
    // A witness of a later tree than this package's says nothing about this package.
    if (r.tree_size > anchor.treeSize) continue;
    const mine = ledger.tree.root(r.tree_size).toString('base64');
    if (mine !== r.root_hash) {
      inconsistent.push({ kind: r.kind, provider_event_id: r.provider_event_id, provider_time: r.provider_time, tree_size: r.tree_size, root_hash: r.root_hash, reason: `the log's first ${r.tree_size} entries hash to ${mine}, not the witnessed root` });
      continue;
    }
    witnessed.push({
      kind: r.kind,
      witness_id: r.witness_id,
      provider_event_id: r.provider_event_id,
      provider_time: r.provider_time,
      tree_size: r.tree_size,
      root_hash: r.root_hash,
      consistency_proof: ledger.tree.consistencyProof(r.tree_size, anchor.treeSize).map((h) => h.toString('base64')),
    });
  }
  witnessed.sort((a, b) => a.tree_size - b.tree_size || (a.provider_time ?? '').localeCompare(b.provider_time ?? ''));
  return {
    format: 'keywarden-checkpoint-witnesses',
    version: 1,
    checkpoint: { tree_size: anchor.treeSize, root_hash: anchor.rootHash },
    witnessed,
    inconsistent,
    writes_at_export: writes.map((w) => ({ kind: kinds.get(w.witness_id) ?? 'unknown', witness_id: w.witness_id, state: w.state, tree_size: w.tree_size, correlation_id: w.correlation_id, failure: w.failure_reason ? `${w.failure_reason}: ${w.failure_message ?? ''}` : null })),
    untrusted_records: untrusted,
    read_errors: [...readErrors],
  };
}

export function witnessSummary(doc: WitnessesFile, configured: number): WitnessSummary {
  return {
    witnessed: doc.witnessed.map((w) => ({ kind: w.kind, provider_event_id: w.provider_event_id, provider_time: w.provider_time, tree_size: w.tree_size })),
    inconsistent: doc.inconsistent.length,
    writes_at_export: doc.writes_at_export.length,
    writes_failed: doc.writes_at_export.filter((w) => w.state !== 'ok').length,
    untrusted_records: doc.untrusted_records,
    read_errors: doc.read_errors,
    configured,
  };
}

