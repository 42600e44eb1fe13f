/**
 * A local copy of an archive (e.g. from `aws s3 sync s3://bucket/prefix DIR`): the same
 * layout as the bucket, read from disk. It has no object metadata, so signatures that the
 * provider keeps there (CloudTrail digests' `x-amz-meta-signature`) cannot be checked.
 */
import path from 'node:path';
import { existingFolder, fileObject, openFile, sortedEntries } from './local-folder';
import type { ObjectStore, StoredObject } from './object-store';
import type { OpenedObject } from './types';

export class FolderStore implements ObjectStore {
  readonly kind = 'folder' as const;
  readonly root = '';
  readonly location: string;

  constructor(dir: string) {
    this.location = existingFolder(dir);
  }

  localPath(key: string): string {
    return path.join(this.location, ...key.split('/'));
  }

  async folders(prefix: string): Promise<string[]> {
    return sortedEntries(this.localPath(prefix))
      .filter((d) => d.isDirectory())
      .map((d) => `${prefix}${d.name}/`);
  }

  async *objects(prefix: string): AsyncIterable<StoredObject> {
    for (const d of sortedEntries(this.localPath(prefix))) {
      if (!d.isFile()) continue;
      const key = `${prefix}${d.name}`;
      yield fileObject(this.localPath(key), key);
    }
  }

  async open(key: string): Promise<OpenedObject> {
    return openFile(this.localPath(key), key);
  }
}
