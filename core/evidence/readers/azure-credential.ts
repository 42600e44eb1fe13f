/**
 * The customer's Azure identity for reading Log Analytics: the app registration the Key
 * Vault provider uses (secret read now from the environment variable the config names) or
 * DefaultAzureCredential. Never stored; the secret is read for this fetch only.
 */
import tls from 'node:tls';
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { defaultAuthorityFor, isLoopbackHostname, type AzureConfig } from '../../providers/azure/config';
import { ReaderError } from './types';

export function azureReaderCredential(config: AzureConfig, env: Record<string, string | undefined>, extraCaPem: string | undefined): TokenCredential {
  const authorityHost = config.authority_host ?? defaultAuthorityFor(config.vault_url);
  const loopback = isLoopbackHostname(new URL(authorityHost).hostname);
  const tlsOptions = loopback && extraCaPem ? { tlsOptions: { ca: [...tls.rootCertificates, extraCaPem] } } : {};
  const common = { authorityHost, ...(loopback ? { disableInstanceDiscovery: true } : {}), ...tlsOptions };
  if (config.client_id && config.client_secret_env_var) {
    const secret = env[config.client_secret_env_var];
    if (!secret) {
      throw new ReaderError(`environment variable ${config.client_secret_env_var} (config.client_secret_env_var) is not set in this Keywarden process`, 'access_denied');
    }
    return new ClientSecretCredential(config.azure_tenant_id!, config.client_id, secret, { ...common, retryOptions: { maxRetries: 0 } });
  }
  return new DefaultAzureCredential(common);
}

export function trustedCa(endpoint: string | undefined, extraCaPem: string | undefined): { tlsOptions?: { ca: string[] } } {
  if (!endpoint || !extraCaPem || !isLoopbackHostname(new URL(endpoint).hostname)) return {};
  return { tlsOptions: { ca: [...tls.rootCertificates, extraCaPem] } };
}
