/**
 * Full verification of the audit log in one pass over the stored rows: the hash chain
 * (names an edited, deleted, reordered or inserted entry), the RFC 9162 tree re-derived
 * from the entries (compared with every signed checkpoint at its size, and with the
 * stored tree), and the newest checkpoint's size (a truncated tail). Rows are read raw
 * and hashed as stored (entry-text.ts): no JSON parsing on the hot path.
 */
import { hash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { LogCheckSummary } from '../api/audit-types';
import type { ChainVerification } from '../api/types';
import { entryText, type AuditColumns } from './entry-text';
import { shortHex } from './tlog/encoding';
import { HASH_SIZE } from './tlog/hash';
import { StreamingTreeHash } from './tlog/merkle';
import type { MerkleLog } from './tlog/merkle-log';
import type { Checkpoint } from './tlog/checkpoint';

export const GENESIS = Buffer.alloc(HASH_SIZE);
const GENESIS_HEX = GENESIS.toString('hex');

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

type Row = [number, string, string, string, string, string | null, string, Buffer];
const ROW_COLUMNS = 'seq, at, actor, address, action, tenant_id, payload, entry_hash';

/**
 * The hot scan has SQLite assemble each row as ONE string, `<seq> <canonical JSON><hex
 * entry hash>` (json_quote escapes as JSON.stringify does for the strings SQLite holds):
 * one value per row instead of eight, and no Buffer per row, which is most of the cost of
 * reading a million rows. entry-text.ts stays the reference: a row whose fast form does
 * not check out is re-read column by column before anything is reported. prev_hash is
 * left out: the entry hash covers it; it is read only to word a failure.
 */
export const FAST_ROW =
  `seq || ' ' || '{"action":' || json_quote(action) || ',"actor":' || json_quote(actor) || ',"address":' || json_quote(address) || ` +
  `',"at":' || json_quote(at) || ',"payload":' || payload || ',"seq":' || seq || ',"tenant_id":' || json_quote(tenant_id) || '}' || lower(hex(entry_hash))`;
const HEX_HASH = HASH_SIZE * 2;

/**
 * Hashes one entry twice from one scratch buffer: [prev hash | entry] for the chain, then
 * [0x00 | entry] for the leaf by writing 0x00 over prev's last byte. Digests come back as
 * strings (hex for the chain, compared with the stored hex; latin1 for the leaf, fed to
 * the tree): crypto.hash returns a string two to three times faster than a Buffer.
 */
class EntryHasher {
  #buf = Buffer.allocUnsafe(4096);
  /** The leaf hash (latin1) of the entry last passed to `chainHex`. */
  leaf = '';

  /** SHA-256(prev || entry) in hex; sets `leaf` to SHA-256(0x00 || entry). */
  chainHex(prevHex: string, text: string): string {
    if (HASH_SIZE + text.length * 3 > this.#buf.length) this.#buf = Buffer.allocUnsafe((HASH_SIZE + text.length * 3) * 2);
    const buf = this.#buf;
    buf.write(prevHex, 0, HASH_SIZE, 'hex');
    const end = HASH_SIZE + buf.write(text, HASH_SIZE, 'utf8');
    const chain = hash('sha256', buf.subarray(0, end), 'hex');
    buf[HASH_SIZE - 1] = 0x00;
    this.leaf = hash('sha256', buf.subarray(HASH_SIZE - 1, end), 'binary');
    return chain;
  }
}

function columns(r: Row): AuditColumns {
  return { seq: r[0], at: r[1], actor: r[2], address: r[3], action: r[4], tenant_id: r[5], payload: r[6] };
}

export function verifyAuditLog(input: LogVerifyInput): ChainVerification {
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
    latest_checkpoint: latest
      ? { tree_size: latest.checkpoint.treeSize, root_hash: latest.checkpoint.rootHash.toString('base64'), created_at: latest.created_at, source: latest.source }
      : null,
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
