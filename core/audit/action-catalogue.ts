/**
 * Every audit action, what it records, and whether it is critical. A critical action is
 * followed by a signed checkpoint in the same transaction, so the tree head that covers
 * it exists from the moment it is committed.
 *
 * Payload rules for every action: key references only as their last 12 characters
 * (`keySuffix`), never key material, credentials, tokens or passphrases
 * (`assertSafePayload` refuses the field names; test/audit/payload-rules.test.ts scans
 * the values of a full engine flow).
 */

export interface ActionSpec {
  critical: boolean;
  summary: string;
}

export const ACTION_CATALOGUE: Readonly<Record<string, ActionSpec>> = {
  'operator.initialized': { critical: false, summary: 'operator passphrase set' },
  'tenant.created': { critical: false, summary: 'tenant created with wrap method and master key v1' },
  'byok.kms.onboard': { critical: true, summary: 'customer KMS key onboarded or replaced (provider, key suffix, probe result)' },
  'byok.kms.rotate': { critical: true, summary: 'master key rotated: new_version, wrap_method, rewrap_lease_id, actor, address' },
  'byok.kms.seal': { critical: true, summary: 'tenant sealed: the active master key could not be unwrapped' },
  'byok.kms.unseal': { critical: true, summary: 'tenant unsealed (automatic or manual)' },
  'byok.kms.revoke': { critical: true, summary: 'master key version revoked (cryptographic erasure)' },
  'tenant-kms.registered': { critical: true, summary: 'first customer KMS key registered (key suffix, provider)' },
  'tenant-kms.rotated': { critical: true, summary: 'customer KMS key replaced: from/to key-id suffix, provider' },
  'tenant-kms.disabled': { critical: true, summary: 'customer KMS key disabled, tenant back on a platform key' },
  'record.created': { critical: false, summary: 'protected record created (name, table, key version; never the value)' },
  'record.updated': { critical: false, summary: 'protected record updated (never the value)' },
  'record.deleted': { critical: false, summary: 'protected record deleted' },
  'records.seeded': { critical: false, summary: 'synthetic records written for a rehearsal' },
  'rewrap.started': { critical: false, summary: 'rewrap job started' },
  'rewrap.paused': { critical: false, summary: 'rewrap job paused (operator, KMS error, sealed, shutdown)' },
  'rewrap.resumed': { critical: false, summary: 'rewrap job resumed' },
  'rewrap.finished': { critical: false, summary: 'rewrap job finished: counts of rows rewrapped, skipped, failed' },
  'rewrap.expired': { critical: false, summary: 'rewrap lease expired' },
  'rewrap.superseded': { critical: false, summary: 'rewrap job superseded by a newer rotation' },
  'drill.run': { critical: true, summary: 'kill-switch drill run: time to seal, sessions refused, time to unseal, records checked' },
  'drill.fault.set': { critical: true, summary: 'fault injected in front of a provider (deny, partition, latency, key disabled) or cleared' },
  'report.exported': { critical: true, summary: 'SOC 2 evidence package exported (period, file digests)' },
  'evidence.crosscheck': { critical: false, summary: "KMS calls cross-checked against the provider's own audit log" },
  'evidence.settings': { critical: false, summary: 'evidence cross-check settings changed' },
  'access.reviewed': { critical: false, summary: 'key access review stored: key suffix, status, finding and drift counts, missing permissions' },
  'access.finding.accepted': { critical: true, summary: 'access review finding accepted by the organisation: finding id, rule, severity, reason' },
  'witness.added': { critical: true, summary: 'checkpoint witness added: kind, target suffix, tenant config or its own, read host' },
  'witness.removed': { critical: true, summary: 'checkpoint witness removed: kind, target suffix' },
  'witness.settings': { critical: true, summary: 'checkpoint witness interval changed' },
  'secrets.migrated': { critical: true, summary: 'plain installation secret files sealed under the operator passphrase and removed (file names only)' },
  'secrets.rewrapped': { critical: false, summary: 'installation secrets rewrapped at the passphrase hash\'s new scrypt cost (file names only)' },
  'backup.created': { critical: false, summary: 'data dir backup written (file name, size, SHA-256; secrets stay sealed)' },
  'access.settings.changed': { critical: false, summary: 'access review settings changed: allow-list size, HSM requirement' },
};

/** Families whose every action is critical, whatever its suffix (drills, report exports). */
const CRITICAL_PREFIXES = ['drill.', 'report.'];

export function isCriticalAction(action: string): boolean {
  return ACTION_CATALOGUE[action]?.critical ?? CRITICAL_PREFIXES.some((p) => action.startsWith(p));
}

/** Whether an action is catalogued, exactly or by a critical family. */
export function isCataloguedAction(action: string): boolean {
  return action in ACTION_CATALOGUE || CRITICAL_PREFIXES.some((p) => action.startsWith(p));
}
