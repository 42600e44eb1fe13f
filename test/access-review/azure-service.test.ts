/**
 * The Azure access review through the contract on a real engine and SQLite file against
 * the Key Vault, Entra and Resource Manager fakes: without the vault's resource id the
 * review is partial and says how to give it; the settings refuse a malformed id, a
 * Resource Manager endpoint without step-up or off the allow-list; with them the review
 * reads Resource Manager (kms_calls rows as azure-arm, out of the Key Vault cross-check),
 * and an allow-listed principal (added with a note, audited) stops being a finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { createAzureReviewer } from '../../core/access-review/reviewers';
import { readCallColumns } from '../../core/evidence/call-columns';
import { ManualClock } from '../../core/clock';
import { createAzureProviderFactory } from '../../core/providers/azure';
import { ROLE } from '../fakes/azure';
import { SECRET_VAR, setupAzure, type AzureSetup } from '../fakes/azure/harness';
import { evidenceFixture, stepUp, type EvidenceFixture } from '../evidence/support/evidence-fixture';

const clock = new ManualClock(Date.now());
const PARTNER = '7d3c1b2a-1111-4222-8333-444455556666';
let az: AzureSetup;
let fx: EvidenceFixture;

beforeAll(async () => {
  az = await setupAzure();
  fx = await evidenceFixture({
    clock,
    env: { [SECRET_VAR]: az.secret },
    factories: [createAzureProviderFactory({ extraCaPem: az.fake.caPem })],
    reviewers: new Map([['azure', createAzureReviewer({ extraCaPem: az.fake.caPem })]]),
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  await fx.call('kms.onboard', {
    tenant: 'acme',
    provider: 'azure',
    kms_key_ref: az.fake.keyUrl(az.keyName),
    config: { vault_url: az.fake.vaultUrl, azure_tenant_id: az.fake.tenantId, client_id: az.clientId, client_secret_env_var: SECRET_VAR, endpoint: az.fake.vaultUrl, authority_host: az.fake.authorityHost },
  });
  az.fake.arm.assign(PARTNER, ROLE.cryptoUser);
  az.fake.keyReview(az.keyName).rotationPolicy = { lifetimeActions: [{ trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } }] };
});
afterAll(async () => {
  await fx?.close();
  await az?.fake.close();
});

describe('Azure access review through the contract', () => {
  it('without the vault resource id: a partial review of the key alone, naming the setting', async () => {
    const r = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
    expect(r).toMatchObject({ provider: 'azure', status: 'partial' });
    expect(r.gaps.map((g) => [g.where, g.kind])).toEqual([['vaults.get', 'not_configured'], ['roleAssignments.listForScope', 'not_configured']]);
    expect(r.gaps[0]!.message).toContain('--azure-vault-resource-id');
    expect(r.facts).toMatchObject({ exportable: false, rotation_days: 90, purge_protection: null });
  });

  it('refuses a malformed resource id, and a Resource Manager endpoint without step-up or off the allow-list', async () => {
    expect(await fx.fail('access.settings', { tenant: 'acme', azure_vault_resource_id: '/subscriptions/prod/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1' })).toMatchObject({ code: 'invalid_input', details: { field: 'azure_vault_resource_id' } });
    expect(await fx.fail('access.settings', { tenant: 'acme', azure_arm_endpoint: az.fake.armEndpoint })).toMatchObject({ code: 'step_up_required' });
    const token = await stepUp(fx, 'onboard', 'acme');
    // The fake's origin is allowed already (it also serves the authority): another loopback origin is not.
    expect(await fx.fail('access.settings', { tenant: 'acme', azure_arm_endpoint: 'https://127.0.0.2:4443', step_up_token: token })).toMatchObject({ code: 'endpoint_not_allowed' });
    expect(await fx.fail('access.settings', { tenant: 'acme', azure_arm_endpoint: 'http://127.0.0.1:1/', step_up_token: await stepUp(fx, 'onboard', 'acme') })).toMatchObject({ code: 'invalid_input', details: { field: 'azure_arm_endpoint' } });
    expect((await fx.call('access.settings', { tenant: 'acme' })).azure_vault_resource_id).toBeUndefined();
  });

  it('with the resource id: reads Resource Manager (azure-arm calls), raises the partner role assignment, and an allow-listed partner no longer does', async () => {
    const s = await fx.call('access.settings', { tenant: 'acme', azure_vault_resource_id: az.fake.arm.vaultId.toUpperCase().replace('/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KW-FAKE-KV', '/providers/Microsoft.KeyVault/vaults/kw-fake-kv'), azure_arm_endpoint: az.fake.armEndpoint });
    expect(s.azure_vault_resource_id).toMatch(/^\/subscriptions\/00000000-0000-4000-8000-00000000a2a2\/resourceGroups\//);
    expect(s.azure_arm_endpoint).toBe(az.fake.armEndpoint);
    clock.advance(60_000);
    const r = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
    expect(r.status).toBe('complete');
    expect(r.findings.map((f) => f.rule)).toEqual(['foreign_grant']);
    expect(r.findings[0]!.reason).toContain(PARTNER);
    const calls = (await fx.call('kms.calls', { tenant: 'acme', limit: 500 })).filter((c) => c.operation.startsWith('review_'));
    expect(calls.filter((c) => c.provider === 'azure-arm').map((c) => c.operation).sort()).toEqual(['review_get_vault', 'review_role_assignments', 'review_role_definition']);
    expect(calls.map((c) => c.correlation_id).sort()).toEqual(expect.arrayContaining(r.reads.map((x) => x.correlation_id).sort()));
    // The cross-check compares Key Vault's log with the Key Vault calls only: Resource Manager reads never reach that log.
    const db = (fx.kw.ctx.store as unknown as { db: Database }).db;
    const columns = readCallColumns(db, { fromMs: clock.now() - 86_400_000, toMs: clock.now() + 86_400_000 });
    expect(columns.keys.map((k) => k.provider)).toEqual(['azure']);
    const azureCalls = (await fx.call('kms.calls', { tenant: 'acme', limit: 500 })).filter((c) => c.provider === 'azure');
    expect(columns.n).toBe(azureCalls.length);

    const allowed = await fx.call('access.allow', { tenant: 'acme', entry: PARTNER, note: 'Partner backup service, contract 2026-114' });
    expect(allowed.allow_list).toEqual([PARTNER]);
    expect(allowed.allow_notes).toEqual({ [PARTNER]: 'Partner backup service, contract 2026-114' });
    clock.advance(60_000);
    const again = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
    expect(again.findings).toEqual([]);
    expect(again.drift.map((d) => d.kind)).toContain('finding_resolved');
    const audit = await fx.call('audit.list', { action: 'access.allow_list.added', limit: 1 });
    expect(audit[0]!.payload).toMatchObject({ note: 'Partner backup service, contract 2026-114', entry_suffix: `…${PARTNER.slice(-12)}` });
    expect(JSON.stringify(audit[0]!.payload)).not.toContain(PARTNER);

    expect(await fx.fail('access.disallow', { tenant: 'acme', entry: 'someone-else' })).toMatchObject({ code: 'not_found' });
    expect(await fx.fail('access.allow', { tenant: 'acme', entry: PARTNER, note: ' ' })).toMatchObject({ code: 'invalid_input' });
    const removed = await fx.call('access.disallow', { tenant: 'acme', entry: PARTNER });
    expect(removed.allow_list).toEqual([]);
    expect(removed.allow_notes).toBeUndefined();
    expect((await fx.call('audit.list', { action: 'access.allow_list.removed', limit: 1 }))[0]!.payload).toMatchObject({ note: 'Partner backup service, contract 2026-114' });
  });
});
