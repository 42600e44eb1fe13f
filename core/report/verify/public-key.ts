/**
 * Reads the public key an auditor pins with --public-key, in any form Keywarden hands
 * out: the signed-note verifier key (`name+id+base64`, alone or as the first line of
 * what `keywarden audit public-key` prints), the JSON of `audit.publicKey`, a PEM SPKI
 * block, or the raw 32-byte key in base64.
 */
import { createPublicKey } from 'node:crypto';
import { rawPublicKey } from '../../audit/tlog/log-key';
import { decodeBase64Strict } from '../../audit/tlog/encoding';
import { parseVerifierKey } from '../../audit/tlog/log-key';
import { accept, reject, type Outcome } from '../../audit/tlog/verdict';

export interface PinnedKey {
  publicKey: Buffer;
  /** The key name, when the form carries one (verifier key text). */
  name: string | null;
}

export function parsePinnedKey(text: string): Outcome<PinnedKey> {
  const t = text.trim();
  if (t === '') return reject('the public key file is empty');
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      return reject('the public key file looks like JSON but does not parse');
    }
    const d = doc as { verifier_key?: unknown; public_key?: unknown };
    if (typeof d.verifier_key === 'string') return parsePinnedKey(d.verifier_key);
    if (typeof d.public_key === 'string') return parsePinnedKey(d.public_key);
    return reject('the public key JSON has neither verifier_key nor public_key');
  }
  if (t.startsWith('-----BEGIN')) {
    try {
      return accept({ publicKey: rawPublicKey(createPublicKey(t)), name: null });
    } catch (e) {
      return reject(`the PEM public key is not an Ed25519 key (${(e as Error).message})`);
    }
  }
  // `keywarden audit public-key` prints the verifier key, then a fingerprint line.
  const line = (t.split(/\r?\n/)[0] ?? '').trim();
  if (line.includes('+')) {
    const v = parseVerifierKey(line);
    return v.ok ? accept({ publicKey: v.value.publicKey, name: v.value.name }) : reject(`the verifier key does not parse: ${v.reason}`);
  }
  const raw = decodeBase64Strict(line);
  if (raw && raw.length === 32) return accept({ publicKey: raw, name: null });
  return reject('the public key is neither a verifier key (name+id+base64), the JSON of audit.publicKey, a PEM block, nor 32 bytes of base64');
}
