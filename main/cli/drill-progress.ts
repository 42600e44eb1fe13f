/**
 * `keywarden drill run --real` prints what it sees on stderr as it happens (stdout keeps
 * only the final result, so `--json` stays one document): every timeline event, and a
 * status line after each poll.
 */
import { onDrillProgress, type DrillProgress } from '../../core/drills/progress';

export function formatDrillProgress(p: DrillProgress): string {
  return `drill ${p.drill_id.slice(0, 8)} +${p.t_s} s  ${p.kind === 'poll' ? 'poll' : p.kind.toUpperCase()}  ${p.detail}`;
}

export function followDrillProgress(write: (line: string) => void): () => void {
  return onDrillProgress((p) => write(formatDrillProgress(p) + '\n'));
}
