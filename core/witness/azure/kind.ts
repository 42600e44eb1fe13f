/** The Azure witness kind: a new version of a Key Vault secret, read back by listing the versions. */
import { registerWitnessKind } from '../registry';
import type { WitnessDeps, WitnessKindSpec, WitnessTarget } from '../types';
import { openWitnessVault } from './client';
import { parseAzureWitnessConfig } from './config';
import { AzureSecretWitnessReader } from './reader';
import { parseAzureWitnessTarget } from './target';
import { purgeProtectionWarning } from './version';
import { AzureSecretWitnessWriter } from './writer';

/**
 * The vault's purge protection, as the witness secret reports it (its recoveryLevel).
 * Before the first write there is no secret to ask: said so instead.
 */
async function describeTarget(target: WitnessTarget, deps: WitnessDeps): Promise<string[]> {
  const t = parseAzureWitnessTarget(target.target_ref);
  if (!t.secretName) return ['purge protection is checked at the first write (the secret is named after the log)'];
  const vault = openWitnessVault(t.vaultUrl, parseAzureWitnessConfig(target.config, target.target_ref), deps);
  for await (const p of vault.client.listPropertiesOfSecretVersions(t.secretName, { abortSignal: AbortSignal.timeout(deps.timeoutMs) })) {
    const w = purgeProtectionWarning(p.recoveryLevel);
    return w ? [w] : [];
  }
  return ['purge protection is checked at the first write (the secret has no version yet)'];
}

export const azureSecretWitness: WitnessKindSpec = {
  kind: 'azure_secret',
  provider: 'azure',
  label: 'Azure Key Vault secret version',
  permission: 'Key Vault Secrets Officer on the witness secret (writes versions and reads them back)',
  parseTarget: (ref) => parseAzureWitnessTarget(ref).ref,
  parseConfig: (config, targetRef) => ({ ...parseAzureWitnessConfig(config, targetRef) }),
  endpointKinds: { target: 'azure-vault', read: 'azure-vault' },
  createWriter: (target, deps) => new AzureSecretWitnessWriter(target, deps),
  createReader: (target, deps) => new AzureSecretWitnessReader(target, deps),
  describeTarget,
};

registerWitnessKind(azureSecretWitness);
