/**
 * Installation secrets (the local KMS key, the audit log's signing key) live in files
 * readable by the owner only. A file others can read is refused, not silently used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KeywardenError } from '../errors';

const OWNER_ONLY = 0o600;

function checkPermissions(file: string): void {
  if (process.platform === 'win32') return; // NTFS ACLs: the user profile folder is private
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeywardenError(
      'forbidden',
      `${path.basename(file)} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 "${file}"`,
      { file: path.basename(file) },
    );
  }
}

/** Reads a secret file of exactly `bytes` bytes, creating it (0600) on first use. */
export function readOrCreateSecretFile(file: string, bytes: number, create: () => Buffer = () => randomBytes(bytes)): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, OWNER_ONLY);
    try {
      fs.writeSync(fd, create());
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  checkPermissions(file);
  const content = fs.readFileSync(file);
  if (content.length !== bytes) {
    throw new KeywardenError(
      'forbidden',
      `${path.basename(file)} holds ${content.length} bytes, expected ${bytes}: the file is damaged or not Keywarden's`,
      { file: path.basename(file) },
    );
  }
  return content;
}
