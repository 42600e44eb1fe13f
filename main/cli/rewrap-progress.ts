/**
 * `keywarden rewrap run` prints progress lines on stderr while the engine works (stdout
 * keeps only the final result, so `--json` output stays one document). At most one line
 * a second per job, plus every change of state.
 */
import { rewrapProgressEvents } from '../../core/rewrap/runner';
import type { RewrapProgress } from '../../core/rewrap/types';
import { progressLine } from './progress-line';

const LINE_EVERY_MS = 1_000;

export function formatProgress(p: RewrapProgress): string {
  const done = p.processed + p.skipped + p.failed;
  const percent = p.total > 0 ? ((done / p.total) * 100).toFixed(1) : p.state === 'done' ? '100.0' : '0.0';
  const rate = p.rows_per_s !== null ? `  ${Math.round(p.rows_per_s)} rows/s` : '';
  const eta = p.eta_seconds !== null && p.state === 'running' ? `  eta ${p.eta_seconds}s` : '';
  return `rewrap job ${p.lease_id} → v${p.target_version}: ${p.state}  ${done}/${p.total} (${percent}%)  moved ${p.processed}  skipped ${p.skipped}  failed ${p.failed}${rate}${eta}`;
}

/** Follows in-process rewrap progress until the returned function is called (a bar on a terminal). */
export function followRewrapProgress(write: (line: string) => void, now: () => number = Date.now, tty = false): () => void {
  const line = progressLine({ write, tty });
  const last = new Map<number, { at: number; state: string }>();
  const listener = (p: RewrapProgress) => {
    const seen = last.get(p.lease_id);
    const t = now();
    if (seen && seen.state === p.state && t - seen.at < LINE_EVERY_MS) return;
    last.set(p.lease_id, { at: t, state: p.state });
    const done = p.processed + p.skipped + p.failed;
    line.update(formatProgress(p), p.total > 0 ? done / p.total : p.state === 'done' ? 1 : null);
  };
  rewrapProgressEvents.on('progress', listener);
  return () => {
    rewrapProgressEvents.off('progress', listener);
    line.end();
  };
}
