/**
 * The engine's principal on every Azure `kms_calls` row: the access token's `appid` claim
 * (else `oid`), exactly as the evidence normalizer reads the caller from Key Vault's
 * AuditEvent identity claims; unknown (NULL, with why) when no token was obtained, while the
 * failed call is still recorded. No access key id for Azure. A client secret from the
 * environment is flagged as a long-lived credential.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeKeyVaultRow } from '../../../core/evidence/normalize/azure';
import { createAzureProviderFactory } from '../../../core/providers/azure';
import { claimedPrincipal } from '../../../core/providers/azure/session';
import { SECRET_VAR, setupAzure, type AzureSetup } from '../../fakes/azure/harness';
import { gatewayHarness, type GatewayHarness } from '../principal-harness';

let s: AzureSetup | undefined;
let h: GatewayHarness | undefined;
afterEach(async () => {
  await h?.close();
  await s?.fake.close();
  h = undefined;
  s = undefined;
});

async function start(): Promise<{ s: AzureSetup; h: GatewayHarness; ref: ReturnType<GatewayHarness['ref']> }> {
  s = await setupAzure();
  const { clock: _c, dataDir: _d, ...deps } = s.deps;
  h = gatewayHarness(createAzureProviderFactory({ extraCaPem: s.fake.caPem }), deps);
  const ref = h.ref('azure', s.fake.keyUrl(s.keyName), {
    vault_url: s.fake.vaultUrl, azure_tenant_id: s.fake.tenantId, client_id: s.clientId, client_secret_env_var: SECRET_VAR,
    endpoint: s.fake.vaultUrl, authority_host: s.fake.authorityHost,
  });
  return { s, h, ref };
}

describe('azure: the engine principal on every kms_calls row', () => {
  it('principal is the token claim appid, the same value the normalizer reads from the AuditEvent row', async () => {
    const { s, h, ref } = await start();
    const w = await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
    await h.gateway.call(ref, 'tenant-a', 1, 'unwrap', (p, c) => p.unwrap(w.ciphertext, c));
    const rows = h.rows();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ outcome: 'ok', principal: s.clientId, principal_note: 'token claim appid', access_key_id: null });
      const logged = s.fake.auditEvents().find((e) => e.CorrelationId === r.provider_request_id);
      expect(logged, 'AuditEvent row for the call').toBeDefined();
      expect(normalizeKeyVaultRow(logged as unknown as Record<string, unknown>).principal).toBe(r.principal);
    }
  });

  it('no token (authority unreachable): the failed call is recorded with principal NULL and why', async () => {
    const { s, h, ref } = await start();
    s.fake.setAuthorityRefuse(true);
    await expect(h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c))).rejects.toMatchObject({ reason: 'unreachable' });
    expect(h.rows()).toEqual([expect.objectContaining({ outcome: 'unreachable', principal: null, access_key_id: null, principal_note: expect.stringMatching(/principal unknown/) as unknown })]);
  });

  it('a client secret from the environment is flagged as long-lived, with the variable named', async () => {
    const { s, h, ref } = await start();
    expect(h.gateway.provider(ref).credentialSource!()).toEqual({ source: `client secret of app ${s.clientId} from environment (${SECRET_VAR})`, longLived: true });
  });
});

describe('azure: reading the principal from token claims', () => {
  const jwt = (claims: unknown) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('appid first, else oid, else azp, as the AuditEvent identity is read', () => {
    expect(claimedPrincipal(jwt({ appid: 'app-1', oid: 'obj-1', azp: 'azp-1' }))).toEqual({ principal: 'app-1', claim: 'appid' });
    expect(claimedPrincipal(jwt({ oid: 'obj-1', azp: 'azp-1' }))).toEqual({ principal: 'obj-1', claim: 'oid' });
    expect(claimedPrincipal(jwt({ azp: 'azp-1' }))).toEqual({ principal: 'azp-1', claim: 'azp' });
  });

  it('refuses opaque tokens, broken payloads and claims that are not plain identifiers', () => {
    for (const t of ['opaque-token', 'a.%%%.b', jwt('string'), jwt({ appid: 42 }), jwt({ appid: 'x y' }), jwt({ appid: 'a'.repeat(129) }), jwt({ appid: '<script>' }), jwt({ sub: 'only-sub' })]) {
      expect(claimedPrincipal(t), t).toBeUndefined();
    }
    // A bad appid does not hide a good oid.
    expect(claimedPrincipal(jwt({ appid: 'bad value', oid: 'obj-2' }))).toEqual({ principal: 'obj-2', claim: 'oid' });
  });
});
