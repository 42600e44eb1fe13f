/**
 * Which host runs the checks now, and with which overrides (user_settings key
 * `checks_host`): a host writes it when its scheduler starts, refreshes it every tick and
 * removes it when it stops, so Settings and `keywarden status`, even in another process,
 * show the intervals the running host really uses. A record whose heartbeat is older than
 * two ticks and a minute is a host that died: it is ignored.
 */
import type { Db } from '../store/database';
import type { IntervalsS } from './intervals';

const KEY = 'checks_host';

export interface ChecksHostRecord {
  /** desktop, web-host, watch */
  host: string;
  pid: number;
  started_at: string;
  heartbeat_at: string;
  tick_s: number;
  /** The host's own overrides (watch flags, host options); the rest come from the settings. */
  intervals_s: IntervalsS;
}

export function writeHostRecord(db: Db, record: ChecksHostRecord): void {
  db.prepare('INSERT INTO user_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(KEY, JSON.stringify(record), record.heartbeat_at);
}

function readRecord(db: Db): ChecksHostRecord | null {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM user_settings WHERE key = ?').get(KEY);
  if (!row) return null;
  try {
    const r = JSON.parse(row.value) as ChecksHostRecord;
    return typeof r.host === 'string' && typeof r.heartbeat_at === 'string' && typeof r.tick_s === 'number' ? { ...r, intervals_s: r.intervals_s ?? {} } : null;
  } catch {
    return null;
  }
}

/** The host running the checks now, or null when none is (or its record is stale). */
export function liveHostRecord(db: Db, nowMs: number): ChecksHostRecord | null {
  const r = readRecord(db);
  if (!r) return null;
  const beat = Date.parse(r.heartbeat_at);
  return Number.isFinite(beat) && nowMs - beat <= 2 * r.tick_s * 1000 + 60_000 ? r : null;
}

/**
 * A host's heartbeat: refreshes its record, or claims the slot when it is empty or stale,
 * but never takes it from another live host that started after it (the newest host is the
 * one Settings describes; the older one takes over again once that one stops).
 */
export function beatHostRecord(db: Db, mine: ChecksHostRecord, nowMs: number): void {
  const r = readRecord(db);
  const ours = r !== null && r.pid === mine.pid && r.started_at === mine.started_at;
  if (ours || r === null || liveHostRecord(db, nowMs) === null) writeHostRecord(db, mine);
}

/** Removes the record only when it is this host's (another host may have started since). */
export function clearHostRecord(db: Db, mine: Pick<ChecksHostRecord, 'pid' | 'started_at'>): void {
  const r = readRecord(db);
  if (r && r.pid === mine.pid && r.started_at === mine.started_at) db.prepare('DELETE FROM user_settings WHERE key = ?').run(KEY);
}
