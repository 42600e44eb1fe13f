/**
 * Live progress of real drills in this process, for hosts that follow it (the CLI prints
 * it on stderr while `drill run --real` watches). Simulated drills finish in seconds and
 * report only their result.
 */
import { EventEmitter } from 'node:events';

export interface DrillProgress {
  drill_id: string;
  t_s: number;
  /** A timeline event kind (kill, sealed, ...) or `poll` for the status after each poll. */
  kind: string;
  detail: string;
}

const events = new EventEmitter();

export function emitDrillProgress(p: DrillProgress): void {
  events.emit('progress', p);
}

/** Calls `listener` for every progress line until the returned function is called. */
export function onDrillProgress(listener: (p: DrillProgress) => void): () => void {
  events.on('progress', listener);
  return () => void events.off('progress', listener);
}
