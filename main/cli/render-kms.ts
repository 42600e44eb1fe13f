/**
 * Human output of `kms calls`, `tenant show` and the onboarding probe: the engine's
 * principal for each call ("unknown" with why), the access key id it was signed with, and
 * a flag when long-lived credentials are in use.
 */
import type { KmsCallView, OnboardResult, ProbeResult, TenantView } from '../../core/api/types';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** The principal as shown: the value, or "unknown (why)". */
export function principalText(principal: string | null, note: string | null): string {
  return principal ?? `unknown (${note ?? 'not recorded'})`;
}

function renderCalls(calls: KmsCallView[]): string {
  if (calls.length === 0) return 'no KMS calls match';
  return table([
    ['AT', 'TENANT', 'PROVIDER', 'OPERATION', 'OUTCOME', 'MS', 'PRINCIPAL', 'HOW', 'ACCESS KEY', 'CORRELATION'],
    ...calls.map((c) => [
      c.at, c.tenant_id, c.provider, c.operation, c.outcome, String(c.duration_ms),
      c.principal ?? 'unknown', c.principal_note ?? '-', c.access_key_id ?? '-', c.correlation_id,
    ]),
  ]);
}

function renderTenant(t: TenantView): string {
  const lines = [
    `${t.slug}  ${t.wrap_method}  ${t.provider}  key …${t.kms_key_ref_suffix}  active v${t.active_version ?? '-'}`,
    `id ${t.id}; ${t.record_counts.secret_environment_configs + t.record_counts.integration_configs} records; sealed ${t.sealed_since ? `since ${t.sealed_since}` : 'no'}`,
  ];
  if (t.credentials) lines.push(`credentials: ${t.credentials.source}`);
  if (t.credentials?.warning) lines.push(`WARNING: ${t.credentials.warning}`);
  return lines.join('\n');
}

function renderProbe(p: ProbeResult): string {
  const lines = [
    `probe ok: ${p.provider} key …${p.key_id}, wrap ${p.wrap_ms} ms, unwrap ${p.unwrap_ms} ms`,
    `principal: ${principalText(p.principal, p.principal_note)}${p.principal && p.principal_note ? ` (${p.principal_note})` : ''}`,
  ];
  if (p.access_key_id) lines.push(`access key id: ${p.access_key_id}`);
  if (p.credentials) lines.push(`credentials: ${p.credentials.source}`);
  if (p.credentials?.warning) lines.push(`WARNING: ${p.credentials.warning}`);
  return lines.join('\n');
}

export function renderKms(method: string, value: unknown): string | undefined {
  if (method === 'kms.calls') return renderCalls(value as KmsCallView[]);
  if (method === 'tenant.show') return renderTenant(value as TenantView);
  if (method === 'kms.probe') return renderProbe(value as ProbeResult);
  if (method === 'kms.onboard') {
    const o = value as OnboardResult;
    return `${renderProbe(o.probe)}\nonboarded: ${o.tenant.slug} now on v${o.new_version}${o.rewrap_lease_id !== null ? `, rewrap lease ${o.rewrap_lease_id}` : ''}`;
  }
  return undefined;
}
