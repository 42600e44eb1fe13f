/**
 * Azure Key Vault as a KmsProvider: RSA-OAEP-256 wrapKey / unwrapKey through the real
 * SDK. Every call is bounded by deps.timeoutMs (an AbortSignal to the SDK, and a race so
 * nothing inside can hold the caller longer) and retried at most twice when throttled or
 * unreachable if the budget allows.
 *
 * Correlation: ctx.correlationId goes into the user agent (AZKVAuditLogs.ClientInfo) and
 * as x-ms-client-request-id. Key Vault's audit CorrelationId is its own x-ms-request-id,
 * so the result also carries that as `providerRequestId`.
 */
import type { KeyVaultKey } from '@azure/keyvault-keys';
import { invalidInput } from '../../errors';
import {
  KmsError, type CallerIdentity, type CredentialSourceInfo, type KeyDescription, type KmsCallContext, type KmsProvider, type ProviderDeps,
  type UnwrapResult, type WrapResult,
} from '../types';
import { keyRefString, parseKeyRef, type AzureConfig, type ParsedKeyRef } from './config';
import { framePayload, openPayload, packBlob, unpackBlob } from './envelope';
import { classifyAzureError, retryAfterMs } from './errors';
import { azureCredentialSource } from './credential-source';
import { buildSession, CORRELATION_MARKER, type AzureSession, type SessionOptions } from './session';

const MAX_RETRIES = 2;
const ALGORITHM = 'RSA-OAEP-256';

type OpOptions = { abortSignal: AbortSignal; requestOptions: { headers: Record<string, string> } };
type ResponseLike = { headers: { get(name: string): string | undefined } };

/** What this provider adds to a call result: Key Vault's x-ms-request-id (AZKVAuditLogs.CorrelationId). */
export interface AzureCallExtras {
  providerRequestId?: string;
}

/** Options for the one request whose x-ms-request-id the result reports. */
function capturing(o: OpOptions): { opts: OpOptions & { onResponse: (r: ResponseLike) => void }; extras: () => AzureCallExtras } {
  let id: string | undefined;
  return {
    opts: { ...o, onResponse: (r) => { id = r.headers.get('x-ms-request-id') ?? id; } },
    extras: () => (id ? { providerRequestId: id } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function modulusBits(n: Uint8Array | undefined): number {
  if (!n || n.length === 0) return 0;
  let i = 0;
  while (i < n.length - 1 && n[i] === 0) i++;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/** Refuses a key that cannot do this job, with the fix in the message. */
export function checkKeyShape(key: KeyVaultKey, keyRef: string): void {
  const fail = (msg: string, code: string) => {
    throw new KmsError('azure', 'invalid_key', `Azure Key Vault key ${keyRef}: ${msg}`, code);
  };
  const kty = key.keyType ?? key.key?.kty;
  if (kty !== 'RSA' && kty !== 'RSA-HSM') {
    fail(`key type is ${kty ?? 'unknown'}; Keywarden wraps with RSA-OAEP-256 and needs an RSA or RSA-HSM key (create it with --kty RSA)`, 'InvalidKeyType');
  }
  const bits = modulusBits(key.key?.n);
  if (bits < 2048) fail(`key has ${bits}-bit modulus; Key Vault requires RSA 2048+`, 'InvalidKeySize');
  const ops = key.keyOperations ?? key.key?.keyOps ?? [];
  const missing = ['wrapKey', 'unwrapKey'].filter((o) => !ops.includes(o));
  if (missing.length) {
    fail(`key_ops lacks ${missing.join(' and ')}: create the key with --ops wrapKey unwrapKey`, 'KeyOpsMissing');
  }
}

export class AzureKmsProvider implements KmsProvider {
  readonly name = 'azure' as const;
  readonly customerControlled = true;
  readonly keyRef: string;
  private readonly ref: ParsedKeyRef;
  private session: AzureSession | undefined;

  constructor(kmsKeyRef: string, private readonly config: AzureConfig, private readonly deps: ProviderDeps, private readonly opts: SessionOptions = {}) {
    this.ref = parseKeyRef(kmsKeyRef, config.endpoint);
    this.keyRef = keyRefString(this.ref);
  }

  async wrap(plaintext: Buffer, ctx: KmsCallContext): Promise<WrapResult & AzureCallExtras> {
    const payload = framePayload(plaintext, ctx.tenantId, ctx.keyVersion);
    return this.call(ctx, 'wrapKey', async (s, o) => {
      const key = await s.keyClient.getKey(this.ref.name, { ...o, ...(this.ref.version ? { version: this.ref.version } : {}) });
      checkKeyShape(key, this.keyRef);
      this.checkUsable(key);
      const version = key.properties.version ?? this.ref.version;
      if (!version) throw new KmsError('azure', 'invalid_key', `Azure Key Vault wrapKey: ${this.keyRef} answered without a key version`, 'KeyVersion');
      const c = capturing(o);
      const r = await s.cryptoFor(version).wrapKey(ALGORITHM, payload, c.opts);
      return { ciphertext: packBlob(version, Buffer.from(r.result)), keyId: r.keyID ?? key.id ?? this.keyRef, ...this.principal(s), ...c.extras() };
    });
  }

  async unwrap(ciphertext: Buffer, ctx: KmsCallContext): Promise<UnwrapResult & AzureCallExtras> {
    const { azureKeyVersion, rsaCiphertext } = unpackBlob(ciphertext);
    return this.call(ctx, 'unwrapKey', async (s, o) => {
      const c = capturing(o);
      const r = await s.cryptoFor(azureKeyVersion).unwrapKey(ALGORITHM, rsaCiphertext, c.opts);
      const plaintext = openPayload(Buffer.from(r.result), ctx.tenantId, ctx.keyVersion);
      return { plaintext, keyId: r.keyID ?? `${this.ref.vaultUrl}/keys/${this.ref.name}/${azureKeyVersion}`, ...this.principal(s), ...c.extras() };
    });
  }

  async describe(ctx: KmsCallContext): Promise<KeyDescription> {
    return this.call(ctx, 'getKey', async (s, o) => {
      const key = await s.keyClient.getKey(this.ref.name, { ...o, ...(this.ref.version ? { version: this.ref.version } : {}) });
      checkKeyShape(key, this.keyRef);
      const p = key.properties;
      const now = this.deps.clock.now();
      const state = p.enabled === false ? 'Disabled'
        : p.expiresOn && p.expiresOn.getTime() <= now ? 'Expired'
          : p.notBefore && p.notBefore.getTime() > now ? 'NotYetValid' : 'Enabled';
      const bits = modulusBits(key.key?.n);
      return {
        keyRef: key.id ?? this.keyRef,
        enabled: state === 'Enabled',
        state,
        algorithm: `${ALGORITHM} (${key.keyType ?? 'RSA'} ${bits})`,
        ...(p.createdOn ? { createdAt: p.createdOn.toISOString() } : {}),
      };
    });
  }

  close(): void {
    this.session = undefined;
  }

  /** The caller named by the last token's claims (appid, else oid), as Key Vault logs it. */
  callerIdentity(): Promise<CallerIdentity> {
    const s = this.session;
    if (!s) return Promise.resolve({ principal: null, principalNote: 'credentials were not resolved: principal unknown', accessKeyId: null });
    return Promise.resolve({ principal: s.principal ?? null, principalNote: s.principalNote, accessKeyId: null });
  }

  credentialSource(): CredentialSourceInfo {
    return azureCredentialSource(this.config, this.deps.env);
  }

  private principal(s: AzureSession): { principal?: string } {
    const p = s.principal;
    return p ? { principal: p } : {};
  }

  private checkUsable(key: KeyVaultKey): void {
    const p = key.properties;
    const now = this.deps.clock.now();
    const why = p.enabled === false ? 'is disabled in Key Vault (re-enable it to unseal)'
      : p.expiresOn && p.expiresOn.getTime() <= now ? `expired at ${p.expiresOn.toISOString()}`
        : p.notBefore && p.notBefore.getTime() > now ? `is not valid before ${p.notBefore.toISOString()}` : undefined;
    if (why) throw new KmsError('azure', 'key_disabled', `Azure Key Vault key ${key.id ?? this.keyRef} ${why}`, 'KeyDisabled');
  }

  private async call<T>(ctx: KmsCallContext, what: string, fn: (s: AzureSession, o: OpOptions) => Promise<T>): Promise<T> {
    const label = `${what} on ${this.keyRef}`;
    const deadline = Date.now() + this.deps.timeoutMs;
    const headers = {
      'x-ms-client-request-id': ctx.correlationId,
      [CORRELATION_MARKER]: ctx.correlationId,
    };
    if (/[^\x21-\x7e]/.test(ctx.correlationId) || ctx.correlationId.length > 200) {
      throw invalidInput('ctx.correlationId', 'must be 1-200 printable ASCII characters without spaces');
    }
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      const ac = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort();
          reject(new KmsError('azure', 'unreachable', `Azure Key Vault ${label}: no answer within ${this.deps.timeoutMs} ms (TimeoutError)`, 'TimeoutError'));
        }, Math.max(0, remaining));
      });
      try {
        this.session = buildSession(this.ref, this.config, this.deps, this.opts, this.session);
        const session = this.session;
        return await Promise.race([fn(session, { abortSignal: ac.signal, requestOptions: { headers } }), timedOut]);
      } catch (e) {
        const k = classifyAzureError(e, label);
        if (ac.signal.aborted || !k.retryable || attempt >= MAX_RETRIES) throw k;
        const backoff = 100 * 2 ** attempt + Math.floor(Math.random() * 50);
        const wait = k.reason === 'throttled' ? Math.max(retryAfterMs(e) ?? backoff, backoff) : backoff;
        if (Date.now() + wait >= deadline - 20) throw k;
        await sleep(wait);
      } finally {
        clearTimeout(timer);
        timedOut.catch(() => undefined);
      }
    }
  }
}
