/**
 * Evidence cross-check at scale: N engine calls against N provider records (default
 * 1,000,000 each; `--events N`), read from SQLite, matched, and every result row written
 * back, as `evidence crosscheck` does. Figures:
 *   crosscheck.seconds        the whole run: load, match, write results
 *   crosscheck.peak_mib       the process's peak resident memory after the run (targets: < 10 s, < 500 MiB)
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
import { DEFAULT_SETTINGS } from '../../core/evidence/settings';
import { EvidenceStore } from '../../core/evidence/store';
import { openDatabase, type Db } from '../../core/store/database';

const BASE_S = Date.parse('2026-01-05T00:00:00.000Z') / 1000;
const SPACING_S = 0.05;
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden';

export function generate(db: Db, n: number): void {
  db.prepare("INSERT INTO tenants VALUES ('t1', 'bench', 'customer_kms', 'aws', ?, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', NULL, NULL, 0)").run(KEY);
  db.prepare("INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref, read_until, last_fetch_state) VALUES ('src_bench', 't1', 'aws', ?, '2027-01-01T00:00:00.000Z', 'done')").run(KEY);
  const cte = 'WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @n - 1)';
  const at = "strftime('%Y-%m-%dT%H:%M:%fZ', @base + i * @spacing, 'unixepoch')";
  const cid = "printf('%08x-0000-4000-8000-%012x', i, i)";
  db.transaction(() => {
    db.prepare(`${cte} INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, provider_key_id, provider_request_id, outcome, error_message, duration_ms)
      SELECT ${at}, 't1', 'aws', @key, 1, CASE i % 3 WHEN 0 THEN 'wrap' ELSE 'unwrap' END, ${cid}, @role, @key, NULL,
        CASE WHEN i % 10000 = 7 THEN 'access_denied' ELSE 'ok' END, NULL, 12 FROM n`).run({ n, base: BASE_S, spacing: SPACING_S, key: KEY, role: ROLE });
    // One record per call except every 1000th (a logging gap); every 5000th names another
    // principal; the gaps are filled with rogue Decrypts (no correlation id): N records in all.
    db.prepare(`${cte} INSERT INTO provider_events (source_id, tenant_id, provider, event_id, at, key_ref, operation, provider_operation, principal,
        source_address, user_agent, correlation_id, request_id, outcome, error_code, raw, fetched_at)
      SELECT 'src_bench', 't1', 'aws', 'ev-' || i, strftime('%Y-%m-%dT%H:%M:%SZ', @base + i * @spacing, 'unixepoch'), @key,
        CASE WHEN i % 1000 = 999 THEN 'unwrap' WHEN i % 3 = 0 THEN 'wrap' ELSE 'unwrap' END,
        CASE WHEN i % 1000 = 999 THEN 'Decrypt' WHEN i % 3 = 0 THEN 'Encrypt' ELSE 'Decrypt' END,
        CASE WHEN i % 1000 = 999 THEN 'arn:aws:sts::111122223333:assumed-role/SomeoneElse/intruder' WHEN i % 5000 = 1 THEN 'arn:aws:iam::111122223333:user/other' ELSE @role END,
        '10.0.0.1', 'aws-sdk-js/3 keywarden-cid/' || ${cid}, CASE WHEN i % 1000 = 999 THEN NULL ELSE ${cid} END, 'req-' || i,
        CASE WHEN i % 10000 = 7 THEN 'failed' ELSE 'ok' END, NULL, '{"eventSource":"kms.amazonaws.com"}', '2027-01-01T00:00:00.000Z' FROM n`).run({ n, base: BASE_S, spacing: SPACING_S, key: KEY, role: ROLE });
  })();
}

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
      const store = new EvidenceStore(db);
      const fromMs = BASE_S * 1000 - 60_000;
      const toMs = (BASE_S + n * SPACING_S) * 1000 + 60_000;
      const t0 = performance.now();
      const out = runCrosscheck(db, store, { fromMs, toMs, nowMs: toMs + 3_600_000, settingsOf: () => DEFAULT_SETTINGS, slugOf: () => 'bench' });
      const seconds = (performance.now() - t0) / 1000;
      const peakMib = process.resourceUsage().maxRSS / 1024;
      const written = (db.prepare('SELECT count(*) AS c FROM evidence_results WHERE run_id = ?').get(out.runId) as { c: number }).c;
      const f0 = performance.now();
      const hits = hashJoinFloor(db, new Date(fromMs).toISOString(), new Date(toMs).toISOString());
      const floorSeconds = (performance.now() - f0) / 1000;
      db.close();
      return {
        'crosscheck.calls': n,
        'crosscheck.events': n,
        'crosscheck.seconds': seconds,
        'crosscheck.peak_mib': Math.round(peakMib),
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
