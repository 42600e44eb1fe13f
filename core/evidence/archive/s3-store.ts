/**
 * A trail's S3 bucket through `@aws-sdk/client-s3`, with the tenant's own AWS credentials
 * (the same chain / AssumeRole as its KMS calls). ListObjectsV2 with a delimiter (one
 * "folder" level at a time) following continuation tokens; GetObject streamed, with the
 * object's user metadata (CloudTrail puts a digest's signature there). Throttling
 * (503 SlowDown) and server errors are retried with backoff; access denied, a missing
 * bucket or object, and an unreachable endpoint become named ArchiveErrors.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import type { CredentialProvider } from '../../providers/aws/credentials';
import { oneLine, statusOf } from '../readers/retry';
import type { ObjectStore, StoredObject } from './object-store';
import { ArchiveError, type OpenedObject } from './types';

export interface S3StoreOptions {
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  region: string;
  endpoint?: string | undefined;
  credentials: CredentialProvider;
  timeoutMs: number;
  userAgent: string;
  /** Attempts of a throttled or failed (5xx) request, and the first backoff (doubling). */
  attempts?: number;
  backoffMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Parses `s3://bucket/prefix` (prefix optional); null when it is not an s3 URL. */
export function parseS3Location(location: string): { bucket: string; prefix: string } | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location);
  if (!m) return null;
  const raw = (m[2] ?? '').replace(/^\/+/, '');
  return { bucket: m[1]!, prefix: raw === '' || raw.endsWith('/') ? raw : `${raw}/` };
}

export function classifyS3Error(e: unknown, what: string): ArchiveError {
  if (e instanceof ArchiveError) return e;
  const err = e as { name?: string; code?: string; message?: string; $fault?: string };
  const name = err?.name ?? '';
  const status = statusOf(e);
  const msg = oneLine(err?.message);
  if (name === 'AbortError' || name === 'CancelledError') return new ArchiveError('cancelled', 'cancelled');
  if (name === 'SlowDown' || name === 'ThrottlingException' || name === 'TooManyRequests' || status === 503 || status === 429) {
    return new ArchiveError(`S3 throttled ${what} (SlowDown) and kept throttling after retries`, 'throttled');
  }
  if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'ExpiredToken' || status === 403) {
    return new ArchiveError(`S3 refused ${what}: ${name || 'AccessDenied'}${msg ? ` (${msg})` : ''}. The credentials need s3:ListBucket and s3:GetObject on the trail's bucket.`, 'access_denied');
  }
  if (name === 'NoSuchBucket' || name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new ArchiveError(`S3 has no ${what} (${name || 'NotFound'})`, 'not_found');
  }
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err?.code ?? '') || name === 'TimeoutError') {
    return new ArchiveError(`S3 is unreachable (${err?.code ?? name})`, 'unreachable');
  }
  if ((status !== undefined && status >= 500) || err?.$fault === 'server') {
    return new ArchiveError(`S3 answered ${what} with a server error (HTTP ${status ?? '5xx'}${name ? ` ${name}` : ''})`, 'read_failed');
  }
  return new ArchiveError(`S3 ${what} failed: ${name || 'error'}${msg ? `: ${msg}` : ''}`, 'read_failed');
}

const realSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new ArchiveError('cancelled', 'cancelled'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ArchiveError('cancelled', 'cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class S3Store implements ObjectStore {
  readonly kind = 'bucket' as const;
  readonly location: string;
  readonly root: string;
  readonly #client: S3Client;

  constructor(private readonly o: S3StoreOptions) {
    this.location = `s3://${o.bucket}/${o.prefix}`;
    this.root = o.prefix;
    this.#client = new S3Client({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
      credentials: o.credentials,
      maxAttempts: 1,
      customUserAgent: o.userAgent,
      requestHandler: { connectionTimeout: o.timeoutMs, requestTimeout: o.timeoutMs, throwOnRequestTimeout: true },
    });
  }

  /** A request retried on throttling and 5xx with backoff; other failures at once. */
  async #send<T>(what: string, signal: AbortSignal, request: () => Promise<T>): Promise<T> {
    const attempts = this.o.attempts ?? 4;
    const sleep = this.o.sleep ?? realSleep;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
      try {
        return await request();
      } catch (e) {
        const err = classifyS3Error(e, what);
        const retriable = err.kind === 'throttled' || (err.kind === 'read_failed' && (statusOf(e) ?? 0) >= 500);
        if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
        if (!retriable || attempt >= attempts) throw err;
        await sleep((this.o.backoffMs ?? 500) * 2 ** (attempt - 1), signal);
      }
    }
  }

  async *#pages(prefix: string, delimiter: boolean, signal: AbortSignal): AsyncIterable<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    const seen = new Set<string>();
    do {
      const out = await this.#send(`the listing of s3://${this.o.bucket}/${prefix}`, signal, () =>
        this.#client.send(
          new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix, ...(delimiter ? { Delimiter: '/' } : {}), ...(token ? { ContinuationToken: token } : {}) }),
          { abortSignal: signal },
        ),
      );
      yield out;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
      if (out.IsTruncated && !token) throw new ArchiveError(`S3 said the listing of ${prefix} goes on but gave no continuation token`, 'read_failed');
      if (token) {
        if (seen.has(token)) throw new ArchiveError(`S3 repeated a continuation token listing ${prefix}`, 'read_failed');
        seen.add(token);
      }
    } while (token);
  }

  async folders(prefix: string, signal: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.#pages(prefix, true, signal)) for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
    return out.sort();
  }

  async *objects(prefix: string, signal: AbortSignal): AsyncIterable<StoredObject> {
    for await (const page of this.#pages(prefix, true, signal)) {
      for (const c of page.Contents ?? []) {
        if (!c.Key || c.Key.endsWith('/')) continue;
        yield { key: c.Key, size: c.Size ?? 0, etag: c.ETag ?? null, modified: c.LastModified ? c.LastModified.toISOString() : null };
      }
    }
  }

  async open(key: string, signal: AbortSignal): Promise<OpenedObject> {
    const out = await this.#send(`s3://${this.o.bucket}/${key}`, signal, () => this.#client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }), { abortSignal: signal }));
    if (!out.Body) throw new ArchiveError(`S3 answered s3://${this.o.bucket}/${key} without a body`, 'read_failed');
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.Metadata ?? {})) if (typeof v === 'string') metadata[k.toLowerCase()] = v;
    return { stream: out.Body as Readable, metadata };
  }

  close(): void {
    this.#client.destroy();
  }
}
