/**
 * One page of a parallel log verification: entries lo..hi re-hashed against their stored
 * chain hashes, and the page's own Merkle subtree. Pages are aligned runs of a power of
 * two entries, so a full page is one perfect subtree of the log's tree and the caller can
 * stitch pages into the whole tree without seeing their leaves. Every entry is checked
 * against the STORED hash of the entry before it (the page's first against the previous
 * page's last, read here), so pages are independent and the chain is whole when every
 * page checks out.
 *
 * This path only proves a good log good. Anything else comes back as `ok: false` and the
 * caller re-runs the in-thread verifier, which words the precise reason.
 */
import type { Database, Statement } from 'better-sqlite3';
import { hash } from 'node:crypto';
import { HASH_SIZE } from './tlog/hash';
import { StreamingTreeHash } from './tlog/merkle';

const GENESIS = Buffer.alloc(HASH_SIZE);

export interface PageRequest {
  /** First and last seq of the page (1-based; leaf index is seq - 1). */
  lo: number;
  hi: number;
  /** Tree sizes in [lo, hi] whose compact range the caller needs (checkpoints, the end). */
  cuts: number[];
}

export type PageResult =
  | {
      ok: true;
      lo: number;
      /** The compact range (latin1 hashes, largest subtree first) of the page's leaves up to each cut. */
      edges: { size: number; edge: string[] }[];
      /** The page's subtree root when the page is full (hi - lo + 1 is the page size). */
      root: string | null;
      /** The stored entry hash of `hi`, hex. */
      lastHex: string;
    }
  | { ok: false; lo: number; reason: string };

/**
 * The whole page in two values: every entry's canonical text (as FAST_ROW builds it),
 * each behind 32 spare bytes and ended by a newline, and every stored entry hash back to
 * back. One value per page instead of one per row is most of the saving; the spare bytes
 * let the chain hash run in place, [prev hash | entry], and the leaf hash on [0x00 |
 * entry] by then zeroing the byte before the entry. No ORDER BY: SQLite walks the rowid
 * range in order, and an entry out of place would fail its hash in any case.
 */
const PAGE_TEXT = `CAST(group_concat(printf('%32s{"action":%s,"actor":%s,"address":%s,"at":%s,"payload":%s,"seq":%d,"tenant_id":%s}', '', json_quote(action), json_quote(actor), json_quote(address), json_quote(at), payload, seq, json_quote(tenant_id)), char(10)) AS BLOB)`;
const PAGE_HASHES = `CAST(group_concat(entry_hash, '') AS BLOB)`;
const PAD = HASH_SIZE;
const NEWLINE = 0x0a;

export class PageChecker {
  readonly #page: Statement<[number, number], [Buffer | null, Buffer | null, number]>;
  readonly #hashOf: Statement<[number], Buffer>;

  constructor(db: Database, readonly pageSize: number) {
    if (!Number.isInteger(Math.log2(pageSize))) throw new RangeError(`page size must be a power of two, got ${pageSize}`);
    this.#page = db.prepare<[number, number], [Buffer | null, Buffer | null, number]>(`SELECT ${PAGE_TEXT}, ${PAGE_HASHES}, count(*) FROM audit_log WHERE seq >= ? AND seq <= ?`).raw();
    this.#hashOf = db.prepare<[number], Buffer>('SELECT entry_hash FROM audit_log WHERE seq = ?').pluck();
  }

  check(req: PageRequest): PageResult {
    const { lo, hi } = req;
    if ((lo - 1) % this.pageSize !== 0 || hi < lo || hi - lo >= this.pageSize) throw new RangeError(`page ${lo}..${hi} is not an aligned page of ${this.pageSize}`);
    const prev = lo === 1 ? GENESIS : this.#hashOf.get(lo - 1);
    if (prev?.length !== HASH_SIZE) return { ok: false, lo, reason: `entry ${lo - 1} is missing or its hash is malformed` };
    const [text, hashes, rows] = this.#page.get(lo, hi) as [Buffer | null, Buffer | null, number];
    const n = hi - lo + 1;
    if (rows !== n || !text || hashes?.length !== n * HASH_SIZE) return { ok: false, lo, reason: `entries ${lo} to ${hi} are not all present, once, with well-formed hashes` };

    const cuts = new Set(req.cuts);
    const tree = new StreamingTreeHash();
    const edges: { size: number; edge: string[] }[] = [];
    let at = 0;
    for (let i = 0; i < n; i++) {
      const end = i === n - 1 ? text.length : text.indexOf(NEWLINE, at);
      if (end < at + PAD) return { ok: false, lo, reason: `entry ${lo + i} does not frame` };
      if (i === 0) prev.copy(text, at);
      else hashes.copy(text, at, (i - 1) * HASH_SIZE, i * HASH_SIZE);
      const chain = hash('sha256', text.subarray(at, end), 'binary');
      if (chain !== hashes.toString('latin1', i * HASH_SIZE, (i + 1) * HASH_SIZE)) return { ok: false, lo, reason: `entry ${lo + i} does not check out` };
      text[at + PAD - 1] = 0x00;
      tree.addLatin1(hash('sha256', text.subarray(at + PAD - 1, end), 'binary'));
      if (cuts.has(lo + i)) edges.push({ size: lo + i, edge: tree.compactRange() });
      at = end + 1;
    }
    const full = n === this.pageSize;
    return { ok: true, lo, edges, root: full ? (tree.compactRange()[0] as string) : null, lastHex: hashes.toString('hex', (n - 1) * HASH_SIZE) };
  }
}
