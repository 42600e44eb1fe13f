/**
 * The Evidence screen's archive import and coverage calendar: the import form (tenant,
 * location, period, validate), the running import's progress (polled while
 * evidence.import runs) with a cancel, its result, and the year's per-day coverage per
 * provider. One store per client (like the key access review's), so no state leaks
 * between windows or tests.
 */
import { createStore, useStore } from 'zustand';
import type { EvidenceCoverageCalendar, ImportProgressView, ImportResultView } from '../../../../core/evidence/archive/types';
import type { KeywardenClient } from '../../../api/client';
import { describeError, type ShownError } from '../../lib/errors';

export interface ImportForm {
  tenant: string;
  source: string;
  from: string;
  to: string;
  validate: boolean;
}

export interface ArchiveState {
  form: ImportForm;
  running: boolean;
  cancelling: boolean;
  progress: ImportProgressView | null;
  result: ImportResultView | null;
  error: ShownError | null;
  calendar: EvidenceCoverageCalendar | null;
  calendarError: ShownError | null;
  setForm(patch: Partial<ImportForm>): void;
  start(): Promise<void>;
  cancel(): Promise<void>;
  loadCalendar(): Promise<void>;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The calendar's year: the 365 days ending today (UTC). */
export function calendarYear(nowMs: number): { from: string; to: string } {
  return { from: isoDay(nowMs - 364 * DAY_MS), to: isoDay(nowMs) };
}

export function createArchiveStore(client: KeywardenClient, options: { pollMs?: number; now?: () => number } = {}) {
  const now = options.now ?? (() => Date.now());
  return createStore<ArchiveState>()((set, get) => ({
    form: { tenant: '', source: '', from: isoDay(now() - 365 * DAY_MS), to: isoDay(now() - DAY_MS), validate: true },
    running: false,
    cancelling: false,
    progress: null,
    result: null,
    error: null,
    calendar: null,
    calendarError: null,
    setForm(patch) {
      set({ form: { ...get().form, ...patch } });
    },
    async start() {
      if (get().running) return;
      const { tenant, source, from, to, validate } = get().form;
      set({ running: true, cancelling: false, error: null, result: null, progress: null });
      const timer = setInterval(() => {
        client.call('evidence.import_progress', {}).then((p) => get().running && p.running && set({ progress: p }), () => undefined);
      }, options.pollMs ?? 400);
      try {
        const result = await client.call('evidence.import', { tenant: tenant.trim(), source: source.trim(), from, to, validate });
        set({ result, progress: result, running: false, cancelling: false });
      } catch (e) {
        set({ running: false, cancelling: false, error: describeError(e) });
      } finally {
        clearInterval(timer);
      }
      await get().loadCalendar();
    },
    async cancel() {
      set({ cancelling: true });
      try {
        await client.call('evidence.import_cancel', {});
      } catch (e) {
        set({ cancelling: false, error: describeError(e) });
      }
    },
    async loadCalendar() {
      const tenant = get().form.tenant.trim();
      try {
        const calendar = await client.call('evidence.coverage', { ...calendarYear(now()), ...(tenant ? { tenant } : {}) });
        set({ calendar, calendarError: null });
      } catch (e) {
        set({ calendarError: describeError(e) });
      }
    },
  }));
}

export type ArchiveStore = ReturnType<typeof createArchiveStore>;

const stores = new WeakMap<KeywardenClient, ArchiveStore>();

export function archiveStoreFor(client: KeywardenClient): ArchiveStore {
  let s = stores.get(client);
  if (!s) stores.set(client, (s = createArchiveStore(client)));
  return s;
}

export function useArchive<T>(store: ArchiveStore, pick: (s: ArchiveState) => T): T {
  return useStore(store, pick);
}
