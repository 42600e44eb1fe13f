/**
 * The evidence cross-check as the engine offers it: settings per tenant, fetching the
 * provider logs, cross-checking a period, reading results and raw records back.
 */
import { settingsEndpointHosts } from './settings';
import type { Database } from 'better-sqlite3';
import type { EvidenceEventView, EvidenceFetchView, EvidenceResultsPage, EvidenceRunView, EvidenceSettingsView } from '../api/evidence-types';
import type { Clock } from '../clock';
import type { AuditTrail, Caller } from '../engine/audit-trail';
import { requireTenant } from '../engine/tenant-lookup';
import { invalidInput, KeywardenError } from '../errors';
import type { KeyringStore } from '../store/keyring-store';
import { runCrosscheck, type CrosscheckInput, type CrosscheckOutcome } from './crosscheck';
import { crosscheckOffThread } from './crosscheck-thread';
import { EvidenceFetcher } from './fetcher';
import type { ProgressSink } from '../progress/operation-progress';
import type { ReaderOptions } from './readers/build';
import type { Pacer } from './readers/pacer';
import { readResults, runView, verdictOfRecord } from './results';
import { mergeSettings, parseStoredSettings, type EvidenceSettings } from './settings';
import { sourcesFor } from './sources';
import { EvidenceStore } from './store';
import { ArchiveImportService, type ArchiveOptions } from './archive/service';
import { decodePool, decodeWorkerEntry } from './archive/decode-pool';
import os from 'node:os';

/**
 * Decode threads for local archive files, one per core (at most four): each decodes and
 * stores its files on its own connection, so this thread has nothing to do meanwhile.
 */
const decodeThreads = () => Math.min(4, Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
import type { WorkerEntry } from '../workers/launch';
import type { EvidenceClass } from './types';

export interface EvidenceServiceDeps {
  db: Database;
  keyring: KeyringStore;
  clock: Clock;
  audit: AuditTrail;
  env: Record<string, string | undefined>;
  userAgent: string;
  readers?: ReaderOptions;
  /** The archive import's seams (S3 retry pacing, worker threads for local files). */
  archive?: ArchiveOptions;
  /** Cross-checks over this many stored calls and records run on a worker thread. */
  /** Where large cross-checks run instead of this thread; absent or a null entry: here. */
  offThread?: { entry: WorkerEntry | null; nativeBinding?: string | undefined; minRows?: number };
}

const DEFAULT_OFF_THREAD_MIN_ROWS = 50_000;

/** A cross-check period longer than this is refused (CloudTrail keeps 90 days). */
const MAX_PERIOD_MS = 366 * 86_400_000;

export class EvidenceService {
  readonly store: EvidenceStore;
  private readonly fetcher: EvidenceFetcher;
  /** Imports of the providers' log archives (issue 18). */
  readonly archive: ArchiveImportService;

  constructor(private readonly deps: EvidenceServiceDeps) {
    this.store = new EvidenceStore(deps.db);
    this.fetcher = new EvidenceFetcher(this.store, deps.clock, {
      env: deps.env,
      userAgent: deps.userAgent,
      options: deps.readers ?? {},
      pacers: new Map<string, Pacer>(),
    });
    this.archive = new ArchiveImportService({
      db: deps.db,
      keyring: deps.keyring,
      clock: deps.clock,
      audit: deps.audit,
      env: deps.env,
      userAgent: deps.userAgent,
      store: this.store,
      settingsOf: (id) => this.settingsOf(id),
      options: {
        timeoutMs: deps.readers?.timeoutMs ?? 15_000,
        // Local archive files are decoded on worker threads when a worker can start.
        nativeBinding: deps.offThread?.nativeBinding,
        ...(deps.offThread?.entry ? { offThread: { open: () => decodePool(decodeWorkerEntry(deps.offThread!.entry!), decodeThreads()), parallel: decodeThreads() } } : {}),
        ...deps.archive,
      },
    });
  }

  settingsOf = (tenantId: string): EvidenceSettings => parseStoredSettings(this.store.settingsJson(tenantId)?.settings);

  private slugOf = (tenantId: string): string => this.deps.keyring.tenantById(tenantId)?.slug ?? tenantId;

  settings(input: { tenant: string } & Partial<Record<keyof EvidenceSettings, unknown>>, caller: Caller): EvidenceSettingsView {
    const { tenant: slug, ...update } = input;
    const tenant = requireTenant(this.deps.keyring, slug);
    const changed = Object.keys(update).filter((k) => (update as Record<string, unknown>)[k] !== undefined);
    if (changed.length > 0) {
      const next = mergeSettings(this.settingsOf(tenant.id), update);
      const at = new Date(this.deps.clock.now()).toISOString();
      this.store.saveSettings(tenant.id, JSON.stringify(next), at);
      this.deps.audit.append(caller, 'evidence.settings', tenant.id, { tenant: tenant.slug, fields: changed.sort(), ...settingsEndpointHosts(next) });
    }
    const stored = this.store.settingsJson(tenant.id);
    return { tenant: tenant.slug, ...this.settingsOf(tenant.id), updated_at: stored?.updated_at ?? null };
  }

  async fetch(input: { tenant?: string | undefined; from?: string | undefined }, onProgress?: ProgressSink): Promise<EvidenceFetchView> {
    const tenants = input.tenant ? [requireTenant(this.deps.keyring, input.tenant)] : this.deps.keyring.listTenants();
    const sources = tenants.flatMap((t) => sourcesFor(this.deps.db, t));
    if (input.tenant && sources.length === 0) {
      throw new KeywardenError('invalid_input', `tenant "${input.tenant}" uses no cloud KMS key (aws, gcp or azure): there is no provider log to read`, { field: 'tenant' });
    }
    const fromMs = input.from ? Date.parse(input.from) : undefined;
    if (fromMs !== undefined && fromMs >= this.deps.clock.now()) throw invalidInput('from', 'must be in the past');
    return this.fetcher.fetch({ sources, settingsOf: this.settingsOf, fromMs, onProgress });
  }

  progress(): EvidenceFetchView {
    return this.fetcher.progress();
  }

  cancel(): { cancelled: boolean } {
    return { cancelled: this.fetcher.cancel() };
  }

  /** One cross-check at a time: each reads and rewrites the results of the whole period. */
  #crosscheckQueue: Promise<unknown> = Promise.resolve();

  crosscheck(input: { from: string; to: string; tenant?: string | undefined }, caller: Caller): Promise<EvidenceRunView> {
    const run = this.#crosscheckQueue.then(() => this.#crosscheck(input, caller));
    this.#crosscheckQueue = run.catch(() => undefined);
    return run;
  }

  async #crosscheck(input: { from: string; to: string; tenant?: string | undefined }, caller: Caller): Promise<EvidenceRunView> {
    const fromMs = Date.parse(input.from);
    const toMs = Date.parse(input.to);
    if (!(toMs > fromMs)) throw invalidInput('to', 'must be after from');
    if (toMs - fromMs > MAX_PERIOD_MS) throw invalidInput('to', 'the period may be at most 366 days');
    const tenant = input.tenant ? requireTenant(this.deps.keyring, input.tenant) : undefined;
    const base = { fromMs, toMs, tenantId: tenant?.id, nowMs: this.deps.clock.now() };
    const out = (await this.#offThread(base)) ?? runCrosscheck(this.deps.db, this.store, { ...base, settingsOf: this.settingsOf, slugOf: this.slugOf });
    const nonZero = Object.fromEntries(Object.entries(out.counts).filter(([, n]) => n > 0)) as Partial<Record<EvidenceClass, number>>;
    this.deps.audit.append(caller, 'evidence.crosscheck', tenant?.id ?? null, {
      run_id: out.runId,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      tenant: tenant?.slug ?? null,
      counts: nonZero,
    });
    return runView(this.store.run(out.runId)!, this.slugOf);
  }

  /** The run on a worker when the tables are large and a worker can start; null otherwise. */
  async #offThread(base: Omit<CrosscheckInput, 'settingsOf' | 'slugOf'>): Promise<CrosscheckOutcome | null> {
    const o = this.deps.offThread;
    const entry = o?.entry ?? null;
    const db = this.deps.db;
    if (!entry || db.memory) return null;
    // The tables' sizes bound the work; max(id) is one index seek each.
    const rows = ['kms_calls', 'provider_events'].reduce((n, t) => n + ((db.prepare(`SELECT max(id) FROM ${t}`).pluck().get() as number | null) ?? 0), 0);
    if (rows < (o?.minRows ?? DEFAULT_OFF_THREAD_MIN_ROWS)) return null;
    const tenants = this.deps.keyring.listTenants();
    return crosscheckOffThread(entry, {
      dbFile: db.name,
      ...(o?.nativeBinding ? { nativeBinding: o.nativeBinding } : {}),
      input: {
        ...base,
        settings: Object.fromEntries(tenants.map((t) => [t.id, this.settingsOf(t.id)])),
        slugs: Object.fromEntries(tenants.map((t) => [t.id, t.slug])),
      },
    });
  }

  results(input: { run_id?: number | undefined; class?: EvidenceClass | undefined; provider?: string | undefined; tenant?: string | undefined; q?: string | undefined; after_seq?: number | undefined; limit: number }): EvidenceResultsPage {
    const run = this.store.run(input.run_id);
    if (input.run_id !== undefined && !run) throw new KeywardenError('not_found', `no cross-check run ${input.run_id}`);
    const tenantId = input.tenant ? requireTenant(this.deps.keyring, input.tenant).id : undefined;
    return readResults(this.deps.db, {
      run,
      slugOf: this.slugOf,
      tenantId,
      cls: input.class,
      provider: input.provider,
      q: input.q?.trim() || undefined,
      afterSeq: input.after_seq,
      limit: input.limit,
    });
  }

  event(id: number): EvidenceEventView {
    const e = this.store.event(id);
    if (!e) throw new KeywardenError('not_found', `no provider record ${id}`);
    let raw: unknown = e.raw;
    try {
      raw = JSON.parse(e.raw);
    } catch {
      // Kept as text: it is what the provider returned.
    }
    return {
      id: e.id,
      source_id: e.source_id,
      tenant: this.slugOf(e.tenant_id),
      provider: e.provider,
      event_id: e.event_id,
      at: e.at,
      key_ref: e.key_ref,
      operation: e.operation,
      provider_operation: e.provider_operation,
      principal: e.principal,
      source_address: e.source_address,
      user_agent: e.user_agent,
      correlation_id: e.correlation_id,
      request_id: e.request_id,
      outcome: e.outcome,
      error_code: e.error_code,
      fetched_at: e.fetched_at,
      raw,
      verdict: verdictOfRecord(this.deps.db, id, this.slugOf),
    };
  }
}
