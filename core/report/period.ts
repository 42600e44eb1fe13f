/**
 * The reporting period. Auditors speak in whole days ("1 January to 31 March"), so a
 * bare date for `to` means the end of that day. Internally the period is half-open,
 * [from, to), in the same ISO-8601 UTC spelling the store uses, so string comparison
 * in SQL is time comparison.
 */
import { invalidInput } from '../errors';

export interface Period {
  /** Inclusive, ISO-8601 UTC with milliseconds. */
  from: string;
  /** Exclusive, ISO-8601 UTC with milliseconds. */
  to: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function parseBound(field: 'from' | 'to', text: string): number {
  const dateOnly = DATE_ONLY.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (!Number.isFinite(ms)) throw invalidInput(field, `"${text}" is not a date (YYYY-MM-DD) or an ISO-8601 time`);
  if (dateOnly && new Date(ms).toISOString().slice(0, 10) !== text) throw invalidInput(field, `"${text}" is not a calendar date`);
  return dateOnly && field === 'to' ? ms + DAY_MS : ms;
}

export function parsePeriod(from: string, to: string): Period {
  const start = parseBound('from', from);
  const end = parseBound('to', to);
  if (end <= start) throw invalidInput('to', `the period ends (${new Date(end).toISOString()}) before or when it starts (${new Date(start).toISOString()})`);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

/** Whole UTC days the period touches, for per-day charts: ["2026-01-01", ...]. */
export function periodDays(p: Period): string[] {
  const days: string[] = [];
  for (let t = Date.parse(p.from.slice(0, 10)); t < Date.parse(p.to); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** "2026-01-01 00:00 UTC – 2026-03-31 23:59:59 UTC": the inclusive reading of [from, to). */
export function describePeriod(p: Period): string {
  const last = new Date(Date.parse(p.to) - 1000).toISOString();
  return `${p.from.slice(0, 16).replace('T', ' ')} UTC – ${last.slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A period cannot report on what has not happened: one that ends after `at` (the export)
 * is read up to `at`, and says it had not ended. `to` is the end the figures reach.
 */
export function periodAsOf(p: Period, at: string): { to: string; not_ended: boolean } {
  return Date.parse(p.to) > Date.parse(at) ? { to: new Date(Math.max(Date.parse(at), Date.parse(p.from))).toISOString(), not_ended: true } : { to: p.to, not_ended: false };
}

/** "3.5 days", "338 days": whole days from ten on, one decimal below. */
export function dayCount(ms: number): string {
  const d = ms / DAY_MS;
  const n = d >= 10 ? Math.round(d) : +d.toFixed(1);
  return `${n} day${n === 1 ? '' : 's'}`;
}

export { DAY_MS };
