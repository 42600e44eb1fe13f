/**
 * The hot path of a full log verification, shared by the in-thread verifier and the
 * page workers: the one-string row form SQLite assembles, and the two hashes per entry.
 */
import { hash } from 'node:crypto';
import { HASH_SIZE, LATIN1_DIGEST } from './tlog/hash';

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
export const HEX_HASH = HASH_SIZE * 2;

/**
 * Hashes one entry twice from one scratch buffer: [prev hash | entry] for the chain, then
 * [0x00 | entry] for the leaf by writing 0x00 over prev's last byte. Digests come back as
 * strings (hex for the chain, compared with the stored hex; latin1 for the leaf, fed to
 * the tree): crypto.hash returns a string two to three times faster than a Buffer.
 */
export class EntryHasher {
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
    this.leaf = hash('sha256', buf.subarray(HASH_SIZE - 1, end), LATIN1_DIGEST);
    return chain;
  }
}
