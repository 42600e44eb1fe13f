/**
 * Builds the real GCP provider against a running fake: the hermetic identity seam
 * (`accessTokenCredentials`) plus the fake's URL as both the Cloud KMS endpoint and the
 * IAM Credentials endpoint. For engine-level tests the same `factory` can be registered
 * in place of `gcpProviderFactory`.
 */
import { systemClock } from '../../../core/clock';
import { accessTokenCredentials, createGcpProviderFactory } from '../../../core/providers/gcp';
import type { GcpConfig } from '../../../core/providers/gcp';
import type { KmsCallContext, KmsProvider, ProviderDeps, ProviderFactory } from '../../../core/providers/types';
import { DEFAULT_GCP_TOKEN, type GcpFake } from './server';

export interface GcpHarnessOptions {
  token?: string;
  impersonate?: string;
  quotaProject?: string;
  timeoutMs?: number;
  deps?: Partial<ProviderDeps>;
}

export function gcpTestFactory(fake: GcpFake, token = DEFAULT_GCP_TOKEN): ProviderFactory<GcpConfig> {
  return createGcpProviderFactory({
    sourceCredentials: accessTokenCredentials(token),
    iamCredentialsEndpoint: fake.url,
    tokenInfoEndpoint: `${fake.url}/tokeninfo`,
    retryBaseMs: 40,
  });
}

export function gcpTestDeps(timeoutMs = 1500, extra: Partial<ProviderDeps> = {}): ProviderDeps {
  return { clock: systemClock, env: {}, timeoutMs, dataDir: '/nonexistent', userAgentPrefix: 'keywarden/test', ...extra };
}

export function gcpTestProvider(fake: GcpFake, keyPath: string, o: GcpHarnessOptions = {}): KmsProvider {
  const factory = gcpTestFactory(fake, o.token);
  const config: Record<string, unknown> = { endpoint: fake.url };
  if (o.impersonate) config.impersonate_service_account = o.impersonate;
  if (o.quotaProject) config.quota_project = o.quotaProject;
  const parsed = factory.parseConfig({ provider: 'gcp', kms_key_ref: keyPath, config });
  return factory.create(parsed, gcpTestDeps(o.timeoutMs, o.deps));
}

let n = 0;
export function callCtx(over: Partial<KmsCallContext> = {}): KmsCallContext {
  n++;
  return { tenantId: 'tenant-a', keyVersion: 1, correlationId: `cid-${process.pid}-${n}`, operation: 'wrap', ...over };
}
