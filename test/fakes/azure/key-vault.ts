/**
 * A fake Azure Key Vault data plane: challenge authentication, GET key, wrapkey /
 * unwrapkey with real RSA-OAEP (node:crypto), the fault modes, and one AZKVAuditLogs row
 * per request, as Key Vault's AuditEvent would land in Azure Monitor.
 *
 * CorrelationId: Key Vault logs its own server-generated `x-ms-request-id` (returned on
 * the response) as the audit correlationId; the client's `x-ms-client-request-id` is
 * echoed on the response but not in the audit log (Key Vault team, Azure/azure-sdk-for-js
 * #13061; see also #29129). ClientInfo is the caller's User-Agent.
 */
import {
  constants, generateKeyPair, privateDecrypt, publicEncrypt, randomBytes, randomUUID, type KeyObject,
} from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import type { FaultMode } from '../fault-mode';
import type { AzkvAuditRow } from './audit';
import { json, type FakeAuthority, type TokenRecord } from './authority';
import { FakeSecrets, type SecretOp } from './secrets';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface FakeKeyVersion {
  version: string;
  bits: number;
  ops: string[];
  enabled: boolean;
  created: number;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

type Op = 'KeyGet' | 'KeyWrap' | 'KeyUnwrap' | 'KeyRotationPolicyGet' | 'Authentication' | SecretOp;

/** What the access review reads of a key besides its material: attributes and the rotation policy (REST shape). */
export interface FakeKeyReviewData {
  kty: 'RSA' | 'RSA-HSM';
  exportable: boolean;
  recoveryLevel: string;
  recoverableDays: number;
  /** Expiry, epoch seconds. */
  exp?: number;
  /** Null: never set, so Key Vault answers its default policy (one Notify 30 days before expiry, no id). */
  /** Answer GET rotationpolicy with 403 (the caller lacks keys/rotationpolicy/read) while the key itself reads. */
  denyRotationPolicy?: boolean;
  rotationPolicy: { lifetimeActions: { trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action: { type: 'Rotate' | 'Notify' } }[]; attributes?: { expiryTime?: string } } | null;
}

export class FakeKeyVault {
  readonly keys = new Map<string, FakeKeyVersion[]>();
  /** The vault's secrets (the Azure checkpoint witness writes versions of one). */
  readonly secrets: FakeSecrets;
  readonly rows: AzkvAuditRow[] = [];
  /** Raw request log for assertions on the wire (headers lower-cased; no Authorization). */
  readonly requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined> }> = [];
  private faults = new Map<string, FaultMode>();
  private readonly reviewData = new Map<string, FakeKeyReviewData>();
  retryAfterS = 1;
  subscriptionId = '00000000-0000-4000-8000-00000000a2a2';
  workspaceId = '00000000-0000-4000-8000-00000000b3b3';

  constructor(
    private readonly vaultUrl: () => string,
    private readonly authority: FakeAuthority,
    private readonly authorityHost: () => string,
    readonly vaultName: string,
  ) {
    this.secrets = new FakeSecrets(vaultUrl);
  }

  get resourceId(): string {
    return `/SUBSCRIPTIONS/${this.subscriptionId.toUpperCase()}/RESOURCEGROUPS/KEYWARDEN-TEST/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/${this.vaultName.toUpperCase()}`;
  }

  async createKey(name: string, opts: { bits?: number; ops?: string[] } = {}): Promise<{ kid: string; version: string }> {
    const bits = opts.bits ?? 2048;
    const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    const v: FakeKeyVersion = {
      version: randomBytes(16).toString('hex'), bits, ops: opts.ops ?? ['wrapKey', 'unwrapKey'],
      enabled: true, created: Math.floor(Date.now() / 1000), publicKey, privateKey,
    };
    const list = this.keys.get(name) ?? [];
    list.push(v);
    this.keys.set(name, list);
    return { kid: this.kid(name, v.version), version: v.version };
  }

  kid(name: string, version: string): string {
    return `${this.vaultUrl()}/keys/${name}/${version}`;
  }

  setFault(mode: FaultMode, keyName = '*'): void {
    if (mode.kind === 'pass') this.faults.delete(keyName);
    else this.faults.set(keyName, mode);
  }

  faultFor(keyName: string | undefined): FaultMode {
    return (keyName && this.faults.get(keyName)) || this.faults.get('*') || { kind: 'pass' };
  }

  /** The key's review attributes, created with Key Vault's defaults on first use; change them in place. */
  review(name: string): FakeKeyReviewData {
    let d = this.reviewData.get(name);
    if (!d) this.reviewData.set(name, (d = { kty: 'RSA', exportable: false, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90, rotationPolicy: null }));
    return d;
  }

  setEnabled(name: string, enabled: boolean, version?: string): void {
    for (const v of this.keys.get(name) ?? []) if (!version || v.version === version) v.enabled = enabled;
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', this.vaultUrl());
    const headers = { ...req.headers };
    delete headers.authorization;
    this.requests.push({ method: req.method ?? '', path: `${url.pathname}?${url.searchParams.toString()}`, headers });
    const policyPath = /^\/keys\/([0-9A-Za-z-]+)\/rotationpolicy\/?$/i.exec(url.pathname);
    const secretPath = /^\/secrets(?:\/|$)/.test(url.pathname);
    const m = policyPath || secretPath ? null : /^\/keys\/([0-9A-Za-z-]+)(?:\/([0-9a-fA-F]{32}))?(?:\/(wrapkey|unwrapkey))?\/?$/i.exec(url.pathname);
    const keyName = secretPath ? FakeSecrets.nameOf(url.pathname) : (m?.[1] ?? policyPath?.[1]);
    const action = m?.[3]?.toLowerCase();
    const op: Op = secretPath ? FakeSecrets.opOf(req.method, url.pathname) : policyPath ? 'KeyRotationPolicyGet' : action === 'wrapkey' ? 'KeyWrap' : action === 'unwrapkey' ? 'KeyUnwrap' : 'KeyGet';
    const fault = this.faultFor(keyName);
    if (fault.kind === 'refuse') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed || req.socket.destroyed) return;
    let principal: TokenRecord | undefined;
    const used: { version?: FakeKeyVersion | undefined } = {};
    const requestId = randomUUID();
    const clientRequestId = req.headers['x-ms-client-request-id'];
    const reply = (status: number, payload: unknown, extra: Record<string, string> = {}, operation: Op = op, touched?: string) => {
      json(res, status, payload, {
        'x-ms-request-id': requestId,
        ...(typeof clientRequestId === 'string' ? { 'x-ms-client-request-id': clientRequestId } : {}),
        ...extra,
      });
      const id = touched ?? (keyName && used.version ? this.kid(keyName, used.version.version) : `${this.vaultUrl()}${url.pathname}`);
      this.audit(req, url, operation, status, payload, principal, id, requestId, Date.now() - started);
    };
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion || !/^(\d+\.\d+|\d{4}-\d{2}-\d{2})(-preview(\.\d+)?)?$/.test(apiVersion)) {
      return reply(400, { error: { code: 'BadParameter', message: 'The request URI contains an invalid or missing api-version.' } });
    }
    principal = this.authority.principalOf(req.headers.authorization);
    if (!principal || !/^https:\/\/vault\.azure\.net\/?(\.default)?$/.test(principal.scope)) {
      const challenge = `Bearer authorization="${this.authorityHost()}/${this.authority.defaultTenantId}", resource="https://vault.azure.net"`;
      const authz = req.headers.authorization;
      principal = undefined;
      return reply(401, { error: { code: 'Unauthorized', message: authz ? 'AKV10000: Request is missing a valid Bearer token.' : 'Request is missing a Bearer or PoP token.' } },
        { 'www-authenticate': challenge }, 'Authentication');
    }
    if (policyPath && req.method === 'GET') return this.rotationPolicy(policyPath[1]!, fault, reply);
    if (secretPath) return this.handleSecret(req, url, body, fault, principal, reply);
    if (!m || (req.method === 'GET') !== !action || (action && req.method !== 'POST')) {
      return reply(400, { error: { code: 'BadParameter', message: 'Unsupported path or method for this fake.' } });
    }
    if (fault.kind === 'deny') {
      return reply(403, { error: { code: 'Forbidden', message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=${principal.appId};oid=${principal.objectId};iss=https://sts.windows.net/${principal.tenantId}/\r\nAction: 'Microsoft.KeyVault/vaults/keys/${action === 'wrapkey' ? 'wrap' : action === 'unwrapkey' ? 'unwrap' : 'read'}/action'\r\nResource: '${this.resourceId.toLowerCase()}/keys/${keyName}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${this.vaultName};location=eastus\r\n`, innererror: { code: 'ForbiddenByRbac' } } });
    }
    if (fault.kind === 'throttle') {
      return reply(429, { error: { code: 'Throttled', message: 'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached' } }, { 'retry-after': String(this.retryAfterS) });
    }
    if (fault.kind === 'server_error') {
      return reply(500, { error: { code: 'InternalServerError', message: 'The service encountered an internal error. Please try again.' } });
    }
    const versions = this.keys.get(keyName!);
    used.version = m[2] ? versions?.find((v) => v.version === m[2]!.toLowerCase()) : versions?.at(-1);
    if (!used.version) {
      return reply(404, { error: { code: 'KeyNotFound', message: `A key with (name/id) ${keyName}${m[2] ? `/${m[2]}` : ''} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182` } });
    }
    const v = used.version;
    const enabled = v.enabled && fault.kind !== 'key_disabled';
    const kid = this.kid(keyName!, v.version);
    if (op === 'KeyGet') {
      const jwk = v.publicKey.export({ format: 'jwk' });
      const r = this.review(keyName!);
      return reply(200, {
        key: { kid, kty: r.kty, key_ops: v.ops, n: jwk.n, e: jwk.e },
        attributes: { enabled, created: v.created, updated: v.created, recoveryLevel: r.recoveryLevel, recoverableDays: r.recoverableDays, exportable: r.exportable, ...(r.exp !== undefined ? { exp: r.exp } : {}) },
      });
    }
    let parsed: { alg?: string; value?: string };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return reply(400, { error: { code: 'BadParameter', message: 'Request body is not valid JSON.' } });
    }
    const wrap = op === 'KeyWrap';
    if (!enabled && !wrap) {
      // Key Vault refuses private-key operations on a disabled key; wrap uses the public part.
      return reply(403, { error: { code: 'Forbidden', message: 'Operation unwrapKey is not allowed on a disabled key.', innererror: { code: 'KeyDisabled' } } });
    }
    if (!v.ops.includes(wrap ? 'wrapKey' : 'unwrapKey')) {
      return reply(400, { error: { code: 'BadParameter', message: `Operation ${wrap ? 'wrapKey' : 'unwrapKey'} is not permitted on this key (key_ops).` } });
    }
    const oaepHash = parsed.alg === 'RSA-OAEP-256' ? 'sha256' : parsed.alg === 'RSA-OAEP' ? 'sha1' : undefined;
    if (!oaepHash || typeof parsed.value !== 'string') {
      return reply(400, { error: { code: 'BadParameter', message: `Invalid algorithm or value (alg=${String(parsed.alg)}).` } });
    }
    try {
      const input = Buffer.from(parsed.value, 'base64url');
      const out = wrap
        ? publicEncrypt({ key: v.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, input)
        : privateDecrypt({ key: v.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, input);
      return reply(200, { kid, value: out.toString('base64url') });
    } catch {
      return reply(400, { error: { code: 'BadParameter', message: wrap ? 'Value is too long for the key.' : 'Unwrap failed: the ciphertext is not valid for this key.' } });
    }
  }

  /** GET /keys/{name}/rotationpolicy: the policy set, or Key Vault's default for a key that never had one. */
  private rotationPolicy(name: string, fault: FaultMode, reply: (status: number, payload: unknown) => void): void {
    if (fault.kind === 'deny' || this.review(name).denyRotationPolicy) {
      return reply(403, { error: { code: 'Forbidden', message: `Caller is not authorized to perform action on resource.\r\nAction: 'Microsoft.KeyVault/vaults/keys/rotationpolicy/read'\r\nVault: ${this.vaultName};location=eastus\r\n`, innererror: { code: 'ForbiddenByRbac' } } });
    }
    if (!this.keys.has(name)) return reply(404, { error: { code: 'KeyNotFound', message: `A key with (name/id) ${name} was not found in this key vault.` } });
    const id = `${this.vaultUrl()}/keys/${name}/rotationpolicy`;
    const set = this.review(name).rotationPolicy;
    if (!set) return reply(200, { id, lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }], attributes: {} });
    return reply(200, { id, lifetimeActions: set.lifetimeActions, attributes: { ...(set.attributes ?? {}), created: 1764000000, updated: 1764000000 } });
  }

  /** The secrets routes, after authentication: the fault modes as for keys, then the secrets data plane. */
  private handleSecret(
    req: IncomingMessage, url: URL, body: string, fault: FaultMode, principal: TokenRecord,
    reply: (status: number, payload: unknown, extra?: Record<string, string>, operation?: Op, id?: string) => void,
  ): void {
    const op = FakeSecrets.opOf(req.method, url.pathname);
    if (fault.kind === 'deny') {
      const action = op === 'SecretSet' ? 'setSecret' : op === 'SecretGet' ? 'getSecret' : 'readMetadata';
      return reply(403, { error: { code: 'Forbidden', message: `Caller is not authorized to perform action on resource.\r\nCaller: appid=${principal.appId};oid=${principal.objectId};iss=https://sts.windows.net/${principal.tenantId}/\r\nAction: 'Microsoft.KeyVault/vaults/secrets/${action}/action'\r\nResource: '${this.resourceId.toLowerCase()}/secrets/${FakeSecrets.nameOf(url.pathname) ?? ''}'\r\nAssignment: (not found)\r\nVault: ${this.vaultName};location=eastus\r\n`, innererror: { code: 'ForbiddenByRbac' } } });
    }
    if (fault.kind === 'throttle') {
      return reply(429, { error: { code: 'Throttled', message: 'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached' } }, { 'retry-after': String(this.retryAfterS) });
    }
    if (fault.kind === 'server_error') return reply(500, { error: { code: 'InternalServerError', message: 'The service encountered an internal error. Please try again.' } });
    const answer = this.secrets.handle(req.method, url, body);
    reply(answer.status, answer.body, {}, answer.op, answer.id);
  }

  private audit(req: IncomingMessage, url: URL, op: Op, status: number, payload: unknown, who: TokenRecord | undefined, id: string, requestId: string, durationMs: number): void {
    const err = (payload as { error?: { code?: string; message?: string } }).error;
    const claim = who
      ? { appid: who.appId, 'http://schemas.microsoft.com/identity/claims/objectidentifier': who.objectId, 'http://schemas.microsoft.com/identity/claims/tenantid': who.tenantId, appidacr: '1' }
      : {};
    this.rows.push({
      TimeGenerated: new Date().toISOString(),
      OperationName: op,
      OperationVersion: url.searchParams.get('api-version') ?? '',
      ResultType: status < 400 ? 'Success' : (err?.code ?? 'Failure'),
      ResultSignature: STATUS_TEXT[status] ?? String(status),
      ResultDescription: status < 400 ? '' : (err?.message ?? '').split('\r\n')[0]!,
      DurationMs: durationMs,
      CallerIpAddress: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      CorrelationId: requestId,
      Identity: JSON.stringify({ claim }),
      ClientInfo: String(req.headers['user-agent'] ?? ''),
      RequestUri: `${this.vaultUrl()}${url.pathname}?${url.searchParams.toString()}`,
      HttpStatusCode: status,
      Id: id,
      IsRbacAuthorized: who ? status !== 403 || err?.message?.includes('disabled') === true : null,
      _ResourceId: this.resourceId,
      _SubscriptionId: this.subscriptionId,
      TenantId: this.workspaceId,
      SourceSystem: 'Azure',
      Type: 'AZKVAuditLogs',
    });
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequests', 500: 'InternalServerError',
};
