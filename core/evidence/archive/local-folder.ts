/**
 * Reading a local copy of an archive from disk, shared by the CloudTrail folder store and
 * the sink / diagnostic-settings tree store: each failure a named ArchiveError, listings
 * in name order (the order a bucket lists keys in), files stat'ed and opened alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ArchiveError, type OpenedObject } from './types';

export function fsError(e: unknown, what: string): ArchiveError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new ArchiveError(`${what} does not exist`, 'not_found');
  if (code === 'EACCES' || code === 'EPERM') return new ArchiveError(`${what} cannot be read (permission denied)`, 'access_denied');
  return new ArchiveError(`${what} cannot be read (${code ?? (e as Error)?.message ?? 'error'})`, 'read_failed');
}

/** The folder's absolute path, refused by name when it is missing, unreadable or a file. */
export function existingFolder(dir: string): string {
  const location = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(location);
  } catch (e) {
    throw fsError(e, `the folder ${location}`);
  }
  if (!st.isDirectory()) throw new ArchiveError(`${location} is not a folder`, 'invalid');
  return location;
}

/** A folder's entries by name; a prefix with no folder behind it lists nothing, as in a bucket. */
export function sortedEntries(folder: string): fs.Dirent[] {
  try {
    return fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw fsError(e, `the folder ${folder}`);
  }
}

/** A file as a listed object: its size, and its mtime standing in for the ETag a bucket gives. */
export function fileObject(file: string, key: string): { key: string; size: number; etag: string; modified: string } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw fsError(e, key);
  }
  return { key, size: st.size, etag: `mtime:${Math.round(st.mtimeMs)}`, modified: st.mtime.toISOString() };
}

export function openFile(file: string, key: string): OpenedObject {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    throw fsError(e, key);
  }
  return { stream: fs.createReadStream(file, { highWaterMark: 256 * 1024 }), metadata: null };
}
