/**
 * Wire-level fakes of Azure Key Vault (plain http, or https on request) and of the
 * Microsoft Entra ID token authority plus a Log Analytics query endpoint (https with a
 * self-signed certificate: MSAL and the Monitor SDK refuse plain http), all on 127.0.0.1.
 *
 *   const fake = await startAzureFake();
 *   fake.registerApp({ clientId, clientSecret });
 *   const { kid } = await fake.createKey('tenant-wrapping-key');
 *   fake.setFault({ kind: 'deny' });          // every key, or setFault(mode, 'name')
 *   fake.auditEvents();                       // AZKVAuditLogs rows
 *   fake.secrets.secrets.get('name');         // secret versions (PUT/GET secret, list versions)
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultMode } from '../fault-mode';
import { FakeArm } from './arm';
import { inTimespan, KqlError, runKql, type AzkvAuditRow } from './audit';
import { FakeAuthority, json, type FakeApp } from './authority';
import { FakeKeyVault, type FakeKeyReviewData } from './key-vault';
import type { FakeSecrets } from './secrets';
import { fakeTlsMaterial } from './tls';

export type { AzkvAuditRow } from './audit';
export type { FakeApp } from './authority';
export { ARM_PERMISSION, BUILT_IN_ROLES, ROLE, type ArmRoleAssignment } from './arm';
export type { FakeKeyReviewData } from './key-vault';
export type { FakeSecretVersion, FakeSecrets } from './secrets';

export interface AzureFakeOptions {
  tenantId?: string;
  vaultName?: string;
  /** Serve Key Vault over https too (default: plain http, as FACTS allows on loopback). */
  vaultTls?: boolean;
  /** Retry-After (seconds) sent with 429 Throttled. Default 1. */
  retryAfterS?: number;
}

export interface AzureFake {
  vaultUrl: string;
  authorityHost: string;
  tenantId: string;
  /** The https certificate of the authority / Log Analytics (and the vault with vaultTls). */
  caPem: string;
  caFile: string;
  /** Log Analytics endpoint for LogsQueryClient (`endpoint` option, ends in /v1) and its workspace id. */
  logsEndpoint: string;
  workspaceId: string;
  /** Azure Resource Manager stand-in (https, same certificate): vault properties, role assignments and definitions. */
  armEndpoint: string;
  arm: FakeArm;
  /** The vault's subscription and resource group, as ARM and the audit rows name them. */
  subscriptionId: string;
  resourceGroup: string;
  /** A key's attributes and rotation policy as the access review reads them (change in place). */
  keyReview(name: string): FakeKeyReviewData;
  keyUrl(name: string, version?: string): string;
  registerApp(app: Partial<FakeApp> & { clientId: string; clientSecret: string }): FakeApp;
  createKey(name: string, opts?: { bits?: number; ops?: string[] }): Promise<{ kid: string; version: string }>;
  setFault(mode: FaultMode, keyName?: string): void;
  /** Makes the token endpoint drop connections (authority unreachable). */
  setAuthorityRefuse(refuse: boolean): void;
  disableKey(name: string, version?: string): void;
  enableKey(name: string, version?: string): void;
  auditEvents(): AzkvAuditRow[];
  /** Adds a row as if Key Vault had logged it (e.g. key use the app did not make). */
  injectEvent(row: Partial<AzkvAuditRow>): AzkvAuditRow;
  /** Log Analytics query answers: 500, or a 200 whose body is not JSON (a sign-in page). */
  setLogsFault(fault: 'pass' | 'server_error' | 'non_json'): void;
  /** Removes rows (by correlation id or predicate), as if delivery lost them; returns count. */
  dropEvent(match: string | ((row: AzkvAuditRow) => boolean)): number;
  /**
   * The vault's secrets: `versions`, `add(name, …)` (as if someone with set rights had
   * written a version), `recoveryLevel` (`Recoverable` = purge protection on), `pageSize`.
   */
  secrets: FakeSecrets;
  /** Requests the vault saw (no Authorization header). */
  requests(): FakeKeyVault['requests'];
  tokenRequests(): FakeAuthority['tokenRequests'];
  /** `METHOD /path` of every request the https server (authority, Log Analytics) saw. */
  authorityRequests(): string[];
  /** Who a bearer token was issued to (for other resource fakes trusting this authority). */
  principalOf(authorization: string | undefined): ReturnType<FakeAuthority['principalOf']>;
  close(): Promise<void>;
  /** Stops the vault listener (new connections: ECONNREFUSED), leaving the authority up. */
  closeListener(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function trackSockets(server: http.Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

function stop(server: http.Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

export async function startAzureFake(opts: AzureFakeOptions = {}): Promise<AzureFake> {
  const tls = fakeTlsMaterial();
  const tenantId = opts.tenantId ?? randomUUID();
  let authorityHost = '';
  let vaultUrl = '';
  const authority = new FakeAuthority(() => authorityHost, tenantId);
  const vault = new FakeKeyVault(() => vaultUrl, authority, () => authorityHost, opts.vaultName ?? 'kw-fake-kv');
  if (opts.retryAfterS !== undefined) vault.retryAfterS = opts.retryAfterS;
  const arm = new FakeArm(() => authorityHost, authority, vault.subscriptionId, 'keywarden-test', vault.vaultName, () => vaultUrl);

  const onError = (res: ServerResponse, e: unknown) => {
    if (!res.headersSent) json(res, 500, { error: { code: 'InternalServerError', message: `fake failure: ${String(e)}` } });
  };

  const vaultHandler = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then((body) => vault.handle(req, res, body)).catch((e) => onError(res, e));
  };
  const vaultServer = opts.vaultTls ? https.createServer({ cert: tls.cert, key: tls.key }, vaultHandler) : http.createServer(vaultHandler);
  const vaultSockets = trackSockets(vaultServer);
  vaultServer.prependListener('connection', (s: Socket) => {
    if (vault.faultFor(undefined).kind === 'refuse') s.destroy();
  });

  const tlsServer = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    readBody(req)
      .then((body) => {
        if (authority.handle(req, res, body)) return;
        if (arm.handle(req, res)) return;
        const q = /^(?:\/v1)?\/workspaces\/([^/]+)\/query$/.exec(new URL(req.url ?? '/', 'https://x').pathname);
        if (req.method === 'POST' && q) return logsQuery(q[1]!, body, req, res);
        json(res, 404, { error: { code: 'PathNotFoundError', message: `no route ${req.method} ${req.url}` } });
      })
      .catch((e) => onError(res, e));
  });
  const tlsSockets = trackSockets(tlsServer);

  let logsFault: 'pass' | 'server_error' | 'non_json' = 'pass';
  function logsQuery(workspace: string, body: string, req: IncomingMessage, res: ServerResponse): void {
    if (logsFault === 'server_error') return json(res, 500, { error: { code: 'InternalServerError', message: 'An unexpected error occurred' } });
    if (logsFault === 'non_json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>Sign in to your account</body></html>');
    }
    const who = authority.principalOf(req.headers.authorization);
    if (!who || !who.scope.startsWith('https://api.loganalytics.io')) {
      return json(res, 403, { error: { code: 'InvalidTokenError', message: 'The provided authentication is not valid for this resource' } });
    }
    if (workspace !== vault.workspaceId) {
      return json(res, 404, { error: { code: 'WorkspaceNotFoundError', message: `Workspace ${workspace} not found` } });
    }
    try {
      const { query, timespan } = JSON.parse(body) as { query: string; timespan?: string };
      const rows = vault.rows.filter((r) => inTimespan(r.TimeGenerated, timespan));
      const table = runKql(query, rows);
      json(res, 200, { tables: [{ name: 'PrimaryResult', ...table }] });
    } catch (e) {
      const message = e instanceof KqlError ? e.message : 'The request had some invalid properties';
      json(res, 400, { error: { code: 'BadArgumentError', message } });
    }
  }

  const [vaultPort, tlsPort] = await Promise.all([listen(vaultServer), listen(tlsServer)]);
  vaultUrl = `${opts.vaultTls ? 'https' : 'http'}://127.0.0.1:${vaultPort}`;
  authorityHost = `https://127.0.0.1:${tlsPort}`;

  return {
    vaultUrl,
    authorityHost,
    tenantId,
    caPem: tls.cert,
    caFile: tls.certFile,
    logsEndpoint: `${authorityHost}/v1`,
    workspaceId: vault.workspaceId,
    armEndpoint: authorityHost,
    arm,
    subscriptionId: vault.subscriptionId,
    resourceGroup: arm.resourceGroup,
    keyReview: (name) => vault.review(name),
    keyUrl: (name, version) => `${vaultUrl}/keys/${name}${version ? `/${version}` : ''}`,
    registerApp: (app) => authority.registerApp(app),
    createKey: (name, o) => vault.createKey(name, o),
    setFault: (mode, keyName) => vault.setFault(mode, keyName),
    setAuthorityRefuse: (refuse) => {
      authority.refuse = refuse;
    },
    disableKey: (name, version) => vault.setEnabled(name, false, version),
    enableKey: (name, version) => vault.setEnabled(name, true, version),
    auditEvents: () => vault.rows.map((r) => ({ ...r })),
    injectEvent: (row) => {
      const full: AzkvAuditRow = {
        TimeGenerated: new Date().toISOString(), OperationName: 'KeyUnwrap', OperationVersion: '2025-07-01',
        ResultType: 'Success', ResultSignature: 'OK', ResultDescription: '', DurationMs: 3,
        CallerIpAddress: '203.0.113.7', CorrelationId: randomUUID(), Identity: JSON.stringify({ claim: {} }),
        ClientInfo: 'unknown', RequestUri: '', HttpStatusCode: 200, Id: '', IsRbacAuthorized: true,
        _ResourceId: vault.resourceId, _SubscriptionId: vault.subscriptionId, TenantId: vault.workspaceId,
        SourceSystem: 'Azure', Type: 'AZKVAuditLogs', ...row,
      };
      vault.rows.push(full);
      return { ...full };
    },
    setLogsFault: (fault) => {
      logsFault = fault;
    },
    dropEvent: (match) => {
      const pred = typeof match === 'string' ? (r: AzkvAuditRow) => r.CorrelationId === match : match;
      const before = vault.rows.length;
      const keep = vault.rows.filter((r) => !pred(r));
      vault.rows.splice(0, vault.rows.length, ...keep);
      return before - keep.length;
    },
    secrets: vault.secrets,
    requests: () => vault.requests,
    tokenRequests: () => authority.tokenRequests,
    authorityRequests: () => authority.requests,
    principalOf: (authorization) => authority.principalOf(authorization),
    close: async () => {
      await Promise.all([stop(vaultServer, vaultSockets), stop(tlsServer, tlsSockets)]);
    },
    closeListener: () => stop(vaultServer, vaultSockets),
  };
}
