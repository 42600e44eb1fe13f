/**
 * The witness verdicts, pure: every trusted record's (size, root) against the local
 * log's recomputed root at that size. Equal: consistent. Different, or the log shorter
 * than the witnessed size: inconsistent, history was rewritten or cut after the provider
 * recorded it. Malformed and other-origin records are only listed.
 */
import type { WitnessedCheckpointView, WitnessRecordView } from '../api/witness-types';
import type { LocalRoots } from './local-roots';
import type { WitnessRecord } from './types';

export function recordView(r: WitnessRecord): WitnessRecordView {
  return {
    witness_id: r.witness_id,
    kind: r.kind,
    state: r.state,
    problem: r.problem,
    origin: r.origin,
    tree_size: r.tree_size,
    root_hash: r.root_hash,
    provider_event_id: r.provider_event_id,
    provider_time: r.provider_time,
    correlation_id: r.correlation_id,
  };
}

export interface RecordVerdicts {
  witnessed: WitnessedCheckpointView[];
  first_inconsistent: WitnessedCheckpointView | null;
  untrusted: WitnessRecordView[];
}

/** One record per (witness, provider event id): a duplicate delivery counts once. */
export function uniqueRecords(records: readonly WitnessRecord[]): WitnessRecord[] {
  const seen = new Map<string, WitnessRecord>();
  for (const r of records) {
    const key = `${r.witness_id}\n${r.provider_event_id}`;
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()];
}

export function judgeRecords(records: readonly WitnessRecord[], local: LocalRoots): RecordVerdicts {
  const witnessed: WitnessedCheckpointView[] = [];
  const untrusted: WitnessRecordView[] = [];
  for (const r of uniqueRecords(records)) {
    if (r.state !== 'ok' || r.tree_size === null || r.root_hash === null) {
      untrusted.push(recordView(r));
      continue;
    }
    const mine = local.roots.get(r.tree_size) ?? null;
    if (mine === null) {
      witnessed.push({
        ...recordView(r),
        verdict: 'inconsistent',
        local_root: null,
        reason: `the provider recorded a log of ${r.tree_size} entries, but the local log has only ${local.entries}: entries were removed`,
      });
    } else if (mine !== r.root_hash) {
      witnessed.push({
        ...recordView(r),
        verdict: 'inconsistent',
        local_root: mine,
        reason: `the local log's first ${r.tree_size} entries hash to ${mine.slice(0, 12)}…, but the provider recorded ${r.root_hash.slice(0, 12)}…: history was rewritten after it was witnessed`,
      });
    } else {
      witnessed.push({ ...recordView(r), verdict: 'consistent', local_root: mine, reason: null });
    }
  }
  witnessed.sort((a, b) => (a.tree_size ?? 0) - (b.tree_size ?? 0) || (a.provider_time ?? '').localeCompare(b.provider_time ?? ''));
  const first_inconsistent = witnessed.find((w) => w.verdict === 'inconsistent') ?? null;
  return { witnessed, first_inconsistent, untrusted };
}
