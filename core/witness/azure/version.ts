/**
 * The Key Vault secret an Azure checkpoint witness writes a new version of, and the
 * adversarial reading of the versions listed back. The value is the signed checkpoint
 * note; tags repeat the size and root for people browsing the portal (checked, never
 * trusted). Versions are immutable and Azure stamps `createdOn`: the version id and that
 * time are the witness id and time.
 */
import { createHash } from 'node:crypto';
import { checkClaim, claimFromNote, missingFact, noteWitnessRecord, shown, type NoteWitnessRecord, type RecordCheck, type WitnessedLog } from '../note-record';
import type { WitnessCheckpoint } from '../types';

export const SIZE_TAG = 'keywarden-size';
export const ROOT_TAG = 'keywarden-root';
export const CID_TAG = 'keywarden-cid';
export const CHECKPOINT_CONTENT_TYPE = 'text/plain; keywarden-checkpoint-note';

const VERSION_RE = /^[0-9a-f]{32}$/;
const CID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** One secret per log: `keywarden-checkpoint-<first 16 hex of SHA-256(origin)>` (names allow only letters, digits, hyphens). */
export function checkpointSecretName(origin: string): string {
  return `keywarden-checkpoint-${createHash('sha256').update(origin, 'utf8').digest('hex').slice(0, 16)}`;
}

export function checkpointTags(cp: WitnessCheckpoint, correlationId: string): Record<string, string> {
  return { [SIZE_TAG]: String(cp.treeSize), [ROOT_TAG]: cp.rootHash.toString('base64'), [CID_TAG]: correlationId };
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

function tagProblem(tags: unknown, cp: { tree_size: number | null; root_hash: string | null }): string | null {
  if (tags === undefined || tags === null) return null;
  if (typeof tags !== 'object' || Array.isArray(tags)) return `tags are ${shown(tags)}, not a map`;
  const t = tags as Record<string, unknown>;
  const size = t[SIZE_TAG];
  const root = t[ROOT_TAG];
  if (size !== undefined && size !== String(cp.tree_size)) return `tag ${SIZE_TAG} says ${shown(size)}, the signed note ${cp.tree_size}`;
  if (root !== undefined && root !== cp.root_hash) return `tag ${ROOT_TAG} says ${shown(root)}, the signed note ${cp.root_hash}`;
  return null;
}

/** The record as Key Vault returned it, for the report (the value is a public checkpoint note, not a secret). */
function rawOf(v: VersionSeen): string {
  const created = v.createdOn instanceof Date && !Number.isNaN(v.createdOn.getTime()) ? v.createdOn.toISOString() : v.createdOn;
  return JSON.stringify({ name: v.name, version: v.version, createdOn: created, tags: v.tags, value: v.value, ...(v.unreadable ? { unreadable: v.unreadable } : {}) }) ?? '';
}

/** Reads one secret version (untrusted) of the checkpoint secret. Never throws. */
export function readWitnessVersion(v: VersionSeen, secretName: string, log: WitnessedLog, witnessId: string): NoteWitnessRecord {
  const version = typeof v.version === 'string' && VERSION_RE.test(v.version) ? v.version : null;
  const created = v.createdOn instanceof Date && !Number.isNaN(v.createdOn.getTime()) ? v.createdOn.toISOString() : null;
  const cid = v.tags && typeof v.tags === 'object' ? (v.tags as Record<string, unknown>)[CID_TAG] : undefined;
  const meta = {
    kind: 'azure_secret' as const, witness_id: witnessId, provider_event_id: version, provider_time: created,
    correlation_id: typeof cid === 'string' && CID_RE.test(cid) ? cid : null, raw: rawOf(v),
  };
  const claim = claimFromNote(v.value);
  const fact = !version ? `version id ${shown(v.version)} is not 32 hexadecimal characters`
    : v.name !== secretName ? `version belongs to secret ${shown(v.name)}, not ${secretName}`
      : !created ? 'version has no creation time' : null;
  let result: RecordCheck;
  if (fact) result = missingFact(fact);
  else if (v.value === undefined) result = { state: 'unreadable', problem: v.unreadable ?? 'Key Vault did not return the version’s value', checkpoint: null };
  else result = checkClaim(claim, log);
  if (result.state === 'witnessed') {
    const bad = tagProblem(v.tags, result.checkpoint);
    if (bad) result = { state: 'mismatch', problem: bad, checkpoint: null };
  }
  return noteWitnessRecord(result, claim, meta);
}
