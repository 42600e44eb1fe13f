/**
 * The Azure witness target: the Key Vault secret whose versions are the witnesses,
 * `https://<vault>.vault.azure.net/secrets/<name>`, or just the vault, when the secret is
 * `keywarden-checkpoint-<origin hash>` (one per log). Loopback origins (the test fake, a
 * private endpoint relay) are accepted here; the engine's endpoint allow-list decides.
 */
import { invalidInput } from '../../errors';
import { isLoopbackHostname } from '../../providers/azure/config';
import { checkpointSecretName } from './version';

const VAULT_HOST = /^[a-z][a-z0-9-]{1,22}[a-z0-9]\.(?:vault\.azure\.net|vault\.azure\.cn|vault\.usgovcloudapi\.net)$/;
const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;

export interface AzureWitnessTarget {
  vaultUrl: string;
  /** The secret's name, or null for the per-log default. */
  secretName: string | null;
  /** Normalised target_ref. */
  ref: string;
}

export function parseAzureWitnessTarget(ref: string): AzureWitnessTarget {
  let u: URL;
  try {
    u = new URL(ref);
  } catch {
    throw invalidInput('target_ref', 'expected https://<vault>.vault.azure.net[/secrets/<name>]');
  }
  if (u.username || u.password || u.search || u.hash) throw invalidInput('target_ref', 'must not carry user info, a query or a fragment');
  const loopback = isLoopbackHostname(u.hostname);
  if (!loopback && (u.protocol !== 'https:' || u.port || !VAULT_HOST.test(u.hostname) || u.hostname.includes('--'))) {
    throw invalidInput('target_ref', `${u.hostname} is not a Key Vault host (<vault>.vault.azure.net over https)`);
  }
  if (loopback && u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidInput('target_ref', 'must be http or https');
  const parts = u.pathname.replace(/\/+$/, '').split('/').slice(1);
  if (parts.length === 0) return { vaultUrl: u.origin, secretName: null, ref: u.origin };
  if (parts.length !== 2 || parts[0] !== 'secrets' || !SECRET_NAME.test(parts[1]!)) {
    throw invalidInput('target_ref', 'the path must be /secrets/<name> (1-127 letters, digits and hyphens), or nothing');
  }
  return { vaultUrl: u.origin, secretName: parts[1]!, ref: `${u.origin}/secrets/${parts[1]!}` };
}

/** The secret a log's checkpoints go to under this target. */
export function secretNameFor(target: AzureWitnessTarget, origin: string): string {
  return target.secretName ?? checkpointSecretName(origin);
}
