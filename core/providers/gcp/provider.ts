/**
 * The GCP Cloud KMS provider: wraps and unwraps tenant master keys with a customer's
 * CryptoKey through the real `@google-cloud/kms` client over REST (`fallback: true`).
 *
 * Every request carries CRC32C checksums and every answer is checked against them; the
 * AAD binds tenant and master-key version; the per-call User-Agent carries
 * `keywarden-cid/<correlationId>`, which Cloud Audit Logs records as
 * `requestMetadata.callerSuppliedUserAgent`. One call, retries included, is bounded by
 * `deps.timeoutMs` (wall time, not the injected clock).
 */
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { crc32c } from '../../crypto/crc32c';
import type {
  CallerIdentity, CredentialSourceInfo, KeyDescription, KmsCallContext, KmsProvider, ProviderDeps, UnwrapResult, WrapResult,
} from '../types';
import { resolveIdentity, type GcpAuthOptions, type GcpIdentity } from './auth';
import { DEFAULT_TOKEN_INFO_ENDPOINT, gcpCredentialSource, principalFromTokenInfo } from './caller-identity';
import type { GcpConfig } from './config';
import { kmsClientEndpoint } from './endpoint';
import { classifyGcpError, deadlineError, integrityError } from './errors';
import { KmsError } from '../types';

const MAX_ATTEMPTS = 3; // the first try and up to 2 retries, for throttled / unreachable only

/** The AAD bound into every wrap: stable between wrap and unwrap of one tenant key version. */
export function gcpAad(ctx: Pick<KmsCallContext, 'tenantId' | 'keyVersion'>): Buffer {
  return Buffer.from(`keywarden/kms-aad/v1 tenant=${encodeURIComponent(ctx.tenantId)} version=${ctx.keyVersion}`, 'utf8');
}

/** The per-call User-Agent: the host's product prefix and the call's correlation id. */
export function gcpUserAgent(prefix: string, correlationId: string): string {
  const safePrefix = prefix.replace(/[^\x20-\x7e]/g, '').trim() || 'keywarden';
  const cid = correlationId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128);
  return `${safePrefix} keywarden-cid/${cid}`;
}

type Int64Value = { value?: number | string | Long | null } | null | undefined;
interface Long { toString(): string }

function int64(v: Int64Value): number | undefined {
  const raw = v?.value;
  if (raw === undefined || raw === null) return undefined;
  const n = Number(typeof raw === 'object' ? raw.toString() : raw);
  return Number.isFinite(n) ? n : undefined;
}

function toBuffer(v: Uint8Array | string | null | undefined): Buffer {
  if (v === null || v === undefined) return Buffer.alloc(0);
  return typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function isoOf(ts: { seconds?: number | string | Long | null; nanos?: number | null } | null | undefined): string | undefined {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const seconds = Number(typeof ts.seconds === 'object' ? ts.seconds.toString() : ts.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Session {
  kms: KeyManagementServiceClient;
  identity: GcpIdentity;
  /** The token info answer, asked once per session when the identity names no principal. */
  tokenInfo?: Promise<Omit<CallerIdentity, 'accessKeyId'>>;
  /** After an unreachable token info endpoint: when to ask again (injected clock, ms). */
  tokenInfoRetryAt?: number;
}

/** How long an unreachable token info endpoint is not asked again, so it does not slow every call. */
const RETRY_TOKEN_INFO_MS = 60_000;

export class GcpKmsProvider implements KmsProvider {
  readonly name = 'gcp' as const;
  readonly customerControlled = true;
  readonly keyRef: string;
  private session: Promise<Session> | undefined;
  private closed = false;

  constructor(
    keyRef: string,
    private readonly config: GcpConfig,
    private readonly deps: ProviderDeps,
    private readonly auth: GcpAuthOptions,
    private readonly retryBaseMs = 100,
  ) {
    this.keyRef = keyRef;
  }

  async wrap(plaintext: Buffer, ctx: KmsCallContext): Promise<WrapResult> {
    const aad = gcpAad(ctx);
    const { resp, principal } = await this.call('encrypt', ctx, (kms, opts) =>
      kms.encrypt(
        {
          name: this.keyRef,
          plaintext,
          plaintextCrc32c: { value: crc32c(plaintext) },
          additionalAuthenticatedData: aad,
          additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
        },
        opts,
      ).then(([r]) => r),
    );
    if (resp.verifiedPlaintextCrc32c !== true) throw integrityError('encrypt', 'the service did not verify the plaintext checksum');
    if (resp.verifiedAdditionalAuthenticatedDataCrc32c !== true) {
      throw integrityError('encrypt', 'the service did not verify the additional authenticated data checksum');
    }
    const ciphertext = toBuffer(resp.ciphertext);
    const expected = int64(resp.ciphertextCrc32c);
    if (ciphertext.length === 0) throw integrityError('encrypt', 'the answer holds no ciphertext');
    if (expected === undefined || expected !== crc32c(ciphertext)) throw integrityError('encrypt', 'the ciphertext does not match its checksum');
    const keyId = resp.name ?? '';
    if (!keyId.startsWith(`${this.keyRef}/cryptoKeyVersions/`)) {
      throw new KmsError('gcp', 'invalid_key', 'GCP Cloud KMS encrypt answered for a different key than the one configured', 'KEY_MISMATCH');
    }
    return principal ? { ciphertext, keyId, principal } : { ciphertext, keyId };
  }

  async unwrap(ciphertext: Buffer, ctx: KmsCallContext): Promise<UnwrapResult> {
    const aad = gcpAad(ctx);
    const { resp, principal } = await this.call('decrypt', ctx, (kms, opts) =>
      kms.decrypt(
        {
          name: this.keyRef,
          ciphertext,
          ciphertextCrc32c: { value: crc32c(ciphertext) },
          additionalAuthenticatedData: aad,
          additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
        },
        opts,
      ).then(([r]) => r),
    );
    const plaintext = toBuffer(resp.plaintext);
    const expected = int64(resp.plaintextCrc32c);
    if (expected === undefined || expected !== crc32c(plaintext)) {
      plaintext.fill(0);
      throw integrityError('decrypt', 'the plaintext does not match its checksum');
    }
    // DecryptResponse names no version: the CryptoKey is the most precise id we have.
    return principal ? { plaintext, keyId: this.keyRef, principal } : { plaintext, keyId: this.keyRef };
  }

  async describe(ctx: KmsCallContext): Promise<KeyDescription> {
    const { resp } = await this.call('getCryptoKey', ctx, (kms, opts) => kms.getCryptoKey({ name: this.keyRef }, opts).then(([r]) => r));
    const purpose = String(resp.purpose ?? 'CRYPTO_KEY_PURPOSE_UNSPECIFIED');
    if (purpose !== 'ENCRYPT_DECRYPT') {
      throw new KmsError('gcp', 'invalid_key', `GCP CryptoKey purpose is ${purpose}; Keywarden needs a symmetric ENCRYPT_DECRYPT key`, 'WRONG_PURPOSE');
    }
    const primary = resp.primary ?? undefined;
    const state = primary?.state ? String(primary.state) : 'NO_PRIMARY_VERSION';
    const algorithm = primary?.algorithm ?? resp.versionTemplate?.algorithm;
    const createdAt = isoOf(resp.createTime);
    return {
      keyRef: this.keyRef,
      enabled: state === 'ENABLED',
      state,
      ...(algorithm ? { algorithm: String(algorithm) } : {}),
      ...(createdAt ? { createdAt } : {}),
    };
  }

  /** Who the calls run as: the identity's own principal, else the token info's email; never throws. */
  async callerIdentity(): Promise<CallerIdentity> {
    const s = await this.session?.catch(() => undefined);
    if (!s) return { principal: null, principalNote: 'credentials were not resolved: principal unknown', accessKeyId: null };
    if (s.identity.principal) return { principal: s.identity.principal, principalNote: s.identity.principalNote ?? 'credential', accessKeyId: null };
    if (s.tokenInfoRetryAt !== undefined && this.deps.clock.now() >= s.tokenInfoRetryAt) {
      s.tokenInfo = undefined;
      s.tokenInfoRetryAt = undefined;
    }
    s.tokenInfo ??= principalFromTokenInfo(s.identity.client, this.auth.tokenInfoEndpoint ?? DEFAULT_TOKEN_INFO_ENDPOINT, this.deps.timeoutMs);
    const found = await s.tokenInfo;
    // An unreachable endpoint is asked again a minute later; an answer (even "no email") is kept.
    if (found.principal === null && found.principalNote.startsWith('token info failed: unreachable')) {
      s.tokenInfoRetryAt ??= this.deps.clock.now() + RETRY_TOKEN_INFO_MS;
    }
    return { ...found, accessKeyId: null };
  }

  credentialSource(): CredentialSourceInfo {
    return gcpCredentialSource(this.deps.env, this.config.impersonate_service_account);
  }

  async close(): Promise<void> {
    this.closed = true;
    const s = this.session;
    this.session = undefined;
    if (s) await s.then((x) => x.kms.close(), () => undefined);
  }

  private openSession(): Promise<Session> {
    if (this.closed) return Promise.reject(new KmsError('gcp', 'unreachable', 'GCP Cloud KMS provider is closed', 'CLOSED'));
    this.session ??= (async () => {
      const req = { timeoutMs: this.deps.timeoutMs, ...(this.config.quota_project ? { quotaProject: this.config.quota_project } : {}) };
      const identity = await resolveIdentity(this.auth, req, this.config.impersonate_service_account);
      const endpoint = kmsClientEndpoint(this.config.endpoint);
      const kms = new KeyManagementServiceClient({
        fallback: true,
        // google-gax bundles its own google-auth-library copy: the client is structurally the same.
        authClient: identity.client as never,
        ...(endpoint ?? {}),
      });
      return { kms, identity };
    })();
    this.session.catch(() => {
      this.session = undefined; // a failed setup (e.g. no ADC yet) is retried on the next call
    });
    return this.session;
  }

  /** Runs one Cloud KMS call with the per-call User-Agent, retries and the overall deadline. */
  private async call<T>(
    op: string,
    ctx: KmsCallContext,
    fn: (kms: KeyManagementServiceClient, opts: { otherArgs: { headers: Record<string, string> } }) => Promise<T>,
  ): Promise<{ resp: T; principal: string | undefined }> {
    const started = performance.now();
    const deadline = started + this.deps.timeoutMs;
    const opts = { otherArgs: { headers: { 'User-Agent': gcpUserAgent(this.deps.userAgentPrefix, ctx.correlationId) } } };
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw deadlineError(op, this.deps.timeoutMs);
      try {
        return await this.raceDeadline(op, remaining, async () => {
          const s = await this.openSession();
          const resp = await fn(s.kms, opts);
          return { resp, principal: s.identity.principal };
        });
      } catch (e) {
        const err = classifyGcpError(e, op);
        if (!err.retryable || attempt >= MAX_ATTEMPTS) throw err;
        const backoff = this.retryBaseMs * 3 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        if (performance.now() + backoff + 20 >= deadline) throw err;
        await sleep(backoff);
      }
    }
  }

  private raceDeadline<T>(op: string, remainingMs: number, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(deadlineError(op, this.deps.timeoutMs)), remainingMs);
      run().then(
        (v) => { clearTimeout(timer); resolve(v); },
        (e: unknown) => { clearTimeout(timer); reject(e); },
      );
    });
  }
}
