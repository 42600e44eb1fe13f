/** Shared set-up for the Azure provider suites (test/providers/azure): a fake vault + authority and a provider on it. */
import { randomBytes, randomUUID } from 'node:crypto';
import { systemClock } from '../../../core/clock';
import { createAzureProviderFactory, type AzureConfig } from '../../../core/providers/azure';
import type { KmsCallContext, KmsOperation, KmsProvider, ProviderDeps } from '../../../core/providers/types';
import { startAzureFake, type AzureFake } from './index';

export const SECRET_VAR = 'KEYWARDEN_AZURE_TEST_CLIENT_SECRET';

export interface AzureSetup {
  fake: AzureFake;
  clientId: string;
  secret: string;
  keyName: string;
  deps: ProviderDeps;
  provider(overrides?: { config?: Partial<AzureConfig>; env?: ProviderDeps['env']; keyRef?: string; timeoutMs?: number }): KmsProvider;
}

export async function setupAzure(opts: { bits?: number; ops?: string[] } = {}): Promise<AzureSetup> {
  const fake = await startAzureFake();
  const clientId = randomUUID();
  const secret = `${randomBytes(6).toString('hex')}8Q~${randomBytes(18).toString('base64url')}`;
  fake.registerApp({ clientId, clientSecret: secret });
  const keyName = 'tenant-wrapping-key';
  await fake.createKey(keyName, opts);
  const deps: ProviderDeps = {
    clock: systemClock,
    env: { [SECRET_VAR]: secret },
    timeoutMs: 1500,
    dataDir: '/nonexistent',
    userAgentPrefix: 'keywarden/0.1.0',
  };
  const factory = createAzureProviderFactory({ extraCaPem: fake.caPem });
  return {
    fake, clientId, secret, keyName, deps,
    provider(o = {}) {
      const parsed = factory.parseConfig({
        provider: 'azure',
        kms_key_ref: o.keyRef ?? fake.keyUrl(keyName),
        config: {
          vault_url: fake.vaultUrl,
          azure_tenant_id: fake.tenantId,
          client_id: clientId,
          client_secret_env_var: SECRET_VAR,
          endpoint: fake.vaultUrl,
          authority_host: fake.authorityHost,
          ...o.config,
        },
      });
      return factory.create(parsed, { ...deps, ...(o.env ? { env: o.env } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
    },
  };
}

export function ctx(operation: KmsOperation, over: Partial<KmsCallContext> = {}): KmsCallContext {
  return { tenantId: 'tenant-a', keyVersion: 1, correlationId: randomUUID(), operation, ...over };
}
