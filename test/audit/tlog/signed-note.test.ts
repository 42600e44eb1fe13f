/**
 * Signed notes and verifier keys against the published vectors of Go's
 * golang.org/x/mod/sumdb/note (note.go package doc and note_test.go): the
 * "PeterNeumann" signer/verifier keys, the signed Neumann quote, and the "EnochRoot"
 * co-signature. Ed25519 is deterministic, so signing must reproduce the bytes exactly.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  formatVerifierKey,
  generateLogKeyPair,
  noteKeyId,
  parseVerifierKey,
  privateKeyFromSeed,
  publicKeyFingerprint,
  rawPublicKey,
  type VerifierKey,
} from '../../../core/audit/tlog/log-key';
import { createNoteSigner, openNote, parseSignedNote, signNote } from '../../../core/audit/tlog/signed-note';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY_DATA = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // from "PRIVATE+KEY+PeterNeumann+c74f20a3+…"
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

function key(vkey: string): VerifierKey {
  const k = parseVerifierKey(vkey);
  if (!k.ok) throw new Error(k.reason);
  return k.value;
}
const peter = key(PETER_VKEY);
const enoch = key(ENOCH_VKEY);
const peterSeed = Buffer.from(PETER_SKEY_DATA, 'base64').subarray(1); // drop the 0x01 algorithm byte
const peterSigner = createNoteSigner('PeterNeumann', privateKeyFromSeed(peterSeed));

describe('verifier keys', () => {
  it('parses the Go vector and recomputes its key ID', () => {
    expect(peter.name).toBe('PeterNeumann');
    expect(peter.keyId).toBe(0xc74f20a3);
    expect(enoch.keyId).toBe(0xaf0cfe78);
    expect(noteKeyId('PeterNeumann', peter.publicKey)).toBe(0xc74f20a3);
    expect(formatVerifierKey('PeterNeumann', peter.publicKey)).toBe(PETER_VKEY);
  });

  it('derives the same public key from the Go signer key seed', () => {
    expect(rawPublicKey(privateKeyFromSeed(peterSeed))).toEqual(peter.publicKey);
    expect(peterSigner.keyId).toBe(0xc74f20a3);
  });

  it.each([
    ['no separators', 'PeterNeumann', 'verifier key must have the form <name>+<8 hex digits>+<base64 key>'],
    ['empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'verifier key name "" is empty'],
    ['spaced name', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'contains white space'],
    ['short ID', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'verifier key ID "c74f20a" is not 8 hex digits'],
    ['wrong ID', 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'verifier key ID c74f20a4 does not match its name and key (expected c74f20a3)'],
    ['bad base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T', 'verifier key data is not canonical base64'],
    ['wrong length (Go vector; its base64 is also non-canonical)', 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', 'verifier key data is not canonical base64'],
    ['wrong length', `PeterNeumann+c74f20a3+${Buffer.concat([Buffer.of(1), Buffer.alloc(31)]).toString('base64')}`, 'verifier key holds a 31-byte public key, expected 32'],
    ['unknown algorithm (Go vector)', 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'verifier key algorithm 0x65 is not Ed25519 (0x01)'],
  ])('rejects %s', (_, vkey, reason) => {
    const r = parseVerifierKey(vkey);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('rejects every truncation and single-character change of the vector (Go TestNewVerifier)', () => {
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i !== 0 || j !== PETER_VKEY.length) expect(parseVerifierKey(PETER_VKEY.slice(i, j)).ok).toBe(false);
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const changed = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(parseVerifierKey(changed).ok).toBe(false);
    }
  });

  it('fingerprints a public key as grouped SHA-256 hex', () => {
    expect(publicKeyFingerprint(peter.publicKey)).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(publicKeyFingerprint(peter.publicKey)).not.toBe(publicKeyFingerprint(enoch.publicKey));
  });
});

describe('signed notes', () => {
  it('reproduces the Go signed note byte for byte', () => {
    expect(signNote(TEXT, peterSigner)).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('opens the Go note, ignoring signatures from other keys', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG}`, peter)).toEqual({ ok: true, text: TEXT });
    expect(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, peter)).toEqual({ ok: true, text: TEXT });
    expect(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, enoch)).toEqual({ ok: true, text: TEXT });
    const parsed = parseSignedNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    expect(parsed.ok && parsed.value.signatures.map((s) => [s.name, s.keyId, s.signature.length])).toEqual([
      ['PeterNeumann', 0xc74f20a3, 64],
      ['EnochRoot', 0xaf0cfe78, 64],
    ]);
  });

  it('names why a note does not open', () => {
    const reason = (msg: string, v: VerifierKey = peter): string => {
      const r = openNote(msg, v);
      return r.ok ? 'opened' : r.reason;
    };
    expect(reason(`${TEXT}\n${ENOCH_SIG}`)).toBe('note has no signature from PeterNeumann');
    expect(reason(`${TEXT}\n${PETER_SIG.replace('PeterNeumann', 'CarmenSandiego')}`)).toBe('note has no signature from PeterNeumann');
    expect(reason(`${TEXT}\n${PETER_SIG.replace('x08g', 'xxxx')}`)).toMatch(/^unknown key PeterNeumann\+c71c71a3: the trusted key is PeterNeumann\+c74f20a3$/);
    expect(reason(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`)).toBe('signature does not verify for key PeterNeumann+c74f20a3');
    expect(reason(`${TEXT.replace('cryptography', 'cryptoqraphy')}\n${PETER_SIG}`)).toBe('signature does not verify for key PeterNeumann+c74f20a3');
    const other = generateLogKeyPair();
    const impostor = createNoteSigner('PeterNeumann', other.privateKey);
    expect(reason(signNote(TEXT, impostor))).toMatch(/^unknown key PeterNeumann\+[0-9a-f]{8}: the trusted key is PeterNeumann\+c74f20a3$/);
  });

  it.each([
    ['text only', TEXT, 'signed note has no blank line before its signatures'],
    ['no signature lines', `${TEXT}\n`, 'signed note has no signature lines'],
    ['missing final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`, 'signed note must be non-empty and end with a newline'],
    ['control character', `\u0001${TEXT}\n${PETER_SIG}`, 'signed note line 1 contains a control character at column 1'],
    ['lone surrogate', `\uD800${TEXT}\n${PETER_SIG}`, 'signed note is not valid Unicode'],
    ['name with a space', `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`, 'malformed signature line 1: signature is not canonical base64 of a key ID and signature'],
    ['unexpected line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`, 'malformed signature line 2: it does not start with an em dash and a space'],
    ['hyphen instead of em dash', `${TEXT}\n${PETER_SIG.replace('—', '-')}`, 'malformed signature line 1: it does not start with an em dash and a space'],
    ['too many signatures', `${TEXT}\n${PETER_SIG.repeat(101)}`, 'signed note has 101 signature lines, more than the 100 accepted'],
  ])('rejects a malformed note: %s', (_, msg, reason) => {
    const r = openNote(msg, peter);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });

  it('refuses to sign text the format cannot carry', () => {
    expect(() => signNote('no newline', peterSigner)).toThrow('note text must be non-empty and end with a newline');
    expect(() => signNote('tab\there\n', peterSigner)).toThrow('control character');
    expect(() => createNoteSigner('bad+name', generateLogKeyPair().privateKey)).toThrow('contains white space or "+"');
  });

  it('keeps the private key out of the signer’s visible state', () => {
    const pair = generateLogKeyPair();
    const signer = createNoteSigner('keywarden.local/audit', pair.privateKey);
    const seed = pair.privateKey.export({ format: 'jwk' }).d as string;
    expect(JSON.stringify(signer)).not.toContain(seed);
    expect(inspect(signer, { depth: 5, showHidden: true })).not.toContain(seed);
    expect(Object.values(signer).some((v) => typeof v === 'object' && v !== null && 'asymmetricKeyType' in v)).toBe(false);
  });
});
