/**
 * The one API contract: every method's name (`domain.verb`), input schema and result
 * type. Electron IPC, the preload client, the loopback web host and the CLI all derive
 * from this object; nothing else lists the methods. Inputs are validated here at every
 * boundary. Plain data only, so the renderer can import it.
 */
import { z } from 'zod';
import { method, type MethodSpec } from './method-spec';
export type { MethodSpec } from './method-spec';
import type { CheckpointView, ConsistencyProofView, InclusionProofView, LogPublicKeyView, ProofCheckView } from './audit-types';
import { accessMethods } from './access-contract';
import { evidenceMethods } from './evidence-contract';
import { overviewMethods } from './overview-contract';
import { reportMethods } from './report-contract';
import { sealMethods } from './seal-contract';
import { witnessMethods } from './witness-contract';
import { secretsMethods } from './secrets-contract';
import { STEP_UP_PURPOSES } from '../engine/step-up-windows';
import type {
  AppStatus,
  AuditEntryView,
  ChainVerification,
  KeyVersionView,
  KmsCallView,
  OnboardResult,
  OffboardResult,
  ProbeResult,
  RecordView,
  RevokePreview,
  RevokeResult,
  RewrapJobView,
  RewrapRunView,
  RotateResult,
  StepUpToken,
  TenantView,
} from './types';


const tenant = z.string().min(1, 'is required').max(200);
const table = z.enum(['secret_environment_configs', 'integration_configs']);
const version = z.number().int('must be a whole number').min(1, 'must be 1 or more');
const stepUpToken = z.string().min(1).max(200).optional();
const passphrase = z.string().min(1, 'is required').max(1024);
const none = z.object({}).strict();

export const contract = {
  'app.status': method<AppStatus>()({ window: true, input: none, summary: 'Whether the installation is initialized, where its data lives, and a summary.' }),

  'auth.init': method<{ initialized: true }>()({ window: true,
    input: z.object({ passphrase }).strict(),
    summary: 'Sets the operator passphrase (once). It is kept only as a slow hash.',
  }),
  'auth.stepUp': method<StepUpToken>()({ window: true,
    input: z.object({ passphrase, purpose: z.enum(STEP_UP_PURPOSES), tenant }).strict(),
    summary: 'Re-enter the passphrase for a single-use token bound to the purpose, the tenant and the caller (windows: README, Step-up). Failures are audited and throttled.',
  }),

  'tenant.create': method<TenantView>()({ window: true,
    input: z.object({ slug: z.string().min(1, 'is required').max(63), wrap: z.enum(['local', 'global']).default('local') }).strict(),
    summary: 'Creates a tenant on the embedded local KMS or the global MASTER_KEY_B64 key, with master key version 1.',
  }),
  'tenant.list': method<TenantView[]>()({ window: true, input: none, summary: 'All tenants with wrap method, provider and sealed state.' }),
  'tenant.show': method<TenantView>()({ input: z.object({ tenant }).strict(), summary: 'One tenant.' }),

  'kms.probe': method<ProbeResult>()({ window: true,
    input: z.object({ tenant, provider: z.string().min(1), kms_key_ref: z.string().min(1, 'is required').max(2048), config: z.record(z.string(), z.unknown()).default({}), step_up_token: stepUpToken }).strict(),
    summary: 'Needs step-up (onboard) when the config names an endpoint. Runs the onboarding probe (wrap then unwrap 32 random bytes) without saving anything.',
  }),
  'kms.onboard': method<OnboardResult>()({ window: true,
    input: z.object({ tenant, provider: z.string().min(1), kms_key_ref: z.string().min(1, 'is required').max(2048), config: z.record(z.string(), z.unknown()).default({}), step_up_token: stepUpToken }).strict(),
    summary: "Needs step-up (onboard). Onboards or replaces the tenant's customer KMS key (upsert). Probes first; on failure nothing changes.",
  }),
  'kms.offboard': method<OffboardResult>()({ window: true,
    input: z.object({ tenant, to: z.enum(['local', 'global']), step_up_token: stepUpToken }).strict(),
    summary: "Moves the tenant off its customer KMS key onto a platform key (local or global): a new active version, a rewrap queued. Needs step-up (offboard).",
  }),
  // Metadata only (no key material): the window's KMS calls screen and tenant detail list them.
  'kms.calls': method<KmsCallView[]>()({
    window: true,
    input: z
      .object({
        tenant: tenant.optional(),
        from: z.iso.datetime().optional(),
        to: z.iso.datetime().optional(),
        order: z.enum(['oldest_first', 'newest_first']).default('oldest_first'),
        after_id: z.number().int().min(0).optional(),
        before_id: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(5000).default(200),
      })
      .strict(),
    summary: 'Every call the engine made to a key provider, with correlation id and outcome; drill_id marks a failure made up by fault injection (simulated). Pages: after_id (oldest_first) or before_id (newest_first).',
  }),

  'keys.versions': method<KeyVersionView[]>()({ window: true, input: z.object({ tenant }).strict(), summary: 'Master key versions, newest first, with record counts.' }),
  'keys.rotate': method<RotateResult>()({ window: true,
    input: z.object({ tenant, step_up_token: stepUpToken }).strict(),
    summary: 'New active master key version; the previous one is retired; a rewrap job is queued. Needs step-up (rotate).',
  }),
  'keys.revokePreview': method<RevokePreview>()({ window: true, input: z.object({ tenant, version }).strict(), summary: 'How many records a revoke would make unreadable.' }),
  'keys.revoke': method<RevokeResult>()({ window: true,
    input: z.object({ tenant, version, confirm: z.string().min(1, 'type the tenant slug to confirm'), step_up_token: stepUpToken, force: z.boolean().default(false) }).strict(),
    summary: 'Destroys a master key version (cryptographic erasure, permanent). Needs the slug typed and step-up (revoke).',
  }),

  'record.put': method<RecordView>()({
    input: z.object({ tenant, table, name: z.string().min(1, 'is required').max(200), value: z.string() }).strict(),
    summary: 'Encrypts and stores a record under its own DEK, wrapped by the active master key version.',
  }),
  'record.get': method<RecordView & { value: string }>()({ input: z.object({ tenant, table, name: z.string().min(1), step_up_token: stepUpToken }).strict(), summary: 'Decrypts one record (plaintext out). Needs step-up (record_read).' }),
  // Names and versions, never values: the window's records browser.
  'record.list': method<RecordView[]>()({
    window: true,
    input: z.object({ tenant, table, after: z.string().optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    summary: 'Record names and key versions (no values), by name.',
  }),
  'record.delete': method<{ deleted: boolean }>()({ input: z.object({ tenant, table, name: z.string().min(1), step_up_token: stepUpToken }).strict(), summary: 'Deletes one record. Needs step-up (record_delete).' }),
  'record.seedSample': method<{ seeded: number; key_version: number; by_table: Record<string, number> }>()({ window: true,
    input: z.object({ tenant, rows: z.number().int().min(1).max(2_000_000), prefix: z.string().regex(/^[a-z0-9-]{1,40}$/).optional() }).strict(),
    summary: 'Writes synthetic records for rehearsals and benchmarks.',
  }),

  'audit.list': method<AuditEntryView[]>()({ window: true,
    input: z
      .object({
        action: z.string().max(100).optional(),
        tenant: tenant.optional(),
        actor: z.string().max(200).optional(),
        from: z.string().max(40).optional(),
        to: z.string().max(40).optional(),
        before_seq: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(5000).default(200),
      })
      .strict(),
    summary:
      'Audit entries, newest first; `action` is a prefix (`tenant-kms.` or `tenant-kms.*`), `actor` a part of the actor (any case), `from`/`to` a day (YYYY-MM-DD, `to` included) or an ISO time (`to` excluded).',
  }),
  'audit.verify': method<ChainVerification>()({ window: true,
    input: none,
    summary: 'Re-hashes the whole log (chain and Merkle tree), names the first entry that does not check out, and checks it against every signed checkpoint (a truncated tail included).',
  }),
  'audit.checkpoint': method<CheckpointView>()({ window: true, input: none, summary: 'Signs a checkpoint (C2SP tlog-checkpoint, signed note) of the log as it is now.' }),
  'audit.latestCheckpoint': method<CheckpointView | null>()({ window: true, input: none, summary: 'The newest signed checkpoint, or null before the first.' }),
  'audit.prove': method<InclusionProofView>()({ window: true,
    input: z.object({ seq: z.number().int('must be a whole number').min(1, 'must be 1 or more'), checkpoint: z.string().min(1).max(10_000).optional() }).strict(),
    summary: 'Inclusion proof of entry `seq` against the given signed checkpoint note, or the newest checkpoint covering it.',
  }),
  'audit.proveConsistency': method<ConsistencyProofView>()({
    input: z.object({ old_size: z.number().int().min(0), new_size: z.number().int().min(0).optional() }).strict(),
    summary: 'Consistency proof between two stored checkpoints (by tree size; the newer defaults to the latest).',
  }),
  'audit.publicKey': method<LogPublicKeyView>()({ input: none, summary: "The log's Ed25519 verifier key (signed-note form) and its fingerprint." }),
  'audit.verifyProof': method<ProofCheckView>()({
    input: z.object({ proof: z.union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())]), verifier_key: z.string().min(1).max(1000) }).strict(),
    summary: 'Checks a proof bundle with only a verifier key, as an auditor would offline.',
  }),

  'rewrap.status': method<RewrapJobView[]>()({ window: true, input: z.object({ tenant: tenant.optional() }).strict(), summary: 'Rewrap jobs and their progress.' }),
  'rewrap.run': method<RewrapRunView[]>()({
    input: z
      .object({
        tenant: tenant.optional(),
        lease_id: z.number().int().min(1).optional(),
        pace_rows_s: z.number().min(0, 'must be 0 (unlimited) or more').max(10_000_000).optional(),
        batch_size: z.number().int().min(2, 'must be 2 or more').max(10_000, 'must be 10000 or less').optional(),
      })
      .strict(),
    summary: 'Runs runnable rewrap jobs (one by lease id, a tenant\'s, or all) to the end or a pause; progress goes to hosts that follow it.',
  }),
  'rewrap.pause': method<RewrapJobView>()({
    input: z.object({ lease_id: z.number().int().min(1) }).strict(),
    summary: 'Pauses a rewrap job after the batch in flight; it stays paused until resumed.',
  }),
  'rewrap.resume': method<RewrapJobView>()({
    input: z.object({ lease_id: z.number().int().min(1) }).strict(),
    summary: 'Makes a paused (or expired: new 7-day term) rewrap job runnable again; it continues from where it stopped.',
  }),
  ...evidenceMethods,
  ...sealMethods,
  ...reportMethods,
  ...overviewMethods,
  ...accessMethods,
  ...witnessMethods,
  ...secretsMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<K extends MethodName> = z.input<Contract[K]['input']>;
export type ParsedInput<K extends MethodName> = z.output<Contract[K]['input']>;
export type MethodResult<K extends MethodName> = Contract[K] extends MethodSpec<z.ZodType, infer R> ? R : never;
export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
