/**
 * The Reports screen's state: the period and tenant chosen, the preview's section
 * counts, and one export at a time. The export call runs until the package is written;
 * meanwhile the store polls `report.progress` with the id it chose, for the bar.
 */
import { createStore } from 'zustand';
import type { ReportExportResult, ReportPreview, ReportProgressView } from '../../../../core/api/report-types';
import type { KeywardenClient } from '../../../api/client';
import { describeError, type ShownError } from '../../lib/errors';

export interface ReportsState {
  from: string;
  to: string;
  /** '' means every tenant. */
  tenant: string;
  preview: ReportPreview | null;
  previewing: boolean;
  previewError: ShownError | null;
  exporting: boolean;
  progress: ReportProgressView | null;
  result: ReportExportResult | null;
  exportError: ShownError | null;
  setPeriod(from: string, to: string): void;
  setTenant(tenant: string): void;
  loadPreview(): Promise<void>;
  /** First open: the last quarter, or the nearest wider period that has data, so the screen never opens on zeros. */
  openOnData(): Promise<void>;
  exportPackage(): Promise<void>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The last full calendar quarter before `now`: what an auditor usually asks for. */
export function lastQuarter(now: Date): { from: string; to: string } {
  const q = Math.floor(now.getUTCMonth() / 3);
  const start = new Date(Date.UTC(now.getUTCFullYear(), (q - 1) * 3, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), q * 3, 0));
  return { from: day(start), to: day(end) };
}

export function quarterToDate(now: Date): { from: string; to: string } {
  const q = Math.floor(now.getUTCMonth() / 3);
  return { from: day(new Date(Date.UTC(now.getUTCFullYear(), q * 3, 1))), to: day(now) };
}

export function lastDays(now: Date, n: number): { from: string; to: string } {
  return { from: day(new Date(now.getTime() - (n - 1) * 86_400_000)), to: day(now) };
}

export function yearToDate(now: Date): { from: string; to: string } {
  return { from: `${now.getUTCFullYear()}-01-01`, to: day(now) };
}

function newExportId(): string {
  return `ui-${crypto.randomUUID()}`;
}

export function createReportsStore(client: KeywardenClient, options: { pollMs?: number; now?: () => Date } = {}) {
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? (() => new Date());
  const initial = lastQuarter(now());
  let previewRequest = 0;
  let opened = false;
  return createStore<ReportsState>()((set, get) => ({
    from: initial.from,
    to: initial.to,
    tenant: '',
    preview: null,
    previewing: false,
    previewError: null,
    exporting: false,
    progress: null,
    result: null,
    exportError: null,
    setPeriod(from, to) {
      set({ from, to });
      void get().loadPreview();
    },
    setTenant(tenant) {
      set({ tenant });
      void get().loadPreview();
    },
    async loadPreview() {
      const mine = ++previewRequest;
      const { from, to, tenant } = get();
      set({ previewing: true, previewError: null });
      try {
        const preview = await client.call('report.preview', { from, to, ...(tenant ? { tenant } : {}) });
        if (mine === previewRequest) set({ preview, previewing: false });
      } catch (e) {
        if (mine === previewRequest) set({ preview: null, previewing: false, previewError: describeError(e) });
      }
    },
    async openOnData() {
      if (opened) return get().loadPreview();
      opened = true;
      const t = now();
      const candidates = [lastQuarter(t), quarterToDate(t), yearToDate(t), lastDays(t, 365)];
      for (const c of candidates) {
        set({ from: c.from, to: c.to });
        await get().loadPreview();
        const counts = get().preview?.counts;
        if (!counts || counts.kms_calls + counts.audit_entries > 0) return;
      }
      set({ from: candidates[0]!.from, to: candidates[0]!.to });
      await get().loadPreview();
    },
    async exportPackage() {
      if (get().exporting) return;
      const { from, to, tenant } = get();
      const exportId = newExportId();
      set({ exporting: true, progress: null, result: null, exportError: null });
      let done = false;
      const poll = async () => {
        while (!done) {
          await new Promise((r) => setTimeout(r, pollMs));
          if (done) return;
          try {
            const progress = await client.call('report.progress', { export_id: exportId });
            if (!done) set({ progress });
          } catch {
            // Not registered yet (the export call is still on its way): try again.
          }
        }
      };
      void poll();
      try {
        const result = await client.call('report.export', { from, to, export_id: exportId, ...(tenant ? { tenant } : {}) });
        done = true;
        set({ exporting: false, result, progress: { export_id: exportId, state: 'done', phase: 'done', percent: 100, rows_written: result.kms_calls + result.audit_entries, rows_total: result.kms_calls + result.audit_entries, error: null } });
      } catch (e) {
        done = true;
        set({ exporting: false, exportError: describeError(e) });
      }
    },
  }));
}

export type ReportsStore = ReturnType<typeof createReportsStore>;
