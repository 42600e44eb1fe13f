/**
 * The SecretClient an Azure witness talks through: the customer's identity as the Key
 * Vault provider and the evidence reader resolve it (the app registration's secret read
 * now from the variable the config names, or DefaultAzureCredential), the engine's user
 * agent with the per-call correlation id (the provider's correlation policy), no SDK
 * retries (the witness bounds and retries its own calls). Loopback vaults (the test fake)
 * get the loopback allowances; the endpoint allow-list has already admitted them.
 */
import tls from 'node:tls';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { azureReaderCredential } from '../../evidence/readers/azure-credential';
import { isLoopbackHostname, type AzureConfig } from '../../providers/azure/config';
import { claimedPrincipal, correlationPolicy } from '../../providers/azure/session';
import type { WitnessDeps } from '../types';

/** Remembers who the last token was issued to (appid / oid claim), as Key Vault's audit names the caller. */
export class TrackedCredential implements TokenCredential {
  principal: string | undefined;
  note = 'no token obtained yet: principal unknown';
  constructor(private readonly inner: TokenCredential) {}
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const t = await this.inner.getToken(scopes, options);
    if (t) {
      const found = claimedPrincipal(t.token);
      this.principal = found?.principal;
      this.note = found ? `token claim ${found.claim}` : 'the access token carries no appid, oid or azp claim: principal unknown';
    }
    return t;
  }
}

export interface WitnessVault {
  client: SecretClient;
  credential: TrackedCredential;
}

/** Throws whatever azureReaderCredential throws (a ReaderError when the secret's variable is unset). */
export function openWitnessVault(vaultUrl: string, config: AzureConfig, deps: WitnessDeps): WitnessVault {
  const extraCa = deps.readerOptions.extraCaPem;
  const credential = new TrackedCredential(azureReaderCredential(config, deps.env, extraCa));
  const u = new URL(vaultUrl);
  const loopback = isLoopbackHostname(u.hostname);
  const options: SecretClientOptions = {
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: deps.userAgentPrefix },
    additionalPolicies: [{ policy: correlationPolicy, position: 'perCall' }],
    ...(loopback ? { disableChallengeResourceVerification: true } : {}),
    ...(loopback && u.protocol === 'http:' ? { allowInsecureConnection: true } : {}),
    ...(loopback && u.protocol === 'https:' && extraCa ? { tlsOptions: { ca: [...tls.rootCertificates, extraCa] } } : {}),
  };
  return { client: new SecretClient(vaultUrl, credential, options), credential };
}
