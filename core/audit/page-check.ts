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
import { HASH_SIZE, LATIN1_DIGEST } from './tlog/hash';

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
 * The whole page in three values: every entry's canonical text, each behind its stored
 * prev_hash and ended by a newline; every stored entry hash back to back; and every
 * stored prev_hash back to back. One value per page instead of one per row is most of the
 * saving. The prev_hash in front lets the chain hash run in place on [prev | entry], and
 * the leaf hash on [0x00 | entry] by then zeroing the byte before the entry; one compare
 * of the two hash columns, shifted by one entry, proves each prev_hash is the hash of
 * the entry before. concat() rather than printf or `||`: one allocation per row, not one
 * per piece. No ORDER BY: SQLite walks the rowid range in order, and an entry out of
 * place would fail its hash.
 */
const PAGE_TEXT =
  `CAST(group_concat(concat(prev_hash, '{"action":', json_quote(action), ',"actor":', json_quote(actor), ',"address":', json_quote(address), ` +
  `',"at":', json_quote(at), ',"payload":', payload, ',"seq":', seq, ',"tenant_id":', json_quote(tenant_id), '}'), char(10)) AS BLOB)`;
const PAGE_HASHES = `CAST(group_concat(entry_hash, '') AS BLOB)`;
const PAGE_PREV_HASHES = `CAST(group_concat(prev_hash, '') AS BLOB)`;
const NEWLINE = 0x0a;

type PageRow = [Buffer | null, Buffer | null, Buffer | null, number];

export class PageChecker {
  readonly #page: Statement<[number, number], PageRow>;
  readonly #hashOf: Statement<[number], Buffer>;

  constructor(db: Database, readonly pageSize: number) {
    if (!Number.isInteger(Math.log2(pageSize))) throw new RangeError(`page size must be a power of two, got ${pageSize}`);
    this.#page = db.prepare<[number, number], PageRow>(`SELECT ${PAGE_TEXT}, ${PAGE_HASHES}, ${PAGE_PREV_HASHES}, count(*) FROM audit_log WHERE seq >= ? AND seq <= ?`).raw();
    this.#hashOf = db.prepare<[number], Buffer>('SELECT entry_hash FROM audit_log WHERE seq = ?').pluck();
  }

  check(req: PageRequest): PageResult {
    const { lo, hi } = req;
    if ((lo - 1) % this.pageSize !== 0 || hi < lo || hi - lo >= this.pageSize) throw new RangeError(`page ${lo}..${hi} is not an aligned page of ${this.pageSize}`);
    const prev = lo === 1 ? GENESIS : this.#hashOf.get(lo - 1);
    if (prev?.length !== HASH_SIZE) return { ok: false, lo, reason: `entry ${lo - 1} is missing or its hash is malformed` };
    const [text, hashes, prevs, rows] = this.#page.get(lo, hi) as PageRow;
    const n = hi - lo + 1;
    const size = n * HASH_SIZE;
    if (rows !== n || !text || hashes?.length !== size || prevs?.length !== size) return { ok: false, lo, reason: `entries ${lo} to ${hi} are not all present, once, with well-formed hashes` };
    if (prev.compare(prevs, 0, HASH_SIZE) !== 0 || hashes.compare(prevs, HASH_SIZE, size, 0, size - HASH_SIZE) !== 0) {
      return { ok: false, lo, reason: `a prev_hash in entries ${lo} to ${hi} is not the hash of the entry before it` };
    }

    // Compared as one latin1 string: crypto.hash returns the digest as a string.
    const stored = hashes.toString('latin1', 0, size);
    const leaves = new Array<string>(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const end = i === n - 1 ? text.length : text.indexOf(NEWLINE, at + HASH_SIZE);
      if (end < at + HASH_SIZE) return { ok: false, lo, reason: `entry ${lo + i} does not frame` };
      if (!stored.startsWith(hash('sha256', text.subarray(at, end), LATIN1_DIGEST), i * HASH_SIZE)) return { ok: false, lo, reason: `entry ${lo + i} does not check out` };
      text[at + HASH_SIZE - 1] = 0x00;
      leaves[i] = hash('sha256', text.subarray(at + HASH_SIZE - 1, end), LATIN1_DIGEST);
      at = end + 1;
    }
    const levels = subtreeLevels(leaves);
    const edges = req.cuts.map((cut) => ({ size: cut, edge: compactRange(levels, cut - lo + 1) }));
    const top = levels[levels.length - 1] as string[];
    return { ok: true, lo, edges, root: n === this.pageSize ? (top[0] as string) : null, lastHex: hashes.toString('hex', size - HASH_SIZE) };
  }
}

/**
 * levels[k][j] is the root of the perfect subtree over leaves j*2^k .. (j+1)*2^k - 1; an
 * odd leftover at a level has no parent. Each level's [0x01 | left | right] inputs are
 * laid out in one Buffer, written once, instead of two writes per node.
 */
function subtreeLevels(leaves: string[]): string[][] {
  const levels = [leaves];
  for (let level = leaves; level.length > 1; ) {
    const pairs = level.length >> 1;
    let joined = '';
    for (let j = 0; j < pairs; j++) joined += NODE_PREFIX + (level[2 * j] as string) + (level[2 * j + 1] as string);
    const inputs = Buffer.from(joined, 'latin1');
    const next = new Array<string>(pairs);
    for (let j = 0; j < pairs; j++) next[j] = hash('sha256', inputs.subarray(j * NODE_INPUT, (j + 1) * NODE_INPUT), LATIN1_DIGEST);
    levels.push(next);
    level = next;
  }
  return levels;
}

const NODE_PREFIX = '\x01';
const NODE_INPUT = 1 + 2 * HASH_SIZE;

/** The compact range of the first `count` leaves of a page: its perfect subtrees, largest first. */
function compactRange(levels: readonly string[][], count: number): string[] {
  const edge: string[] = [];
  let offset = 0;
  for (let k = levels.length - 1; k >= 0; k--) {
    if (count & (1 << k)) {
      edge.push((levels[k] as string[])[offset >> k] as string);
      offset += 1 << k;
    }
  }
  return edge;
}
