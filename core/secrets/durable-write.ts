/**
 * Writes that survive a crash: the bytes go to a temp file beside the target, are
 * fsynced, renamed over the target, and the directory is fsynced so the rename itself
 * is on disk. A crash leaves the old file or the new one, never a torn one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const OWNER_ONLY = 0o600;

/** fsync of a directory: makes a create, rename or unlink in it durable (no-op on Windows). */
export function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces `file` with `bytes` (0600) atomically and durably. */
export function writeFileDurably(file: string, bytes: Buffer | string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, OWNER_ONLY);
  try {
    try {
      fs.writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(path.dirname(file));
}

/** Removes `file` and makes the removal durable; a missing file is fine. */
export function unlinkDurably(file: string): void {
  fs.rmSync(file, { force: true });
  syncDir(path.dirname(file));
}
