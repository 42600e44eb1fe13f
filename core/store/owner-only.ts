/**
 * The data dir holds the database (wrapped keys, ciphertext, the audit log) beside the
 * installation secrets. On POSIX systems it must be the owner's alone: the directory
 * 0700, the database and its WAL and SHM files 0600. That is enforced every time the
 * database is opened, not only when the files are created, because a backup restore,
 * a copy or an umask can widen them later. A wider mode is narrowed and reported once
 * per open (to a logger, never as an exception: refusing to open would lock the
 * operator out of their own data). On Windows POSIX modes do not exist; the folder under
 * %APPDATA% inherits the user profile's ACL (the user, SYSTEM and Administrators).
 */
import fs from 'node:fs';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** SQLite's companion files in WAL mode. */
export const DATABASE_COMPANIONS = ['-wal', '-shm'] as const;

export type ModeWarning = (message: string) => void;

export const stderrWarning: ModeWarning = (message) => {
  process.stderr.write(`keywarden: warning: ${message}\n`);
};

export interface Correction {
  file: string;
  was: number;
  now: number;
  failed?: string;
}

function narrow(file: string, wanted: number, corrections: Correction[]): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((mode & 0o077) === 0) return;
  try {
    fs.chmodSync(file, wanted);
    corrections.push({ file, was: mode, now: wanted });
  } catch (e) {
    corrections.push({ file, was: mode, now: mode, failed: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
}

/** One warning for everything one open corrected (or could not). */
export function reportCorrections(corrections: readonly Correction[], warn: ModeWarning = stderrWarning): void {
  if (corrections.length === 0) return;
  const parts = corrections.map((c) => (c.failed ? `${c.file} is mode ${c.was.toString(8)} and could not be narrowed (${c.failed})` : `${c.file} was mode ${c.was.toString(8)}, now ${c.now.toString(8)}`));
  warn(`other users could read Keywarden's data; corrected to owner-only: ${parts.join('; ')}`);
}

/** Creates the data dir owner-only, or narrows an existing one; returns what it corrected. */
export function secureDataDir(dir: string, platform: NodeJS.Platform = process.platform): Correction[] {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  const corrections: Correction[] = [];
  if (platform !== 'win32') narrow(dir, DIR_MODE, corrections);
  return corrections;
}

/** Narrows the database file and its WAL/SHM companions (those that exist) to 0600. */
export function secureDatabaseFiles(file: string, platform: NodeJS.Platform = process.platform): Correction[] {
  const corrections: Correction[] = [];
  if (platform === 'win32') return corrections;
  for (const f of [file, ...DATABASE_COMPANIONS.map((s) => file + s)]) narrow(f, FILE_MODE, corrections);
  return corrections;
}
