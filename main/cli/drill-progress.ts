/**
 * `keywarden drill run --real` prints what it sees on stderr as it happens (stdout keeps
 * only the final result, so `--json` stays one document): every timeline event, and a
 * status line after each poll.
 */
import { onDrillProgress, type DrillProgress } from '../../core/drills/progress';

export function formatDrillProgress(p: DrillProgress): string {
  return `drill ${p.drill_id.slice(0, 8)} +${p.t_s} s  ${p.kind === 'poll' ? 'poll' : p.kind.toUpperCase()}  ${p.detail}`;
}

/** `polls: false` leaves the per-poll status out (the CLI's progress bar already shows it). */
export function followDrillProgress(write: (line: string) => void, options: { polls?: boolean } = {}): () => void {
  return onDrillProgress((p) => {
    if (p.kind === 'poll' && options.polls === false) return;
    write(formatDrillProgress(p) + '\n');
  });
}
