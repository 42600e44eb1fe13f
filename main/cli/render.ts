/** Human-readable CLI output for the common results; anything else prints as indented JSON. */
import type { CheckpointView, LogPublicKeyView } from '../../core/api/audit-types';
import type { AuditEntryView, KeyVersionView, RewrapJobView, RewrapRunView, TenantView } from '../../core/api/types';
import { renderRewrapRun, renderRewrapStatus } from './render-rewrap';
import { renderAccess } from './access-commands';
import { renderEvidence } from './render-evidence';
import { renderReport } from './report-commands';
import { renderSeal } from './seal-render';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function renderHuman(method: string, value: unknown): string {
  const report = renderReport(method, value);
  if (report !== undefined) return report;
  const access = renderAccess(method, value);
  if (access !== undefined) return access;
  const evidence = renderEvidence(method, value);
  if (evidence !== undefined) return evidence;
  const seal = renderSeal(method, value);
  if (seal !== undefined) return seal;
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
  if (method === 'rewrap.status' || method === 'rewrap.pause' || method === 'rewrap.resume') {
    return renderRewrapStatus(Array.isArray(value) ? (value as RewrapJobView[]) : [value as RewrapJobView]);
  }
  if (method === 'rewrap.run') return renderRewrapRun(value as RewrapRunView[]);
  if (method === 'audit.checkpoint') {
    const cp = value as CheckpointView;
    return `${cp.note}\nverifier key: ${cp.verifier_key}`;
  }
  if (method === 'audit.publicKey') {
    const k = value as LogPublicKeyView;
    return `${k.verifier_key}\nfingerprint (SHA-256 of the Ed25519 key): ${k.fingerprint}`;
  }
  return JSON.stringify(value, null, 2);
}
