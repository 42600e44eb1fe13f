/**
 * The few things a provider's archive layout needs from where the files are: list the
 * "folders" under a prefix, list the objects under one, open one. An S3 bucket
 * (s3-store.ts) and a local folder (folder-store.ts) both offer it; the CloudTrail layout
 * (cloudtrail/layout.ts) turns it into an ArchiveSource for a period.
 */
import type { OpenedObject } from './types';

export interface StoredObject {
  /** Full object key (S3), or the path relative to the folder ('/'-separated). */
  key: string;
  size: number;
  etag: string | null;
  modified: string | null;
}

export interface ObjectStore {
  readonly kind: 'bucket' | 'folder';
  /** s3://bucket/prefix, or the folder's absolute path. */
  readonly location: string;
  /** The key prefix the operator gave ('' or ending in '/'). */
  readonly root: string;
  /** Names of the sub-folders directly under `prefix` (ending in '/'), sorted. */
  folders(prefix: string, signal: AbortSignal): Promise<string[]>;
  /** Objects directly under `prefix` (not in sub-folders), in key order, page by page. */
  objects(prefix: string, signal: AbortSignal): AsyncIterable<StoredObject>;
  open(key: string, signal: AbortSignal): Promise<OpenedObject>;
  localPath?(key: string): string;
  close?(): void;
}
