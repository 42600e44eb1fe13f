/**
 * The customer's AWS KMS key through the real SDK. Wrap = Encrypt, unwrap = Decrypt, both
 * with an encryption context binding tenant and key version (stable, so identical on
 * Decrypt). The per-call correlation id goes in the User-Agent, which CloudTrail records
 * verbatim, so the evidence cross-check can match every call.
 *
 * Timeouts and retries are ours, not the SDK's: `maxAttempts: 1`, and throttled or
 * unreachable calls get up to two retries with a short backoff, all inside
 * `deps.timeoutMs` (real time: sockets do not follow an injected clock).
 */
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  type DecryptCommandOutput,
  type DescribeKeyCommandOutput,
  type EncryptCommandOutput,
} from '@aws-sdk/client-kms';
import type {
  CallerIdentity,
  CredentialSourceInfo,
  KeyDescription,
  KmsCallContext,
  KmsProvider,
  ProviderDeps,
  UnwrapResult,
  WrapResult,
} from '../types';
import { KmsError } from '../types';
import { parseKeyArn, type AwsConfig, type ParsedKeyArn } from './config';
import { resolveCredentials, type CredentialSetup } from './credentials';
import { classifyAwsError, malformedResponse } from './errors';

export const ENCRYPTION_ALGORITHM = 'SYMMETRIC_DEFAULT';
const MAX_RETRIES = 2;
const MIN_ATTEMPT_MS = 50;
const STALE_SESSION = new Set(['ExpiredTokenException', 'ExpiredToken', 'UnrecognizedClientException', 'InvalidClientTokenId']);

/** The encryption context: binds tenant and version; identical on Encrypt and Decrypt. */
export function encryptionContextFor(ctx: Pick<KmsCallContext, 'tenantId' | 'keyVersion'>): Record<string, string> {
  return {
    'keywarden:tenant': ctx.tenantId,
    'keywarden:key_version': String(ctx.keyVersion),
    'keywarden:purpose': 'tenant-master-key',
  };
}

/** The User-Agent token that carries one call's correlation id into CloudTrail. */
export function correlationToken(correlationId: string): string {
  return `keywarden-cid/${correlationId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 128)}`;
}

interface StackHolder {
  middlewareStack: {
    addRelativeTo(
      mw: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>,
      opts: { relation: 'after'; toMiddleware: string; name: string; override: boolean },
    ): void;
  };
}

/** Appends the correlation token to this command's User-Agent, after the SDK sets it. */
export function withCorrelation<C>(command: C, correlationId: string): C {
  const token = correlationToken(correlationId);
  (command as unknown as StackHolder).middlewareStack.addRelativeTo(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
      if (headers) headers['user-agent'] = headers['user-agent'] ? `${headers['user-agent']} ${token}` : token;
      return next(args);
    },
    { relation: 'after', toMiddleware: 'getUserAgentMiddleware', name: 'keywardenCorrelationId', override: true },
  );
  return command;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class AwsKmsProvider implements KmsProvider {
  readonly name = 'aws' as const;
  readonly customerControlled = true;
  readonly keyRef: string;
  private readonly key: ParsedKeyArn;
  private client: KMSClient;
  private readonly makeClient: () => KMSClient;
  private readonly creds: CredentialSetup;
  private readonly timeoutMs: number;

  constructor(parsed: { kms_key_ref: string; config: AwsConfig }, deps: ProviderDeps) {
    this.keyRef = parsed.kms_key_ref;
    this.key = parseKeyArn(parsed.kms_key_ref);
    this.timeoutMs = Math.max(1, deps.timeoutMs);
    const requestHandler = {
      connectionTimeout: Math.max(MIN_ATTEMPT_MS, Math.floor(this.timeoutMs / 2)),
      requestTimeout: this.timeoutMs,
      throwOnRequestTimeout: true as const,
    };
    const config = parsed.config;
    this.creds = resolveCredentials(config, {
      env: deps.env,
      timeoutMs: this.timeoutMs,
      requestHandler,
      customUserAgent: deps.userAgentPrefix,
      now: () => deps.clock.now(),
    });
    this.makeClient = () =>
      new KMSClient({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        ...(config.profile ? { profile: config.profile } : {}),
        credentials: this.creds.credentials,
        maxAttempts: 1,
        requestHandler,
        customUserAgent: deps.userAgentPrefix,
      });
    this.client = this.makeClient();
  }

  async wrap(plaintext: Buffer, ctx: KmsCallContext): Promise<WrapResult> {
    const out = await this.run('Encrypt', (signal, remaining) =>
      this.client.send(
        withCorrelation(
          new EncryptCommand({
            KeyId: this.keyRef,
            Plaintext: plaintext,
            EncryptionContext: encryptionContextFor(ctx),
            EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
          }),
          ctx.correlationId,
        ),
        { abortSignal: signal, requestTimeout: remaining },
      ),
    );
    return { ciphertext: this.bytes('Encrypt', out, 'CiphertextBlob'), ...this.result('Encrypt', out.KeyId) };
  }

  /**
   * An Encrypt under this key with a caller-given encryption context, for a checkpoint
   * witness: CloudTrail logs the context verbatim in the event's requestParameters. The
   * ciphertext is not needed (the record is the point) and is dropped.
   */
  async encryptWithContext(plaintext: Buffer, context: Record<string, string>, correlationId: string): Promise<{ keyId: string; principal?: string }> {
    const out = await this.run('Encrypt', (signal, remaining) =>
      this.client.send(
        withCorrelation(
          new EncryptCommand({ KeyId: this.keyRef, Plaintext: plaintext, EncryptionContext: context, EncryptionAlgorithm: ENCRYPTION_ALGORITHM }),
          correlationId,
        ),
        { abortSignal: signal, requestTimeout: remaining },
      ),
    );
    this.bytes('Encrypt', out, 'CiphertextBlob');
    return this.result('Encrypt', out.KeyId);
  }

  async unwrap(ciphertext: Buffer, ctx: KmsCallContext): Promise<UnwrapResult> {
    const out = await this.run('Decrypt', (signal, remaining) =>
      this.client.send(
        withCorrelation(
          new DecryptCommand({
            KeyId: this.keyRef,
            CiphertextBlob: ciphertext,
            EncryptionContext: encryptionContextFor(ctx),
            EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
          }),
          ctx.correlationId,
        ),
        { abortSignal: signal, requestTimeout: remaining },
      ),
    );
    return { plaintext: this.bytes('Decrypt', out, 'Plaintext'), ...this.result('Decrypt', out.KeyId) };
  }

  async describe(ctx: KmsCallContext): Promise<KeyDescription> {
    const out: DescribeKeyCommandOutput = await this.run('DescribeKey', (signal, remaining) =>
      this.client.send(withCorrelation(new DescribeKeyCommand({ KeyId: this.keyRef }), ctx.correlationId), {
        abortSignal: signal,
        requestTimeout: remaining,
      }),
    );
    const meta = out.KeyMetadata;
    if (!meta) throw malformedResponse('DescribeKey', 'KeyMetadata');
    if (typeof meta.KeyState !== 'string') throw malformedResponse('DescribeKey', 'KeyMetadata.KeyState');
    const arn = meta.Arn ?? this.keyRef;
    this.checkKeyId('DescribeKey', arn);
    const algorithm = meta.KeySpec ?? meta.CustomerMasterKeySpec;
    return {
      keyRef: arn,
      enabled: meta.KeyState === 'Enabled' && meta.Enabled !== false,
      state: meta.KeyState,
      ...(algorithm ? { algorithm } : {}),
      ...(meta.CreationDate instanceof Date && !Number.isNaN(meta.CreationDate.getTime())
        ? { createdAt: meta.CreationDate.toISOString() }
        : {}),
    };
  }

  close(): void {
    this.client.destroy();
  }

  /** The principal and access key id of the credentials the last call was signed with. */
  callerIdentity(): Promise<CallerIdentity> {
    return this.creds.identity();
  }

  credentialSource(): CredentialSourceInfo {
    return this.creds.source();
  }

  /** One logical call: attempts, our retries and backoff, all inside `timeoutMs`. */
  private async run<T>(action: string, attempt: (signal: AbortSignal, remainingMs: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    let refreshed = false;
    for (let retry = 0; ; retry++) {
      const remaining = deadline - Date.now();
      try {
        return await this.attemptOnce(action, Math.max(1, remaining), attempt);
      } catch (e) {
        const err = classifyAwsError(e, action);
        // The client caches credentials until their own expiry; a session AWS says has
        // expired (or was invalidated) is dropped and, once per call, fetched afresh.
        if (!refreshed && err.providerCode !== undefined && STALE_SESSION.has(err.providerCode)) {
          refreshed = true;
          this.client.destroy();
          this.client = this.makeClient();
          if (deadline - Date.now() >= MIN_ATTEMPT_MS) continue;
        }
        if (!err.retryable || retry >= MAX_RETRIES) throw err;
        const backoff = 50 * (retry + 1) + Math.floor(Math.random() * 50);
        if (deadline - Date.now() < backoff + MIN_ATTEMPT_MS) throw err;
        await sleep(backoff);
      }
    }
  }

  private async attemptOnce<T>(
    action: string,
    remainingMs: number,
    attempt: (signal: AbortSignal, remainingMs: number) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Belt and braces: the abort signal does not reach credential resolution (STS).
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(Object.assign(new Error(`no answer from AWS within ${this.timeoutMs} ms (${action})`), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
      }, remainingMs);
    });
    try {
      return await Promise.race([attempt(controller.signal, remainingMs), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private bytes(
    action: string,
    out: Partial<Pick<EncryptCommandOutput, 'CiphertextBlob'> & Pick<DecryptCommandOutput, 'Plaintext'>>,
    field: 'CiphertextBlob' | 'Plaintext',
  ): Buffer {
    const value = out[field];
    if (!(value instanceof Uint8Array) || value.length === 0) throw malformedResponse(action, field);
    return Buffer.from(value);
  }

  private result(action: string, keyId: string | undefined): { keyId: string; principal?: string } {
    if (typeof keyId !== 'string' || keyId.length === 0) throw malformedResponse(action, 'KeyId');
    this.checkKeyId(action, keyId);
    const principal = this.creds.principal();
    return { keyId, ...(principal ? { principal } : {}) };
  }

  /** The key KMS used must be the configured key (or, for an alias, one in its account and region). */
  private checkKeyId(action: string, keyId: string): void {
    const ok =
      this.key.kind === 'key'
        ? keyId === this.keyRef
        : keyId.startsWith(`arn:${this.key.partition}:kms:${this.key.region}:${this.key.accountId}:key/`);
    if (!ok) {
      throw new KmsError(
        'aws',
        'invalid_key',
        `AWS KMS ${action} answered for key …${keyId.slice(-12)}, not the configured key …${this.keyRef.slice(-12)}`,
        'UnexpectedKeyId',
      );
    }
  }
}
