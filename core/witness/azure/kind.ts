/** The Azure witness kind: a new version of a Key Vault secret, read back by listing the versions. */
import { registerWitnessKind } from '../registry';
import type { WitnessDeps, WitnessKindSpec, WitnessTarget } from '../types';
import { openWitnessVault } from './client';
import { parseAzureWitnessConfig } from './config';
import { classifySecretReadError } from './errors';
import { AzureSecretWitnessReader } from './reader';
import { parseAzureWitnessTarget } from './target';
import { purgeProtectionWarning } from './version';
import { AzureSecretWitnessWriter } from './writer';

/**
 * The vault's purge protection, as Key Vault reports it on every secret (recoveryLevel):
 * the witness secret's when it exists, else any secret of the vault. When neither can be
 * seen (a new vault, or rights on the witness secret only), it is said so: the first
 * write reports it.
 */
async function describeTarget(target: WitnessTarget, deps: WitnessDeps): Promise<string[]> {
  const t = parseAzureWitnessTarget(target.target_ref);
  const { client } = openWitnessVault(t.vaultUrl, parseAzureWitnessConfig(target.config, target.target_ref), deps);
  const signal = AbortSignal.timeout(deps.timeoutMs);
  const first = async (items: AsyncIterable<{ recoveryLevel?: string | undefined }>): Promise<{ seen: boolean; level?: string | undefined }> => {
    try {
      for await (const p of items) return { seen: true, level: p.recoveryLevel };
      return { seen: false };
    } catch (e) {
      const err = classifySecretReadError(e, `checking ${t.vaultUrl}`);
      if (err.kind === 'access_denied' || err.kind === 'not_found') return { seen: false };
      throw err;
    }
  };
  let found = t.secretName ? await first(client.listPropertiesOfSecretVersions(t.secretName, { abortSignal: signal })) : { seen: false };
  if (!found.seen) found = await first(client.listPropertiesOfSecrets({ abortSignal: signal }));
  if (!found.seen) return ['purge protection could not be seen yet (no secret readable in the vault): the first write reports it'];
  const w = purgeProtectionWarning(found.level);
  return w ? [w] : [];
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
