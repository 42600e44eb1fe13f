/**
 * Reads every source's provider log since it was last read: one source after another,
 * each page stored as it arrives (a later failing page loses nothing), progress visible
 * while it runs, cancellable. A source's cursor moves only when its whole window was read;
 * the next read starts a re-read window earlier (reread-window.ts), so late deliveries are
 * caught (records are de-duplicated by their provider id). A read that fails is named
 * (last_error_kind) and remembered on the source; unreadable records are kept apart.
 */
import type { EvidenceFetchView, EvidenceSourceProgress } from '../api/evidence-types';
import type { Clock } from '../clock';
import { keySuffix } from '../engine/redact';
import { KeywardenError } from '../errors';
import { buildReader, type ReaderDeps } from './readers/build';
import { oneLine } from './readers/retry';
import { ReaderError } from './readers/types';
import { provenDelayMs, readStart } from './reread-window';
import { deliveryDelayMs, type EvidenceSettings } from './settings';
import type { SourceSpec } from './sources';
import type { EvidenceStore } from './store';
import { safeSink, type ProgressSink } from '../progress/operation-progress';

export interface FetchRequest {
  sources: SourceSpec[];
  settingsOf: (tenantId: string) => EvidenceSettings;
  /** Read from here instead of each source's cursor. */
  fromMs?: number | undefined;
  /** Told after every page and every source read (counts only). */
  onProgress?: ProgressSink | undefined;
}

export class EvidenceFetcher {
  private view: EvidenceFetchView = { running: false, started_at: null, finished_at: null, cancelled: false, sources: [] };
  private controller: AbortController | undefined;

  constructor(
    private readonly store: EvidenceStore,
    private readonly clock: Clock,
    private readonly deps: ReaderDeps,
  ) {}

  progress(): EvidenceFetchView {
    return structuredClone(this.view);
  }

  cancel(): boolean {
    if (!this.controller || this.controller.signal.aborted) return false;
    this.view.cancelled = true;
    this.controller.abort();
    return true;
  }

  async fetch(req: FetchRequest): Promise<EvidenceFetchView> {
    if (this.view.running) throw new KeywardenError('conflict', 'an evidence fetch is already running: wait for it or cancel it (evidence.cancel)');
    const controller = (this.controller = new AbortController());
    this.view = {
      running: true,
      started_at: new Date(this.clock.now()).toISOString(),
      finished_at: null,
      cancelled: false,
      sources: req.sources.map((s) => ({
        source_id: s.source_id,
        tenant: s.tenant_slug,
        provider: s.provider,
        key_ref_suffix: keySuffix(s.key_ref),
        state: 'waiting',
        pages: 0,
        events: 0,
        unreadable: 0,
        other_keys: 0,
        read_until: null,
        error: null,
        error_kind: null,
      })),
    };
    const report = safeSink(req.onProgress);
    const tell = (i: number, finished: number) => {
      const p = this.view.sources[i]!;
      report({ operation: 'evidence fetch', done: finished, total: req.sources.length, unit: 'sources', detail: `${p.tenant} ${p.provider}: ${p.state}, ${p.pages} page(s), ${p.events} record(s)` });
    };
    try {
      for (let i = 0; i < req.sources.length; i++) {
        const p = this.view.sources[i]!;
        if (controller.signal.aborted) {
          p.state = 'cancelled';
          continue;
        }
        await this.fetchSource(req.sources[i]!, p, req, controller.signal, () => tell(i, i));
        tell(i, i + 1);
      }
    } finally {
      this.view.running = false;
      this.view.finished_at = new Date(this.clock.now()).toISOString();
      this.controller = undefined;
    }
    return this.progress();
  }

  private async fetchSource(spec: SourceSpec, p: EvidenceSourceProgress, req: FetchRequest, signal: AbortSignal, onPage: () => void): Promise<void> {
    const row = this.store.ensureSource(spec);
    const settings = req.settingsOf(spec.tenant_id);
    const nowMs = this.clock.now();
    const { fromMs, deep } = readStart(row, nowMs, deliveryDelayMs(settings, spec.provider), settings.initial_lookback_hours * 3_600_000, req.fromMs);
    const stamp = () => new Date(this.clock.now()).toISOString();
    if (fromMs >= nowMs) {
      p.state = 'skipped';
      return;
    }
    p.state = 'reading';
    // The last complete read's window: what a newly found record there missed proves a delay.
    const prev = row.read_until && row.reread_from ? { rereadFromMs: Date.parse(row.reread_from), readUntilMs: Date.parse(row.read_until) } : null;
    const cursorMs = row.read_until ? Date.parse(row.read_until) : Number.NEGATIVE_INFINITY;
    let reader;
    try {
      reader = buildReader(spec, settings, this.store.providerKeyIds(spec.tenant_id, spec.provider, spec.key_ref), this.deps);
      for await (const page of reader.read({ fromMs, toMs: nowMs }, signal)) {
        const at = stamp();
        const fresh = this.store.saveEvents(row, page.events, at);
        this.store.saveUnreadable(row, page.unreadable, at);
        // Other keys' records are counted once: only those past the cursor (re-reads overlap).
        this.store.addOtherKeyRecords(spec.source_id, page.otherKeys.filter((t) => Date.parse(t) >= cursorMs).length);
        if (prev) {
          const delays = fresh.map((t) => provenDelayMs(Date.parse(t), prev, req.fromMs === undefined)).filter((d): d is number => d !== null);
          if (delays.length > 0) this.store.noteDelay(spec.source_id, Math.max(...delays));
        }
        p.pages++;
        p.events += page.events.length;
        p.unreadable += page.unreadable.length;
        p.other_keys += page.otherKeys.length;
        onPage();
      }
      const readUntil = new Date(nowMs).toISOString();
      this.store.finishSource(spec.source_id, {
        state: 'done',
        at: stamp(),
        readUntil,
        rereadFrom: new Date(fromMs).toISOString(),
        deepRereadAt: deep ? readUntil : null,
      });
      p.state = 'done';
      p.read_until = readUntil;
    } catch (e) {
      const cancelled = signal.aborted || (e instanceof ReaderError && e.kind === 'cancelled');
      const kind = cancelled ? 'cancelled' : e instanceof ReaderError ? e.kind : 'error';
      let message = cancelled ? 'cancelled' : e instanceof ReaderError ? e.message : `reading failed: ${oneLine((e as Error)?.message ?? String(e), 200)}`;
      // A daily deep re-read too long for one fetch must not block the incremental reads
      // after it: it counts as done for today, and the next fetch reads the usual window.
      const deepGaveUp = deep && row.read_until !== null && kind === 'page_limit';
      if (deepGaveUp) message += ' (this was the daily 24 h re-read; the next fetch reads the usual window)';
      this.store.finishSource(spec.source_id, {
        state: cancelled ? 'cancelled' : 'failed',
        at: stamp(),
        error: message,
        errorKind: kind,
        deepRereadAt: deepGaveUp ? new Date(nowMs).toISOString() : null,
      });
      p.state = cancelled ? 'cancelled' : 'failed';
      p.error = message;
      p.error_kind = kind;
      p.read_until = this.store.source(spec.source_id)?.read_until ?? null;
    } finally {
      reader?.close?.();
    }
  }
}
