/**
 * Evidence cross-check at scale: N engine calls against N provider records (default
 * 1,000,000 each; `--events N`), read from SQLite, matched, and every result row written
 * back, as `evidence crosscheck` does: on a worker thread, which reads the provider
 * records while a second one reads the calls. Figures:
 *   crosscheck.seconds        the whole run, workers' start included: load, match, write results
 *   crosscheck.peak_mib       the process's peak resident memory after the run, every thread's
 *                             (targets: < 10 s, < 500 MiB)
 *   crosscheck.in_thread_seconds  the same run all in this thread (small runs, and the
 *                             fallback when no worker can start)
 *   crosscheck.floor_seconds  a plain hash join of the same rows in the same run (read both
 *                             tables, Map by correlation id, count hits; writes nothing)
 *   crosscheck.ratio          seconds / floor_seconds
 * The data is generated inside SQLite (a recursive CTE), so the JavaScript heap holds none
 * of it before the run and the peak is the cross-check's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Bench } from './index';
import { runCrosscheck } from '../../core/evidence/crosscheck';
import { crosscheckOffThread } from '../../core/evidence/crosscheck-thread';
import { DEFAULT_SETTINGS } from '../../core/evidence/settings';
import { EvidenceStore } from '../../core/evidence/store';
import { openDatabase, type Db } from '../../core/store/database';
import { sourceWorkerEntry } from '../../core/workers/launch';
import { BASE_S, generate, SPACING_S } from '../support/crosscheck-data';

function hashJoinFloor(db: Db, fromIso: string, toIso: string): number {
  const byCid = new Map<string, number>();
  for (const [id, cid] of db.prepare('SELECT id, correlation_id FROM provider_events WHERE at >= ? AND at < ?').raw(true).iterate(fromIso, toIso) as Iterable<[number, string | null]>) {
    if (cid !== null) byCid.set(cid, id);
  }
  let hits = 0;
  for (const [, cid] of db.prepare('SELECT id, correlation_id FROM kms_calls WHERE at >= ? AND at < ?').raw(true).iterate(fromIso, toIso) as Iterable<[number, string]>) {
    if (byCid.has(cid)) hits++;
  }
  return hits;
}

export const bench: Bench = {
  name: 'crosscheck',
  async run(args) {
    const n = args.sizes.events ?? 1_000_000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-bench-crosscheck-'));
    try {
      const db = openDatabase(path.join(dir, 'bench.db'));
      generate(db, n);
      db.pragma('wal_checkpoint(TRUNCATE)'); // a database at rest, as the app leaves it
      const store = new EvidenceStore(db);
      const fromMs = BASE_S * 1000 - 60_000;
      const toMs = (BASE_S + n * SPACING_S) * 1000 + 60_000;
      const entry = sourceWorkerEntry();
      if (!entry) throw new Error('bench: the engine worker source is not here');
      const period = { fromMs, toMs, nowMs: toMs + 3_600_000 };
      const t0 = performance.now();
      const out = await crosscheckOffThread(entry, { dbFile: db.name, input: { ...period, settings: { t1: DEFAULT_SETTINGS }, slugs: { t1: 'bench' } } });
      const seconds = (performance.now() - t0) / 1000;
      if (!out) throw new Error('bench: the cross-check worker did not answer');
      const peakMib = process.resourceUsage().maxRSS / 1024;
      const written = (db.prepare('SELECT count(*) AS c FROM evidence_results WHERE run_id = ?').get(out.runId) as { c: number }).c;
      const t1 = performance.now();
      const here = runCrosscheck(db, store, { ...period, settingsOf: () => DEFAULT_SETTINGS, slugOf: () => 'bench' });
      const inThreadSeconds = (performance.now() - t1) / 1000;
      if (JSON.stringify(here.counts) !== JSON.stringify(out.counts)) throw new Error('bench: the in-thread counts differ from the worker counts');
      const f0 = performance.now();
      const hits = hashJoinFloor(db, new Date(fromMs).toISOString(), new Date(toMs).toISOString());
      const floorSeconds = (performance.now() - f0) / 1000;
      db.close();
      return {
        'crosscheck.calls': n,
        'crosscheck.events': n,
        'crosscheck.seconds': seconds,
        'crosscheck.peak_mib': Math.round(peakMib),
        'crosscheck.in_thread_seconds': inThreadSeconds,
        'crosscheck.floor_seconds': floorSeconds,
        'crosscheck.ratio': seconds / floorSeconds,
        'crosscheck.results_written': written,
        'crosscheck.floor_hits': hits,
        'crosscheck.matched': out.counts.matched,
        'crosscheck.principal_mismatch': out.counts.principal_mismatch,
        'crosscheck.app_only_missing': out.counts.app_only_missing,
        'crosscheck.provider_only': out.counts.provider_only,
        'crosscheck.failed_call': out.counts.failed_call,
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
