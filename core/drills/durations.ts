/** Drill durations: whole seconds, or a number with s, m or h (`90s`, `10m`, `1h`). */
import { invalidInput } from '../errors';

const DURATION = /^(\d{1,7})\s*(s|m|h)?$/;
const UNIT_S = { s: 1, m: 60, h: 3600 } as const;

export function parseDuration(field: string, value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw invalidInput(field, 'must be a whole number of seconds, 0 or more');
    return value;
  }
  const m = DURATION.exec(value.trim());
  if (!m) throw invalidInput(field, `"${value}" is not a duration: use seconds (600) or a number with s, m or h (90s, 10m, 1h)`);
  return Number(m[1]) * UNIT_S[(m[2] ?? 's') as keyof typeof UNIT_S];
}
