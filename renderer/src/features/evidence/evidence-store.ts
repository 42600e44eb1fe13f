/**
 * The Evidence screen's state: the latest cross-check run and its rows (filtered on the
 * engine side, paged by seq), a fetch with live progress and a cancel, a new cross-check
 * over a chosen period, and the raw record of the selected row.
 */
import { createStore, useStore } from 'zustand';
import type { EvidenceClassName, EvidenceEventView, EvidenceFetchView, EvidenceResultView, EvidenceRunView } from '../../../../core/api/evidence-types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export const RESULTS_PAGE = 500;
export const PERIODS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type Period = keyof typeof PERIODS;

export interface EvidenceFilter {
  cls: EvidenceClassName | null;
  provider: 'aws' | 'gcp' | 'azure' | null;
  q: string;
}

export interface EvidenceState {
  period: Period;
  filter: EvidenceFilter;
  run: EvidenceRunView | null;
  rows: EvidenceResultView[];
  total: number;
  nextAfter: number | null;
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  fetching: boolean;
  progress: EvidenceFetchView | null;
  checking: boolean;
  error: ShownError | null;
  selectedSeq: number | null;
  event: EvidenceEventView | null;
  eventError: ShownError | null;
  load(filter?: EvidenceFilter): Promise<void>;
  loadMore(): Promise<void>;
  setPeriod(p: Period): void;
  fetchLogs(): Promise<void>;
  cancel(): Promise<void>;
  crosscheck(): Promise<void>;
  select(row: EvidenceResultView | null): Promise<void>;
}

export function createEvidenceStore(client: KeywardenClient, options: { pollMs?: number; now?: () => number } = {}) {
  let generation = 0;
  const now = options.now ?? (() => Date.now());
  return createStore<EvidenceState>()((set, get) => {
    const page = (f: EvidenceFilter, afterSeq?: number) =>
      client.call('evidence.results', {
        limit: RESULTS_PAGE,
        ...(f.cls ? { class: f.cls } : {}),
        ...(f.provider ? { provider: f.provider } : {}),
        ...(f.q.trim() ? { q: f.q.trim() } : {}),
        ...(afterSeq !== undefined ? { after_seq: afterSeq } : {}),
      });
    return {
      period: '24h',
      filter: { cls: null, provider: null, q: '' },
      run: null,
      rows: [],
      total: 0,
      nextAfter: null,
      loaded: false,
      loading: false,
      loadingMore: false,
      fetching: false,
      progress: null,
      checking: false,
      error: null,
      selectedSeq: null,
      event: null,
      eventError: null,
      async load(filter = get().filter) {
        const mine = ++generation;
        set({ filter, loading: true, error: null });
        try {
          const out = await page(filter);
          if (mine !== generation) return;
          set({ run: out.run, rows: out.rows, total: out.total, nextAfter: out.next_after_seq, loaded: true, loading: false });
          const keep = out.rows.find((r) => r.seq === get().selectedSeq) ?? out.rows.find((r) => r.class === 'provider_only') ?? out.rows[0] ?? null;
          void get().select(keep);
        } catch (e) {
          if (mine === generation) set({ loading: false, loaded: true, error: describeError(e) });
        }
      },
      async loadMore() {
        const { nextAfter, loading, loadingMore, filter } = get();
        if (nextAfter === null || loading || loadingMore) return;
        const mine = generation;
        set({ loadingMore: true });
        try {
          const out = await page(filter, nextAfter);
          if (mine !== generation) return;
          set({ rows: [...get().rows, ...out.rows], nextAfter: out.next_after_seq, loadingMore: false });
        } catch (e) {
          if (mine === generation) set({ loadingMore: false, error: describeError(e) });
        }
      },
      setPeriod(period) {
        set({ period });
      },
      async fetchLogs() {
        if (get().fetching) return;
        set({ fetching: true, error: null, progress: null });
        const timer = setInterval(() => {
          client.call('evidence.progress', {}).then((p) => get().fetching && set({ progress: p }), () => undefined);
        }, options.pollMs ?? 500);
        try {
          set({ progress: await client.call('evidence.fetch', {}), fetching: false });
        } catch (e) {
          set({ fetching: false, error: describeError(e) });
        } finally {
          clearInterval(timer);
        }
      },
      async cancel() {
        try {
          await client.call('evidence.cancel', {});
        } catch (e) {
          set({ error: describeError(e) });
        }
      },
      async crosscheck() {
        if (get().checking) return;
        const to = now();
        set({ checking: true, error: null });
        try {
          await client.call('evidence.crosscheck', { from: new Date(to - PERIODS[get().period]).toISOString(), to: new Date(to + 1000).toISOString() });
          set({ checking: false });
          await get().load();
        } catch (e) {
          set({ checking: false, error: describeError(e) });
        }
      },
      async select(row) {
        set({ selectedSeq: row?.seq ?? null, event: null, eventError: null });
        if (!row || row.event_id === null) return;
        try {
          const event = await client.call('evidence.event', { id: row.event_id });
          if (get().selectedSeq === row.seq) set({ event });
        } catch (e) {
          if (get().selectedSeq === row.seq) set({ eventError: describeError(e) });
        }
      },
    };
  });
}

export type EvidenceStore = ReturnType<typeof createEvidenceStore>;

export function useEvidence<T>(selector: (s: EvidenceState) => T): T {
  return useStore(useServices().evidence, selector);
}
