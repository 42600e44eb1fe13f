/** Small readers for untrusted JSON: every normalizer treats the provider's record as input. */

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** A time the provider wrote, as ISO with milliseconds; nanosecond digits are cut. */
export function isoTime(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v !== 'string') return null;
  const cut = v.replace(/(\.\d{3})\d+(Z|[+-]\d{2}:\d{2})$/, '$1$2');
  const t = Date.parse(cut);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Why a record could not be normalized; the fetch counts these and keeps going. */
export class UnreadableRecord extends Error {}
