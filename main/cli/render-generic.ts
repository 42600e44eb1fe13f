/**
 * Readable text for a result no dedicated renderer knows (`keywarden call METHOD`, a new
 * contract method): scalars as "label: value", lists of flat objects as a table, nested
 * values indented. Never raw JSON; --json gives the exact document.
 */
import { table } from './text';
import { formatTime, type TimeOptions } from './time-format';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function scalar(v: unknown, time: TimeOptions): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return ISO.test(v) ? formatTime(v, time) : v;
  if (typeof v === 'number') return v.toLocaleString('en-US');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return JSON.stringify(v);
}

const isFlat = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x !== 'object');
const label = (k: string) => k.replace(/_/g, ' ');

export function renderGeneric(value: unknown, time: TimeOptions, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    if (value.every(isFlat)) {
      const keys = [...new Set(value.flatMap((r) => Object.keys(r)))];
      return table([keys.map((k) => label(k).toUpperCase()), ...value.map((r) => keys.map((k) => scalar(r[k], time)))])
        .split('\n')
        .map((l) => indent + l)
        .join('\n');
    }
    return value.map((v, i) => `${indent}- item ${i + 1}\n${renderGeneric(v, time, indent + '  ')}`).join('\n');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${indent}(empty)`;
    const width = Math.max(...entries.map(([k]) => label(k).length)) + 1;
    return entries
      .map(([k, v]) => (v && typeof v === 'object' ? `${indent}${label(k)}:\n${renderGeneric(v, time, indent + '  ')}` : `${indent}${`${label(k)}:`.padEnd(width)}  ${scalar(v, time)}`))
      .join('\n');
  }
  return indent + scalar(value, time);
}
