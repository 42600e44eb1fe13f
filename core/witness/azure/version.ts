/**
 * The Key Vault secret an Azure checkpoint witness writes a new version of, and the
 * adversarial reading of the versions listed back. The value is the signed checkpoint
 * note; tags repeat the size and root for people browsing the portal (checked, never
 * trusted). Versions are immutable and Azure stamps `createdOn`: the version id and that
 * time are the witness id and time.
 */
import { createHash } from 'node:crypto';
import { checkClaim, claimFromNote, shown, type WitnessedLog, type WitnessReadRecord } from '../note-record';

export const SIZE_TAG = 'keywarden-size';
export const ROOT_TAG = 'keywarden-root';
export const CHECKPOINT_CONTENT_TYPE = 'text/plain; keywarden-checkpoint-note';

const VERSION_RE = /^[0-9a-f]{32}$/;

/** One secret per log: `keywarden-checkpoint-<first 16 hex of SHA-256(origin)>` (names allow only letters, digits, hyphens). */
export function checkpointSecretName(origin: string): string {
  return `keywarden-checkpoint-${createHash('sha256').update(origin, 'utf8').digest('hex').slice(0, 16)}`;
}

export function checkpointTags(cp: { tree_size: number; root_hash: string }): Record<string, string> {
  return { [SIZE_TAG]: String(cp.tree_size), [ROOT_TAG]: cp.root_hash };
}

/**
 * Whether deleted versions can be purged before the retention ends. Key Vault reports it
 * on every secret as `recoveryLevel`: any level containing "Purgeable" has no purge
 * protection (a privileged user can erase the witness for good).
 */
export function purgeProtectionWarning(recoveryLevel: unknown): string | null {
  if (typeof recoveryLevel !== 'string' || recoveryLevel === '') {
    return 'Key Vault did not report the secret’s recovery level: purge protection is unknown';
  }
  if (/purgeable/i.test(recoveryLevel)) {
    return `the vault has no purge protection (recovery level ${shown(recoveryLevel)}): someone with purge rights can delete and purge the witness versions; enable purge protection on the vault`;
  }
  return null;
}

/** What the reader knows about one version (from the listing and, when readable, getSecret). */
export interface VersionSeen {
  /** Version id as Key Vault reports it (32 lowercase hex characters). */
  version: unknown;
  /** The secret name the version's id names. */
  name: unknown;
  createdOn: unknown;
  tags: unknown;
  /** The value, or `undefined` when getSecret did not hand it over. */
  value: unknown;
  /** Why the value could not be read (disabled version, 403...), when it could not. */
  unreadable?: string;
}

function tagProblem(tags: unknown, cp: { tree_size: number; root_hash: string }): string | null {
  if (tags === undefined || tags === null) return null;
  if (typeof tags !== 'object' || Array.isArray(tags)) return `tags are ${shown(tags)}, not a map`;
  const t = tags as Record<string, unknown>;
  const size = t[SIZE_TAG];
  const root = t[ROOT_TAG];
  if (size !== undefined && size !== String(cp.tree_size)) return `tag ${SIZE_TAG} says ${shown(size)}, the signed note ${cp.tree_size}`;
  if (root !== undefined && root !== cp.root_hash) return `tag ${ROOT_TAG} says ${shown(root)}, the signed note ${cp.root_hash}`;
  return null;
}

/** Reads one secret version (untrusted) of the checkpoint secret. Never throws. */
export function readWitnessVersion(v: VersionSeen, secretName: string, log: WitnessedLog): WitnessReadRecord {
  const version = typeof v.version === 'string' && VERSION_RE.test(v.version) ? v.version : null;
  const created = v.createdOn instanceof Date && !Number.isNaN(v.createdOn.getTime()) ? v.createdOn.toISOString() : null;
  const known = { provider: 'azure' as const, event_id: version, provider_time: created, checkpoint: null };
  if (!version) return { ...known, state: 'malformed', problem: `version id ${shown(v.version)} is not 32 hexadecimal characters` };
  if (v.name !== secretName) return { ...known, state: 'malformed', problem: `version belongs to secret ${shown(v.name)}, not ${secretName}` };
  if (!created) return { ...known, state: 'malformed', problem: 'version has no creation time' };
  if (v.value === undefined) return { ...known, state: 'unreadable', problem: v.unreadable ?? 'Key Vault did not return the version’s value' };
  const checked = checkClaim(claimFromNote(v.value), log);
  if (checked.state !== 'witnessed') return { ...known, ...checked };
  const bad = tagProblem(v.tags, checked.checkpoint);
  if (bad) return { ...known, state: 'mismatch', problem: bad, checkpoint: null };
  return { ...known, ...checked };
}
