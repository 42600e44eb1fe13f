/**
 * Small helpers for tests that drive the real `aws` provider against the fake: hermetic
 * ProviderDeps (fake env credentials, short timeout) and call contexts.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../../core/clock';
import type { KmsCallContext, KmsOperation, ProviderDeps } from '../../../core/providers/types';
import { fakeAwsEnv } from './index';

export function awsTestDeps(overrides: Partial<ProviderDeps> = {}): ProviderDeps {
  return {
    clock: systemClock,
    env: fakeAwsEnv(),
    timeoutMs: 1500,
    dataDir: '/nonexistent-keywarden-test',
    userAgentPrefix: 'keywarden/0.1.0-test',
    ...overrides,
  };
}

export function callCtx(operation: KmsOperation = 'wrap', tenantId = 'tenant-a', keyVersion = 1): KmsCallContext {
  return { tenantId, keyVersion, correlationId: randomUUID(), operation };
}
