/**
 * A local copy of a sink bucket or a diagnostic-settings container (`gsutil -m cp -r`,
 * `azcopy copy --recursive`, or a folder of `gcloud logging read` exports) with the same
 * layout: keys are paths under the folder, '/'-separated. No object metadata.
 */
import fs from 'node:fs';
import path from 'node:path';
import { existingFolder, fileObject, openFile, sortedEntries } from './local-folder';
import type { ListedObject, PrefixStore } from './prefix-store';
import type { OpenedObject } from './types';

export class LocalTreeStore implements PrefixStore {
  readonly kind = 'folder' as const;
  readonly location: string;

  constructor(dir: string) {
    this.location = existingFolder(dir);
  }

  localPath(key: string): string {
    return path.join(this.location, ...key.split('/').filter(Boolean));
  }

  async folders(prefix: string, _signal?: AbortSignal): Promise<string[]> {
    return sortedEntries(this.localPath(prefix))
      .filter((d) => d.isDirectory())
      .map((d) => `${prefix}${d.name}/`);
  }

  async *deep(prefix: string, _signal?: AbortSignal): AsyncIterable<ListedObject> {
    for (const d of sortedEntries(this.localPath(prefix))) {
      const key = `${prefix}${d.name}`;
      if (d.isDirectory()) {
        yield* this.deep(`${key}/`);
        continue;
      }
      if (d.isFile()) yield fileObject(this.localPath(key), key);
    }
  }

  async open(object: ListedObject, _signal?: AbortSignal): Promise<OpenedObject> {
    return openFile(this.localPath(object.key), object.key);
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
