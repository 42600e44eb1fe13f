/**
 * What the gateway stores in kms_calls.error_message when a provider call fails: the
 * message scrubbed of credentials and bounded, whether the provider threw a classified
 * KmsError or anything else.
 */
import { describe, expect, it } from 'vitest';
import { KmsError } from '../../core/providers/types';
import { initializedFixture } from '../support/engine-fixture';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrZXl3YXJkZW4iLCJhdWQiOiJrbXMifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtYWJj';
const SESSION = 'FwoGZXIvYXdzEBYaDH7example9TOKENvalueAbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

describe('kms_calls.error_message is scrubbed', () => {
  it.each([
    ['a classified KmsError', () => new KmsError('aws', 'access_denied', `denied: Authorization: Bearer ${JWT}; X-Amz-Security-Token=${SESSION}`, 'AccessDeniedException')],
    ['an unclassified error', () => new Error(`socket hang up after sending sig=${SESSION}&se=2026 and ${JWT}`)],
  ])('%s', async (_, makeError) => {
    const fx = await initializedFixture();
    const tenant = fx.kw.ctx.store.tenantBySlug('acme')!;
    const ref = { provider: tenant.provider, kms_key_ref: tenant.kms_key_ref, kms_config: tenant.kms_config };
    await expect(fx.kw.ctx.gateway.call(ref, tenant.id, 1, 'unwrap', () => Promise.reject(makeError()))).rejects.toThrow();
    const [row] = fx.kw.ctx.store.listKmsCalls({ tenantId: tenant.id, limit: 100 }).filter((c) => c.outcome !== 'ok');
    expect(row).toBeDefined();
    expect(row!.error_message).toMatch(/\[redacted /);
    expect(row!.error_message).not.toContain(JWT.slice(0, 20));
    expect(row!.error_message).not.toContain(SESSION.slice(0, 20));
    expect(row!.error_message!.length).toBeLessThanOrEqual(500);
  });
});
