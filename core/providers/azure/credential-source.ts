/**
 * Where the Azure provider's credential comes from, without any network call. A client
 * secret (read from the environment variable the config names, or `AZURE_CLIENT_SECRET`
 * for DefaultAzureCredential) is long-lived: allowed, but flagged. Managed and workload
 * identities are not.
 */
import type { CredentialSourceInfo } from '../types';
import type { AzureConfig } from './config';

export function azureCredentialSource(config: AzureConfig, env: Record<string, string | undefined>): CredentialSourceInfo {
  if (config.client_secret_env_var) {
    return { source: `client secret of app ${config.client_id ?? '?'} from environment (${config.client_secret_env_var})`, longLived: true };
  }
  if (env.AZURE_CLIENT_SECRET) return { source: 'DefaultAzureCredential, client secret from environment (AZURE_CLIENT_SECRET)', longLived: true };
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return { source: `DefaultAzureCredential, client certificate ${env.AZURE_CLIENT_CERTIFICATE_PATH} (AZURE_CLIENT_CERTIFICATE_PATH)`, longLived: true };
  }
  return { source: 'DefaultAzureCredential (managed identity, workload identity or developer sign-in)', longLived: false };
}
