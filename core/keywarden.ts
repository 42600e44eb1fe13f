/**
 * The composition root of the engine: opens and migrates the database in the data dir,
 * builds the store, audit trail, cache, step-up and KMS gateway around an injected
 * clock, environment and providers. Hosts (Electron main, CLI, web host) create one.
 */
import { EndpointPolicy } from './engine/allowed-endpoints';
import os from 'node:os';
import path from 'node:path';
import { systemClock, type Clock } from './clock';
import type { Caller } from './engine/audit-trail';
import { AuditTrail } from './engine/audit-trail';
import { defaultReviewers, type ReviewerFactory } from './access-review/reviewers';
import { AccessReviewService } from './access-review/service';
import { AuditLedger } from './audit/audit-ledger';
import type { ParallelVerifyOptions } from './audit/parallel-verify';
import { sourceWorkerEntry, type WorkerEntry } from './workers/launch';
import type { EngineContext } from './engine/context';
import { KmsGateway } from './engine/kms-gateway';
import { MasterKeyCache } from './engine/master-key-cache';
import { StepUp } from './engine/step-up';
import { PASSPHRASE_POLICY, type PassphrasePolicy } from './crypto/passphrase';
import { OPERATOR_PASSPHRASE_META } from './engine/step-up';
import { InstallationSecrets } from './secrets/installation-secrets';
import type { OsKeyring, SecretsHost } from './secrets/os-keyring';
import type { ReaderOptions } from './evidence/readers/build';
import { EvidenceService } from './evidence/service';
import type { ArchiveOptions } from './evidence/archive/service';
import { defaultProviderFactories } from './providers/registry';
import type { ProviderFactory } from './providers/types';
import { openDatabase } from './store/database';
import type { KeyringStore } from './store/keyring-store';
import { SqliteStore } from './store/sqlite-store';
import { WitnessService } from './witness/service';

export const DATABASE_FILE = 'keywarden.db';
export const PRODUCT_VERSION = '0.1.0';

export interface KeywardenOptions {
  dataDir: string;
  clock?: Clock;
  /** Environment providers read env-var names from. Defaults to process.env. */
  env?: Record<string, string | undefined>;
  providerFactories?: ProviderFactory[];
  /** Bound on one provider call including retries. */
  providerTimeoutMs?: number;
  /** better-sqlite3 native binding built for Electron's ABI, when running under Electron. */
  nativeBinding?: string;
  /**
   * The engine's worker threads (audit verify, large cross-checks) run this entry; null
   * keeps all work in this thread. Default: the TypeScript source through tsx, when
   * present. The Electron main passes the entry built beside its bundle.
   */
  worker?: WorkerEntry | null;
  /** How `audit verify` spreads over worker threads. */
  auditVerify?: Omit<ParallelVerifyOptions, 'worker' | 'nativeBinding'>;
  /** Cross-checks over tables of at least this many calls and records run on a worker. */
  crosscheckOffThreadMinRows?: number;
  /** scrypt cost of the operator passphrase hash; tests inject a cheaper one. Default PASSPHRASE_POLICY. */
  passphrasePolicy?: PassphrasePolicy;
  /** Who the engine acts as when it acts by itself. */
  system?: Caller;
  /** Which host runs the engine: how the installation secrets' unlock is kept (core/secrets/os-keyring.ts). Default `cli`. */
  host?: SecretsHost;
  /** The desktop app's OS keyring (Electron safeStorage), to keep the unlock between launches. */
  keyring?: OsKeyring | null;
  /** Seams for the evidence readers (GCP identity source, a CA for loopback fakes, pacing). */
  evidenceReaders?: ReaderOptions;
  /** The key access review's reviewers by provider, replacing the defaults of the same name (tests: a CA for loopback fakes). */
  accessReviewers?: Map<string, ReviewerFactory>;
  /** Seams for the evidence archive import (S3 retry pacing, decoding threads). */
  evidenceArchive?: ArchiveOptions;
}

export function localActor(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (containers): keep "unknown".
  }
  return `${user}@${os.hostname()}`;
}

export class Keywarden {
  readonly ctx: EngineContext;
  readonly dataDir: string;
  /** The better-sqlite3 binding this engine opened its database with (drills open scratch copies with it). */
  readonly nativeBinding: string | undefined;
  /** The audit log's Merkle tree, checkpoints and proofs (hooked into ctx.audit). */
  readonly auditLog: AuditLedger;
  /** The evidence cross-check: provider audit logs read and matched against kms_calls. */
  readonly evidence: EvidenceService;
  /** The key access review: who else can use each customer key, and its posture (issue 17). */
  readonly access: AccessReviewService;
  /** Checkpoint witnesses: the log's tree heads recorded in the customer's own cloud logs (issue 16). */
  readonly witness: WitnessService;
  /** The local KMS key and the audit signing key, sealed under the operator passphrase. */
  readonly secrets: InstallationSecrets;
  private readonly store: KeyringStore;

  constructor(options: KeywardenOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.nativeBinding = options.nativeBinding;
    const clock = options.clock ?? systemClock;
    const db = openDatabase(path.join(this.dataDir, DATABASE_FILE), options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    this.store = new SqliteStore(db);
    const policy = options.passphrasePolicy ?? PASSPHRASE_POLICY;
    this.secrets = new InstallationSecrets({
      dataDir: this.dataDir,
      policy,
      host: options.host ?? 'cli',
      keyring: options.keyring ?? null,
      initialized: () => this.store.getMeta(OPERATOR_PASSPHRASE_META) !== undefined,
    });
    const factories = new Map((options.providerFactories ?? defaultProviderFactories()).map((f) => [f.name as string, f]));
    const providerDeps = {
      clock,
      env: options.env ?? process.env,
      timeoutMs: options.providerTimeoutMs ?? 10_000,
      dataDir: this.dataDir,
      secrets: this.secrets,
      userAgentPrefix: `keywarden/${PRODUCT_VERSION}`,
    };
    const gateway = new KmsGateway(this.store, clock, providerDeps, factories);
    const audit = new AuditTrail(this.store, clock);
    const worker = options.worker === undefined ? sourceWorkerEntry() : options.worker;
    const threads = { worker, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) };
    this.auditLog = new AuditLedger(db, this.store, clock, this.dataDir, { ...options.auditVerify, ...threads }, this.secrets);
    this.auditLog.attach(audit);
    this.ctx = {
      store: this.store,
      clock,
      audit,
      cache: new MasterKeyCache(clock),
      gateway,
      stepUp: new StepUp(this.store, clock, audit, policy, (passphrase, cost, why) =>
        why.explicit || why.rehashed || !this.secrets.unlocked() ? this.secrets.unlock(passphrase, cost) : Promise.resolve(),
      ),
      endpoints: new EndpointPolicy(this.dataDir),
      system: options.system ?? { actor: `keywarden-engine@${os.hostname()}`, address: 'local' },
      secrets: this.secrets,
    };
    // Migrations and rewraps of the secrets are audited by name only, as the engine's own acts.
    this.secrets.onUnlock((o) => {
      if (o.migrated.length > 0) audit.append(this.ctx.system, 'secrets.migrated', null, { files: o.migrated });
      if (o.rewrapped.length > 0) audit.append(this.ctx.system, 'secrets.rewrapped', null, { files: o.rewrapped });
    });
    this.evidence = new EvidenceService({
      db, keyring: this.store, clock, audit, env: options.env ?? process.env, userAgent: `keywarden/${PRODUCT_VERSION}`,
      ...(options.evidenceReaders ? { readers: options.evidenceReaders } : {}),
      ...(options.evidenceArchive ? { archive: options.evidenceArchive } : {}),
      offThread: {
        entry: worker,
        nativeBinding: options.nativeBinding,
        ...(options.crosscheckOffThreadMinRows !== undefined ? { minRows: options.crosscheckOffThreadMinRows } : {}),
      },
    });
    const reviewers = new Map([...defaultReviewers(), ...(options.accessReviewers ?? [])]);
    this.access = new AccessReviewService({ db, keyring: this.store, clock, audit, providerDeps, reviewers });
    this.witness = new WitnessService({ db, ctx: this.ctx, ledger: this.auditLog, deps: { ...providerDeps, readerOptions: options.evidenceReaders ?? {} } });
  }

  async close(): Promise<void> {
    this.ctx.cache.clear();
    await this.ctx.gateway.closeAll();
    this.auditLog.syncWitness();
    this.secrets.lock();
    this.store.close();
  }
}

export function openKeywarden(options: KeywardenOptions): Keywarden {
  return new Keywarden(options);
}
