/**
 * One archive import: list the period's files, check the provider's signed digests when
 * asked (--validate), then read each log file (streamed: gunzip, hash, decode), keep the
 * tenant's KMS records and the witness records, and store each file's events together
 * with the file's row in one transaction. So:
 * - resumable: a crash or a cancel loses at most the files in flight; the next run skips
 *   every file already imported (same key, size and etag);
 * - idempotent: events are keyed by the provider's own id (UNIQUE(source_id, event_id)),
 *   so the same record from another file, another run or the live API is one row, keeping
 *   the strongest origin (archive_validated > api > archive_unvalidated);
 * - a file that is cut short, not gzip, not JSON or altered (its hash is not its digest's)
 *   is rejected with a named reason and nothing from it is stored; the import goes on;
 * - a failure that stops everything (access denied, unreachable, throttled beyond retries,
 *   cancelled) keeps every file finished before it.
 */
import type { Clock } from '../../clock';
import { sourceIdFor } from '../sources';
import type { EvidenceStore } from '../store';
import type { ArchiveStore } from './archive-store';
import { decodeStream } from './decode-file';
import type { DecodePool } from './decode-pool';
import { storeDecoded, storeRejected, type FileTarget, type StoredFile } from './store-file';
import { decoderFor, factoryFor, type ArchiveRegistry } from './registry';
import {
  ArchiveError,
  type ArchiveObject,
  type ArchivePeriod,
  type ArchiveSource,
  type DecodedFile,
  type FileFailureKind,
  type ImportProgressView,
  type ImportResultView,
  type IntegrityPlan,
  type IntegrityReport,
  type RecordDecoder,
  type RecordFilter,
  type SourceContext,
} from './types';

/** Worker threads for local files: opened for one import, closed at its end. */
export interface OffThreadDecoding {
  open(): DecodePool;
  parallel: number;
  /** Fewer files than this are decoded here: starting threads would cost more (default 64). */
  minFiles?: number;
}

export interface ImportJobInput {
  tenantId: string;
  tenantSlug: string;
  location: string;
  period: ArchivePeriod;
  validate: boolean;
  ctx: SourceContext;
}

export interface ImportJobDeps {
  store: EvidenceStore;
  archive: ArchiveStore;
  clock: Clock;
  registry: ArchiveRegistry;
  /** Folder sources: decode files on worker threads through this (absent: on this thread). */
  offThread?: OffThreadDecoding | undefined;
  /** The database file, for decode threads that store what they decode (absent or in memory: this thread stores). */
  dbFile?: string | undefined;
  nativeBinding?: string | undefined;
  onProgress?: (p: ImportProgressView) => void;
}

/** Kinds that stop the whole import (every later file would fail the same way). */
const FATAL: ReadonlySet<string> = new Set(['access_denied', 'unreachable', 'throttled', 'cancelled', 'invalid']);
const FAILURES_KEPT = 200;

export function emptyProgress(): ImportProgressView {
  return {
    job_id: null,
    running: false,
    state: null,
    tenant: null,
    provider: null,
    location: null,
    period: null,
    validate: false,
    started_at: null,
    finished_at: null,
    files_total: 0,
    files_done: 0,
    files_skipped: 0,
    files_failed: 0,
    bytes_total: 0,
    bytes_done: 0,
    bytes_uncompressed: 0,
    records: 0,
    events: 0,
    events_new: 0,
    unreadable: 0,
    other_keys: 0,
    eta_s: null,
    current: null,
    error: null,
    failures: [],
  };
}

function asArchiveError(e: unknown): ArchiveError {
  if (e instanceof ArchiveError) return e;
  const name = (e as Error)?.name;
  if (name === 'AbortError') return new ArchiveError('cancelled', 'cancelled');
  return new ArchiveError(`reading failed: ${String((e as Error)?.message ?? e).slice(0, 300)}`, 'read_failed');
}

export class ImportJob {
  readonly view: ImportProgressView = emptyProgress();
  #startedMs = 0;
  #bytesAtStartOfRun = 0;
  #lastEmit = 0;

  constructor(
    private readonly input: ImportJobInput,
    private readonly deps: ImportJobDeps,
    private readonly signal: AbortSignal,
  ) {}

  #now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  #emit(force = false): void {
    const v = this.view;
    const elapsed = (Date.now() - this.#startedMs) / 1000;
    const doneThisRun = v.bytes_done - this.#bytesAtStartOfRun;
    const left = v.bytes_total - v.bytes_done;
    v.eta_s = doneThisRun > 0 && elapsed > 0.5 ? Math.round((left / doneThisRun) * elapsed) : null;
    const t = Date.now();
    if (!force && t - this.#lastEmit < 200) return;
    this.#lastEmit = t;
    this.deps.onProgress?.(structuredClone(v));
  }

  #counts(): string {
    const v = this.view;
    return JSON.stringify({
      files_total: v.files_total,
      files_done: v.files_done,
      files_skipped: v.files_skipped,
      files_failed: v.files_failed,
      bytes_total: v.bytes_total,
      bytes_uncompressed: v.bytes_uncompressed,
      records: v.records,
      events: v.events,
      events_new: v.events_new,
      unreadable: v.unreadable,
      other_keys: v.other_keys,
      failures: v.failures,
    });
  }

  async run(): Promise<ImportResultView> {
    const { input, deps } = this;
    const v = this.view;
    Object.assign(v, {
      running: true,
      state: 'listing',
      tenant: input.tenantSlug,
      location: input.location,
      period: { from: new Date(input.period.fromMs).toISOString(), to: new Date(input.period.toMs).toISOString() },
      validate: input.validate,
      started_at: this.#now(),
    });
    this.#startedMs = Date.now();
    const factory = factoryFor(deps.registry, input.location);
    if (!factory) throw new ArchiveError(`no archive reader for ${input.location}: use s3://bucket/prefix, gs://bucket/prefix, azblob://account/container or a folder`, 'invalid');
    const source = factory.create(input.location, input.ctx);
    v.provider = source.provider;
    v.location = source.location;
    const decoder = decoderFor(deps.registry.decoders, source.format);
    if (!decoder) throw new ArchiveError(`no decoder for the ${source.format} format`, 'invalid');
    const importId = deps.archive.createImport({
      tenant_id: input.tenantId,
      provider: source.provider,
      location: source.location,
      period_from: v.period!.from,
      period_to: v.period!.to,
      validate: input.validate ? 1 : 0,
      state: 'listing',
      started_at: v.started_at!,
      finished_at: null,
      counts: '{}',
      integrity: null,
      error: null,
    });
    v.job_id = importId;
    this.#emit(true);
    let integrity: IntegrityReport | null = null;
    try {
      const logs: ArchiveObject[] = [];
      const digests: ArchiveObject[] = [];
      for await (const o of source.list(input.period, this.signal)) {
        if (this.signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
        (o.role === 'digest' ? digests : logs).push(o);
        if (o.role === 'log') {
          v.files_total++;
          v.bytes_total += o.size;
        }
        this.#emit();
      }
      const gaps = source.missingHours?.();
      if (gaps) v.missing_hours = { total: gaps.length, first: gaps.slice(0, 200) };
      let plan: IntegrityPlan | null = null;
      if (input.validate) {
        const checker = deps.registry.integrity[source.format];
        if (checker) {
          v.state = 'validating';
          deps.archive.updateImport(importId, { state: 'validating', counts: this.#counts() });
          this.#emit(true);
          plan = await checker(source, input.ctx).prepare(source, input.period, digests, this.signal);
        }
      }
      v.state = 'importing';
      deps.archive.updateImport(importId, { state: 'importing', counts: this.#counts() });
      await this.#importFiles(source, decoder, logs, plan, importId);
      integrity = plan ? plan.finish(new Set(logs.map((l) => l.key))) : null;
      v.state = 'done';
      // The log has been read for the period: calls in it are no longer "not read yet".
      const until = new Date(Math.min(input.period.toMs, deps.clock.now())).toISOString();
      for (const k of input.ctx.keys) if (k.provider === source.provider) deps.archive.advanceSource(sourceIdFor(input.tenantId, k.provider, k.key_ref), until);
    } catch (e) {
      const err = asArchiveError(e);
      v.state = err.kind === 'cancelled' || this.signal.aborted ? 'cancelled' : 'failed';
      v.error = { kind: v.state === 'cancelled' ? 'cancelled' : err.kind, message: v.state === 'cancelled' ? 'cancelled: every file finished before is kept; run the import again to go on' : err.message };
    } finally {
      source.close?.();
      v.running = false;
      v.current = null;
      v.finished_at = this.#now();
      deps.archive.updateImport(importId, {
        state: v.state!,
        counts: this.#counts(),
        integrity: integrity ? JSON.stringify(integrity) : null,
        error: v.error?.message ?? null,
        finished_at: v.finished_at,
      });
      this.#emit(true);
    }
    return { ...structuredClone(v), integrity };
  }

  async #importFiles(source: ArchiveSource, decoder: RecordDecoder, logs: ArchiveObject[], plan: IntegrityPlan | null, importId: number): Promise<void> {
    const { input, deps } = this;
    const v = this.view;
    const finished = deps.archive.finishedFiles(input.tenantId, source.location);
    const filter: RecordFilter = { keys: input.ctx.keys.flatMap((k) => [k.key_ref, ...k.provider_key_ids]) };
    const todo: ArchiveObject[] = [];
    for (const o of logs) {
      const f = finished.get(o.key);
      // Finished before with the same bytes: skipped, unless this run can prove more than that one did.
      const same = f && f.state === 'imported' && f.size === o.size && f.etag === o.etag;
      if (same && (!plan || f.integrity !== null)) {
        v.files_skipped++;
        v.bytes_done += o.size;
        if (plan && f.integrity) plan.record(o.key, o.day, f.integrity);
        continue;
      }
      todo.push(o);
    }
    this.#bytesAtStartOfRun = v.bytes_done;
    this.#emit(true);
    const local: DecodePool | null = source.kind === 'folder' && source.localPath && deps.offThread && todo.length >= (deps.offThread.minFiles ?? 64) ? deps.offThread.open() : null;
    const parallel = local ? Math.max(1, deps.offThread!.parallel) : 1;
    const target: FileTarget = {
      tenantId: input.tenantId,
      provider: source.provider,
      location: source.location,
      importId,
      keys: input.ctx.keys.filter((k) => k.provider === source.provider).map((k) => ({ keyRef: k.key_ref, refs: [k.key_ref, ...k.provider_key_ids] })),
    };
    let next = 0;
    let fatal: ArchiveError | null = null;
    const worker = async () => {
      while (fatal === null && next < todo.length) {
        if (this.signal.aborted) {
          fatal = new ArchiveError('cancelled', 'cancelled');
          return;
        }
        const o = todo[next++]!;
        v.current = o.key;
        const expected = plan ? plan.expected(o.key) : undefined;
        const object = { key: o.key, etag: o.etag, size: o.size, day: o.day };
        try {
          let stored: StoredFile;
          if (local && deps.dbFile) {
            // Decoded and stored on the thread: the records never cross to this one.
            stored = await local.store(source.localPath!(o), o.key, source.format, filter, plan !== null, { dbFile: deps.dbFile, nativeBinding: deps.nativeBinding, target, object, expected, at: this.#now() });
          } else {
            const decoded = local ? await local.decode(source.localPath!(o), o.key, source.format, filter, plan !== null) : await this.#decodeHere(source, decoder, o, filter, plan !== null);
            if (this.signal.aborted) {
              fatal = new ArchiveError('cancelled', 'cancelled');
              return;
            }
            stored = storeDecoded(deps.archive, target, object, decoded, expected, this.#now());
          }
          this.#account(o, stored, plan);
        } catch (e) {
          const err = asArchiveError(e);
          if (FATAL.has(err.kind) || this.signal.aborted) {
            fatal = this.signal.aborted ? new ArchiveError('cancelled', 'cancelled') : err;
            return;
          }
          storeRejected(deps.archive, target, object, this.#now(), err.kind as FileFailureKind, err.message, null);
          this.#account(o, { integrity: null, rejected: { kind: err.kind as FileFailureKind, message: err.message }, records: 0, events: 0, fresh: 0, unreadable: 0, otherKeys: 0, bytes: 0 }, plan);
        }
        this.#emit(true); // every finished file: listeners (the CLI bar, the window) pace themselves
      }
    };
    try {
      // One file in flight per thread, plus one queued, so no thread waits for the next file.
      await Promise.all(Array.from({ length: Math.min(local ? parallel * 2 : 1, Math.max(1, todo.length)) }, worker));
    } finally {
      await local?.close();
    }
    if (fatal) throw fatal;
  }

  async #decodeHere(source: ArchiveSource, decoder: RecordDecoder, o: ArchiveObject, filter: RecordFilter, wantHash: boolean): Promise<DecodedFile> {
    const opened = await source.open(o, this.signal);
    return decodeStream(opened.stream, o.key, decoder, filter, wantHash, this.signal);
  }

  /** A file's result in the progress and the integrity report. */
  #account(o: ArchiveObject, r: StoredFile, plan: IntegrityPlan | null): void {
    const v = this.view;
    v.bytes_done += o.size;
    v.bytes_uncompressed += r.bytes;
    if (plan && r.integrity) plan.record(o.key, o.day, r.integrity);
    if (r.rejected) {
      v.files_failed++;
      if (v.failures.length < FAILURES_KEPT) v.failures.push({ key: o.key, kind: r.rejected.kind, message: r.rejected.message });
      return;
    }
    v.files_done++;
    v.records += r.records;
    v.events += r.events;
    v.events_new += r.fresh;
    v.unreadable += r.unreadable;
    v.other_keys += r.otherKeys;
  }
}

/** How the CLI names a source in one line (no credentials in it: it is the operator's own location). */
export function describeImport(v: ImportProgressView): string {
  return `${v.tenant ?? ''} ${v.provider ?? ''} ${v.location ?? ''}`.trim();
}

