/**
 * The provider conformance targets: each starts what it needs (a wire-level fake for the
 * cloud ones) and says how to onboard, how to inject a fault, and where the provider's
 * own audit log shows our correlation ids.
 */
import { awsProviderFactory } from '../../core/providers/aws';
import { createAzureProviderFactory } from '../../core/providers/azure';
import type { KmsConfigInput, ProviderFactory } from '../../core/providers/types';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake } from '../fakes/aws';
import { SECRET_VAR, setupAzure } from '../fakes/azure/harness';
import type { FaultMode } from '../fakes/fault-mode';
import { startGcpFake } from '../fakes/gcp';
import { gcpTestFactory } from '../fakes/gcp/harness';

export interface RunningTarget {
  factories: ProviderFactory[];
  /** Seed-shaped onboarding input; undefined for local/global (created with `wrap`). */
  onboard?: KmsConfigInput;
  wrap?: 'local' | 'global';
  env: Record<string, string>;
  setFault?(mode: FaultMode): void;
  /** Every string in the provider's own audit records that can carry our correlation id. */
  providerLogText?(): string;
  /** Values that must never be written to the database (credentials, tokens). */
  secrets: string[];
  close(): Promise<void>;
}

export interface ConformanceTarget {
  name: string;
  start(): Promise<RunningTarget>;
}

const MASTER_KEY = Buffer.alloc(32, 0x5a).toString('base64');

export const TARGETS: ConformanceTarget[] = [
  {
    name: 'local',
    start: async () => ({ factories: [], wrap: 'local', env: {}, secrets: [], close: async () => {} }),
  },
  {
    name: 'global',
    start: async () => ({ factories: [], wrap: 'global', env: { MASTER_KEY_B64: MASTER_KEY }, secrets: [MASTER_KEY], close: async () => {} }),
  },
  {
    name: 'aws',
    start: async () => {
      const aws = await startAwsFake();
      const key = aws.createKey({ alias: 'keywarden' });
      const env = fakeAwsEnv();
      return {
        factories: [awsProviderFactory as unknown as ProviderFactory],
        onboard: {
          provider: 'aws',
          kms_key_ref: key.arn,
          config: { region: aws.region, endpoint: aws.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, sts_endpoint: aws.sts.endpoint },
        },
        env,
        setFault: (mode) => aws.setFault(mode),
        providerLogText: () => JSON.stringify(aws.events({ eventSource: 'kms.amazonaws.com' })),
        secrets: Object.entries(env)
          .filter(([k]) => /SECRET|TOKEN/.test(k))
          .map(([, v]) => v),
        close: () => aws.close(),
      };
    },
  },
  {
    name: 'gcp',
    start: async () => {
      const fake = await startGcpFake();
      const key = 'projects/acme-prod/locations/us-east1/keyRings/keywarden/cryptoKeys/tenant-wrap';
      fake.createKey(key);
      return {
        factories: [gcpTestFactory(fake) as ProviderFactory],
        onboard: { provider: 'gcp', kms_key_ref: key, config: { endpoint: fake.url } },
        env: {},
        setFault: (mode) => fake.setFault(mode),
        providerLogText: () => JSON.stringify(fake.auditEntries()),
        secrets: ['fake-adc-token'],
        close: () => fake.close(),
      };
    },
  },
  {
    name: 'azure',
    start: async () => {
      const s = await setupAzure();
      return {
        factories: [createAzureProviderFactory({ extraCaPem: s.fake.caPem }) as unknown as ProviderFactory],
        onboard: {
          provider: 'azure',
          kms_key_ref: s.fake.keyUrl(s.keyName),
          config: {
            vault_url: s.fake.vaultUrl,
            azure_tenant_id: s.fake.tenantId,
            client_id: s.clientId,
            client_secret_env_var: SECRET_VAR,
            endpoint: s.fake.vaultUrl,
            authority_host: s.fake.authorityHost,
          },
        },
        env: { [SECRET_VAR]: s.secret },
        setFault: (mode) => s.fake.setFault(mode),
        providerLogText: () => JSON.stringify(s.fake.auditEvents()),
        secrets: [s.secret],
        close: () => s.fake.close(),
      };
    },
  },
];
