/**
 * A backup archive's table of contents, `manifest.json` at the archive's root: the
 * SHA-256 and size of every file under `data/` (the data dir as it was). It proves the
 * archive arrived whole (a truncated or altered file is named), not who made it: the
 * audit log's signed checkpoints inside it are what `audit verify` trusts.
 */
import { z } from 'zod';

export const BACKUP_FORMAT = 1;
export const MANIFEST_NAME = 'manifest.json';
export const DATA_PREFIX = 'data/';

/** A relative path with forward slashes that stays inside the folder it is restored to. */
export function safeRelativePath(p: string): boolean {
  if (p.length === 0 || p.length > 400 || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

const fileEntry = z
  .object({
    path: z.string().refine(safeRelativePath, 'is not a safe relative path'),
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'is not a SHA-256 in hex'),
  })
  .strict();

export const manifestShape = z
  .object({
    keywarden_backup: z.literal(BACKUP_FORMAT),
    created_at: z.string(),
    product_version: z.string(),
    schema_version: z.number().int(),
    audit_verifier_key: z.string().nullable(),
    files: z.array(fileEntry).max(100_000),
  })
  .strict();

export type BackupManifest = z.infer<typeof manifestShape>;
