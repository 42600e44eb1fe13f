/** The Azure witness kind against the loopback Key Vault fake and its Entra authority. */
import { randomBytes, randomUUID } from 'node:crypto';
import { systemClock } from '../../../core/clock';
import type { WitnessDeps, WitnessTarget } from '../../../core/witness/types';
import { startAzureFake, type AzureFake } from '../../fakes/azure';

export const SECRET_VAR = 'KEYWARDEN_AZURE_WITNESS_SECRET';

export interface AzureWitnessSetup {
  fake: AzureFake;
  clientId: string;
  secret: string;
  deps(timeoutMs?: number, env?: Record<string, string | undefined>): WitnessDeps;
  target(over?: Partial<WitnessTarget>): WitnessTarget;
}

export async function setupAzureWitness(): Promise<AzureWitnessSetup> {
  const fake = await startAzureFake();
  const clientId = randomUUID();
  const secret = `${randomBytes(6).toString('hex')}8Q~${randomBytes(18).toString('base64url')}`;
  fake.registerApp({ clientId, clientSecret: secret });
  return {
    fake, clientId, secret,
    deps: (timeoutMs = 1500, env = { [SECRET_VAR]: secret }) => ({
      clock: systemClock, env, timeoutMs, dataDir: '/nonexistent', userAgentPrefix: 'keywarden/test',
      readerOptions: { extraCaPem: fake.caPem, timeoutMs, sleep: () => Promise.resolve() },
    }),
    target: (over = {}) => ({
      id: 'wit-az',
      kind: 'azure_secret',
      target_ref: fake.vaultUrl,
      config: {
        vault_url: fake.vaultUrl, endpoint: fake.vaultUrl, azure_tenant_id: fake.tenantId, client_id: clientId,
        client_secret_env_var: SECRET_VAR, authority_host: fake.authorityHost,
      },
      tenant_id: null,
      read_endpoint: null,
      ...over,
    }),
  };
}
