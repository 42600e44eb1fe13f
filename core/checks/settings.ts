/** The checks' own setting (user_settings key `checks`): pause while on battery power. */
import type { Db } from '../store/database';

export interface ChecksSettings {
  pause_on_battery: boolean;
}

export function readChecksSettings(db: Db): ChecksSettings {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM user_settings WHERE key = ?').get('checks');
  try {
    const v = row ? (JSON.parse(row.value) as { pause_on_battery?: unknown }) : {};
    return { pause_on_battery: v.pause_on_battery === true };
  } catch {
    return { pause_on_battery: false };
  }
}

export function writeChecksSettings(db: Db, change: Partial<ChecksSettings>, at: string): ChecksSettings {
  const next = { ...readChecksSettings(db), ...(change.pause_on_battery !== undefined ? { pause_on_battery: change.pause_on_battery } : {}) };
  db.prepare('INSERT INTO user_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run('checks', JSON.stringify(next), at);
  return next;
}
