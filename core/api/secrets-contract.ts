/**
 * The installation secrets and backups (issue 16, part A), spread into the one contract.
 * `restore` is not a method: it runs before any database exists (main/cli/restore-command.ts).
 */
import { z } from 'zod';
import { method } from './method-spec';
import type { BackupResult, SecretsView } from './secrets-types';

export const secretsMethods = {
  'auth.unlock': method<SecretsView>()({
    window: true,
    input: z.object({ passphrase: z.string().min(1, 'is required').max(1024) }).strict(),
    summary: 'Opens the installation secrets (local KMS key, audit signing key) with the operator passphrase; migrates plain key files on the first unlock. Failures are audited and throttled like step-up.',
  }),
  'secrets.status': method<SecretsView>()({
    window: true,
    input: z.object({}).strict(),
    summary: 'How each installation secret is stored (wrapped, plain awaiting migration, missing), whether they are unlocked, how the unlock is kept, and the last backup.',
  }),
  'backup.create': method<BackupResult>()({
    input: z.object({ out: z.string().min(1, 'is required').max(4096) }).strict(),
    summary: 'Writes a zip of the data dir with the secrets still sealed: a consistent copy of the database and a manifest with the SHA-256 of every file.',
  }),
};
