/** Human-readable CLI output for the common results; anything else prints as indented JSON. */
import type { AuditEntryView, KeyVersionView, TenantView } from '../../core/api/types';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function renderHuman(method: string, value: unknown): string {
  if (method === 'tenant.list') {
    const ts = value as TenantView[];
    if (ts.length === 0) return 'no tenants yet: keywarden tenant create --slug NAME';
    return table([
      ['SLUG', 'WRAP', 'PROVIDER', 'KEY', 'ACTIVE', 'RECORDS', 'SEALED'],
      ...ts.map((t) => [t.slug, t.wrap_method, t.provider, t.kms_key_ref_suffix, `v${t.active_version ?? '-'}`, String(t.record_counts.secret_environment_configs + t.record_counts.integration_configs), t.sealed_since ? `since ${t.sealed_since}` : 'no']),
    ]);
  }
  if (method === 'keys.versions') {
    const vs = value as KeyVersionView[];
    return table([
      ['VERSION', 'STATUS', 'WRAP', 'KEY', 'CREATED', 'RETIRED', 'REVOKED', 'RECORDS'],
      ...vs.map((v) => [`v${v.version}`, v.status, v.wrap_method, v.kms_key_ref_suffix, v.created_at, v.retired_at ?? '-', v.revoked_at ?? '-', String(v.record_count)]),
    ]);
  }
  if (method === 'audit.list') {
    const es = value as AuditEntryView[];
    if (es.length === 0) return 'no audit entries match';
    return es.map((e) => `#${e.seq}  ${e.at}  ${e.action.padEnd(22)} ${e.actor}  ${JSON.stringify(e.payload)}`).join('\n');
  }
  return JSON.stringify(value, null, 2);
}
