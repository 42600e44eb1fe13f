/** The evidence tables (migrations 005, 007) behind one small class over the better-sqlite3 Database. */
import type { Database, Statement } from 'better-sqlite3';
import type { ReadErrorKind, UnreadableItem } from './readers/types';
import { EVIDENCE_CLASSES, type NormalizedEvent } from './types';

export interface SourceRow {
  source_id: string;
  tenant_id: string;
  provider: 'aws' | 'gcp' | 'azure';
  key_ref: string;
  read_until: string | null;
  last_fetch_at: string | null;
  last_fetch_state: 'done' | 'failed' | 'cancelled' | 'skipped' | null;
  last_error: string | null;
  /** Why the last read stopped (a ReadErrorKind), null when it finished. */
  last_error_kind: ReadErrorKind | null;
  /** Records read for keys this source does not track (new territory of each read only). */
  other_key_records: number;
  /** Records kept in provider_unreadable for this source. */
  unreadable_records: number;
  /** How far back the last complete read started (UTC ISO). */
  reread_from: string | null;
  /** When the last deep (24 h) re-read completed. */
  deep_reread_at: string | null;
  /** The longest delivery delay seen on this source (a lower bound, in ms). */
  observed_delay_ms: number | null;
}

export interface FinishedRead {
  state: NonNullable<SourceRow['last_fetch_state']>;
  at: string;
  /** Moves the cursor (only when the whole window was read). */
  readUntil?: string | null;
  rereadFrom?: string | null;
  deepRereadAt?: string | null;
  error?: string | null;
  errorKind?: ReadErrorKind | null;
}

export interface UnreadableRow extends UnreadableItem {
  id: number;
  source_id: string;
  tenant_id: string;
  fetched_at: string;
}

export interface ProviderEventRow extends Omit<NormalizedEvent, 'provider'> {
  id: number;
  source_id: string;
  tenant_id: string;
  provider: string;
  fetched_at: string;
}

export interface RunRow {
  id: number;
  at: string;
  tenant_id: string | null;
  period_from: string;
  period_to: string;
  counts: string;
  coverage: string;
  timeline: string;
}

export interface ResultInsert {
  seq: number;
  /** Index into EVIDENCE_CLASSES. */
  cls: number;
  callId: number | null;
  eventRow: number | null;
  /** Index into MATCHED_BY_CODES (0: not matched). */
  matchedBy: number;
  /** Record time minus call time, ms; null when no record stands for a call. */
  gapMs: number | null;
  /** Index into VERDICT_REASONS. */
  reason: number;
}

export const MATCHED_BY_CODES = [null, 'correlation_id', 'request_id', 'fallback'] as const;
// Result rows are bound as small codes and spelled out by SQLite: binding a million
// strings costs more. An unknown code gives NULL, which the table's constraints refuse.
const CLASS_SQL = `CASE ? ${EVIDENCE_CLASSES.map((c, i) => `WHEN ${i} THEN '${c}'`).join(' ')} END`;
const MATCHED_BY_SQL = `CASE ? ${MATCHED_BY_CODES.flatMap((b, i) => (b ? [`WHEN ${i} THEN '${b}'`] : [])).join(' ')} END`;
const RESULT_VALUES = `(?, ?, ${CLASS_SQL}, ?, ?, ${MATCHED_BY_SQL}, ?, ?)`;
const RESULT_COLUMNS = 'run_id, seq, class, call_id, event_row, matched_by, gap_ms, reason';
const RESULT_PARAMS = 8;

const RESULT_CHUNK = 200;

/**
 * One event read several ways keeps the strongest origin (migration 014): a validated
 * archive file proves more than the live API, which proves more than an unchecked copy.
 */
const RANK_SQL = (col: string) => `CASE ${col} WHEN 'archive_validated' THEN 2 WHEN 'api' THEN 1 ELSE 0 END`;
export const STRONGER_ORIGIN = `CASE WHEN ${RANK_SQL('excluded.origin')} > ${RANK_SQL('provider_events.origin')} THEN excluded.origin ELSE provider_events.origin END`;

/** Runs whose per-row results are kept; older runs keep only their summary. */
export const KEPT_RESULT_RUNS = 5;

export class EvidenceStore {
  private readonly upsertEvent: Statement;
  private readonly eventExists: Statement;
  private readonly upsertUnreadable: Statement;
  private readonly insertResult: Statement;
  private readonly insertResultChunk: Statement;

  constructor(readonly db: Database) {
    this.upsertEvent = db.prepare(`
      INSERT INTO provider_events (source_id, tenant_id, provider, event_id, at, key_ref, operation, provider_operation, principal,
        access_key_id, source_address, user_agent, correlation_id, request_id, outcome, error_code, raw, fetched_at, origin)
      VALUES (@source_id, @tenant_id, @provider, @event_id, @at, @key_ref, @operation, @provider_operation, @principal,
        @access_key_id, @source_address, @user_agent, @correlation_id, @request_id, @outcome, @error_code, @raw, @fetched_at, 'api')
      ON CONFLICT (source_id, event_id) DO UPDATE SET origin = ${STRONGER_ORIGIN}, at = excluded.at, key_ref = excluded.key_ref, operation = excluded.operation,
        provider_operation = excluded.provider_operation, principal = excluded.principal, access_key_id = excluded.access_key_id,
        source_address = excluded.source_address,
        user_agent = excluded.user_agent, correlation_id = excluded.correlation_id, request_id = excluded.request_id,
        outcome = excluded.outcome, error_code = excluded.error_code, raw = excluded.raw, fetched_at = excluded.fetched_at`);
    this.eventExists = db.prepare('SELECT 1 FROM provider_events WHERE source_id = ? AND event_id = ?').pluck();
    this.upsertUnreadable = db.prepare(`
      INSERT INTO provider_unreadable (source_id, tenant_id, event_id, at, problem, raw, fetched_at)
      VALUES (@source_id, @tenant_id, @event_id, @at, @problem, @raw, @fetched_at)
      ON CONFLICT (source_id, event_id) DO UPDATE SET at = excluded.at, problem = excluded.problem, raw = excluded.raw, fetched_at = excluded.fetched_at`);
    this.insertResult = db.prepare(`INSERT INTO evidence_results (${RESULT_COLUMNS}) VALUES ${RESULT_VALUES}`);
    // Many rows per statement: a million results are written several times faster.
    this.insertResultChunk = db.prepare(
      `INSERT INTO evidence_results (${RESULT_COLUMNS}) VALUES ${Array(RESULT_CHUNK).fill(RESULT_VALUES).join(', ')}`,
    );
  }

  settingsJson(tenantId: string): { settings: string; updated_at: string } | undefined {
    return this.db.prepare('SELECT settings, updated_at FROM evidence_settings WHERE tenant_id = ?').get(tenantId) as { settings: string; updated_at: string } | undefined;
  }

  saveSettings(tenantId: string, json: string, at: string): void {
    this.db
      .prepare('INSERT INTO evidence_settings (tenant_id, settings, updated_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at')
      .run(tenantId, json, at);
  }

  source(sourceId: string): SourceRow | undefined {
    return this.db.prepare('SELECT * FROM evidence_sources WHERE source_id = ?').get(sourceId) as SourceRow | undefined;
  }

  sources(tenantId?: string): SourceRow[] {
    return (tenantId
      ? this.db.prepare('SELECT * FROM evidence_sources WHERE tenant_id = ? ORDER BY source_id').all(tenantId)
      : this.db.prepare('SELECT * FROM evidence_sources ORDER BY source_id').all()) as SourceRow[];
  }

  ensureSource(s: Pick<SourceRow, 'source_id' | 'tenant_id' | 'provider' | 'key_ref'>): SourceRow {
    this.db.prepare('INSERT OR IGNORE INTO evidence_sources (source_id, tenant_id, provider, key_ref) VALUES (?, ?, ?, ?)').run(s.source_id, s.tenant_id, s.provider, s.key_ref);
    return this.source(s.source_id)!;
  }

  /** Ends a read: its state, why it stopped, and (only after a complete read) the new cursor and window. */
  finishSource(sourceId: string, r: FinishedRead): void {
    this.db
      .prepare(
        `UPDATE evidence_sources SET last_fetch_at = ?, last_fetch_state = ?, last_error = ?, last_error_kind = ?,
           read_until = COALESCE(?, read_until), reread_from = COALESCE(?, reread_from), deep_reread_at = COALESCE(?, deep_reread_at)
         WHERE source_id = ?`,
      )
      .run(r.at, r.state, r.error ?? null, r.errorKind ?? null, r.readUntil ?? null, r.rereadFrom ?? null, r.deepRereadAt ?? null, sourceId);
  }

  /**
   * One page of records, stored at once: a later failing page cannot lose them. A record
   * delivered twice stays one row (UNIQUE(source_id, event_id)). Returns the times of the
   * records this source had not stored before (to measure delivery delays).
   */
  saveEvents(source: SourceRow, events: NormalizedEvent[], fetchedAt: string): string[] {
    const fresh: string[] = [];
    this.db.transaction(() => {
      // A record once unreadable and now delivered readable is no longer counted as unreadable.
      const healing = this.db.prepare('SELECT 1 FROM provider_unreadable WHERE source_id = ? LIMIT 1').get(source.source_id) !== undefined;
      let healed = 0;
      for (const e of events) {
        if (this.eventExists.get(source.source_id, e.event_id) === undefined) fresh.push(e.at);
        this.upsertEvent.run({ ...e, source_id: source.source_id, tenant_id: source.tenant_id, fetched_at: fetchedAt });
        if (healing) healed += this.db.prepare('DELETE FROM provider_unreadable WHERE source_id = ? AND event_id = ?').run(source.source_id, e.event_id).changes;
      }
      if (healed > 0) this.recountUnreadable(source.source_id);
    })();
    return fresh;
  }

  private recountUnreadable(sourceId: string): void {
    this.db.prepare('UPDATE evidence_sources SET unreadable_records = (SELECT count(*) FROM provider_unreadable WHERE source_id = ?) WHERE source_id = ?').run(sourceId, sourceId);
  }

  /** Records that could not be read, kept with their raw text; the source's count follows the table. */
  saveUnreadable(source: SourceRow, items: UnreadableItem[], fetchedAt: string): void {
    if (items.length === 0) return;
    this.db.transaction(() => {
      for (const u of items) this.upsertUnreadable.run({ ...u, source_id: source.source_id, tenant_id: source.tenant_id, fetched_at: fetchedAt });
      this.recountUnreadable(source.source_id);
    })();
  }

  unreadable(sourceId: string): UnreadableRow[] {
    return this.db.prepare('SELECT * FROM provider_unreadable WHERE source_id = ? ORDER BY id').all(sourceId) as UnreadableRow[];
  }

  addOtherKeyRecords(sourceId: string, n: number): void {
    if (n > 0) this.db.prepare('UPDATE evidence_sources SET other_key_records = other_key_records + ? WHERE source_id = ?').run(n, sourceId);
  }

  /** Keeps the longest delivery delay seen (a lower bound each time). */
  noteDelay(sourceId: string, ms: number): void {
    this.db.prepare('UPDATE evidence_sources SET observed_delay_ms = max(COALESCE(observed_delay_ms, 0), ?) WHERE source_id = ?').run(Math.round(ms), sourceId);
  }

  event(id: number): ProviderEventRow | undefined {
    return this.db.prepare('SELECT * FROM provider_events WHERE id = ?').get(id) as ProviderEventRow | undefined;
  }

  /** Key ids (full key ARNs) the provider reported for a source's key ref: what CloudTrail names. */
  providerKeyIds(tenantId: string, provider: string, keyRef: string): string[] {
    const rows = this.db
      .prepare("SELECT DISTINCT provider_key_id AS k FROM kms_calls WHERE tenant_id = ? AND provider = ? AND key_ref = ? AND provider_key_id IS NOT NULL AND outcome = 'ok'")
      .all(tenantId, provider, keyRef) as { k: string }[];
    return rows.map((r) => r.k);
  }

  createRun(r: Omit<RunRow, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO evidence_runs (at, tenant_id, period_from, period_to, counts, coverage, timeline) VALUES (@at, @tenant_id, @period_from, @period_to, @counts, @coverage, @timeline)')
      .run(r);
    return Number(info.lastInsertRowid);
  }

  finishRun(id: number, counts: string, coverage: string, timeline: string): void {
    this.db.prepare('UPDATE evidence_runs SET counts = ?, coverage = ?, timeline = ? WHERE id = ?').run(counts, coverage, timeline, id);
  }

  /**
   * Writes `count` result rows, filling one reused ResultInsert per row (a million rows
   * allocate nothing); the caller holds the transaction.
   */
  insertResults(runId: number, count: number, fill: (i: number, row: ResultInsert) => void): void {
    const row: ResultInsert = { seq: 0, cls: 0, callId: null, eventRow: null, matchedBy: 0, gapMs: null, reason: 0 };
    const params: unknown[] = new Array<unknown>(RESULT_CHUNK * RESULT_PARAMS);
    let i = 0;
    for (; i + RESULT_CHUNK <= count; i += RESULT_CHUNK) {
      for (let j = 0, p = 0; j < RESULT_CHUNK; j++) {
        fill(i + j, row);
        params[p++] = runId;
        params[p++] = row.seq;
        params[p++] = row.cls;
        params[p++] = row.callId;
        params[p++] = row.eventRow;
        params[p++] = row.matchedBy;
        params[p++] = row.gapMs;
        params[p++] = row.reason;
      }
      this.insertResultChunk.run(params);
    }
    for (; i < count; i++) {
      fill(i, row);
      this.insertResult.run(runId, row.seq, row.cls, row.callId, row.eventRow, row.matchedBy, row.gapMs, row.reason);
    }
  }

  pruneOldResults(): void {
    this.db.prepare('DELETE FROM evidence_results WHERE run_id NOT IN (SELECT id FROM evidence_runs ORDER BY id DESC LIMIT ?)').run(KEPT_RESULT_RUNS);
  }

  run(id?: number): RunRow | undefined {
    return (id === undefined
      ? this.db.prepare('SELECT * FROM evidence_runs ORDER BY id DESC LIMIT 1').get()
      : this.db.prepare('SELECT * FROM evidence_runs WHERE id = ?').get(id)) as RunRow | undefined;
  }
}
