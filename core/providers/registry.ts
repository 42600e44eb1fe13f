/** The provider kinds this build knows, all behind the one KmsProvider interface. */
import { awsProviderFactory } from './aws';
import { azureProviderFactory } from './azure';
import { gcpProviderFactory } from './gcp';
import { globalProviderFactory } from './global';
import { localProviderFactory } from './local';
import type { ProviderFactory } from './types';

export function defaultProviderFactories(): ProviderFactory[] {
  return [localProviderFactory, globalProviderFactory, awsProviderFactory, gcpProviderFactory, azureProviderFactory] as ProviderFactory[];
}
