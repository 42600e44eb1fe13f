/**
 * How often each check runs, and who said so: the host's own override (`keywarden watch`
 * flags, a host's options) wins over the user's setting (`checks.settings`), which wins
 * over the check's default. Settings and `keywarden status` show the result, so what they
 * say is what the running host does.
 */
import type { CheckName } from '../overview/check-runs';
import { invalidInput } from '../errors';

export type IntervalSource = 'default' | 'setting' | 'host';
export type IntervalsS = Partial<Record<CheckName, number>>;

export const MIN_INTERVAL_S = 60;
export const MAX_INTERVAL_S = 30 * 86_400;

/** The flat field (and CLI flag) that sets each check's interval: `audit_verify_interval_s` is `--audit-verify-interval-s`. */
export const INTERVAL_FIELDS = {
  audit_verify: 'audit_verify_interval_s',
  evidence_crosscheck: 'evidence_crosscheck_interval_s',
  drill_cadence: 'drill_cadence_interval_s',
  rotation_age: 'rotation_age_interval_s',
  access_review: 'access_review_interval_s',
} as const satisfies Record<CheckName, string>;

export interface EffectiveInterval {
  ms: number;
  source: IntervalSource;
}

export function effectiveInterval(name: CheckName, defaultMs: number, setting: IntervalsS, host: IntervalsS | undefined): EffectiveInterval {
  const fromHost = host?.[name];
  if (fromHost !== undefined) return { ms: fromHost * 1000, source: 'host' };
  const fromSetting = setting[name];
  if (fromSetting !== undefined) return { ms: fromSetting * 1000, source: 'setting' };
  return { ms: defaultMs, source: 'default' };
}

/** Checks one interval in whole seconds (a flag's text or a stored number). */
export function parseIntervalS(field: string, raw: unknown): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_INTERVAL_S || n > MAX_INTERVAL_S) {
    throw invalidInput(field, `must be a whole number of seconds from ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S} (30 days) (got ${JSON.stringify(raw)})`);
  }
  return n;
}
