/**
 * Times on the command line: the user's local zone with its offset by default
 * ("2026-12-04 06:53:12 +01:00"), UTC on request (--utc: "2026-12-04 05:53:12 UTC").
 * The engine stores and --json prints ISO-8601 UTC; only human output is converted.
 */
const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');

export interface TimeOptions {
  utc: boolean;
}

export function formatTime(iso: string | null | undefined, options: TimeOptions): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (options.utc) return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const offset = -d.getTimezoneOffset();
  const zone = `${offset >= 0 ? '+' : '-'}${pad(offset / 60)}:${pad(offset % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}`;
}

/** "3 days ago", "5 min ago", "just now" against `nowMs`. */
export function ago(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return 'never';
  const s = Math.round((nowMs - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return iso;
  if (s < 0) return 'in the future';
  if (s < 90) return 'just now';
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}
