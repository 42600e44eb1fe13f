/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519, as Go's sumdb/note writes them:
 *
 *   <text ending in \n>\n— <key name> <base64(4-byte key ID || 64-byte signature)>\n
 *
 * The signature covers the text including its final newline, not the blank line.
 * Opening checks against ONE trusted verifier key: signatures from other keys are
 * ignored, as the spec requires, but a failing signature from the trusted key rejects
 * the whole note.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, findControlChar, isWellFormedUnicode } from './encoding';
import { isValidKeyName, keyIdHex, noteKeyId, rawPublicKey, type VerifierKey } from './log-key';
import { accept, reject, type Outcome, type Rejection } from './verdict';

const SIGNATURE_PREFIX = '\u2014 '; // em dash, space
const MAX_SIGNATURES = 100; // as Go's note.Open: bounds the work an adversarial note can cause
const ED25519_SIGNATURE_SIZE = 64;

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  signature: Buffer;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  /** Ed25519 signature over the message bytes. */
  sign(message: Buffer): Buffer;
}

/** Wraps a private KeyObject; the key lives only in this closure, never on a property. */
export function createNoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  if (!isValidKeyName(name)) throw new RangeError(`key name ${JSON.stringify(name)} is empty or contains white space or "+"`);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('note signer needs an Ed25519 private KeyObject');
  const publicKey = rawPublicKey(privateKey);
  return Object.freeze({
    name,
    keyId: noteKeyId(name, publicKey),
    publicKey,
    sign: (message: Buffer) => sign(null, message, privateKey),
  });
}

function checkNoteText(text: string, what: string): string | undefined {
  if (text === '' || !text.endsWith('\n')) return `${what} must be non-empty and end with a newline`;
  if (!isWellFormedUnicode(text)) return `${what} is not valid Unicode`;
  const ctl = findControlChar(text);
  return ctl ? `${what} line ${ctl.line} contains a control character at column ${ctl.column}` : undefined;
}

/** Signs `text` (which must end in a newline) and returns the signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  const bad = checkNoteText(text, 'note text');
  if (bad) throw new RangeError(bad);
  const signature = signer.sign(Buffer.from(text, 'utf8'));
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId);
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/** Splits a signed note into text and signature lines, checking syntax only. */
export function parseSignedNote(message: string): Outcome<ParsedNote> {
  const bad = checkNoteText(message, 'signed note');
  if (bad) return reject(bad);
  const split = message.lastIndexOf('\n\n');
  if (split < 0) return reject('signed note has no blank line before its signatures');
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2, -1).split('\n');
  if (lines.length === 1 && lines[0] === '') return reject('signed note has no signature lines');
  if (lines.length > MAX_SIGNATURES) return reject(`signed note has ${lines.length} signature lines, more than the ${MAX_SIGNATURES} accepted`);

  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const malformed = (why: string): Rejection => reject(`malformed signature line ${i + 1}: ${why}`);
    if (!line.startsWith(SIGNATURE_PREFIX)) return malformed('it does not start with an em dash and a space');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) return malformed('no space between key name and signature');
    const name = rest.slice(0, space);
    if (!isValidKeyName(name)) return malformed(`key name ${JSON.stringify(name)} is empty or contains white space or "+"`);
    const bytes = decodeBase64Strict(rest.slice(space + 1));
    if (!bytes || bytes.length < 5) return malformed('signature is not canonical base64 of a key ID and signature');
    signatures.push({ name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) });
  }
  return accept({ text, signatures });
}

/**
 * Verifies the note against the trusted verifier key and returns its text. Reasons:
 * "malformed signature line …", "unknown key …", "signature does not verify …",
 * "note has no signature from <name>".
 */
export function openNote(message: string, verifier: VerifierKey): { ok: true; text: string } | Rejection {
  const parsed = parseSignedNote(message);
  if (!parsed.ok) return parsed;
  const { text, signatures } = parsed.value;
  const trusted = `${verifier.name}+${keyIdHex(verifier.keyId)}`;
  const textBytes = Buffer.from(text, 'utf8');
  let verified = false;
  for (const s of signatures) {
    if (s.name !== verifier.name || s.keyId !== verifier.keyId) continue;
    const good = s.signature.length === ED25519_SIGNATURE_SIZE && verify(null, textBytes, verifier.key, s.signature);
    if (!good) return reject(`signature does not verify for key ${trusted}`);
    verified = true;
  }
  if (verified) return { ok: true, text };
  const sameName = signatures.find((s) => s.name === verifier.name);
  if (sameName) return reject(`unknown key ${sameName.name}+${keyIdHex(sameName.keyId)}: the trusted key is ${trusted}`);
  return reject(`note has no signature from ${verifier.name}`);
}
