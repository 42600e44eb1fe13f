/**
 * Exports in flight and recently finished, per engine, by the id the client chose, so
 * a window can poll `report.progress` while its `report.export` call is still running.
 * Only the last few finished exports are kept: progress is a view, not a record (the
 * audit trail is the record).
 */
import type { ReportProgressView } from '../api/report-types';
import { KeywardenError, toErrorData } from '../errors';
import type { ExportProgress } from './export';

const KEEP_FINISHED = 20;

export class ProgressRegistry {
  readonly #entries = new Map<string, ReportProgressView>();

  start(id: string): void {
    const current = this.#entries.get(id);
    if (current?.state === 'running') throw new KeywardenError('conflict', `an export with id ${id} is already running`, { field: 'export_id' });
    this.#entries.delete(id);
    this.#entries.set(id, { export_id: id, state: 'running', phase: 'gathering', percent: 0, rows_written: 0, rows_total: 0, error: null });
    this.#trim();
  }

  update(id: string, p: ExportProgress): void {
    const e = this.#entries.get(id);
    if (e) this.#entries.set(id, { ...e, ...p });
  }

  finish(id: string, error?: unknown): void {
    const e = this.#entries.get(id);
    if (!e) return;
    if (error === undefined) this.#entries.set(id, { ...e, state: 'done', phase: 'done', percent: 100 });
    else {
      const data = toErrorData(error);
      this.#entries.set(id, { ...e, state: 'failed', error: { code: data.code, message: data.message } });
    }
  }

  get(id: string): ReportProgressView {
    const e = this.#entries.get(id);
    if (!e) throw new KeywardenError('not_found', `no export with id ${id} (it never started here, or finished long ago)`, { field: 'export_id' });
    return e;
  }

  #trim(): void {
    const finished = [...this.#entries.values()].filter((e) => e.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.#entries.delete(e.export_id);
  }
}
