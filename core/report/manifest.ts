/**
 * manifest.json: the SHA-256 of every file in the package, signed with the
 * installation's Ed25519 key (the audit log's key, so one public key verifies both the
 * manifest and the checkpoint). The signature covers a fixed domain line plus the
 * canonical JSON of the manifest without its `signature` field; the domain line keeps a
 * manifest signature from ever being mistaken for a checkpoint-note signature.
 */
import { verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json';
import type { NoteSigner } from '../audit/tlog/signed-note';
import type { WrittenFile } from './file-sink';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'keywarden-soc2-evidence-manifest';
const SIGNING_DOMAIN = 'keywarden soc2 evidence manifest v1\n';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const safePath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be a relative path of plain names')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or .. segments');

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  format_version: z.literal(1),
  generated_at: z.string(),
  period: z.strictObject({ from: z.string(), to: z.string() }),
  tenant: z.string().nullable(),
  files: z.array(z.strictObject({ path: safePath, bytes: z.int().nonnegative(), sha256: sha256Hex })).min(1),
  checkpoint: z.strictObject({ file: safePath, tree_size: z.int().nonnegative(), root_hash: base64 }),
  proofs: z.strictObject({ file: safePath, entries: z.int().nonnegative() }),
  signer: z.strictObject({ algorithm: z.literal('Ed25519'), key_name: z.string().min(1), verifier_key: z.string().min(1), public_key: base64, fingerprint: z.string().min(1) }),
  signature: base64,
});

export type Manifest = z.infer<typeof manifestSchema>;
export type UnsignedManifest = Omit<Manifest, 'signature'>;

export function signingBytes(m: UnsignedManifest | Manifest): Buffer {
  const { signature: _ignored, ...unsigned } = m as Manifest;
  return Buffer.from(SIGNING_DOMAIN + canonicalJson(unsigned), 'utf8');
}

export function sortFiles(files: readonly WrittenFile[]): WrittenFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 }));
}

export function signManifest(m: UnsignedManifest, signer: NoteSigner): Manifest {
  return { ...m, signature: signer.sign(signingBytes(m)).toString('base64') };
}

export function manifestSignatureValid(m: Manifest, key: KeyObject): boolean {
  const sig = Buffer.from(m.signature, 'base64');
  if (sig.length !== 64) return false;
  try {
    return verify(null, signingBytes(m), key, sig);
  } catch {
    return false;
  }
}

/** Pretty JSON with a final newline: what is written, hashed and audited. */
export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

