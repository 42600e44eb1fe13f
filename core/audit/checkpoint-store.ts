/** The SQL for audit_checkpoints: one signed note per tree size, never rewritten. */
import type { Database, Statement } from 'better-sqlite3';

export interface StoredCheckpoint {
  tree_size: number;
  /** The signed note text (C2SP tlog-checkpoint body + signature line). */
  note: string;
  created_at: string;
}

export class CheckpointStore {
  readonly #insert: Statement<[number, string, string]>;
  readonly #at: Statement<[number], StoredCheckpoint>;
  readonly #latest: Statement<[], StoredCheckpoint>;
  readonly #covering: Statement<[number], StoredCheckpoint>;
  readonly #all: Statement<[], StoredCheckpoint>;

  constructor(db: Database) {
    // OR IGNORE: a second checkpoint of the same size is the same tree head; keep the first.
    this.#insert = db.prepare('INSERT OR IGNORE INTO audit_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)');
    this.#at = db.prepare('SELECT tree_size, note, created_at FROM audit_checkpoints WHERE tree_size = ?');
    this.#latest = db.prepare('SELECT tree_size, note, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1');
    this.#covering = db.prepare('SELECT tree_size, note, created_at FROM audit_checkpoints WHERE tree_size >= ? ORDER BY tree_size DESC LIMIT 1');
    this.#all = db.prepare('SELECT tree_size, note, created_at FROM audit_checkpoints ORDER BY tree_size');
  }

  insert(cp: StoredCheckpoint): StoredCheckpoint {
    this.#insert.run(cp.tree_size, cp.note, cp.created_at);
    return this.at(cp.tree_size) as StoredCheckpoint;
  }

  at(treeSize: number): StoredCheckpoint | undefined {
    return this.#at.get(treeSize);
  }

  latest(): StoredCheckpoint | undefined {
    return this.#latest.get();
  }

  /** The newest checkpoint whose tree contains leaf `size - 1`. */
  covering(size: number): StoredCheckpoint | undefined {
    return this.#covering.get(size);
  }

  /** Every checkpoint, oldest first (a few per critical action: small). */
  all(): StoredCheckpoint[] {
    return this.#all.all();
  }
}
