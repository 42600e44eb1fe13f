/**
 * What the Cloud Logging sink and Key Vault diagnostic-settings layouts need from where
 * their files are (a Cloud Storage bucket, a blob container, a local folder): the
 * "folders" directly under a prefix, every object under a prefix at any depth (one day of
 * a sink is one listing, not one per hour), and one object opened as a stream.
 */
import type { OpenedObject } from './types';

export interface ListedObject {
  /** Object key / blob name / path under the folder, '/'-separated. */
  key: string;
  size: number;
  etag: string | null;
  /** Base64 MD5 when the store gives it. */
  md5?: string | null;
  modified: string | null;
}

export interface PrefixStore {
  readonly kind: 'bucket' | 'folder';
  /** gs://bucket/prefix, azblob://account/container/prefix, or the folder's absolute path. */
  readonly location: string;
  /** Names (ending in '/') of the sub-folders directly under `prefix`, sorted. */
  folders(prefix: string, signal: AbortSignal): Promise<string[]>;
  /** Every object under `prefix`, at any depth, in key order, page by page. */
  deep(prefix: string, signal: AbortSignal): AsyncIterable<ListedObject>;
  /** The object's bytes; failures before the first byte are retried or named, later ones end the stream with an ArchiveError. */
  open(object: ListedObject, signal: AbortSignal): Promise<OpenedObject>;
  localPath?(key: string): string;
}
