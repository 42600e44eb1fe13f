/**
 * Full verification of the audit log: the hash chain (names an edited, deleted,
 * reordered or inserted entry), the RFC 9162 tree re-derived from the entries (compared
 * with every signed checkpoint at its size, and with the stored tree), and the newest
 * checkpoint's size (a truncated tail). A good log is proved good page by page
 * (paged-verify.ts); the row-by-row scan here runs when that fails, to name the first
 * bad entry. Rows are hashed as stored (entry-text.ts): no JSON parsing.
 */
import type { Statement } from 'better-sqlite3';
import type { LogCheckSummary } from '../api/audit-types';
import type { ChainVerification } from '../api/types';
import { EntryHasher, FAST_ROW, HEX_HASH } from './entry-hasher';
import { entryText, type AuditColumns } from './entry-text';
import { shortHex } from './tlog/encoding';
import { HASH_SIZE } from './tlog/hash';
import { StreamingTreeHash } from './tlog/merkle';
import { verifyPagesInThread } from './paged-verify';
import { latestCheckpointView, type LogVerifyInput, type TrustedCheckpoint } from './verify-input';

export type { LogVerifyInput, TrustedCheckpoint } from './verify-input';

export const GENESIS = Buffer.alloc(HASH_SIZE);
const GENESIS_HEX = GENESIS.toString('hex');

type Row = [number, string, string, string, string, string | null, string, Buffer];
const ROW_COLUMNS = 'seq, at, actor, address, action, tenant_id, payload, entry_hash';

function columns(r: Row): AuditColumns {
  return { seq: r[0], at: r[1], actor: r[2], address: r[3], action: r[4], tenant_id: r[5], payload: r[6] };
}

/** The fast paged proof first; the row-by-row scan, which names what is wrong, only if it fails. */
export function verifyAuditLog(input: LogVerifyInput): ChainVerification {
  return verifyPagesInThread(input) ?? verifyRowByRow(input);
}

export function verifyRowByRow(input: LogVerifyInput): ChainVerification {
  const pageSize = input.pageSize ?? 10_000;
  const page: Statement<[number, number], string> = input.db.prepare<[number, number], string>(`SELECT ${FAST_ROW} FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?`).pluck();
  const referenceRow = input.db.prepare<[number], Row>(`SELECT ${ROW_COLUMNS} FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT 1`).raw();
  const prevHashOf = input.db.prepare<[number], Buffer>('SELECT prev_hash FROM audit_log WHERE seq = ?').pluck();
  const checkpoints = [...input.checkpoints].sort((a, b) => a.checkpoint.treeSize - b.checkpoint.treeSize);
  const latest = checkpoints[checkpoints.length - 1];
  const hasher = new EntryHasher();
  const tree = new StreamingTreeHash();
  let nextCp = 0;
  let checked = 0;
  let prevHex = GENESIS_HEX;
  let expectedSeq = 1;
  let count = 0;

  const summary = (): LogCheckSummary => ({
    root: tree.root().toString('base64'),
    checkpoints_checked: checked,
    latest_checkpoint: latestCheckpointView(latest),
  });
  const fail = (seq: number, reason: string): ChainVerification => ({ ok: false, entries: count, first_bad_seq: seq, reason, ...summary() });

  while (nextCp < checkpoints.length && (checkpoints[nextCp] as TrustedCheckpoint).checkpoint.treeSize === 0) {
    if (!(checkpoints[nextCp] as TrustedCheckpoint).checkpoint.rootHash.equals(tree.root())) return fail(1, 'a signed checkpoint of the empty log does not carry the empty tree hash');
    nextCp++;
    checked++;
  }
  if (input.badCheckpoint) {
    const b = input.badCheckpoint;
    const where = b.source === 'witness' ? 'the witness file beside the database' : 'the database';
    return fail(b.tree_size === null ? 1 : Math.max(1, b.tree_size), `checkpoint${b.tree_size === null ? '' : ` at tree size ${b.tree_size}`} in ${where} is not signed by this log's key: ${b.reason}`);
  }

  for (;;) {
    const rows = page.all(expectedSeq, pageSize);
    for (const r of rows) {
      const space = r.indexOf(' ');
      const end = r.length - HEX_HASH;
      let storedHex = r.slice(end);
      if (hasher.chainHex(prevHex, r.slice(space + 1, end)) !== storedHex || r.slice(0, space) !== String(expectedSeq)) {
        // The slow, exact path: names what is wrong, or clears a row the fast form misread.
        const ref = referenceRow.get(expectedSeq) as Row;
        const seq = ref[0];
        if (seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing (next present is ${seq})`);
        storedHex = ref[7].toString('hex');
        if (hasher.chainHex(prevHex, entryText(columns(ref))) !== storedHex) {
          if (prevHashOf.get(seq)?.toString('hex') !== prevHex) {
            return fail(seq, `entry ${seq} does not link to entry ${seq - 1} (reordered, inserted or the one before was changed)`);
          }
          return fail(seq, `entry ${seq} was altered (its content does not match its hash)`);
        }
      }
      tree.addLatin1(hasher.leaf);
      prevHex = storedHex;
      expectedSeq++;
      count++;
      while (nextCp < checkpoints.length && (checkpoints[nextCp] as TrustedCheckpoint).checkpoint.treeSize === count) {
        const cp = checkpoints[nextCp] as TrustedCheckpoint;
        const root = tree.root();
        if (!root.equals(cp.checkpoint.rootHash)) return rootMismatch(input, cp, checkpoints[nextCp - 1], root, fail);
        nextCp++;
        checked++;
      }
    }
    if (rows.length < pageSize) break;
  }

  if (latest && latest.checkpoint.treeSize > count) {
    return fail(
      count + 1,
      `the log ends at entry ${count} but a signed checkpoint${latest.created_at ? ` of ${latest.created_at}` : ''} covers ${latest.checkpoint.treeSize} entries: entries ${count + 1} to ${latest.checkpoint.treeSize} were removed (truncated tail)`,
    );
  }
  const stored = input.tree.size();
  if (stored > count) return fail(count + 1, `the log ends at entry ${count} but its Merkle tree holds ${stored} leaves: entries ${count + 1} to ${stored} were removed (truncated tail)`);
  if (stored < count) return fail(stored + 1, `entries ${stored + 1} to ${count} are not in the Merkle tree (added outside Keywarden)`);
  if (count > 0) {
    const storedRoot = input.tree.root(count);
    const derived = tree.root();
    if (!storedRoot.equals(derived)) {
      const at = firstLeafMismatch(input, 0, count);
      return fail(at ?? 1, `the entries do not hash to the stored Merkle tree (derived root ${shortHex(derived)}…, stored ${shortHex(storedRoot)}…)${at ? `: entry ${at} is the first that differs` : ''}`);
    }
  }
  return { ok: true, entries: count, head: prevHex, ...summary() };
}

/**
 * The chain checked out but a signed root does not: the chain was rewritten. The stored
 * tree usually still holds the original leaf hashes, which names the entry; otherwise
 * the fault lies between the last matching checkpoint and this one.
 */
function rootMismatch(
  input: LogVerifyInput,
  cp: TrustedCheckpoint,
  before: TrustedCheckpoint | undefined,
  derived: Buffer,
  fail: (seq: number, reason: string) => ChainVerification,
): ChainVerification {
  const from = before?.checkpoint.treeSize ?? 0;
  const to = cp.checkpoint.treeSize;
  const at = firstLeafMismatch(input, from, to);
  const head = `the entries do not match the signed checkpoint at tree size ${to} (derived root ${shortHex(derived)}…, signed ${shortHex(cp.checkpoint.rootHash)}…)`;
  if (at !== undefined) return fail(at, `${head}: entry ${at} was altered and its chain hashes rewritten`);
  return fail(from + 1, `${head}: an entry between ${from + 1} and ${to} was altered and the chain rewritten`);
}

/** The first seq in (from, to] whose leaf hash differs from the stored tree's leaf. */
function firstLeafMismatch(input: LogVerifyInput, from: number, to: number): number | undefined {
  const rows = input.db
    .prepare<[number, number], Row>(`SELECT ${ROW_COLUMNS} FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq`)
    .raw()
    .iterate(from, to);
  const hasher = new EntryHasher();
  for (const r of rows) {
    hasher.chainHex(GENESIS_HEX, entryText(columns(r)));
    if (r[0] > input.tree.size()) return undefined;
    if (!Buffer.from(hasher.leaf, 'latin1').equals(input.tree.leafHash(r[0] - 1))) return r[0];
  }
  return undefined;
}
