/**
 * A local copy of a sink bucket or a diagnostic-settings container (`gsutil -m cp -r`,
 * `azcopy copy --recursive`, or a folder of `gcloud logging read` exports) with the same
 * layout: keys are paths under the folder, '/'-separated. No object metadata.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ListedObject, PrefixStore } from './prefix-store';
import { ArchiveError, type OpenedObject } from './types';

function fsError(e: unknown, what: string): ArchiveError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new ArchiveError(`${what} does not exist`, 'not_found');
  if (code === 'EACCES' || code === 'EPERM') return new ArchiveError(`${what} cannot be read (permission denied)`, 'access_denied');
  return new ArchiveError(`${what} cannot be read (${code ?? (e as Error)?.message ?? 'error'})`, 'read_failed');
}

const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class LocalTreeStore implements PrefixStore {
  readonly kind = 'folder' as const;
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
    return path.join(this.location, ...key.split('/').filter(Boolean));
  }

  #entries(prefix: string): fs.Dirent[] {
    try {
      return fs.readdirSync(this.localPath(prefix), { withFileTypes: true }).sort(byName);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw fsError(e, `the folder ${this.localPath(prefix)}`);
    }
  }

  async folders(prefix: string, _signal?: AbortSignal): Promise<string[]> {
    return this.#entries(prefix)
      .filter((d) => d.isDirectory())
      .map((d) => `${prefix}${d.name}/`);
  }

  async *deep(prefix: string, _signal?: AbortSignal): AsyncIterable<ListedObject> {
    for (const d of this.#entries(prefix)) {
      const key = `${prefix}${d.name}`;
      if (d.isDirectory()) {
        yield* this.deep(`${key}/`);
        continue;
      }
      if (!d.isFile()) continue;
      let st: fs.Stats;
      try {
        st = fs.statSync(this.localPath(key));
      } catch (e) {
        throw fsError(e, key);
      }
      yield { key, size: st.size, etag: `mtime:${Math.round(st.mtimeMs)}`, modified: st.mtime.toISOString() };
    }
  }

  async open(object: ListedObject, _signal?: AbortSignal): Promise<OpenedObject> {
    const file = this.localPath(object.key);
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch (e) {
      throw fsError(e, object.key);
    }
    return { stream: fs.createReadStream(file, { highWaterMark: 256 * 1024 }), metadata: null };
  }

  /** The first bytes of a file (to tell an export's JSON array from JSON lines). */
  head(key: string, bytes = 64): string {
    const fd = fs.openSync(this.localPath(key), 'r');
    try {
      const buf = Buffer.alloc(bytes);
      const n = fs.readSync(fd, buf, 0, bytes, 0);
      return buf.toString('utf8', 0, n);
    } finally {
      fs.closeSync(fd);
    }
  }
}
