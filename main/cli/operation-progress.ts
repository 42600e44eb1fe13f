/**
 * Draws the progress the engine reports through its injected callback (seed-sample,
 * drill run, evidence fetch) on stderr: done/total, rate and time left, as a bar redrawn
 * in place on a terminal and as plain lines (at most one a second, plus the first and the
 * last) anywhere else. stdout is never touched, so `--json` stays one document.
 */
import type { OperationProgress, ProgressSink } from '../../core/progress/operation-progress';
import { progressLine } from './progress-line';

const PLAIN_EVERY_MS = 1_000;
const TTY_EVERY_MS = 100;

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function rateText(perSecond: number): string {
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2);
}

/** One progress line: "seed-sample  1000/3000 rows (33%)  2500 rows/s  eta 1 s  detail". */
export function formatOperationProgress(p: OperationProgress, elapsedMs: number): string {
  const parts = [`${p.operation}  ${p.total !== null ? `${p.done}/${p.total} ${p.unit} (${p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100}%)` : `${p.done} ${p.unit}`}`];
  const rate = elapsedMs > 0 ? p.done / (elapsedMs / 1000) : 0;
  if (rate > 0) parts.push(`${rateText(rate)} ${p.unit}/s`);
  if (rate > 0 && p.total !== null && p.done < p.total) parts.push(`eta ${duration((p.total - p.done) / rate)}`);
  if (p.detail) parts.push(p.detail);
  return parts.join('  ');
}

export interface OperationProgressView {
  /** Hand this to the engine (createHandlers' onProgress). */
  sink: ProgressSink;
  /** A line to keep (a drill event), above the bar on a terminal. */
  note: (text: string) => void;
  /** Ends the bar's line; call when the operation is over. */
  stop: () => void;
}

export function followOperationProgress(write: (text: string) => void, tty: boolean, now: () => number = Date.now): OperationProgressView {
  const line = progressLine({ write, tty });
  const startedAt = now();
  let lastAt = Number.NEGATIVE_INFINITY;
  let pending: OperationProgress | null = null;
  const draw = (p: OperationProgress, t: number) => {
    lastAt = t;
    pending = null;
    line.update(formatOperationProgress(p, t - startedAt), p.total !== null && p.total > 0 ? p.done / p.total : null);
  };
  return {
    sink: (p) => {
      const t = now();
      const last = p.total !== null && p.done >= p.total;
      if (last || t - lastAt >= (tty ? TTY_EVERY_MS : PLAIN_EVERY_MS)) draw(p, t);
      else pending = p;
    },
    note: (text) => line.note(text),
    stop: () => {
      // The newest state, when throttling held it back, so the last line says where it ended.
      if (pending) draw(pending, now());
      line.end();
    },
  };
}
