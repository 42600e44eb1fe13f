/**
 * A local copy of an archive (e.g. from `aws s3 sync s3://bucket/prefix DIR`): the same
 * layout as the bucket, read from disk. It has no object metadata, so signatures that the
 * provider keeps there (CloudTrail digests' `x-amz-meta-signature`) cannot be checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ObjectStore, StoredObject } from './object-store';
import { ArchiveError, type OpenedObject } from './types';

function fsError(e: unknown, what: string): ArchiveError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new ArchiveError(`${what} does not exist`, 'not_found');
  if (code === 'EACCES' || code === 'EPERM') return new ArchiveError(`${what} cannot be read (permission denied)`, 'access_denied');
  return new ArchiveError(`${what} cannot be read (${code ?? (e as Error)?.message ?? 'error'})`, 'read_failed');
}

export class FolderStore implements ObjectStore {
  readonly kind = 'folder' as const;
  readonly root = '';
  readonly location: string;

  constructor(dir: string) {
    this.location = path.resolve(dir);
    let st: fs.Stats;
    try {
      st = fs.statSync(this.location);
    } catch (e) {
      throw fsError(e, `the folder ${this.location}`);
    }
    if (!st.isDirectory()) throw new ArchiveError(`${this.location} is not a folder`, 'invalid');
  }

  localPath(key: string): string {
    return path.join(this.location, ...key.split('/'));
  }

  #entries(prefix: string): fs.Dirent[] {
    try {
      return fs.readdirSync(this.localPath(prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'ENOTDIR') return [];
      throw fsError(e, `the folder ${this.localPath(prefix)}`);
    }
  }

  async folders(prefix: string): Promise<string[]> {
    return this.#entries(prefix)
      .filter((d) => d.isDirectory())
      .map((d) => `${prefix}${d.name}/`);
  }

  async *objects(prefix: string): AsyncIterable<StoredObject> {
    for (const d of this.#entries(prefix)) {
      if (!d.isFile()) continue;
      const key = `${prefix}${d.name}`;
      let st: fs.Stats;
      try {
        st = fs.statSync(this.localPath(key));
      } catch (e) {
        throw fsError(e, key);
      }
      yield { key, size: st.size, etag: `mtime:${Math.round(st.mtimeMs)}`, modified: st.mtime.toISOString() };
    }
  }

  async open(key: string): Promise<OpenedObject> {
    const file = this.localPath(key);
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch (e) {
      throw fsError(e, key);
    }
    return { stream: fs.createReadStream(file, { highWaterMark: 256 * 1024 }), metadata: null };
  }
}
