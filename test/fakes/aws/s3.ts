/**
 * The fake S3 endpoint on the wire (REST-XML, path-style, SigV4 with service `s3`), as
 * much of it as reading a trail's bucket needs: ListObjectsV2 (prefix, delimiter,
 * continuation tokens, a small page size so tests page), GetObject (bytes, ETag,
 * `x-amz-meta-*` metadata). Faults: 503 SlowDown for the next N requests, AccessDenied on
 * list or on get, and objects removed or replaced in place.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse, Handler, LoopbackServer } from './http';
import { xmlEscape } from './http';
import type { Identities } from './identities';

export interface S3Object {
  body: Buffer;
  metadata: Record<string, string>;
  etag: string;
  modified: Date;
}

export interface S3FakeState {
  identities: Identities;
  region: string;
  server: () => LoopbackServer;
  buckets: Map<string, Map<string, S3Object>>;
  /** Keys per ListObjectsV2 page (S3: 1000). */
  pageSize: number;
  /** The next this many requests answer 503 SlowDown. */
  slowDown: number;
  denyList: boolean;
  denyGet: boolean;
  listRequests: number;
  getRequests: number;
}

function xmlError(status: number, code: string, message: string): FakeResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
}

export function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function list(s: S3FakeState, bucket: Map<string, S3Object>, bucketName: string, q: URLSearchParams): FakeResponse {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const token = q.get('continuation-token');
  const startAfter = token ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const maxKeys = Math.min(Number(q.get('max-keys') ?? 1000) || 1000, s.pageSize);
  // Keys and common prefixes in one sorted stream, as S3 pages them.
  const entries: { key: string; prefix: boolean }[] = [];
  const seenPrefixes = new Set<string>();
  for (const key of [...bucket.keys()].sort()) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (cut >= 0) {
      const p = prefix + rest.slice(0, cut + delimiter.length);
      if (!seenPrefixes.has(p)) {
        seenPrefixes.add(p);
        entries.push({ key: p, prefix: true });
      }
    } else entries.push({ key, prefix: false });
  }
  const after = entries.filter((e) => e.key > startAfter);
  const page = after.slice(0, maxKeys);
  const truncated = after.length > page.length;
  const contents = page
    .filter((e) => !e.prefix)
    .map((e) => {
      const o = bucket.get(e.key)!;
      return `<Contents><Key>${xmlEscape(e.key)}</Key><LastModified>${o.modified.toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const prefixes = page
    .filter((e) => e.prefix)
    .map((e) => `<CommonPrefixes><Prefix>${xmlEscape(e.key)}</Prefix></CommonPrefixes>`)
    .join('');
  const next = truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]!.key).toString('base64url')}</NextContinuationToken>` : '';
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucketName)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
      `<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>${delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : ''}<IsTruncated>${truncated}</IsTruncated>` +
      `${token ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : ''}${next}${contents}${prefixes}</ListBucketResult>`,
  };
}

export function s3Handler(s: S3FakeState): Handler {
  return async (req: FakeRequest): Promise<FakeResponse | 'destroy'> => {
    const fault = s.server().fault;
    if (fault.kind === 'refuse') return 'destroy';
    const auth = s.identities.authenticate(req, s.region, 's3');
    if (!auth.ok) return xmlError(403, auth.failure === 'bad_signature' ? 'SignatureDoesNotMatch' : 'InvalidAccessKeyId', auth.message);
    if (s.slowDown > 0) {
      s.slowDown--;
      return xmlError(503, 'SlowDown', 'Please reduce your request rate.');
    }
    if (fault.kind === 'server_error') return xmlError(500, 'InternalError', 'We encountered an internal error. Please try again.');
    const url = new URL(req.url, 'http://fake');
    const [bucketName, ...rest] = url.pathname.replace(/^\//, '').split('/');
    const key = rest.map((p) => decodeURIComponent(p)).join('/');
    const bucket = s.buckets.get(decodeURIComponent(bucketName ?? ''));
    if (req.method !== 'GET') return xmlError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    if (!bucket) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (key === '') {
      s.listRequests++;
      if (s.denyList || fault.kind === 'deny') return xmlError(403, 'AccessDenied', `User: ${auth.identity.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${bucketName}"`);
      return list(s, bucket, bucketName!, url.searchParams);
    }
    s.getRequests++;
    if (s.denyGet || fault.kind === 'deny') return xmlError(403, 'AccessDenied', 'Access Denied');
    const o = bucket.get(key);
    if (!o) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      etag: o.etag,
      'last-modified': o.modified.toUTCString(),
    };
    for (const [k, v] of Object.entries(o.metadata)) headers[`x-amz-meta-${k}`] = v;
    return { status: 200, headers, body: o.body };
  };
}
