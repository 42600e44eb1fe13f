/**
 * The Azure fakes themselves: what MSAL asks the authority, the vault over https, the
 * AZKVAuditLogs rows read back through the real LogsQueryClient, and the
 * DefaultAzureCredential path (environment credential) against the fake authority.
 */
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../core/clock';
import { createAzureProviderFactory } from '../../../core/providers/azure';
import { ctx, setupAzure, type AzureSetup } from '../../fakes/azure/harness';
import { startAzureFake, type AzureFake } from '../../fakes/azure';

let s: AzureSetup | undefined;
let extra: AzureFake | undefined;
afterEach(async () => {
  await s?.fake.close();
  await extra?.close();
  s = undefined;
  extra = undefined;
});

describe('azure fakes', () => {
  it('MSAL with disableInstanceDiscovery asks only for the OpenID configuration and a token', async () => {
    s = await setupAzure();
    const p = s.provider();
    await p.unwrap((await p.wrap(randomBytes(32), ctx('wrap'))).ciphertext, ctx('unwrap'));
    const seen = s.fake.authorityRequests();
    expect(seen).toContain(`GET /${s.fake.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(seen).toContain(`POST /${s.fake.tenantId}/oauth2/v2.0/token`);
    expect(seen.some((r) => r.includes('/discovery/instance'))).toBe(false);
    expect(s.fake.tokenRequests().filter((t) => t.ok)).toHaveLength(1);
  });

  it('logs Authentication (401 challenge), KeyGet, KeyWrap and KeyUnwrap as AZKVAuditLogs rows', async () => {
    s = await setupAzure();
    const p = s.provider();
    const c = ctx('unwrap');
    const w = await p.wrap(randomBytes(32), ctx('wrap'));
    await p.unwrap(w.ciphertext, c);
    const rows = s.fake.auditEvents();
    expect(rows.map((r) => r.OperationName)).toEqual(expect.arrayContaining(['Authentication', 'KeyGet', 'KeyWrap', 'KeyUnwrap']));
    const row = rows.find((r) => r.ClientInfo.includes(c.correlationId) && r.OperationName === 'KeyUnwrap')!;
    expect(row).toMatchObject({
      Type: 'AZKVAuditLogs', ResultType: 'Success', ResultSignature: 'OK', HttpStatusCode: 200,
      CallerIpAddress: '127.0.0.1', OperationVersion: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/),
      _ResourceId: expect.stringMatching(/^\/SUBSCRIPTIONS\/.+\/PROVIDERS\/MICROSOFT\.KEYVAULT\/VAULTS\//),
    });
    expect(row.RequestUri).toContain('/unwrapkey?api-version=');
    expect(Date.parse(row.TimeGenerated)).toBeGreaterThan(Date.now() - 60_000);
    s.fake.setFault({ kind: 'deny' });
    await expect(p.unwrap(w.ciphertext, ctx('unwrap'))).rejects.toThrow(/ForbiddenByRbac/);
    expect(s.fake.auditEvents().at(-1)).toMatchObject({ OperationName: 'KeyUnwrap', HttpStatusCode: 403, ResultSignature: 'Forbidden' });
  });

  it('serves the vault over https too (provider trusts the fake CA for loopback only)', async () => {
    extra = await startAzureFake({ vaultTls: true });
    const clientId = '0f0f0f0f-1111-4222-8333-444455556666';
    extra.registerApp({ clientId, clientSecret: 'fake-secret-value' });
    await extra.createKey('k');
    expect(extra.vaultUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const factory = createAzureProviderFactory({ extraCaPem: extra.caPem });
    const parsed = factory.parseConfig({
      provider: 'azure', kms_key_ref: extra.keyUrl('k'),
      config: { vault_url: extra.vaultUrl, endpoint: extra.vaultUrl, authority_host: extra.authorityHost, azure_tenant_id: extra.tenantId, client_id: clientId, client_secret_env_var: 'KEYWARDEN_AZURE_S' },
    });
    const p = factory.create(parsed, { clock: systemClock, env: { KEYWARDEN_AZURE_S: 'fake-secret-value' }, timeoutMs: 1500, dataDir: '/nonexistent', userAgentPrefix: 'keywarden/test' });
    const key = randomBytes(32);
    expect((await p.unwrap((await p.wrap(key, ctx('wrap'))).ciphertext, ctx('unwrap'))).plaintext.equals(key)).toBe(true);
  });

  it('answers LogsQueryClient (https, bearer token) with AZKVAuditLogs rows; inject and drop work', async () => {
    s = await setupAzure();
    const p = s.provider();
    const c = ctx('unwrap');
    const unwrapped = await p.unwrap((await p.wrap(randomBytes(32), ctx('wrap'))).ciphertext, c);
    const ca = [...tls.rootCertificates, s.fake.caPem];
    const cred = new ClientSecretCredential(s.fake.tenantId, s.clientId, s.secret, {
      authorityHost: s.fake.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca }, retryOptions: { maxRetries: 0 },
    });
    const logs = new LogsQueryClient(cred, { endpoint: s.fake.logsEndpoint, retryOptions: { maxRetries: 0 }, tlsOptions: { ca } });
    const query = `AZKVAuditLogs | where OperationName == "KeyUnwrap" | where ClientInfo contains "keywarden-cid/${c.correlationId}" | project TimeGenerated, OperationName, CorrelationId, ClientInfo, Identity, HttpStatusCode`;
    const res = await logs.queryWorkspace(s.fake.workspaceId, query, { duration: 'PT1H' });
    expect(res.status).toBe('Success');
    if (res.status !== 'Success') return;
    const [table] = res.tables;
    expect(table!.columnDescriptors.map((d) => d.name)).toEqual(['TimeGenerated', 'OperationName', 'CorrelationId', 'ClientInfo', 'Identity', 'HttpStatusCode']);
    expect(table!.rows).toHaveLength(1);
    const [time, op, cid, clientInfo, identity, status] = table!.rows[0]!;
    expect(time).toBeInstanceOf(Date);
    expect([op, cid, status]).toEqual(['KeyUnwrap', (unwrapped as { providerRequestId?: string }).providerRequestId, 200]);
    expect(String(clientInfo)).toContain(`keywarden-cid/${c.correlationId}`);
    expect(JSON.stringify(identity)).toContain(s.clientId);

    const foreign = s.fake.injectEvent({ OperationName: 'KeyUnwrap', ClientInfo: 'curl/8.0' });
    expect(s.fake.dropEvent(String(cid))).toBe(1);
    const after = await logs.queryWorkspace(s.fake.workspaceId, 'AZKVAuditLogs | where OperationName in ("KeyUnwrap") | project CorrelationId', { duration: 'PT1H' });
    expect(after.status === 'Success' && after.tables[0]!.rows.map((r) => r[0])).toEqual([foreign.CorrelationId]);
  });
});

describe('DefaultAzureCredential (no credential fields) through the environment credential', () => {
  it('wraps and unwraps, principal from the token', async () => {
    s = await setupAzure();
    const saved = { ...process.env };
    Object.assign(process.env, { AZURE_TENANT_ID: s.fake.tenantId, AZURE_CLIENT_ID: s.clientId, AZURE_CLIENT_SECRET: s.secret });
    try {
      const p = s.provider({ config: { azure_tenant_id: undefined, client_id: undefined, client_secret_env_var: undefined }, env: {} });
      const key = randomBytes(32);
      const w = await p.wrap(key, ctx('wrap'));
      expect(w.principal).toBe(s.clientId);
      expect((await p.unwrap(w.ciphertext, ctx('unwrap'))).plaintext.equals(key)).toBe(true);
    } finally {
      for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
