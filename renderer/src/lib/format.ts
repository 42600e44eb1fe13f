/** Formatting shared by every screen. Times are stored and shown in UTC (ISO-8601). */

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "2026-11-23 09:27:59 UTC" (full ISO in a title attribute where it matters). */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2026-11-23 09:27" for dense tables. */
export function formatUtcShort(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function shortHash(hex: string, n = 12): string {
  return hex.length > n ? `${hex.slice(0, n)}…` : hex;
}

export function percent(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.max(0, Math.round((done / total) * 100)));
}

const WRAP_LABELS: Record<string, string> = {
  local: 'Local KMS',
  global: 'Global key',
  operator_kms: 'Operator KMS',
  customer_kms: 'Customer KMS',
};

export function wrapLabel(wrap: string): string {
  return WRAP_LABELS[wrap] ?? wrap;
}

const PROVIDER_LABELS: Record<string, string> = {
  local: 'Embedded',
  global: 'MASTER_KEY_B64',
  aws: 'AWS KMS',
  gcp: 'GCP Cloud KMS',
  azure: 'Azure Key Vault',
  /** The key access review's Resource Manager reads (vault, role assignments). */
  'azure-arm': 'Azure Resource Manager',
};

export function providerLabel(provider: string): string {
  return PROVIDER_LABELS[provider] ?? provider;
}

/** Seconds as people read them, the same way the PDF report does: "45 s", "59 min", "2.5 h", "3 d". */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 120) return `${+seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${+(seconds / 60).toFixed(1)} min`;
  if (seconds < 172800) return `${+(seconds / 3600).toFixed(1)} h`;
  return `${+(seconds / 86400).toFixed(1)} d`;
}
