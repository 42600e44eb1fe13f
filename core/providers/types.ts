/**
 * The one interface every key-wrapping provider implements: local, global, and the
 * customer's cloud KMS (aws, gcp, azure). The engine never asks which one it talks to.
 */
import type { SecretSource } from '../secrets/installation-secrets';
import type { Clock } from '../clock';

export type ProviderName = 'local' | 'global' | 'aws' | 'gcp' | 'azure';

/** How a provider failure is classed; the sealed state and the drills depend on it. */
export type KmsFailureReason =
  | 'access_denied'
  | 'unreachable'
  | 'key_disabled'
  | 'invalid_key'
  | 'throttled';

/**
 * A provider failure, classified. `providerCode` keeps the provider's own code
 * (e.g. `AccessDeniedException`, `PERMISSION_DENIED`, `ForbiddenByRbac`) for the message.
 * Never put a credential, key material or a full response body in here.
 */
export class KmsError extends Error {
  readonly reason: KmsFailureReason;
  readonly provider: ProviderName;
  readonly providerCode: string | undefined;
  /** The provider call that failed when it was not the KMS operation itself (AWS: `sts:AssumeRole`). */
  readonly failedCall: string | undefined;
  constructor(provider: ProviderName, reason: KmsFailureReason, message: string, providerCode?: string, failedCall?: string) {
    super(message);
    this.name = 'KmsError';
    this.provider = provider;
    this.reason = reason;
    this.providerCode = providerCode;
    this.failedCall = failedCall;
  }
  get retryable(): boolean {
    return this.reason === 'throttled' || this.reason === 'unreachable';
  }
}

export type KmsOperation = 'probe_wrap' | 'probe_unwrap' | 'wrap' | 'unwrap' | 'describe' | 'witness';

/**
 * What the engine tells a provider about one call. Providers bind `tenantId` and
 * `keyVersion` into the provider's own AAD / encryption context (stable between wrap and
 * unwrap), and carry `correlationId` (new for every call) where the provider's own audit
 * log records it (user agent, client request id), so the evidence cross-check can match.
 */
export interface KmsCallContext {
  tenantId: string;
  /** Master key version being wrapped or unwrapped; 0 for the onboarding probe. */
  keyVersion: number;
  correlationId: string;
  operation: KmsOperation;
}

export interface KmsCallResult {
  /** The key id as the provider reports it (a full ARN / key URL / CryptoKeyVersion). */
  keyId: string;
  /** The principal the call ran as, where the provider or credential tells us. */
  principal?: string;
  /**
   * The provider's own request id when its audit log keys on that rather than on ours
   * (Key Vault's `x-ms-request-id` is the AuditEvent's CorrelationId).
   */
  providerRequestId?: string;
}

/**
 * Who the engine's calls run as, for the `kms_calls` row: the principal exactly as the
 * provider's audit log names the caller (CloudTrail `userIdentity.arn`, Cloud Audit Logs
 * `principalEmail`, Key Vault's `appid`/`oid` claim), how it was learnt or why it is
 * unknown, and (AWS only) the access key id the call was signed with: a public
 * identifier, never the secret.
 */
export interface CallerIdentity {
  principal: string | null;
  /** e.g. "assumed role", "sts:GetCallerIdentity", "GetCallerIdentity failed: access denied". */
  principalNote: string;
  accessKeyId: string | null;
}

/**
 * Where a provider's credentials come from, in words, and whether they are long-lived
 * (an AWS AKIA key from the environment or a shared file, a GCP service-account key file
 * behind ADC): those are allowed, but flagged wherever the tenant is shown.
 */
export interface CredentialSourceInfo {
  /** e.g. "environment (AWS_ACCESS_KEY_ID)", "shared credentials file (profile prod)". */
  source: string;
  longLived: boolean;
}

export interface WrapResult extends KmsCallResult {
  ciphertext: Buffer;
}

export interface UnwrapResult extends KmsCallResult {
  plaintext: Buffer;
}

export interface KeyDescription {
  keyRef: string;
  enabled: boolean;
  /** Provider's own state word (Enabled, Disabled, PendingDeletion, ENABLED, ...). */
  state: string;
  algorithm?: string;
  createdAt?: string;
}

export interface KmsProvider {
  readonly name: ProviderName;
  /** The full key reference. Audit payloads show only its last 12 characters. */
  readonly keyRef: string;
  /** False for `local` and `global`: the customer cannot revoke those. */
  readonly customerControlled: boolean;
  wrap(plaintext: Buffer, ctx: KmsCallContext): Promise<WrapResult>;
  unwrap(ciphertext: Buffer, ctx: KmsCallContext): Promise<UnwrapResult>;
  describe(ctx: KmsCallContext): Promise<KeyDescription>;
  /** Release sockets / clients. */
  close?(): Promise<void> | void;
  /**
   * Who the last call ran as. Called after every call, successful or not; never throws
   * (an unknown principal is `principal: null` with the reason in `principalNote`).
   */
  callerIdentity?(): Promise<CallerIdentity>;
  /** Where the credentials come from; no network, may refine once a call has run. */
  credentialSource?(): CredentialSourceInfo;
}

/** Everything a provider may need from its host; injected so tests stay hermetic. */
export interface ProviderDeps {
  clock: Clock;
  /** Environment to read env-var *names* from (never stored). Defaults to process.env. */
  env: Record<string, string | undefined>;
  /** Bound on one provider call, including retries. */
  timeoutMs: number;
  /** The data dir (the allow-list file, the local KMS key's home). */
  dataDir: string;
  /** The sealed installation secrets: the `local` provider's key. */
  secrets?: SecretSource;
  /** Extra string appended to user agents: always includes the product name. */
  userAgentPrefix: string;
}

/** The seeds' onboarding shape: `{ provider, kms_key_ref, config }`. */
export interface KmsConfigInput {
  provider: string;
  kms_key_ref: string;
  config?: Record<string, unknown>;
}

/**
 * One provider kind: parses and validates its config (throwing `invalid_input` that names
 * the field, e.g. `config.role_arn`), and builds a provider from a parsed config.
 * The parsed config is what gets stored: it must hold no credential value.
 */
export interface ProviderFactory<C = Record<string, unknown>> {
  readonly name: ProviderName;
  parseConfig(input: KmsConfigInput): { kms_key_ref: string; config: C };
  create(parsed: { kms_key_ref: string; config: C }, deps: ProviderDeps): KmsProvider;
}
