/**
 * Human CLI output for the keyring commands: tenants, KMS, key versions, records, audit
 * entries and proofs, sessions, unseal and fault injection. Tables for lists, a short
 * paragraph or aligned fields for one result; times in the local zone (UTC with --utc).
 */
import { simulatedCallLabel } from '../../core/api/kms-call-label';
import type { CheckpointView, ConsistencyProofView, InclusionProofView, LogPublicKeyView } from '../../core/api/audit-types';
import type { OverviewPolicy } from '../../core/api/overview-types';
import type { FaultView, SessionCheck, SessionIssued, SessionView, UnsealResult } from '../../core/api/seal-types';
import type {
  AuditEntryView,
  KeyVersionView,
  KmsCallView,
  OffboardResult,
  OnboardResult,
  ProbeResult,
  RecordView,
  RevokePreview,
  RevokeResult,
  RotateResult,
  StepUpToken,
  TenantView,
} from '../../core/api/types';
import { count, fields, table } from './text';
import { formatTime, type TimeOptions } from './time-format';

const PROVIDERS: Record<string, string> = { local: 'embedded local KMS', global: 'global key (MASTER_KEY_B64)', aws: 'AWS KMS', gcp: 'GCP Cloud KMS', azure: 'Azure Key Vault' };
const provider = (p: string) => PROVIDERS[p] ?? p;
const records = (t: TenantView) => t.record_counts.secret_environment_configs + t.record_counts.integration_configs;

function tenantBlock(t: TenantView, time: TimeOptions): string {
  return fields([
    ['tenant', t.slug],
    ['key', `${provider(t.provider)}, ${t.kms_key_ref_suffix} (${t.customer_controlled ? 'customer-controlled' : 'not customer-controlled'})`],
    ['active version', t.active_version === null ? 'none' : `v${t.active_version}`],
    ['records', `${records(t).toLocaleString('en-US')} (${t.record_counts.secret_environment_configs} secret environment configs, ${t.record_counts.integration_configs} integration configs)`],
    ['sealed', t.sealed_since ? `since ${formatTime(t.sealed_since, time)}${t.sealed_permanently ? ', permanently (active version revoked)' : ''}` : 'no'],
    ['last KMS error', t.last_verify_error ? `${t.last_verify_error.reason}: ${t.last_verify_error.message}` : null],
    ['credentials', t.credentials ? `${t.credentials.source}${t.credentials.long_lived ? ' (long-lived)' : ''}` : null],
    ['created', formatTime(t.created_at, time)],
  ]) + (t.credentials?.warning ? `\nWARNING: ${t.credentials.warning}` : '');
}

function tenantList(ts: TenantView[], time: TimeOptions): string {
  if (ts.length === 0) return 'no tenants yet: keywarden tenant create --slug NAME';
  return table([
    ['SLUG', 'KEY', 'CUSTODY', 'ACTIVE', 'RECORDS', 'SEALED'],
    ...ts.map((t) => [t.slug, `${provider(t.provider)} ${t.kms_key_ref_suffix}`, t.customer_controlled ? 'customer' : 'platform', t.active_version === null ? '-' : `v${t.active_version}`, records(t).toLocaleString('en-US'), t.sealed_since ? `since ${formatTime(t.sealed_since, time)}` : 'no']),
  ]);
}

function probeLine(p: ProbeResult): string {
  return `probe passed on ${provider(p.provider)}: wrapped in ${p.wrap_ms} ms, unwrapped in ${p.unwrap_ms} ms${p.principal ? ` as ${p.principal}` : ''} (key ${p.key_id})`;
}

function auditPayload(p: Record<string, unknown>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function renderKeyring(method: string, value: unknown, time: TimeOptions): string | undefined {
  switch (method) {
    case 'auth.init':
      return 'operator passphrase set (kept only as a slow scrypt hash)';
    case 'auth.stepUp': {
      const s = value as StepUpToken;
      return `step-up token for ${s.purpose}, valid until ${formatTime(s.expires_at, time)}:\n${s.token}`;
    }
    case 'tenant.create':
      return `tenant created\n${tenantBlock(value as TenantView, time)}`;
    case 'tenant.show':
      return tenantBlock(value as TenantView, time);
    case 'tenant.list':
      return tenantList(value as TenantView[], time);
    case 'kms.probe':
      return `${probeLine(value as ProbeResult)}\nnothing was saved (keywarden onboard saves it)`;
    case 'kms.onboard': {
      const r = value as OnboardResult;
      return [probeLine(r.probe), `${r.tenant.slug} now wraps version v${r.new_version} with ${provider(r.tenant.provider)} ${r.tenant.kms_key_ref_suffix}.`, r.rewrap_lease_id !== null ? `rewrap job ${r.rewrap_lease_id} queued to move the records onto v${r.new_version} (keywarden rewrap status)` : 'no records to rewrap'].join('\n');
    }
    case 'kms.offboard': {
      const r = value as OffboardResult;
      return [`${r.tenant.slug} is back on the ${provider(r.tenant.provider)}: v${r.new_version} is active.`, r.rewrap_lease_id !== null ? `rewrap job ${r.rewrap_lease_id} queued; keep the customer's grant until it is done (keywarden rewrap status)` : 'no records to rewrap'].join('\n');
    }
    case 'kms.calls': {
      const cs = value as KmsCallView[];
      if (cs.length === 0) return 'no KMS calls match';
      return table([
        ['ID', 'TIME', 'PROVIDER', 'KEY', 'VERSION', 'OPERATION', 'OUTCOME', 'MS', 'PRINCIPAL', 'ACCESS KEY', 'CORRELATION ID'],
        ...cs.map((c) => [
          String(c.id),
          formatTime(c.at, time),
          c.provider,
          c.key_ref_suffix,
          `v${c.key_version}`,
          c.operation,
          c.outcome === 'ok' ? 'ok' : `${c.drill_id ? `${simulatedCallLabel(c.drill_id)} ` : ''}${c.outcome}${c.error_message ? `: ${c.error_message}` : ''}`,
          String(c.duration_ms),
          c.principal ?? `unknown${c.principal_note ? ` (${c.principal_note})` : ''}`,
          c.access_key_id ?? '-',
          c.correlation_id,
        ]),
      ]);
    }
    case 'keys.versions': {
      const vs = value as KeyVersionView[];
      return table([
        ['VERSION', 'STATUS', 'KEY', 'CREATED', 'RETIRED', 'REVOKED', 'RECORDS'],
        ...vs.map((v) => [`v${v.version}`, v.status, `${provider(v.provider)} ${v.kms_key_ref_suffix}`, formatTime(v.created_at, time), formatTime(v.retired_at, time), formatTime(v.revoked_at, time), v.record_count.toLocaleString('en-US')]),
      ]);
    }
    case 'keys.rotate': {
      const r = value as RotateResult;
      return `rotated: v${r.new_version} is active, the previous version is retired (unwrap only).${r.rewrap_lease_id !== null ? `\nrewrap job ${r.rewrap_lease_id} queued to move every record onto v${r.new_version} (keywarden rewrap run)` : ''}`;
    }
    case 'keys.revokePreview': {
      const p = value as RevokePreview;
      return `${p.tenant} v${p.version} (${p.status}${p.is_active ? ', the active version' : ''}): ${count(p.records_under_version, 'record')} would become unreadable.${p.is_active ? '\nRevoking the active version seals the tenant permanently.' : ''}`;
    }
    case 'keys.revoke': {
      const r = value as RevokeResult;
      return `v${r.version} revoked: its wrapped key material is destroyed; ${count(r.records_made_unreadable, 'record')} made unreadable.${r.tenant_sealed_permanently ? '\nThe tenant is sealed permanently (its active version is gone).' : ''}`;
    }
    case 'record.put':
    case 'record.get': {
      const r = value as RecordView & { value?: string };
      const head = `${r.table} / ${r.name}: key v${r.key_version}, updated ${formatTime(r.updated_at, time)}`;
      return r.value === undefined ? `stored ${head}` : `${head}\n${r.value}`;
    }
    case 'record.list': {
      const rs = value as RecordView[];
      if (rs.length === 0) return 'no records';
      return table([['NAME', 'VERSION', 'UPDATED'], ...rs.map((r) => [r.name, `v${r.key_version}`, formatTime(r.updated_at, time)])]);
    }
    case 'record.delete':
      return (value as { deleted: boolean }).deleted ? 'deleted' : 'no such record: nothing deleted';
    case 'record.seedSample': {
      const r = value as { seeded: number; key_version: number; by_table: Record<string, number> };
      return `seeded ${count(r.seeded, 'synthetic record')} under key v${r.key_version} (${Object.entries(r.by_table).map(([t, n]) => `${t} ${n}`).join(', ')})`;
    }
    case 'audit.list': {
      const es = value as AuditEntryView[];
      if (es.length === 0) return 'no audit entries match';
      return es.map((e) => `#${e.seq}  ${formatTime(e.at, time)}  ${e.action.padEnd(22)} ${e.actor}  ${auditPayload(e.payload)}`).join('\n');
    }
    case 'audit.checkpoint':
    case 'audit.latestCheckpoint': {
      if (value === null) return 'no checkpoint signed yet: keywarden audit checkpoint';
      const cp = value as CheckpointView;
      // The note comes first and whole, so the output saves as a checkpoint file as it is.
      return `${cp.note}\nverifier key: ${cp.verifier_key}`;
    }
    case 'audit.prove': {
      const p = value as InclusionProofView;
      return `inclusion proof of entry #${p.seq} in a tree of ${p.bundle.tree_size}: ${p.verdict.ok ? 'checks out' : `DOES NOT check out: ${p.verdict.reason}`}\nsave it for an auditor with --json > proof.json; they check it with keywarden audit verify-proof proof.json --key '${p.verifier_key}'`;
    }
    case 'audit.proveConsistency': {
      const p = value as ConsistencyProofView;
      return `consistency proof from ${p.bundle.old_size} to ${p.bundle.new_size} entries: ${p.verdict.ok ? 'checks out (the older log is a prefix of the newer)' : `DOES NOT check out: ${p.verdict.reason}`}\nsave it with --json > proof.json`;
    }
    case 'audit.publicKey': {
      const k = value as LogPublicKeyView;
      return `${k.verifier_key}\nfingerprint (SHA-256 of the Ed25519 key): ${k.fingerprint}`;
    }
    case 'session.issue': {
      const s = value as SessionIssued;
      return `session ${s.session_id} for ${s.agent} on ${s.tenant} (key v${s.key_version}), valid until ${formatTime(s.expires_at, time)} (${s.ttl_s} s; renew after ${s.renew_after_s} s).\ntoken (shown once, stored only as its SHA-256):\n${s.token}`;
    }
    case 'session.check': {
      const c = value as SessionCheck;
      if (c.reason === 'unknown') return 'unknown token: never issued here';
      return `${c.reason}: session ${c.session_id} of ${c.agent} on ${c.tenant}${c.valid ? `, ${c.remaining_s} s left` : ''} (expires ${formatTime(c.expires_at, time)})`;
    }
    case 'session.list': {
      const ss = value as SessionView[];
      if (ss.length === 0) return 'no sessions';
      return table([['SESSION', 'AGENT', 'VERSION', 'ISSUED', 'EXPIRES', 'STATE'], ...ss.map((s) => [s.session_id, s.agent, `v${s.key_version}`, formatTime(s.issued_at, time), formatTime(s.expires_at, time), s.live ? 'live' : s.ended_at ? 'ended' : 'expired'])]);
    }
    case 'tenant.unseal': {
      const u = value as UnsealResult;
      return `${u.tenant} unsealed (${u.method}) after ${u.sealed_for_s} s sealed (since ${formatTime(u.sealed_since, time)})`;
    }
    case 'fault.set':
    case 'fault.status': {
      const fs = Array.isArray(value) ? (value as FaultView[]) : [value as FaultView];
      const active = fs.filter((f) => f.mode !== 'pass');
      if (active.length === 0) return fs.length === 1 ? `no fault injection on ${fs[0]!.tenant}: KMS calls pass` : 'no fault injection in force';
      return table([['TENANT', 'MODE', 'SET', 'BY'], ...active.map((f) => [f.tenant, f.mode + (f.latency_ms !== null ? ` ${f.latency_ms} ms` : '') + (f.probability !== null ? ` p=${f.probability}` : ''), formatTime(f.set_at, time), f.set_by ?? '-'])]) + '\nswitch off: keywarden fault set --tenant T --mode pass';
    }
    case 'overview.policy':
    case 'overview.setPolicy': {
      const p = value as OverviewPolicy;
      return `rotate active keys within ${p.rotation_max_age_days} days; drill every tenant within ${p.drill_cadence_days} days`;
    }
    default:
      return undefined;
  }
}
