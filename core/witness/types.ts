/**
 * Checkpoint witnesses: a checkpoint's (origin, tree size, root hash) written into a log
 * the customer keeps and this installation cannot rewrite (CloudTrail via a KMS Encrypt's
 * encryption context, a Cloud Logging entry, a Key Vault secret version), and read back to
 * check the local log still has exactly that root at that size.
 *
 * One kind per provider log. A kind is a `WitnessKindSpec` in the registry (registry.ts):
 * it validates its target, builds the writer (one provider call per checkpoint, run by
 * the witness service through the KMS gateway so it is a `kms_calls` row with a
 * correlation id, operation 'witness') and the reader (the provider's log read back, each record classified).
 */
import type { EndpointKind } from '../engine/allowed-endpoints';
import type { ReaderOptions } from '../evidence/readers/build';
import type { CallerIdentity, KmsCallResult, ProviderDeps } from '../providers/types';

export type WitnessKind = 'aws_kms' | 'gcp_logging' | 'azure_secret';
export const WITNESS_KINDS: readonly WitnessKind[] = ['aws_kms', 'gcp_logging', 'azure_secret'];

/** The cloud a kind writes to: the `kms_calls.provider` of its calls and the config parser it uses. */
export type WitnessProvider = 'aws' | 'gcp' | 'azure';

/** The tree head a witness records. `note` is the signed C2SP checkpoint note. */
export interface WitnessCheckpoint {
  origin: string;
  treeSize: number;
  /** 32 bytes (RFC 9162 SHA-256 root). */
  rootHash: Buffer;
  note: string;
}

/** The fields every kind writes, as strings (the AWS encryption context needs strings). */
export const WITNESS_FIELDS = { origin: 'keywarden:log', size: 'keywarden:size', root: 'keywarden:root' } as const;

/** One configured witness, as the writer and reader need it (credentials resolved from `config`, never stored). */
export interface WitnessTarget {
  /** witness_configs.id */
  id: string;
  kind: WitnessKind;
  /**
   * Where it writes: AWS a KMS key ARN (or alias ARN); GCP `projects/<p>/logs/<log id>`;
   * Azure `https://<vault>.vault.azure.net/secrets/<name>`. Validated by the kind's `parseTarget`.
   */
  target_ref: string;
  /**
   * The provider config (region, role_arn, impersonate..., the same shapes onboarding
   * takes), already validated by the provider's factory: the tenant's onboarded config
   * when `tenant_id` is set, else the witness's own.
   */
  config: Record<string, unknown>;
  /** The tenant whose onboarded config and credentials it borrows; null for its own config. */
  tenant_id: string | null;
  /**
   * Where the kind reads its records back when not the provider's public endpoint
   * (AWS CloudTrail, GCP Cloud Logging); tests point it at a fake. Null: the default.
   * On the endpoint allow-list like every other endpoint (the service checks it).
   */
  read_endpoint: string | null;
}

/** What the service gives a writer for one call. */
export interface WitnessWriteContext {
  /** The `kms_calls` row's correlation id: carry it where the provider's log records it (user agent, client request id). */
  correlationId: string;
  signal?: AbortSignal;
}

/** One written witness. Extends the gateway's result so the call is recorded like any KMS call. */
export interface WitnessWriteResult extends KmsCallResult {
  /** The provider's id of the record, when the write returns it (Logging insertId, secret version id). AWS: unknown until CloudTrail delivers. */
  providerEventId?: string;
  /** The provider-assigned time, when the write returns it (secret version `created`). */
  providerTime?: string;
}

/**
 * One witness's writer. The service wraps each `write` in the KMS gateway (a kms_calls row,
 * operation 'witness', with the correlation id it passes in `ctx`); throw a classified
 * `KmsError` (access_denied, unreachable, ...) so the failed run records why. Never put a
 * credential, token or response body in an error message.
 */
export interface WitnessWriter {
  readonly kind: WitnessKind;
  write(checkpoint: WitnessCheckpoint, ctx: WitnessWriteContext): Promise<WitnessWriteResult>;
  /** Who the write ran as, for the kms_calls row (as KmsProvider.callerIdentity). */
  callerIdentity?(): Promise<CallerIdentity>;
  close?(): Promise<void> | void;
}

/** The period read back (provider time, epoch ms, half-open). */
export interface WitnessReadRange {
  fromMs: number;
  toMs: number;
}

export interface WitnessReadContext {
  /** This installation's log origin: a record naming another origin is `foreign_origin`, never trusted. */
  expectedOrigin: string;
  /**
   * The installation's audit verifier key (`<origin>+<key id>+<key>`). The GCP and Azure
   * records carry the signed checkpoint note: without this key no note can be checked and
   * none of their records is trusted.
   */
  verifierKey?: string;
  signal?: AbortSignal;
}

/**
 * How far a record read back can be trusted:
 * - `ok`: well formed and names this log's origin;
 * - `malformed`: a Keywarden witness record whose size or root cannot be read (reported, never trusted);
 * - `foreign_origin`: well formed but for another log (another installation writing to the same place).
 */
export type WitnessRecordState = 'ok' | 'malformed' | 'foreign_origin';

export interface WitnessRecord {
  kind: WitnessKind;
  witness_id: string;
  state: WitnessRecordState;
  /** Why a record is malformed or foreign, in words. */
  problem: string | null;
  origin: string | null;
  tree_size: number | null;
  /** base64, as written. */
  root_hash: string | null;
  /** CloudTrail `eventID`, Logging `insertId`, secret version id. Never empty (a record without one is malformed, its id derived from the raw text). */
  provider_event_id: string;
  /** The provider-assigned time (UTC ISO), null when it gave none. */
  provider_time: string | null;
  /** The correlation id the provider's log carries back, when it does (AWS: the user agent's keywarden-cid token). */
  correlation_id: string | null;
  /** The record as the provider returned it (JSON text), bounded to a few KiB. */
  raw: string;
}

/**
 * One witness's reader: every record in the range that is (or pretends to be) a Keywarden
 * witness record, classified with classifyWitnessRecord (record-fields.ts), one per
 * provider event id. Throw on a read that fails (the service reports it and trusts nothing).
 */
export interface WitnessReader {
  readonly kind: WitnessKind;
  readBack(range: WitnessReadRange, ctx: WitnessReadContext): Promise<WitnessRecord[]>;
  close?(): Promise<void> | void;
}

/** Host dependencies: the providers' (clock, env, timeout, user agent) plus the evidence readers' seams (GCP base identity, extra CA, pacing). */
export interface WitnessDeps extends ProviderDeps {
  readerOptions: ReaderOptions;
}

/** One kind of witness. Registered once (registry.ts); the CLI, Settings and service loop over them. */
export interface WitnessKindSpec {
  kind: WitnessKind;
  provider: WitnessProvider;
  /** Words for people: "AWS KMS Encrypt (CloudTrail)". */
  label: string;
  /** The permission the customer grants, for the README, Settings and errors. */
  permission: string;
  /** Validates a target ref; returns it normalised or throws KeywardenError('invalid_input') naming `target_ref`. */
  parseTarget(targetRef: string): string;
  /**
   * Validates the provider config used with a target (the witness's own, or the tenant's
   * it borrows) and returns it as stored; throws invalid_input naming `config.<field>`,
   * refusing static credentials as onboarding does. Called on `witness add` and before each run.
   */
  parseConfig(config: Record<string, unknown>, targetRef: string): Record<string, unknown>;
  /** The endpoint-policy kinds of the target itself (Azure: the vault URL) and of `read_endpoint`; checked on add and before each call. */
  endpointKinds: { target?: EndpointKind; read: EndpointKind };
  createWriter(target: WitnessTarget, deps: WitnessDeps): WitnessWriter;
  createReader(target: WitnessTarget, deps: WitnessDeps): WitnessReader;
  /** Warnings about the target that do not stop it (Azure: the vault lacks purge protection). Optional. */
  describeTarget?(target: WitnessTarget, deps: WitnessDeps): Promise<string[]>;
}
