/**
 * A wire-level fake of the Cloud Storage JSON API as `@google-cloud/storage` speaks it:
 * `GET /storage/v1/b/<bucket>/o?prefix&pageToken&maxResults` (objects.list, paged by
 * nextPageToken) and `GET /storage/v1/b/<bucket>/o/<object>?alt=media` (media download,
 * with `x-goog-hash: md5=…` so the SDK checks what it received). HTTP on 127.0.0.1,
 * bearer tokens mapped to principals, and the failures a real bucket gives: 429 / 503
 * throttling for the next N requests, a principal without storage.objects.list (403), a
 * download cut in the middle.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const DEFAULT_GCS_TOKEN = 'fake-gcs-token';
export const DEFAULT_GCS_PRINCIPAL = 'keywarden-reader@keywarden-test.iam.gserviceaccount.com';

export interface GcsObject {
  name: string;
  content: Buffer;
  updated: string;
  generation: number;
}

export interface GcsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  principal?: string;
  status: number;
}

export interface GcsFake {
  /** `http://127.0.0.1:<port>`: the Storage client's apiEndpoint. */
  url: string;
  put(bucket: string, name: string, content: string | Buffer): void;
  remove(bucket: string, name: string): void;
  objects(bucket: string): string[];
  /** The next `count` requests (those whose path contains `pathPart`, if given) answer 429 rateLimitExceeded or 503 backendError. */
  throttleNext(count: number, status?: 429 | 503, pathPart?: string): void;
  /** The principal may not list or read this bucket (403, storage.objects.list / get denied). */
  denyBucket(bucket: string, principal?: string): void;
  /** Downloads of this object send half of it and drop the connection (until called with false). */
  cutDownload(bucket: string, name: string, on?: boolean): void;
  /** Downloads of this object arrive whole but with one byte changed in transit (x-goog-hash still the stored object's). */
  corruptDownload(bucket: string, name: string): void;
  requests(): GcsRequest[];
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function failure(res: http.ServerResponse, status: number, reason: string, message: string): void {
  send(res, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

export async function startGcsFake(opts: { tokens?: Record<string, string>; pageSizeCap?: number } = {}): Promise<GcsFake> {
  const tokens = new Map(Object.entries(opts.tokens ?? { [DEFAULT_GCS_TOKEN]: DEFAULT_GCS_PRINCIPAL }));
  const buckets = new Map<string, Map<string, GcsObject>>();
  const denied = new Map<string, Set<string>>();
  const cut = new Set<string>();
  const corrupt = new Set<string>();
  let throttle = { count: 0, status: 429 as 429 | 503, pathPart: '' };
  const recorded: GcsRequest[] = [];
  let generation = 1_700_000_000_000_000;

  const bucketOf = (b: string) => {
    let m = buckets.get(b);
    if (!m) buckets.set(b, (m = new Map()));
    return m;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const principal = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const rec: GcsRequest = { method: req.method ?? 'GET', path: url.pathname, query, status: 200, ...(principal ? { principal } : {}) };
    recorded.push(rec);
    const answer = (status: number, reason: string, message: string) => {
      rec.status = status;
      failure(res, status, reason, message);
    };
    if (throttle.count > 0 && url.pathname.includes(throttle.pathPart)) {
      throttle.count--;
      return throttle.status === 429
        ? answer(429, 'rateLimitExceeded', 'The rate of change requests to the bucket is too high. Please slow down.')
        : answer(503, 'backendError', 'We encountered an internal error. Please try again.');
    }
    if (!principal) return answer(401, 'required', 'Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket.');
    const m = /^\/storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return answer(404, 'notFound', `no route ${req.method} ${url.pathname}`);
    const bucket = decodeURIComponent(m[1]!);
    if (!buckets.has(bucket)) return answer(404, 'notFound', 'The specified bucket does not exist.');
    if (denied.get(bucket)?.has(principal)) {
      const perm = m[2] ? 'storage.objects.get' : 'storage.objects.list';
      return answer(403, 'forbidden', `${principal} does not have ${perm} access to the Google Cloud Storage bucket. Permission '${perm}' denied on resource (or it may not exist).`);
    }
    const objects = bucketOf(bucket);
    if (!m[2]) {
      const prefix = query.prefix ?? '';
      const max = Math.min(Number(query.maxResults ?? 1000) || 1000, opts.pageSizeCap ?? 1000);
      const names = [...objects.keys()].filter((n) => n.startsWith(prefix)).sort();
      let offset = 0;
      if (query.pageToken) {
        const tok = Buffer.from(query.pageToken, 'base64url').toString('utf8');
        const at = names.findIndex((n) => n > tok);
        offset = at < 0 ? names.length : at;
      }
      const page = names.slice(offset, offset + max);
      const next = offset + max < names.length ? Buffer.from(page[page.length - 1]!).toString('base64url') : undefined;
      return send(res, 200, {
        kind: 'storage#objects',
        items: page.map((n) => {
          const o = objects.get(n)!;
          return { kind: 'storage#object', name: n, bucket, size: String(o.content.length), updated: o.updated, generation: String(o.generation), contentType: 'application/json', md5Hash: createHash('md5').update(o.content).digest('base64') };
        }),
        ...(next ? { nextPageToken: next } : {}),
      });
    }
    const name = decodeURIComponent(m[2]);
    const o = objects.get(name);
    if (!o) return answer(404, 'notFound', `No such object: ${bucket}/${name}`);
    if (query.alt !== 'media') {
      return send(res, 200, { kind: 'storage#object', name, bucket, size: String(o.content.length), updated: o.updated, generation: String(o.generation) });
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(o.content.length),
      'x-goog-hash': `md5=${createHash('md5').update(o.content).digest('base64')}`,
      'x-goog-generation': String(o.generation),
      'x-goog-stored-content-encoding': 'identity',
    });
    if (cut.has(`${bucket}/${name}`)) {
      res.write(o.content.subarray(0, Math.floor(o.content.length / 2)));
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    }
    if (corrupt.has(`${bucket}/${name}`)) {
      const bad = Buffer.from(o.content);
      bad[bad.length >> 1] = bad[bad.length >> 1]! ^ 0x20;
      return void res.end(bad);
    }
    res.end(o.content);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    put: (bucket, name, content) => {
      bucketOf(bucket).set(name, { name, content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), updated: new Date().toISOString(), generation: generation++ });
    },
    remove: (bucket, name) => void bucketOf(bucket).delete(name),
    objects: (bucket) => [...bucketOf(bucket).keys()].sort(),
    throttleNext: (count, status = 429, pathPart = '') => {
      throttle = { count, status, pathPart: pathPart.replace(/[/:]/g, (c) => encodeURIComponent(c)) };
    },
    denyBucket: (bucket, principal = DEFAULT_GCS_PRINCIPAL) => {
      bucketOf(bucket);
      let s = denied.get(bucket);
      if (!s) denied.set(bucket, (s = new Set()));
      s.add(principal);
    },
    corruptDownload: (bucket, name) => void corrupt.add(`${bucket}/${name}`),
    cutDownload: (bucket, name, on = true) => void (on ? cut.add(`${bucket}/${name}`) : cut.delete(`${bucket}/${name}`)),
    requests: () => recorded.map((r) => ({ ...r })),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
