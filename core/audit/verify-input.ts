/**
 * What a full log verification works from: the database, the stored tree, and the
 * checkpoints whose signatures were already checked.
 */
import type { Database } from 'better-sqlite3';
import type { LogCheckSummary } from '../api/audit-types';
import type { Checkpoint } from './tlog/checkpoint';
import type { MerkleLog } from './tlog/merkle-log';

/** A checkpoint whose signature was already checked (or the reason it failed). */
export interface TrustedCheckpoint {
  checkpoint: Checkpoint;
  created_at: string | null;
  source: 'database' | 'witness';
}

export interface LogVerifyInput {
  db: Database;
  tree: MerkleLog;
  /** Signature-checked checkpoints, any order. */
  checkpoints: readonly TrustedCheckpoint[];
  /** A checkpoint that failed its signature check: reported as such. */
  badCheckpoint?: { tree_size: number | null; reason: string; source: 'database' | 'witness' };
  pageSize?: number;
}

export function latestCheckpointView(latest: TrustedCheckpoint | undefined): LogCheckSummary['latest_checkpoint'] {
  if (!latest) return null;
  return { tree_size: latest.checkpoint.treeSize, root_hash: latest.checkpoint.rootHash.toString('base64'), created_at: latest.created_at, source: latest.source };
}
