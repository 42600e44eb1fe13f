/**
 * The C2SP tlog-checkpoint note text (c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n<decimal tree size>\n<base64 root hash>\n[<extension line>\n ...]
 *
 * Parsing is strict (no leading zeros, canonical base64, no empty or control-character
 * lines) so that one tree head has exactly one spelling, and each failure names the line.
 */
import { decodeBase64Strict, findControlChar, isWellFormedUnicode } from './encoding';
import { HASH_SIZE } from './hash';
import { accept, reject, type Outcome } from './verdict';

export interface Checkpoint {
  /** Identifies the log; by our convention also the signing key's name. */
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** Opaque extra lines (not recommended by the spec; kept for round-tripping). */
  extensions: readonly string[];
}

/** Formats a checkpoint body; throws on values that could not be parsed back. */
export function formatCheckpoint(cp: Checkpoint): string {
  const lines = [cp.origin, String(cp.treeSize), cp.rootHash.toString('base64'), ...cp.extensions];
  if (!Number.isSafeInteger(cp.treeSize) || cp.treeSize < 0) throw new RangeError(`checkpoint tree size must be a non-negative safe integer, got ${cp.treeSize}`);
  if (cp.rootHash.length !== HASH_SIZE) throw new RangeError(`checkpoint root hash is ${cp.rootHash.length} bytes, expected ${HASH_SIZE}`);
  if ([cp.origin, ...cp.extensions].some((l) => l.includes('\n'))) throw new RangeError('checkpoint origin and extension lines must not contain a newline');
  const text = `${lines.join('\n')}\n`;
  const parsed = parseCheckpoint(text);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return text;
}

export function parseCheckpoint(text: string): Outcome<Checkpoint> {
  if (!text.endsWith('\n')) return reject('checkpoint text must end with a newline');
  if (!isWellFormedUnicode(text)) return reject('checkpoint text is not valid Unicode');
  const ctl = findControlChar(text);
  if (ctl) return reject(`checkpoint line ${ctl.line} contains a control character at column ${ctl.column}`);

  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return reject(`checkpoint has ${lines.length} line${lines.length === 1 ? '' : 's'}, expected at least 3 (origin, tree size, root hash)`);
  const [origin, sizeText, rootText] = lines as [string, string, string, ...string[]];

  if (origin === '') return reject('checkpoint origin (line 1) is empty');
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) {
    return reject(`checkpoint tree size (line 2) ${JSON.stringify(sizeText)} is not a decimal number without leading zeros`);
  }
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) return reject(`checkpoint tree size (line 2) ${sizeText} is too large`);

  const rootHash = decodeBase64Strict(rootText);
  if (!rootHash) return reject(`checkpoint root hash (line 3) ${JSON.stringify(rootText)} is not canonical base64`);
  if (rootHash.length !== HASH_SIZE) return reject(`checkpoint root hash (line 3) is ${rootHash.length} bytes, expected ${HASH_SIZE}`);

  const extensions = lines.slice(3);
  const empty = extensions.indexOf('');
  if (empty >= 0) return reject(`checkpoint extension line ${empty + 4} is empty`);

  return accept({ origin, treeSize, rootHash, extensions });
}
