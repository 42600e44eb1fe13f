/** The user's custody policy (migration 011's user_settings, key `policy`), with defaults. */
import type { OverviewPolicy } from '../api/overview-types';
import type { Db } from '../store/database';

export const DEFAULT_POLICY: OverviewPolicy = { rotation_max_age_days: 365, drill_cadence_days: 90 };

const KEY = 'policy';

function wholeDays(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 3650 ? value : fallback;
}

/** The stored policy; a missing or damaged value falls back to the defaults field by field. */
export function readPolicy(db: Db): OverviewPolicy {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM user_settings WHERE key = ?').get(KEY);
  let stored: Record<string, unknown> = {};
  try {
    const parsed = row ? (JSON.parse(row.value) as unknown) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) stored = parsed as Record<string, unknown>;
  } catch {
    // A damaged value is ignored: the defaults apply until the user sets the policy again.
  }
  return {
    rotation_max_age_days: wholeDays(stored.rotation_max_age_days, DEFAULT_POLICY.rotation_max_age_days),
    drill_cadence_days: wholeDays(stored.drill_cadence_days, DEFAULT_POLICY.drill_cadence_days),
  };
}

export function writePolicy(db: Db, change: Partial<OverviewPolicy>, at: string): OverviewPolicy {
  const next = { ...readPolicy(db), ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as OverviewPolicy;
  db.prepare('INSERT INTO user_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(KEY, JSON.stringify(next), at);
  return next;
}
