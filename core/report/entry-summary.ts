/**
 * One audit entry in plain words, from the fields its writer sets: "Rotated to v2 (v1
 * retired), rewrap job #1". Pure and DOM-free, shared by the PDF and the window so both
 * say the same thing. An action without a phrasing here falls back to its name.
 */
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const reason = (v: unknown) => s(v).replace(/_/g, ' ');
const rows = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : s(n));

export function entrySummary(action: string, p: Record<string, unknown>): string {
  switch (action) {
    case 'operator.initialized':
      return 'Operator passphrase set';
    case 'tenant.created':
      return `Tenant created on the ${s(p.wrap_method ?? p.wrap)} key, master key v${s(p.version ?? 1)}`;
    case 'byok.kms.rotate':
      return `Rotated to v${s(p.new_version)}${p.previous_version ? ` (v${s(p.previous_version)} retired)` : ''}${p.rewrap_lease_id ? `, rewrap job #${s(p.rewrap_lease_id)}` : ''}`;
    case 'byok.kms.onboard':
      return `Customer KMS key onboarded (${s(p.provider)} ${s(p.key_ref)})`;
    case 'tenant-kms.registered':
      return 'First customer KMS key registered';
    case 'tenant-kms.rotated':
      return `Customer KMS key replaced (${s(p.from_key_id_suffix)} to ${s(p.to_key_id_suffix)})`;
    case 'tenant-kms.disabled':
      return `Customer KMS key dropped (${s(p.from_key_id_suffix)}): back on the ${s(p.wrap_method ?? 'platform')} key, v${s(p.new_version ?? '?')}`;
    case 'byok.kms.seal':
      return p.permanent ? `Sealed permanently: v${s(p.version)} revoked while active` : `Sealed: ${reason(p.reason)}${p.provider_code ? ` (${s(p.provider_code)})` : ''}`;
    case 'byok.kms.unseal':
      return `Unsealed (${s(p.method) || 'manual'})${typeof p.sealed_for_s === 'number' ? ` after ${Math.round(p.sealed_for_s / 60)} min sealed` : ''}`;
    case 'byok.kms.revoke':
      return `Revoked v${s(p.version)}: ${rows(p.records_made_unreadable)} records made unreadable${p.was_active ? ', tenant sealed for good' : ''}`;
    case 'record.created':
    case 'record.updated':
      return `Record ${s(p.name)} ${action === 'record.created' ? 'created' : 'updated'} in ${s(p.table)} under v${s(p.key_version)}`;
    case 'record.deleted':
      return `Record ${s(p.name)} deleted from ${s(p.table)}`;
    case 'records.seeded':
      return `${rows(p.rows)} sample records written under v${s(p.key_version)}`;
    case 'rewrap.started':
      return `Rewrap job #${s(p.lease_id)} started to v${s(p.target_version)}`;
    case 'rewrap.paused':
      return `Rewrap job #${s(p.lease_id)} paused (${reason(p.reason)})`;
    case 'rewrap.resumed':
      return `Rewrap job #${s(p.lease_id)} resumed (${reason(p.reason)})`;
    case 'rewrap.finished':
      return `Rewrap job #${s(p.lease_id)} ${p.outcome === 'failed' ? 'failed' : 'finished'}: ${rows(p.processed)} rows rewrapped to v${s(p.target_version)}`;
    case 'rewrap.expired':
      return `Rewrap job #${s(p.lease_id)} lease expired`;
    case 'rewrap.superseded':
      return `Rewrap job #${s(p.lease_id)} superseded by job #${s(p.superseded_by)}`;
    case 'drill.run':
      return `${s(p.kind) === 'real' ? 'Real' : 'Simulated'} ${reason(p.scenario)} drill ${s(p.state)}${typeof p.time_to_seal_s === 'number' ? `: sealed in ${Math.round(p.time_to_seal_s / 60)} min${p.sealed_within_bound === false ? ' (over the bound)' : ''}` : ''}`;
    case 'drill.fault.set':
      return p.mode === 'pass' ? `Fault injection cleared (was ${reason(p.previous_mode)})` : `Fault injection set: ${reason(p.mode)}${p.previous_mode && p.previous_mode !== 'pass' ? ` (was ${reason(p.previous_mode)})` : ''}`;
    case 'report.exported':
      return `Evidence package exported (${s(p.period_from).slice(0, 10)} to ${s(p.period_to).slice(0, 10)}${p.tenant ? `, ${s(p.tenant)}` : ''})`;
    case 'evidence.crosscheck':
      return `Cross-check run${p.run_id ? ` #${s(p.run_id)}` : ''}`;
    case 'evidence.settings':
      return `Evidence log settings changed${Array.isArray(p.fields) ? ` (${p.fields.join(', ')})` : ''}`;
    default:
      return action;
  }
}
