/**
 * The Azure config a witness runs with: onboarding's rules (the three app-registration
 * fields together or none, a KEYWARDEN_AZURE_ secret variable, no static secrets), with
 * the witness target's vault standing in for the key's when the config names none.
 */
import { parseAzureConfig, type AzureConfig } from '../../providers/azure/config';
import { parseAzureWitnessTarget } from './target';

export function parseAzureWitnessConfig(config: Record<string, unknown>, targetRef: string): AzureConfig {
  const vault = typeof config.vault_url === 'string' && config.vault_url ? config.vault_url : parseAzureWitnessTarget(targetRef).vaultUrl;
  // The key path only carries the vault: onboarding checks a config against its key's vault.
  return parseAzureConfig({ provider: 'azure', kms_key_ref: `${vault.replace(/\/+$/, '')}/keys/keywarden-witness`, config: { ...config, vault_url: vault } }).config;
}
