/**
 * A wire-level fake of Azure Blob Storage as `@azure/storage-blob` speaks it, path-style
 * on https://127.0.0.1 (the SDK refuses a bearer token over plain http): List Blobs
 * (`GET /<account>/<container>?restype=container&comp=list&prefix&delimiter&marker&maxresults`,
 * XML EnumerationResults with NextMarker) and Get Blob (`GET /<account>/<container>/<blob>`,
 * with Content-MD5). It serves its own Entra token authority on the same port (the
 * credential's `authorityHost`), and the failures a real account gives: 503 ServerBusy for
 * the next N requests, a principal without read access to a container (403
 * AuthorizationPermissionMismatch), a download cut in the middle.
 */
import { createHash, randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { AzkvAuditRow } from './audit';
import { FakeAuthority, type FakeApp } from './authority';
import { fakeTlsMaterial } from './tls';

export interface BlobRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  appId?: string;
  status: number;
}

export interface BlobFake {
  /** `https://127.0.0.1:<port>`: blob endpoint (accounts are the first path segment) and token authority. */
  url: string;
  tenantId: string;
  caPem: string;
  registerApp(app: Partial<FakeApp> & { clientId: string; clientSecret: string }): FakeApp;
  put(account: string, container: string, name: string, content: string | Buffer): void;
  remove(account: string, container: string, name: string): void;
  names(account: string, container: string): string[];
  /** The next `count` requests to the blob service answer 503 ServerBusy. */
  busyNext(count: number): void;
  /** This app may not list or read the container (403 AuthorizationPermissionMismatch). */
  denyContainer(account: string, container: string, clientId: string): void;
  /** Downloads of this blob send half of it and drop the connection (until called with false). */
  cutDownload(account: string, container: string, name: string, on?: boolean): void;
  /** Downloads of this blob arrive whole but with one byte changed in transit (Content-MD5 still the stored blob's). */
  corruptDownload(account: string, container: string, name: string): void;
  requests(): BlobRequest[];
  close(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface BlobFakeOptions {
  tenantId?: string;
  /** Trust the tokens of another fake's authority (e.g. startAzureFake's) instead of this one's own. */
  trust?: { principalOf(authorization: string | undefined): { appId: string; scope: string } | undefined };
}

export async function startBlobFake(opts: BlobFakeOptions = {}): Promise<BlobFake> {
  const tls = fakeTlsMaterial();
  const tenantId = opts.tenantId ?? randomUUID();
  let url = '';
  const authority = new FakeAuthority(() => url, tenantId);
  const principalOf = (h: string | undefined) => (opts.trust ? opts.trust.principalOf(h) : authority.principalOf(h));
  const blobs = new Map<string, Map<string, { content: Buffer; etag: string; modified: string }>>();
  const denied = new Map<string, Set<string>>();
  const cut = new Set<string>();
  const corrupt = new Set<string>();
  let busy = 0;
  const recorded: BlobRequest[] = [];

  const containerOf = (account: string, container: string) => {
    const id = `${account}/${container}`;
    let m = blobs.get(id);
    if (!m) blobs.set(id, (m = new Map()));
    return m;
  };

  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (authority.handle(req, res, body)) return;
      const u = new URL(req.url ?? '/', 'https://x');
      const query = Object.fromEntries(u.searchParams);
      const who = principalOf(req.headers.authorization);
      const rec: BlobRequest = { method: req.method ?? 'GET', path: u.pathname, query, status: 200, ...(who ? { appId: who.appId } : {}) };
      recorded.push(rec);
      const requestId = randomUUID();
      const fail = (status: number, code: string, message: string) => {
        rec.status = status;
        res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-request-id': requestId, 'x-ms-version': '2025-01-05' });
        res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message></Error>`);
      };
      if (busy > 0) {
        busy--;
        return fail(503, 'ServerBusy', 'The server is busy.');
      }
      if (!who || !who.scope.startsWith('https://storage.azure.com')) return fail(401, 'InvalidAuthenticationInfo', 'Server failed to authenticate the request.');
      const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const [account, container] = parts;
      if (req.method !== 'GET' || !account || !container) return fail(400, 'InvalidUri', `unsupported ${req.method} ${u.pathname}`);
      if (!blobs.has(`${account}/${container}`)) return fail(404, 'ContainerNotFound', 'The specified container does not exist.');
      if (denied.get(`${account}/${container}`)?.has(who.appId)) {
        return fail(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.');
      }
      const items = containerOf(account, container);
      if (parts.length === 2) {
        if (query.restype !== 'container' || query.comp !== 'list') return fail(400, 'InvalidQueryParameterValue', 'expected restype=container&comp=list');
        const prefix = query.prefix ?? '';
        const delimiter = query.delimiter;
        const max = Math.min(Number(query.maxresults ?? 5000) || 5000, 5000);
        const names = [...items.keys()].filter((n) => n.startsWith(prefix)).sort();
        // With a delimiter, names below the next delimiter fold into one BlobPrefix.
        const entries: { name: string; prefix: boolean }[] = [];
        for (const n of names) {
          const i = delimiter ? n.indexOf(delimiter, prefix.length) : -1;
          if (i >= 0) {
            const p = n.slice(0, i + delimiter!.length);
            if (entries[entries.length - 1]?.name !== p) entries.push({ name: p, prefix: true });
          } else entries.push({ name: n, prefix: false });
        }
        const marker = query.marker ? Buffer.from(query.marker, 'base64url').toString('utf8') : '';
        const start = marker ? entries.findIndex((e) => e.name > marker) : 0;
        const page = start < 0 ? [] : entries.slice(start, start + max);
        const more = start >= 0 && start + max < entries.length;
        const next = more ? Buffer.from(page[page.length - 1]!.name).toString('base64url') : '';
        const xml = [
          '<?xml version="1.0" encoding="utf-8"?>',
          `<EnumerationResults ServiceEndpoint="${url}/${account}/" ContainerName="${xmlEscape(container)}">`,
          `<Prefix>${xmlEscape(prefix)}</Prefix>`,
          query.marker ? `<Marker>${xmlEscape(query.marker)}</Marker>` : '',
          `<MaxResults>${max}</MaxResults>`,
          delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : '',
          '<Blobs>',
          ...page.map((e) => {
            if (e.prefix) return `<BlobPrefix><Name>${xmlEscape(e.name)}</Name></BlobPrefix>`;
            const b = items.get(e.name)!;
            return `<Blob><Name>${xmlEscape(e.name)}</Name><Properties><Last-Modified>${new Date(b.modified).toUTCString()}</Last-Modified><Etag>${b.etag}</Etag><Content-Length>${b.content.length}</Content-Length><Content-Type>application/json</Content-Type><Content-MD5>${createHash('md5').update(b.content).digest('base64')}</Content-MD5><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState></Properties></Blob>`;
          }),
          '</Blobs>',
          `<NextMarker>${next}</NextMarker>`,
          '</EnumerationResults>',
        ].join('');
        res.writeHead(200, { 'content-type': 'application/xml', 'x-ms-request-id': requestId, 'x-ms-version': '2025-01-05' });
        return void res.end(xml);
      }
      const name = parts.slice(2).join('/');
      const b = items.get(name);
      if (!b) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(b.content.length),
        'content-md5': createHash('md5').update(b.content).digest('base64'),
        etag: b.etag,
        'last-modified': new Date(b.modified).toUTCString(),
        'x-ms-blob-type': 'BlockBlob',
        'x-ms-request-id': requestId,
        'x-ms-version': '2025-01-05',
      });
      if (cut.has(`${account}/${container}/${name}`)) {
        res.write(b.content.subarray(0, Math.floor(b.content.length / 2)));
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      if (corrupt.has(`${account}/${container}/${name}`)) {
        const bad = Buffer.from(b.content);
        bad[bad.length >> 1] = bad[bad.length >> 1]! ^ 0x20;
        return void res.end(bad);
      }
      res.end(b.content);
    });
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    tenantId,
    caPem: tls.cert,
    registerApp: (app) => authority.registerApp(app),
    put: (account, container, name, content) => {
      containerOf(account, container).set(name, { content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), etag: `"0x${randomUUID().replace(/-/g, '').slice(0, 15).toUpperCase()}"`, modified: new Date().toISOString() });
    },
    remove: (account, container, name) => void containerOf(account, container).delete(name),
    names: (account, container) => [...containerOf(account, container).keys()].sort(),
    busyNext: (count) => {
      busy = count;
    },
    denyContainer: (account, container, clientId) => {
      containerOf(account, container);
      const id = `${account}/${container}`;
      let s = denied.get(id);
      if (!s) denied.set(id, (s = new Set()));
      s.add(clientId);
    },
    corruptDownload: (account, container, name) => void corrupt.add(`${account}/${container}/${name}`),
    cutDownload: (account, container, name, on = true) => void (on ? cut.add(`${account}/${container}/${name}`) : cut.delete(`${account}/${container}/${name}`)),
    requests: () => recorded.map((r) => ({ ...r })),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A Key Vault AuditEvent as a diagnostic setting writes it to a storage account (one JSON
 * line of PT1H.json), from the AZKVAuditLogs row Azure Monitor shows for the same request.
 */
export function diagnosticRecord(row: AzkvAuditRow): Record<string, unknown> {
  return {
    time: row.TimeGenerated.replace(/Z$/, '0000Z'), // seven fractional digits, as Azure writes them
    resourceId: row._ResourceId.toUpperCase(),
    operationName: row.OperationName,
    operationVersion: row.OperationVersion,
    category: 'AuditEvent',
    resultType: row.ResultType,
    resultSignature: row.ResultSignature,
    resultDescription: row.ResultDescription,
    durationMs: String(row.DurationMs),
    callerIpAddress: row.CallerIpAddress,
    correlationId: row.CorrelationId,
    identity: JSON.parse(row.Identity) as unknown,
    properties: { id: row.Id, clientInfo: row.ClientInfo, requestUri: row.RequestUri, httpStatusCode: row.HttpStatusCode, isRbacAuthorized: row.IsRbacAuthorized },
  };
}

/** The blob a diagnostic setting writes a record's hour to. */
export function diagnosticBlobName(resourceId: string, time: string): string {
  const d = new Date(Date.parse(time));
  const p = (n: number) => String(n).padStart(2, '0');
  return `resourceId=${resourceId.toUpperCase()}/y=${d.getUTCFullYear()}/m=${p(d.getUTCMonth() + 1)}/d=${p(d.getUTCDate())}/h=${p(d.getUTCHours())}/m=00/PT1H.json`;
}
