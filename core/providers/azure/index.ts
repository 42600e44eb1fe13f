/**
 * Azure Key Vault provider (seed 003): `azureProviderFactory` parses and validates the
 * onboarding config and builds providers that wrap through the real SDK.
 */
import type { KmsProvider, ProviderDeps, ProviderFactory } from '../types';
import { parseAzureConfig, type AzureConfig } from './config';
import { AzureKmsProvider } from './provider';

export type { AzureConfig } from './config';
export { AzureKmsProvider, checkKeyShape, type AzureCallExtras } from './provider';
export { classifyAzureError } from './errors';
export { looksLikeSecretValue, parseAzureConfig } from './config';

export interface AzureFactoryOptions {
  /**
   * A PEM certificate to trust in addition to the system roots, used only for loopback
   * hosts (a config with `endpoint`): the https fakes in tests. Production needs none.
   */
  extraCaPem?: string;
}

export function createAzureProviderFactory(options: AzureFactoryOptions = {}): ProviderFactory<AzureConfig> {
  return {
    name: 'azure',
    parseConfig: (input) => parseAzureConfig(input),
    create(parsed: { kms_key_ref: string; config: AzureConfig }, deps: ProviderDeps): KmsProvider {
      const extra = parsed.config.endpoint ? options.extraCaPem : undefined;
      return new AzureKmsProvider(parsed.kms_key_ref, parsed.config, deps, { extraCaPem: extra });
    },
  };
}

export const azureProviderFactory: ProviderFactory<AzureConfig> = createAzureProviderFactory();
