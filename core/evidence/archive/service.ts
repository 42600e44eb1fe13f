/**
 * The archive import as the engine offers it: one import at a time (progress readable
 * meanwhile, cancellable), each audited with its location, period and counts; the
 * coverage calendar per provider and day; the validation summaries for the SOC 2 package.
 */
import { EventEmitter } from 'node:events';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../../clock';
import type { AuditTrail, Caller } from '../../engine/audit-trail';
import { requireTenant } from '../../engine/tenant-lookup';
import { invalidInput, KeywardenError } from '../../errors';
import { parsePeriod } from '../../report/period';
import type { KeyringStore } from '../../store/keyring-store';
import type { EvidenceSettings } from '../settings';
import { sourcesFor } from '../sources';
import type { EvidenceStore } from '../store';
import { ArchiveStore } from './archive-store';
import { coverageCalendar } from './coverage';
import { ImportJob, emptyProgress, type OffThreadDecoding } from './job';
import { defaultArchiveRegistry, type ArchiveRegistry, type RegistryOptions } from './registry';
import { ArchiveError, type EvidenceCoverageCalendar, type ImportProgressView, type ImportRequest, type ImportResultView, type IntegrityReport } from './types';

/** Progress of the running import, for the CLI's bar (in-process listeners). */
export const archiveImportEvents = new EventEmitter();

export interface ArchiveOptions extends RegistryOptions {
  registry?: ArchiveRegistry;
  /** Decodes local files on worker threads; absent: this thread. */
  offThread?: OffThreadDecoding | undefined;
  timeoutMs?: number;
  /** The better-sqlite3 binding decode threads open the database with (Electron's ABI build). */
  nativeBinding?: string | undefined;
}

export interface ArchiveServiceDeps {
  db: Database;
  keyring: KeyringStore;
  clock: Clock;
  audit: AuditTrail;
  env: Record<string, string | undefined>;
  userAgent: string;
  store: EvidenceStore;
  settingsOf: (tenantId: string) => EvidenceSettings;
  options?: ArchiveOptions;
}

/** A year and a day: a SOC 2 period is at most 12 months. */
const MAX_PERIOD_MS = 367 * 86_400_000;

export class ArchiveImportService {
  readonly archive: ArchiveStore;
  readonly #registry: ArchiveRegistry;
  #job: ImportJob | null = null;
  #controller: AbortController | null = null;
  #last: ImportProgressView = emptyProgress();

  constructor(private readonly deps: ArchiveServiceDeps) {
    this.archive = new ArchiveStore(deps.db);
    this.#registry = deps.options?.registry ?? defaultArchiveRegistry(deps.options ?? {});
  }

  progress(): ImportProgressView {
    return structuredClone(this.#job?.view ?? this.#last);
  }

  cancel(): { cancelled: boolean } {
    if (!this.#controller || this.#controller.signal.aborted) return { cancelled: false };
    this.#controller.abort();
    return { cancelled: true };
  }

  async import(input: ImportRequest, caller: Caller): Promise<ImportResultView> {
    if (this.#job) throw new KeywardenError('conflict', 'an archive import is already running: wait for it or cancel it (evidence.import_cancel)');
    const tenant = requireTenant(this.deps.keyring, input.tenant);
    const period = parsePeriod(input.from, input.to);
    const fromMs = Date.parse(period.from);
    const toMs = Date.parse(period.to);
    if (toMs - fromMs > MAX_PERIOD_MS) throw invalidInput('to', 'the period may be at most a year (367 days)');
    if (fromMs >= this.deps.clock.now()) throw invalidInput('from', 'must be in the past');
    const source = input.source.trim();
    if (source === '') throw invalidInput('source', 'is required: s3://bucket/prefix, gs://bucket/prefix, azblob://account/container or a folder');
    const settings = this.deps.settingsOf(tenant.id);
    const keys = sourcesFor(this.deps.db, tenant).map((s) => ({
      provider: s.provider,
      key_ref: s.key_ref,
      kms_config: s.kms_config,
      provider_key_ids: this.deps.store.providerKeyIds(tenant.id, s.provider, s.key_ref),
    }));
    if (keys.length === 0) throw new KeywardenError('invalid_input', `tenant "${tenant.slug}" uses no cloud KMS key (aws, gcp or azure): there are no provider records to import`, { field: 'tenant' });
    const controller = (this.#controller = new AbortController());
    const job = (this.#job = new ImportJob(
      {
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        location: source,
        period: { fromMs, toMs },
        validate: input.validate,
        ctx: {
          tenantId: tenant.id,
          keys,
          env: this.deps.env,
          userAgent: this.deps.userAgent,
          endpoints: Object.fromEntries(Object.entries(settings).filter(([k, v]) => k.endsWith('_endpoint') && typeof v === 'string')) as Record<string, string>,
          timeoutMs: this.deps.options?.timeoutMs ?? 15_000,
        },
      },
      {
        store: this.deps.store,
        archive: this.archive,
        clock: this.deps.clock,
        registry: this.#registry,
        offThread: this.deps.options?.offThread,
        ...(this.deps.db.memory ? {} : { dbFile: this.deps.db.name }),
        nativeBinding: this.deps.options?.nativeBinding,
        onProgress: (p) => archiveImportEvents.emit('progress', p),
      },
      controller.signal,
    ));
    let result: ImportResultView;
    try {
      result = await job.run();
    } catch (e) {
      if (e instanceof ArchiveError) {
        const code = e.kind === 'access_denied' ? 'forbidden' : e.kind === 'not_found' ? 'not_found' : 'invalid_input';
        throw new KeywardenError(code, e.message, { field: 'source', kind: e.kind });
      }
      throw e;
    } finally {
      this.#last = structuredClone(job.view);
      this.#job = null;
      this.#controller = null;
    }
    this.deps.audit.append(caller, 'evidence.import', tenant.id, {
      tenant: tenant.slug,
      import_id: result.job_id,
      provider: result.provider,
      location: result.location,
      from: period.from,
      to: period.to,
      validate: input.validate,
      state: result.state,
      files: { done: result.files_done, skipped: result.files_skipped, failed: result.files_failed },
      events: result.events,
      events_new: result.events_new,
      integrity: result.integrity
        ? {
            level: result.integrity.level,
            valid: result.integrity.files.valid,
            modified: result.integrity.files.modified.length,
            missing_from_bucket: result.integrity.files.missing_from_bucket.length,
            digests_invalid: result.integrity.digests.invalid.length,
            digests_missing: result.integrity.digests_missing.length,
            chain_gaps: result.integrity.chain_gaps.length,
          }
        : null,
    });
    return result;
  }

  coverage(input: { tenant?: string | undefined; from: string; to: string }): EvidenceCoverageCalendar {
    const tenant = input.tenant ? requireTenant(this.deps.keyring, input.tenant) : undefined;
    const period = parsePeriod(input.from, input.to);
    if (Date.parse(period.to) - Date.parse(period.from) > MAX_PERIOD_MS) throw invalidInput('to', 'the period may be at most a year (367 days)');
    return coverageCalendar(this.deps.db, { tenantId: tenant?.id ?? null, tenantSlug: tenant?.slug ?? null, ...period });
  }

  /** The integrity reports of imports overlapping the period (the SOC 2 package's validation summary). */
  validations(tenantId: string | null, from: string, to: string): { import_id: number; tenant_id: string; finished_at: string | null; report: IntegrityReport }[] {
    return this.archive.validations(tenantId, from, to).map((r) => ({ import_id: r.id, tenant_id: r.tenant_id, finished_at: r.finished_at, report: JSON.parse(r.integrity!) as IntegrityReport }));
  }
}
