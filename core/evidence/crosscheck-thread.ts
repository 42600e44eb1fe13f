/**
 * A cross-check on a worker thread: a million calls against a million records take
 * seconds of SQLite reads, matching and writes, and the host that runs the engine (the
 * desktop's main process, the web host) must keep answering meanwhile. The worker opens
 * its own connection, runs runCrosscheck and stores the run; this side only waits.
 */
import type { CrosscheckInput, CrosscheckOutcome } from './crosscheck';
import type { EvidenceSettings } from './settings';
import { startWorker, type WorkerEntry } from '../workers/launch';

/** CrosscheckInput without its callbacks: every tenant's settings and slug, looked up beforehand. */
export type PortableCrosscheckInput = Omit<CrosscheckInput, 'settingsOf' | 'slugOf'> & {
  settings: Record<string, EvidenceSettings>;
  slugs: Record<string, string>;
};

export interface CrosscheckJob {
  job: 'crosscheck';
  dbFile: string;
  nativeBinding?: string;
  input: PortableCrosscheckInput;
}

export type CrosscheckReply = { ok: true; outcome: CrosscheckOutcome } | { ok: false; message: string };

/**
 * The outcome, or null when the worker could not start or died before it answered: its
 * transaction rolled back with it, so the caller runs the cross-check in its own thread.
 * A cross-check that failed inside the worker is also null: run again here, it throws
 * its error with the engine's own type and code.
 */
export function crosscheckOffThread(entry: WorkerEntry, job: Omit<CrosscheckJob, 'job'>): Promise<CrosscheckOutcome | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v: CrosscheckOutcome | null) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    let w;
    try {
      w = startWorker<CrosscheckJob>(entry, { job: 'crosscheck', ...job });
    } catch {
      finish(null);
      return;
    }
    w.once('message', (r: CrosscheckReply) => finish(r.ok ? r.outcome : null));
    w.once('error', () => finish(null));
    w.once('exit', () => finish(null));
  });
}
