/**
 * A cross-check on a worker thread: a million calls against a million records take
 * seconds of SQLite reads, matching and writes, and the host that runs the engine (the
 * desktop's main process, the web host) must keep answering meanwhile. The worker opens
 * its own connection, runs the cross-check and stores the run; this side only waits.
 * That worker starts a second one to read the engine's calls (call-columns.ts) while it
 * loads the provider records itself: the two reads are most of the time, and they need
 * not wait for each other.
 */
import type { CallColumns, CallPeriod } from './call-columns';
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
  /** The worker entry again, for the thread that reads the calls; absent: they are read in the cross-check's thread. */
  entry?: WorkerEntry;
}

export interface CallColumnsJob {
  job: 'crosscheck-calls';
  dbFile: string;
  nativeBinding?: string;
  period: CallPeriod;
}

export type CallColumnsReply = { ok: true; calls: CallColumns } | { ok: false; message: string };

export type CrosscheckReply = { ok: true; outcome: CrosscheckOutcome } | { ok: false; message: string };

/**
 * The outcome, or null when the worker could not start or died before it answered: its
 * transaction rolled back with it, so the caller runs the cross-check in its own thread.
 * A cross-check that failed inside the worker is also null: run again here, it throws
 * its error with the engine's own type and code.
 */
export function crosscheckOffThread(entry: WorkerEntry, job: Omit<CrosscheckJob, 'job' | 'entry'>): Promise<CrosscheckOutcome | null> {
  return oneReply<CrosscheckJob, CrosscheckReply, CrosscheckOutcome>(entry, { job: 'crosscheck', entry, ...job }, (r) => (r.ok ? r.outcome : null));
}

/** The period's calls read on a worker thread, or null when it could not start, died or failed (the caller reads them itself). */
export function readCallsOffThread(entry: WorkerEntry, job: Omit<CallColumnsJob, 'job'>): Promise<CallColumns | null> {
  return oneReply<CallColumnsJob, CallColumnsReply, CallColumns>(entry, { job: 'crosscheck-calls', ...job }, (r) => (r.ok ? r.calls : null));
}

/** Starts a worker for one job and settles on its one reply; null if it never answers. */
function oneReply<J, R, T>(entry: WorkerEntry, job: J, read: (reply: R) => T | null): Promise<T | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v: T | null) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    let w;
    try {
      w = startWorker<J>(entry, job);
    } catch {
      finish(null);
      return;
    }
    w.once('message', (r: R) => finish(read(r)));
    w.once('error', () => finish(null));
    w.once('exit', () => finish(null));
  });
}
