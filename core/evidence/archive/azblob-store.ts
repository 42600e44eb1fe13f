/**
 * A diagnostic-settings container through `@azure/storage-blob`, as the customer's own
 * Azure identity (the app registration its Key Vault calls use, or
 * DefaultAzureCredential). List Blobs by prefix following NextMarker (flat, or one folder
 * level with the '/' delimiter), Get Blob streamed. 503 ServerBusy and other server errors
 * are retried with backoff (the SDK's own retries are off, so the backoff is ours and
 * cancellable); a principal without read access (403), a missing container and an
 * unreachable endpoint become named ArchiveErrors.
 */
import { Readable } from 'node:stream';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { oneLine } from '../readers/retry';
import type { ListedObject, PrefixStore } from './prefix-store';
import { guardedDownload, storeSleep, withRetries, type Classified, type StoreSleep } from './store-retry';
import { ArchiveError, type OpenedObject } from './types';

export interface AzblobStoreOptions {
  account: string;
  container: string;
  location: string;
  /** Blob service endpoint; default https://<account>.blob.core.windows.net. An IP endpoint is path-style (account in the path). */
  endpoint?: string | undefined;
  credential: TokenCredential;
  timeoutMs: number;
  userAgent: string;
  /** CA certificates to trust (a loopback endpoint's self-signed certificate). */
  tlsOptions?: { ca: string[] } | undefined;
  pageSize?: number;
  sleep?: StoreSleep;
}

export function blobServiceUrl(account: string, endpoint: string | undefined): string {
  if (!endpoint) return `https://${account}.blob.core.windows.net`;
  const u = new URL(endpoint);
  const ipLike = /^[\d.]+$|^\[|^localhost$/i.test(u.hostname);
  return ipLike ? `${u.origin}/${account}` : u.origin;
}

export function classifyBlobError(e: unknown, what: string, cancelled = true): Classified {
  if (e instanceof ArchiveError) return { error: e, transient: false };
  const err = e as { statusCode?: number; code?: string; message?: string; name?: string; details?: { errorCode?: string } };
  const status = err?.statusCode;
  const code = err?.details?.errorCode ?? err?.code ?? '';
  const msg = oneLine(String(err?.message ?? '').split('\n')[0], 300);
  if (err?.name === 'AbortError') {
    // Aborted by us (cancel), or the connection dropped in the middle of a download.
    return cancelled ? { error: new ArchiveError('cancelled', 'cancelled'), transient: false } : { error: new ArchiveError(`${what}: the connection dropped during the download`, 'read_failed'), transient: false };
  }
  if (status === 503 || code === 'ServerBusy') return { error: new ArchiveError(`Azure Storage was busy (503 ServerBusy) answering ${what}`, 'throttled'), transient: true };
  if (status !== undefined && status >= 500) return { error: new ArchiveError(`Azure Storage answered ${what} with a server error (HTTP ${status}${code ? ` ${code}` : ''})`, 'throttled'), transient: true };
  if (status === 401 || status === 403 || err?.name === 'CredentialUnavailableError' || err?.name === 'AuthenticationError') {
    return {
      error: new ArchiveError(`Azure Storage refused ${what}: ${code || 'Forbidden'} (${msg}). The identity needs Storage Blob Data Reader on the storage account or container.`, 'access_denied'),
      transient: false,
    };
  }
  if (status === 404) return { error: new ArchiveError(`Azure Storage has no ${what} (${code || 'NotFound'})`, 'not_found'), transient: false };
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'REQUEST_SEND_ERROR'].includes(code)) {
    return { error: new ArchiveError(`Azure Storage is unreachable (${code})`, 'unreachable'), transient: false };
  }
  return { error: new ArchiveError(`Azure Storage ${what} failed${status ? ` (HTTP ${status})` : ''}: ${msg}`, 'read_failed'), transient: false };
}

export class AzblobStore implements PrefixStore {
  readonly kind = 'bucket' as const;
  readonly location: string;
  readonly #container: ContainerClient;
  readonly #sleep: StoreSleep;

  constructor(private readonly o: AzblobStoreOptions) {
    this.location = o.location;
    this.#sleep = o.sleep ?? storeSleep;
    // tlsOptions is passed on to the core pipeline (not in the storage package's own type).
    const options: StoragePipelineOptions & { tlsOptions?: { ca: string[] } } = {
      retryOptions: { maxTries: 1, tryTimeoutInMs: o.timeoutMs },
      userAgentOptions: { userAgentPrefix: o.userAgent },
      ...(o.tlsOptions ? { tlsOptions: o.tlsOptions } : {}),
    };
    this.#container = new BlobServiceClient(blobServiceUrl(o.account, o.endpoint), o.credential, options).getContainerClient(o.container);
  }

  #what(prefix: string): string {
    return `the listing of ${this.location.replace(/\/$/, '')}/${prefix}`;
  }

  async folders(prefix: string, signal: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    let marker: string | undefined;
    do {
      const page = await withRetries(
        async () => (await this.#container.listBlobsByHierarchy('/', { prefix }).byPage({ maxPageSize: this.o.pageSize ?? 5000, ...(marker ? { continuationToken: marker } : {}) }).next()).value,
        (e) => classifyBlobError(e, this.#what(prefix)),
        signal,
        this.#sleep,
      );
      for (const p of page?.segment.blobPrefixes ?? []) out.push(p.name);
      marker = page?.continuationToken || undefined;
    } while (marker);
    return out.sort();
  }

  async *deep(prefix: string, signal: AbortSignal): AsyncIterable<ListedObject> {
    let marker: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await withRetries(
        async () => (await this.#container.listBlobsFlat({ prefix }).byPage({ maxPageSize: this.o.pageSize ?? 5000, ...(marker ? { continuationToken: marker } : {}) }).next()).value,
        (e) => classifyBlobError(e, this.#what(prefix)),
        signal,
        this.#sleep,
      );
      for (const b of page?.segment.blobItems ?? []) {
        const md5 = b.properties.contentMD5 ? Buffer.from(b.properties.contentMD5).toString('base64') : null;
        yield { key: b.name, size: b.properties.contentLength ?? 0, etag: b.properties.etag ?? null, md5, modified: b.properties.lastModified?.toISOString() ?? null };
      }
      const next = page?.continuationToken || undefined;
      if (next && seen.has(next)) throw new ArchiveError(`Azure Storage gave the same NextMarker twice for ${this.#what(prefix)}`, 'read_failed');
      if (next) seen.add(next);
      marker = next;
    } while (marker);
  }

  async open(object: ListedObject, signal: AbortSignal): Promise<OpenedObject> {
    const what = `${this.location.replace(/\/$/, '')}/${object.key}`;
    const res = await withRetries(
      () => this.#container.getBlobClient(object.key).download(0, undefined, { abortSignal: signal }),
      (e) => classifyBlobError(e, what),
      signal,
      this.#sleep,
    );
    const body = res.readableStreamBody;
    if (!body) throw new ArchiveError(`${what}: Azure Storage sent no body`, 'read_failed');
    const stream = body instanceof Readable ? body : Readable.from(body as unknown as AsyncIterable<Buffer>);
    return {
      stream: guardedDownload(stream, { what, size: object.size, idleMs: this.o.timeoutMs, classify: (e) => classifyBlobError(e, what, signal.aborted).error, signal, md5: object.md5 }),
      metadata: res.metadata ?? {},
    };
  }
}
