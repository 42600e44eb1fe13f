/**
 * The local log's Merkle root at given sizes, recomputed from the entries themselves
 * (not from the stored tree, which whoever rewrote the entries could have rebuilt too):
 * one pass over audit_log in seq order, the RFC 9162 root taken as each size is reached.
 */
import type { Database } from 'better-sqlite3';
import { entryText, type AuditColumns } from '../audit/entry-text';
import { leafHash } from '../audit/tlog/hash';
import { StreamingTreeHash } from '../audit/tlog/merkle';

export interface LocalRoots {
  /** Entries in the log (rows read). */
  entries: number;
  /** Root (base64) at each asked size the log reaches. */
  roots: Map<number, string>;
}

export function localRootsAt(db: Database, sizes: Iterable<number>): LocalRoots {
  const wanted = [...new Set(sizes)].filter((n) => Number.isSafeInteger(n) && n >= 0).sort((a, b) => a - b);
  const roots = new Map<number, string>();
  const tree = new StreamingTreeHash();
  let i = 0;
  while (wanted[i] === 0) {
    roots.set(0, tree.root().toString('base64'));
    i++;
  }
  const rows = db.prepare<[], AuditColumns>('SELECT seq, at, actor, address, action, tenant_id, payload FROM audit_log ORDER BY seq').iterate();
  let entries = 0;
  for (const r of rows) {
    tree.add(leafHash(Buffer.from(entryText(r), 'utf8')));
    entries++;
    while (i < wanted.length && wanted[i] === entries) {
      roots.set(entries, tree.root().toString('base64'));
      i++;
    }
  }
  return { entries, roots };
}
