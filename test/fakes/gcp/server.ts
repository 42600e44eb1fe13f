/**
 * A wire-level fake of Cloud KMS v1 (REST, as the `fallback: true` client sends it), of
 * the IAM Credentials `generateAccessToken` call used for impersonation, and of Cloud
 * Logging `POST /v2/entries:list` over the Data Access audit entries every KMS call
 * leaves behind, of Cloud Logging `POST /v2/entries:write` (the checkpoint witness; the
 * written entries list back too), and of the OAuth2 token info endpoint (`/tokeninfo`: whose token is this). HTTP on 127.0.0.1, bearer tokens mapped to principals, every FaultMode.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../../core/clock';
import type { FaultMode } from '../fault-mode';
import { AuditLogStore, kmsAuditEntry, kmsPermission, ListError, type KmsAuditMethod, type LogEntry, type WrittenEntry } from './audit-log';
import { projectsOf, writeEntries } from './logging-write';
import { handleDecrypt, handleEncrypt, handleGetCryptoKey, type IntegrityFault } from './kms-handlers';
import { KmsFailure, KmsKeyStore, type VersionState } from './kms-store';
import { attributesOf, newGcpReviewState, reviewRoute, withReviewAttributes, type GcpReviewState, type IamBinding, type KeyReviewAttributes } from './review-routes';

export const DEFAULT_GCP_TOKEN = 'fake-adc-token';
export const DEFAULT_GCP_PRINCIPAL = 'keywarden-operator@keywarden-test.iam.gserviceaccount.com';

export interface GcpFakeOptions {
  /** Bearer token → principal email. Default: DEFAULT_GCP_TOKEN → DEFAULT_GCP_PRINCIPAL. */
  tokens?: Record<string, string>;
  /** Service account → principals holding roles/iam.serviceAccountTokenCreator on it. */
  impersonation?: Record<string, string[]>;
  /** Audit timestamps and log visibility follow this clock. Default: system clock. */
  clock?: Clock;
  /** Cloud Logging delivery delay: entries list only this long after receiveTimestamp. */
  deliveryDelayMs?: number;
  /** CryptoKey paths to create at start. */
  keys?: string[];
}

/** Faults of Cloud Logging `entries:list` answers (the shared FaultMode covers KMS). */
export type LogListFault = 'pass' | 'server_error' | 'non_json' | 'repeat_token' | 'endless_token';

export interface RecordedRequest {
  method: string;
  path: string;
  userAgent: string;
  principal?: string;
  /** The `x-goog-user-project` header (quota project), when sent. */
  quotaProject?: string;
}

export interface GcpFake {
  /** Base URL `http://127.0.0.1:<port>`: give it as the provider's `config.endpoint`. */
  url: string;
  endpoint: string;
  port: number;
  createKey(path: string): string;
  rotateKey(path: string): number;
  disableKey(path: string, version?: number): void;
  enableKey(path: string, version?: number): void;
  destroyKeyVersion(path: string, version?: number): void;
  revokeAccess(path: string, principal: string): void;
  restoreAccess(path: string, principal: string): void;
  addToken(token: string, principal: string): void;
  allowImpersonation(serviceAccount: string, principal: string): void;
  setFault(mode: FaultMode, keyPath?: string): void;
  /** Faults of the token info endpoint only: `refuse` drops the connection, `deny` answers invalid_token. */
  setTokenInfoFault(mode: FaultMode): void;
  setIntegrityFault(kind: IntegrityFault): void;
  setDeliveryDelay(ms: number): void;
  /** entries:list answers 500, a body that is not JSON, the same nextPageToken again, or endless empty pages. */
  setLogListFault(fault: LogListFault): void;
  auditEntries(): LogEntry[];
  /** Entries written through entries.write (the checkpoint witness), as stored. */
  writtenEntries(): WrittenEntry[];
  /** Stores an entry as if entries.write had (anyone with roles/logging.logWriter can). */
  injectWrittenEntry(entry: WrittenEntry): void;
  /** Removes written entries (by insertId or predicate); returns the count. */
  dropWrittenEntry(match: string | ((e: WrittenEntry) => boolean)): number;
  /** Faults of Cloud Logging entries.write and entries.list (every FaultMode; `key_disabled` acts as `deny`). */
  setLoggingFault(mode: FaultMode): void;
  /** Takes roles/logging.logWriter away from a principal (entries.write answers 403), or gives it back. */
  setLogWriter(principal: string, allowed: boolean): void;
  injectEntry(entry: LogEntry): void;
  dropEntry(match: string | ((e: LogEntry) => boolean)): number;
  requests(): RecordedRequest[];
  /** IAM bindings of a CryptoKey or KeyRing as getIamPolicy answers them (replaces them). */
  setIamPolicy(resource: string, bindings: IamBinding[]): void;
  /** The key's rotation, protection level, destroy duration and import-only flag (mutable). */
  reviewAttributes(keyPath: string): KeyReviewAttributes;
  /** The review reads' state: deny a permission with `review.denied.add('cloudkms.cryptoKeys.getIamPolicy')`. */
  readonly review: GcpReviewState;
  closeListener(): Promise<void>;
  reopenListener(): Promise<void>;
  close(): Promise<void>;
}

interface Caller {
  principal: string;
  delegatedFrom?: string;
}

const KMS_OP_RE = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/:]+)(?::(encrypt|decrypt))?$/;
const IAM_RE = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function sendFailure(res: http.ServerResponse, f: KmsFailure, details?: unknown[]): void {
  send(res, f.http, { error: { code: f.http, message: f.message, status: f.status, ...(details ? { details } : {}) } });
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1 << 20) throw new KmsFailure(400, 'INVALID_ARGUMENT', 3, 'Request payload size exceeds the limit.');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new KmsFailure(400, 'INVALID_ARGUMENT', 3, 'Invalid JSON payload received.');
  }
}

export async function startGcpFake(opts: GcpFakeOptions = {}): Promise<GcpFake> {
  const clock = opts.clock ?? systemClock;
  const tokens = new Map<string, Caller>(
    Object.entries(opts.tokens ?? { [DEFAULT_GCP_TOKEN]: DEFAULT_GCP_PRINCIPAL }).map(([t, p]) => [t, { principal: p }]),
  );
  const impersonation = new Map<string, Set<string>>(Object.entries(opts.impersonation ?? {}).map(([sa, ps]) => [sa, new Set(ps)]));
  let deliveryDelay = opts.deliveryDelayMs ?? 0;
  const store = new KmsKeyStore(() => clock.now());
  const log = new AuditLogStore(() => deliveryDelay);
  const keyFaults = new Map<string, FaultMode>();
  let globalFault: FaultMode = { kind: 'pass' };
  let integrity: IntegrityFault = null;
  let listFault: LogListFault = 'pass';
  let firstToken: string | undefined;
  let tokenInfoFault: FaultMode = { kind: 'pass' };
  let loggingFault: FaultMode = { kind: 'pass' };
  const noLogWriter = new Set<string>();
  let seq = 0;
  const recorded: RecordedRequest[] = [];
  const review = newGcpReviewState();
  for (const k of opts.keys ?? []) store.create(k);

  const authenticate = (req: http.IncomingMessage): Caller | undefined => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return m ? tokens.get(m[1]!) : undefined;
  };
  const unauthenticated = new KmsFailure(401, 'UNAUTHENTICATED', 16,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');

  async function kmsRoute(req: http.IncomingMessage, res: http.ServerResponse, keyPath: string, verb: string | undefined, url: URL) {
    const method: KmsAuditMethod = verb === 'encrypt' ? 'Encrypt' : verb === 'decrypt' ? 'Decrypt' : 'GetCryptoKey';
    if ((verb && req.method !== 'POST') || (!verb && req.method !== 'GET')) {
      return sendFailure(res, new KmsFailure(404, 'NOT_FOUND', 5, 'Method not found.'));
    }
    const fault = keyFaults.get(keyPath) ?? globalFault;
    if (fault.kind === 'refuse') return void req.socket.destroy();
    const body = await readJson(req);
    if (fault.kind === 'slow') await sleep(fault.delayMs);
    const caller = authenticate(req);
    const userAgent = `${req.headers['user-agent'] ?? ''},gzip(gfe)`;
    const quotaProject = req.headers['x-goog-user-project'];
    recorded.push({
      method: req.method ?? '', path: url.pathname, userAgent,
      ...(caller ? { principal: caller.principal } : {}), ...(typeof quotaProject === 'string' ? { quotaProject } : {}),
    });
    if (!caller) return sendFailure(res, unauthenticated);
    const audit = (failure: KmsFailure | null, granted: boolean) =>
      log.append(kmsAuditEntry({
        keyPath, method, principal: caller.principal, ...(caller.delegatedFrom ? { delegatedFrom: caller.delegatedFrom } : {}),
        callerIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''), userAgent,
        status: failure ? { code: failure.grpc, message: failure.message } : null, granted, at: clock.now(), seq: seq++,
      }));
    const fail = (f: KmsFailure, granted: boolean, details?: unknown[]) => { audit(f, granted); sendFailure(res, f, details); };
    const key = store.get(keyPath);
    const permission = kmsPermission(method);
    if (fault.kind === 'deny' || key?.revoked.has(caller.principal)) {
      const denied = new KmsFailure(403, 'PERMISSION_DENIED', 7, `Permission '${permission}' denied on resource '${keyPath}' (or it may not exist).`);
      return fail(denied, false, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'cloudkms.googleapis.com', metadata: { permission, resource: keyPath } }]);
    }
    if (!key) return fail(new KmsFailure(404, 'NOT_FOUND', 5, `${keyPath} not found.`), true);
    if (fault.kind === 'key_disabled') {
      return fail(new KmsFailure(400, 'FAILED_PRECONDITION', 9, `${keyPath}/cryptoKeyVersions/${key.primary} is not enabled, current state is: DISABLED.`), true);
    }
    if (fault.kind === 'throttle') {
      return fail(new KmsFailure(429, 'RESOURCE_EXHAUSTED', 8,
        `Quota exceeded for quota metric 'Cryptographic requests' and limit 'Cryptographic requests per minute' of service 'cloudkms.googleapis.com' for consumer 'project:${keyPath.split('/')[1]}'.`), true);
    }
    if (fault.kind === 'server_error') return fail(new KmsFailure(500, 'INTERNAL', 13, 'Internal error encountered.'), true);
    const o = { enumsAsInt: (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int'), integrity };
    try {
      const answer = method === 'Encrypt' ? handleEncrypt(store, key, body, o)
        : method === 'Decrypt' ? handleDecrypt(store, key, body, o) : withReviewAttributes(handleGetCryptoKey(key, o), review, keyPath, o.enumsAsInt);
      audit(null, true);
      send(res, 200, answer);
    } catch (e) {
      if (e instanceof KmsFailure) return fail(e, true);
      throw e;
    }
  }

  async function iamRoute(req: http.IncomingMessage, res: http.ServerResponse, sa: string) {
    if (globalFault.kind === 'refuse') return void req.socket.destroy();
    const body = await readJson(req);
    if (globalFault.kind === 'slow') await sleep(globalFault.delayMs);
    const caller = authenticate(req);
    recorded.push({ method: 'POST', path: `generateAccessToken ${sa}`, userAgent: req.headers['user-agent'] ?? '', ...(caller ? { principal: caller.principal } : {}) });
    if (!caller) return sendFailure(res, unauthenticated);
    if (!Array.isArray(body.scope) || body.scope.length === 0) return sendFailure(res, new KmsFailure(400, 'INVALID_ARGUMENT', 3, 'Scope required.'));
    if (!impersonation.get(sa)?.has(caller.principal)) {
      const perm = 'iam.serviceAccounts.getAccessToken';
      return sendFailure(res, new KmsFailure(403, 'PERMISSION_DENIED', 7, `Permission '${perm}' denied on resource (or it may not exist).`),
        [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission: perm } }]);
    }
    const lifetime = Number(String(body.lifetime ?? '3600s').replace(/s$/, '')) || 3600;
    const accessToken = `ya29.fake-${randomBytes(12).toString('hex')}`;
    tokens.set(accessToken, { principal: sa, delegatedFrom: caller.principal });
    send(res, 200, { accessToken, expireTime: new Date(Date.now() + lifetime * 1000).toISOString() });
  }

  /** Google's token info: the bearer token (header, form or query), answered with its account's email. */
  async function tokenInfoRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    let form = '';
    for await (const c of req) form += (c as Buffer).toString('utf8');
    if (tokenInfoFault.kind === 'refuse') return void req.socket.destroy();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      ?? new URLSearchParams(form).get('access_token') ?? url.searchParams.get('access_token') ?? '';
    const caller = tokens.get(token);
    recorded.push({ method: req.method ?? '', path: 'tokeninfo', userAgent: req.headers['user-agent'] ?? '', ...(caller ? { principal: caller.principal } : {}) });
    if (!caller || tokenInfoFault.kind === 'deny') return send(res, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
    send(res, 200, {
      azp: '1234567890', aud: '1234567890', scope: 'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email',
      exp: String(Math.floor(Date.now() / 1000) + 3599), expires_in: '3599', email: caller.principal, email_verified: 'true', access_type: 'online',
    });
  }

  /** The shared Logging fault, before the route's own work; true when the answer was sent. */
  async function loggingFaultAnswered(req: http.IncomingMessage, res: http.ServerResponse, permission: string): Promise<boolean> {
    const fault = loggingFault;
    if (fault.kind === 'refuse') {
      req.socket.destroy();
      return true;
    }
    if (fault.kind === 'slow') await sleep(fault.delayMs);
    if (fault.kind === 'deny' || fault.kind === 'key_disabled') {
      sendFailure(res, new KmsFailure(403, 'PERMISSION_DENIED', 7, `Permission '${permission}' denied on resource (or it may not exist).`));
      return true;
    }
    if (fault.kind === 'throttle') {
      sendFailure(res, new KmsFailure(429, 'RESOURCE_EXHAUSTED', 8, "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute' of service 'logging.googleapis.com'."));
      return true;
    }
    if (fault.kind === 'server_error') {
      sendFailure(res, new KmsFailure(500, 'INTERNAL', 13, 'Internal error encountered.'));
      return true;
    }
    return false;
  }

  async function writeRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (loggingFault.kind === 'refuse') return void req.socket.destroy();
    const body = await readJson(req);
    const caller = authenticate(req);
    recorded.push({ method: 'POST', path: url.pathname, userAgent: `${req.headers['user-agent'] ?? ''},gzip(gfe)`, ...(caller ? { principal: caller.principal } : {}) });
    if (await loggingFaultAnswered(req, res, 'logging.logEntries.create')) return;
    if (!caller) return sendFailure(res, unauthenticated);
    if (noLogWriter.has(caller.principal)) {
      const project = projectsOf(body)[0] ?? '-';
      return sendFailure(res, new KmsFailure(403, 'PERMISSION_DENIED', 7, `Permission 'logging.logEntries.create' denied on resource (or it may not exist).`),
        [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'logging.googleapis.com', metadata: { permission: 'logging.logEntries.create', resource: `projects/${project}` } }]);
    }
    writeEntries(log, body, clock.now(), () => seq++);
    send(res, 200, {});
  }

  async function listRoute(req: http.IncomingMessage, res: http.ServerResponse) {
    if (loggingFault.kind === 'refuse') return void req.socket.destroy();
    const body = await readJson(req);
    if (await loggingFaultAnswered(req, res, 'logging.logEntries.list')) return;
    if (!authenticate(req)) return sendFailure(res, unauthenticated);
    if (listFault === 'server_error') return sendFailure(res, new KmsFailure(500, 'INTERNAL', 13, 'Internal error encountered.'));
    if (listFault === 'non_json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>Sign in to continue</body></html>');
    }
    if (listFault === 'endless_token' && typeof body.pageToken === 'string' && body.pageToken.startsWith('endless-')) {
      return send(res, 200, { nextPageToken: `endless-${randomBytes(6).toString('hex')}` });
    }
    try {
      const answer = log.list(body, clock.now());
      if (listFault === 'endless_token' && !answer.nextPageToken) answer.nextPageToken = `endless-${randomBytes(6).toString('hex')}`;
      if (listFault === 'repeat_token' && answer.nextPageToken) answer.nextPageToken = firstToken ??= answer.nextPageToken;
      send(res, 200, answer);
    } catch (e) {
      if (e instanceof ListError) return sendFailure(res, new KmsFailure(400, 'INVALID_ARGUMENT', 3, e.message));
      throw e;
    }
  }

  async function reviewRequest(req: http.IncomingMessage, res: http.ServerResponse, path: string, url: URL) {
    const fault = globalFault;
    if (fault.kind === 'refuse') return void req.socket.destroy();
    const caller = authenticate(req);
    recorded.push({ method: req.method ?? '', path, userAgent: `${req.headers['user-agent'] ?? ''},gzip(gfe)`, ...(caller ? { principal: caller.principal } : {}) });
    if (!caller) return sendFailure(res, unauthenticated);
    if (fault.kind === 'deny') return sendFailure(res, new KmsFailure(403, 'PERMISSION_DENIED', 7, `Permission denied on resource '${path}' (or it may not exist).`));
    const answer = reviewRoute(req.method ?? 'GET', path, url, store, review);
    if (!answer) return sendFailure(res, new KmsFailure(404, 'NOT_FOUND', 5, `No route for ${req.method} ${path}.`));
    send(res, 200, answer);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const kms = KMS_OP_RE.exec(path);
    const iam = req.method === 'POST' ? IAM_RE.exec(path) : null;
    const run = kms ? kmsRoute(req, res, kms[1]!, kms[2], url)
      : iam ? iamRoute(req, res, iam[1]!)
      : req.method === 'POST' && path === '/v2/entries:list' ? listRoute(req, res)
      : req.method === 'POST' && path === '/v2/entries:write' ? writeRoute(req, res, url)
      : path === '/tokeninfo' ? tokenInfoRoute(req, res, url)
      : path.endsWith(':getIamPolicy') || path.endsWith('/cryptoKeyVersions') ? reviewRequest(req, res, path, url)
      : Promise.resolve(sendFailure(res, new KmsFailure(404, 'NOT_FOUND', 5, `No route for ${req.method} ${path}.`)));
    run.catch((e: unknown) => {
      if (e instanceof KmsFailure) sendFailure(res, e);
      else sendFailure(res, new KmsFailure(500, 'INTERNAL', 13, `fake error: ${(e as Error).message}`));
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let listening = true;

  const closeListener = () => new Promise<void>((resolve) => {
    if (!listening) return resolve();
    listening = false;
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });

  return {
    url, endpoint: url, port,
    createKey: (path) => store.create(path).path,
    rotateKey: (path) => store.rotate(path),
    disableKey: (path, version) => store.setState(path, 'DISABLED', version),
    enableKey: (path, version) => store.setState(path, 'ENABLED' satisfies VersionState, version),
    destroyKeyVersion: (path, version) => store.setState(path, 'DESTROYED', version),
    revokeAccess: (path, principal) => void store.require(path).revoked.add(principal),
    restoreAccess: (path, principal) => void store.require(path).revoked.delete(principal),
    addToken: (token, principal) => void tokens.set(token, { principal }),
    setTokenInfoFault: (mode) => void (tokenInfoFault = mode),
    allowImpersonation: (sa, principal) => {
      const set = impersonation.get(sa) ?? new Set<string>();
      set.add(principal);
      impersonation.set(sa, set);
    },
    setFault: (mode, keyPath) => {
      if (keyPath === undefined) globalFault = mode;
      else if (mode.kind === 'pass') keyFaults.delete(keyPath);
      else keyFaults.set(keyPath, mode);
    },
    setIntegrityFault: (kind) => { integrity = kind; },
    setDeliveryDelay: (ms) => { deliveryDelay = ms; },
    setLogListFault: (fault) => { listFault = fault; firstToken = undefined; },
    auditEntries: () => log.all(),
    writtenEntries: () => log.written(),
    injectWrittenEntry: (entry) => void log.append(entry),
    dropWrittenEntry: (match) => log.dropWritten(match),
    setLoggingFault: (mode) => void (loggingFault = mode),
    setLogWriter: (principal, allowed) => void (allowed ? noLogWriter.delete(principal) : noLogWriter.add(principal)),
    injectEntry: (entry) => void log.append(entry),
    dropEntry: (match) => log.drop(match),
    requests: () => recorded.map((r) => ({ ...r })),
    setIamPolicy: (resource, bindings) => void review.policies.set(resource, bindings),
    reviewAttributes: (keyPath) => attributesOf(review, keyPath),
    review,
    closeListener,
    reopenListener: () => new Promise<void>((resolve, reject) => {
      if (listening) return resolve();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => { listening = true; server.off('error', reject); resolve(); });
    }),
    close: closeListener,
  };
}
