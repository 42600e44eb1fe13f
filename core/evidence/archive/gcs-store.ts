/**
 * A Cloud Logging sink's bucket through `@google-cloud/storage`, as the customer's own
 * GCP identity (the one its Cloud KMS calls use). objects.list by prefix following
 * nextPageToken, media downloads streamed (the SDK checks the MD5 it is sent). Throttling
 * (429, 503) and server errors are retried with backoff; a principal without
 * storage.objects.list / get, a missing bucket and an unreachable endpoint become named
 * ArchiveErrors.
 *
 * The storage package bundles google-auth-library 9, whose GoogleAuth reads headers as a
 * plain object, while the app's identity clients (library 10) return a Headers instance:
 * the identity is handed over through a small adapter that returns plain headers, so the
 * SDK signs with it and never looks for credentials of its own (no metadata server).
 */
import type { Readable } from 'node:stream';
import { Storage, type File } from '@google-cloud/storage';
import type { AuthClient } from 'google-auth-library';
import { oneLine } from '../readers/retry';
import type { ListedObject, PrefixStore } from './prefix-store';
import { guardedDownload, storeSleep, withRetries, type Classified, type StoreSleep } from './store-retry';
import { ArchiveError, type OpenedObject } from './types';

export const DEFAULT_GCS_ENDPOINT = 'https://storage.googleapis.com';

export interface GcsStoreOptions {
  bucket: string;
  /** Shown as the location: gs://bucket/prefix. */
  location: string;
  endpoint?: string | undefined;
  /** The customer's identity, resolved lazily (impersonation may make a call). */
  identity: () => Promise<AuthClient>;
  timeoutMs: number;
  userAgent: string;
  pageSize?: number;
  sleep?: StoreSleep;
}

function statusOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; response?: { status?: number; statusCode?: number } };
  if (typeof err?.code === 'number') return err.code;
  return err?.response?.statusCode ?? err?.response?.status;
}

export function classifyGcsError(e: unknown, what: string): Classified {
  if (e instanceof ArchiveError) return { error: e, transient: false };
  const err = e as { code?: unknown; message?: string; name?: string };
  const status = statusOf(e);
  // The SDK puts the whole JSON error body in the message of a failed download.
  let msg = oneLine(err?.message, 400);
  try {
    msg = oneLine((JSON.parse(err?.message ?? '') as { error?: { message?: string } }).error?.message ?? msg, 400);
  } catch {
    /* not a JSON body: keep the message */
  }
  if (status === 429) return { error: new ArchiveError(`Cloud Storage throttled ${what} (429 rate limit exceeded)`, 'throttled'), transient: true };
  if (status !== undefined && status >= 500) return { error: new ArchiveError(`Cloud Storage answered ${what} with a server error (HTTP ${status})`, 'throttled'), transient: true };
  if (status === 401 || status === 403) {
    return { error: new ArchiveError(`Cloud Storage refused ${what}: ${msg}. The identity needs storage.objects.list and storage.objects.get on the sink's bucket (roles/storage.objectViewer).`, 'access_denied'), transient: false };
  }
  if (status === 404) return { error: new ArchiveError(`Cloud Storage has no ${what} (${msg})`, 'not_found'), transient: false };
  const code = typeof err?.code === 'string' ? err.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) || err?.name === 'AbortError' || err?.name === 'TimeoutError') {
    return { error: new ArchiveError(`Cloud Storage is unreachable (${code || err?.name})`, 'unreachable'), transient: false };
  }
  if (code === 'CONTENT_DOWNLOAD_MISMATCH' || /md5|crc32c|mismatch|did not match the data/i.test(msg)) return { error: new ArchiveError(`${what}: the bytes received do not match the object's checksum`, 'read_failed'), transient: false };
  return { error: new ArchiveError(`Cloud Storage ${what} failed${status ? ` (HTTP ${status})` : ''}: ${msg}`, 'read_failed'), transient: false };
}

/** google-auth-library 9's view of an auth client: plain request headers. */
function plainHeadersClient(client: AuthClient): object {
  return {
    universeDomain: 'googleapis.com',
    getRequestHeaders: async (url?: string) => {
      const h = (await client.getRequestHeaders(url)) as unknown;
      return h instanceof Headers ? Object.fromEntries(h.entries()) : (h as Record<string, string>);
    },
  };
}

interface ListAnswer {
  prefixes?: string[];
  nextPageToken?: string;
}

export class GcsStore implements PrefixStore {
  readonly kind = 'bucket' as const;
  readonly location: string;
  #storage: Promise<Storage> | undefined;
  readonly #sleep: StoreSleep;

  constructor(private readonly o: GcsStoreOptions) {
    this.location = o.location;
    this.#sleep = o.sleep ?? storeSleep;
  }

  #client(): Promise<Storage> {
    this.#storage ??= this.o.identity().then(
      (client) =>
        new Storage({
          apiEndpoint: this.o.endpoint ?? DEFAULT_GCS_ENDPOINT,
          useAuthWithCustomEndpoint: true,
          authClient: plainHeadersClient(client) as never,
          projectId: '_', // listing a bucket needs no project; stops a project id lookup
          retryOptions: { autoRetry: false },
          timeout: this.o.timeoutMs,
          userAgent: this.o.userAgent,
        }),
      (e: unknown) => {
        throw new ArchiveError(`no GCP identity to read Cloud Storage with: ${oneLine((e as Error)?.message)}`, 'access_denied');
      },
    );
    return this.#storage;
  }

  async #page(prefix: string, delimiter: boolean, pageToken: string | undefined, signal: AbortSignal): Promise<[File[], ListAnswer]> {
    const storage = await this.#client();
    const what = `the listing of gs://${this.o.bucket}/${prefix}`;
    return withRetries(
      async () => {
        const [files, , answer] = await storage.bucket(this.o.bucket).getFiles({
          prefix,
          autoPaginate: false,
          maxResults: this.o.pageSize ?? 1000,
          ...(delimiter ? { delimiter: '/' } : {}),
          ...(pageToken ? { pageToken } : {}),
        });
        return [files, (answer ?? {}) as ListAnswer] as [File[], ListAnswer];
      },
      (e) => classifyGcsError(e, what),
      signal,
      this.#sleep,
    );
  }

  async folders(prefix: string, signal: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const [, answer] = await this.#page(prefix, true, token, signal);
      out.push(...(answer.prefixes ?? []));
      token = answer.nextPageToken || undefined;
    } while (token);
    return out.sort();
  }

  async *deep(prefix: string, signal: AbortSignal): AsyncIterable<ListedObject> {
    let token: string | undefined;
    const seen = new Set<string>();
    do {
      const [files, answer] = await this.#page(prefix, false, token, signal);
      for (const f of files) {
        const m = f.metadata;
        yield { key: f.name, size: Number(m.size ?? 0), etag: m.generation !== undefined ? String(m.generation) : (m.etag ?? null), md5: m.md5Hash ?? null, modified: m.updated ?? null };
      }
      const next = answer.nextPageToken || undefined;
      if (next && seen.has(next)) throw new ArchiveError(`Cloud Storage gave the same page token twice listing gs://${this.o.bucket}/${prefix}`, 'read_failed');
      if (next) seen.add(next);
      token = next;
    } while (token);
  }

  async open(object: ListedObject, signal: AbortSignal): Promise<OpenedObject> {
    const storage = await this.#client();
    const what = `gs://${this.o.bucket}/${object.key}`;
    // An object stored gzip-encoded is decompressed by the SDK: its listed size is not what arrives.
    let transcoded = false;
    const stream = await withRetries(
      () =>
        new Promise<Readable>((resolve, reject) => {
          // The SDK sends the request when the stream is first read: wait for the first
          // bytes (or the end) so a refusal or throttling surfaces here, where it is retried.
          const s = storage.bucket(this.o.bucket).file(object.key).createReadStream({ validation: 'md5' });
          const onError = (e: unknown) => reject(e);
          s.once('error', onError);
          s.once('response', (res: { headers?: Record<string, string | string[] | undefined> }) => {
            transcoded = /gzip/i.test(String(res.headers?.['content-encoding'] ?? ''));
          });
          s.once('readable', () => {
            s.off('error', onError);
            resolve(s);
          });
        }),
      (e) => classifyGcsError(e, what),
      signal,
      this.#sleep,
    );
    return {
      stream: guardedDownload(stream, { what, size: transcoded ? null : object.size, idleMs: this.o.timeoutMs, classify: (e) => classifyGcsError(e, what).error, signal }),
      metadata: {},
    };
  }
}
