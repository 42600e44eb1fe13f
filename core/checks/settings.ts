/**
 * The checks' own settings (user_settings key `checks`): pause while on battery power, and
 * the user's interval for each check (seconds; absent: the check's default).
 */
import type { Db } from '../store/database';
import { CHECK_NAMES, type CheckName } from '../overview/check-runs';
import { MAX_INTERVAL_S, MIN_INTERVAL_S, type IntervalsS } from './intervals';

export interface ChecksSettings {
  pause_on_battery: boolean;
  intervals_s: IntervalsS;
}

export interface ChecksSettingsChange {
  pause_on_battery?: boolean;
  /** A number sets the check's interval; null puts it back to the default. */
  intervals_s?: Partial<Record<CheckName, number | null>>;
}

/** Only sound stored intervals count: a hand-edited row cannot make a check run every millisecond. */
function storedIntervals(raw: unknown): IntervalsS {
  const out: IntervalsS = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const name of CHECK_NAMES) {
    const v = (raw as Record<string, unknown>)[name];
    if (typeof v === 'number' && Number.isInteger(v) && v >= MIN_INTERVAL_S && v <= MAX_INTERVAL_S) out[name] = v;
  }
  return out;
}

export function readChecksSettings(db: Db): ChecksSettings {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM user_settings WHERE key = ?').get('checks');
  try {
    const v = row ? (JSON.parse(row.value) as { pause_on_battery?: unknown; intervals_s?: unknown }) : {};
    return { pause_on_battery: v.pause_on_battery === true, intervals_s: storedIntervals(v.intervals_s) };
  } catch {
    return { pause_on_battery: false, intervals_s: {} };
  }
}

export function writeChecksSettings(db: Db, change: ChecksSettingsChange, at: string): ChecksSettings {
  const current = readChecksSettings(db);
  const intervals: IntervalsS = { ...current.intervals_s };
  for (const [name, seconds] of Object.entries(change.intervals_s ?? {}) as [CheckName, number | null | undefined][]) {
    if (seconds === null) delete intervals[name];
    else if (seconds !== undefined) intervals[name] = seconds;
  }
  const next: ChecksSettings = { pause_on_battery: change.pause_on_battery ?? current.pause_on_battery, intervals_s: intervals };
  db.prepare('INSERT INTO user_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run('checks', JSON.stringify(next), at);
  return next;
}
