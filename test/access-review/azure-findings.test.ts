/**
 * Azure findings from documents shaped like Key Vault's and ARM's (a role assignment at
 * vault scope, access policies, vault properties, a rotation policy), each with the
 * closest input that must not raise it, and the principals table.
 */
import { describe, expect, it } from 'vitest';
import { azureRoleCapabilities, concludeAzure, isoDurationDays, type AzureRoleAssignment, type AzureSnapshot } from '../../core/access-review/azure-conclude';
import { DEFAULT_SETTINGS } from '../../core/access-review/types';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const VAULT_SCOPE = `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kw-vault`;
const KW = '11111111-1111-1111-1111-111111111111';
const ra = (principalId: string, roleGuid: string, scope = VAULT_SCOPE, condition?: string): AzureRoleAssignment => ({
  id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${principalId.slice(0, 8)}-${roleGuid.slice(0, 8)}`,
  properties: { roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, principalId, principalType: 'ServicePrincipal', scope, ...(condition ? { condition } : {}) },
});
const CRYPTO_USER = '12338af0-0e69-4776-bea7-57ae8d297424';
const CUSTOM = 'c0ffee00-0000-4000-8000-000000000001';
const custom = (dataActions: string[], notDataActions: string[] = []) => ({ roleName: 'Batch decrypt', permissions: [{ actions: [], notActions: [], dataActions, notDataActions }] });
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const base = (over: Partial<AzureSnapshot> = {}): AzureSnapshot => ({
  keyRef: 'https://kw-vault.vault.azure.net/keys/tenant-key',
  key: { enabled: true, exportable: false, recoveryLevel: 'Recoverable', kty: 'RSA-HSM' },
  rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeAfterCreate: 'P90D' } }] },
  vault: { properties: { enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: true } },
  roleAssignments: [ra(KW, CRYPTO_USER)],
  keywardenPrincipal: KW,
  ...over,
});
const rules = (s: AzureSnapshot, settings = DEFAULT_SETTINGS) => concludeAzure(s, settings).findings.map((f) => f.rule).sort();

describe('Azure findings', () => {
  it('a healthy key raises nothing', () => expect(rules(base())).toEqual([]));
  it.each([
    ['purge_protection_off', base({ vault: { properties: { enableSoftDelete: true, enablePurgeProtection: false, enableRbacAuthorization: true } } }), base()],
    ['purge_protection_off', base({ vault: { properties: { enableSoftDelete: false, enablePurgeProtection: true, enableRbacAuthorization: true } } }), base()],
    ['key_exportable', base({ key: { enabled: true, exportable: true, kty: 'RSA-HSM' } }), base({ key: { enabled: true, exportable: false, kty: 'RSA-HSM' } })],
    ['foreign_grant', base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('22222222-2222-2222-2222-222222222222', CRYPTO_USER)] }), base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('22222222-2222-2222-2222-222222222222', '21090545-7ca7-4776-b22c-e363652d74d2')] })],
    ['foreign_grant', base({ vault: { properties: { enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: false, accessPolicies: [{ objectId: 'aaaa', permissions: { keys: ['get', 'unwrapKey'] } }] } } }), base({ vault: { properties: { enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: false, accessPolicies: [{ objectId: 'aaaa', permissions: { keys: ['get', 'list'] } }] } } })],
    ['rotation_off', base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Notify' }, trigger: { timeBeforeExpiry: 'P30D' } }] } }), base()],
    ['rotation_off', base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeAfterCreate: 'P2Y' } }] } }), base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeAfterCreate: 'P1Y' } }] } })],
    ['no_separation_of_duties', base({ roleAssignments: [ra(KW, CRYPTO_USER), ra(KW, OWNER)] }), base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('33333333-3333-3333-3333-333333333333', OWNER)] })],
    ['key_disabled', base({ key: { enabled: false, kty: 'RSA-HSM' } }), base()],
    // Key Vault's default policy (never set: no id, Notify only) against a set one that rotates.
    ['rotation_off', base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Notify' }, trigger: { timeBeforeExpiry: 'P30D' } }] } }), base({ rotationPolicy: { id: 'https://kw-vault.vault.azure.net/keys/tenant-key/rotationpolicy', lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeAfterCreate: 'P365D' } }] } })],
    // Rotate before an expiry: the period is expiry minus that; no expiry means never.
    ['rotation_off', base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeBeforeExpiry: 'P30D' } }] } }), base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeBeforeExpiry: 'P30D' } }], attributes: { expiryTime: 'P1Y' } } })],
    ['rotation_off', base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeBeforeExpiry: 'P30D' } }], attributes: { expiryTime: 'P2Y' } } }), base({ rotationPolicy: { lifetimeActions: [{ action: { type: 'Rotate' }, trigger: { timeBeforeExpiry: 'P30D' } }], attributes: { expiryTime: 'P13M' } } })],
    // A custom role read from its definition: decrypt is use; the same role without it is not.
    ['foreign_grant', base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('55555555-5555-5555-5555-555555555555', CUSTOM)], roleDefinitions: { [CUSTOM]: custom(['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/decrypt/action']) } }), base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('55555555-5555-5555-5555-555555555555', CUSTOM)], roleDefinitions: { [CUSTOM]: custom(['Microsoft.KeyVault/vaults/keys/read']) } })],
    // Wildcards, and notDataActions taking one away.
    ['foreign_grant', base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('55555555-5555-5555-5555-555555555555', CUSTOM)], roleDefinitions: { [CUSTOM]: custom(['Microsoft.KeyVault/vaults/keys/*']) } }), base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('55555555-5555-5555-5555-555555555555', CUSTOM)], roleDefinitions: { [CUSTOM]: custom(['Microsoft.KeyVault/vaults/keys/*'], ['Microsoft.KeyVault/vaults/keys/*/action']) } })],
  ] as const)('%s', (rule, raises, close) => {
    expect(rules(raises)).toContain(rule);
    expect(rules(close)).not.toContain(rule);
  });
  it('hsm_missing with require_hsm and a software key only', () => {
    expect(rules(base({ key: { enabled: true, kty: 'RSA' } }), { allow_list: [], require_hsm: true })).toEqual(['hsm_missing']);
    expect(rules(base({ key: { enabled: true, kty: 'RSA-HSM' } }), { allow_list: [], require_hsm: true })).toEqual([]);
  });
  it('lists the role assignment at vault scope as inherited, and an unknown role as a gap', () => {
    const c = concludeAzure(base({ roleAssignments: [ra(KW, CRYPTO_USER), ra('44444444-4444-4444-4444-444444444444', 'deadbeef-0000-0000-0000-000000000000')] }), DEFAULT_SETTINGS);
    expect(c.principals).toEqual([expect.objectContaining({ principal: KW, capability: 'use', via: 'role_assignment', inherited: true })]);
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'unknown_role', where: 'roleDefinitions.getById' })]);
    expect(concludeAzure(base({ vault: { properties: { enablePurgeProtection: false } } }), DEFAULT_SETTINGS).findings[0]!.checks).toMatchObject({ prowler: 'keyvault_recoverable' });
  });
  it('maps each Azure finding to the public check of its kind', () => {
    const ap = concludeAzure(base({ vault: { properties: { enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: false, accessPolicies: [{ objectId: 'aaaa', permissions: { keys: ['unwrapKey'] } }] } } }), DEFAULT_SETTINGS).findings[0]!;
    expect(ap.checks).toMatchObject({ prowler: 'keyvault_rbac_enabled', other: 'Azure Policy: Azure Key Vault should use RBAC permission model' });
    const rbac = concludeAzure(base({ roleAssignments: [ra('22222222-2222-2222-2222-222222222222', CRYPTO_USER)] }), DEFAULT_SETTINGS).findings[0]!;
    expect(rbac.reason).toMatch(/holds Key Vault Crypto User at the vault scope/);
    expect(rbac.checks.other).toMatch(/PA-7/);
    expect(concludeAzure(base({ rotationPolicy: { lifetimeActions: [] } }), DEFAULT_SETTINGS).findings[0]!.checks).toMatchObject({ prowler: 'keyvault_key_rotation_enabled' });
    expect(concludeAzure(base({ roleAssignments: [ra('22222222-2222-2222-2222-222222222222', CRYPTO_USER)] }), { allow_list: ['22222222-2222-2222-2222-222222222222'], require_hsm: false }).findings).toEqual([]);
    // Object ids in any letter case name the same principal; a near miss does not.
    expect(concludeAzure(base({ roleAssignments: [ra('abcdefab-2222-2222-2222-222222222222', CRYPTO_USER)] }), { allow_list: ['ABCDEFAB-2222-2222-2222-222222222222'], require_hsm: false }).findings).toEqual([]);
    expect(concludeAzure(base({ roleAssignments: [ra('abcdefab-2222-2222-2222-222222222222', CRYPTO_USER)] }), { allow_list: ['abcdefab-2222-2222-2222-22222222222'], require_hsm: false }).findings.map((f) => f.rule)).toEqual(['foreign_grant']);
    expect(concludeAzure(base({ keywardenPrincipal: 'ABCDEF01-1111-1111-1111-111111111111', roleAssignments: [ra('abcdef01-1111-1111-1111-111111111111', CRYPTO_USER)] }), DEFAULT_SETTINGS).findings).toEqual([]);
  });

  it("reads what a role definition allows on the key (Owner administers, Contributor can rewrite access policies, Reader nothing)", () => {
    const def = (actions: string[], notActions: string[] = [], dataActions: string[] = []) => ({ roleName: 'r', permissions: [{ actions, notActions, dataActions, notDataActions: [] }] });
    expect(azureRoleCapabilities(def(['*']))).toEqual(['manage_policy', 'schedule_deletion']);
    expect(azureRoleCapabilities(def(['*'], ['Microsoft.Authorization/*/Write', 'Microsoft.KeyVault/vaults/accessPolicies/write', 'Microsoft.KeyVault/vaults/write']))).toEqual(['schedule_deletion']);
    expect(azureRoleCapabilities(def(['*/read']))).toEqual([]);
    expect(azureRoleCapabilities(def([], [], ['Microsoft.KeyVault/vaults/*']))).toEqual(['use', 'schedule_deletion']);
    // A pattern is not a regular expression: dots match dots only.
    expect(azureRoleCapabilities(def([], [], ['Microsoft.KeyVault/vaults/keys/decrypt.action']))).toEqual([]);
  });

  it('reads ISO 8601 durations and refuses what is not one', () => {
    expect(isoDurationDays('P90D')).toBe(90);
    expect(isoDurationDays('P1Y')).toBe(365);
    expect(isoDurationDays('P1Y1M')).toBe(395);
    expect(isoDurationDays('P')).toBeUndefined();
    expect(isoDurationDays('90 days')).toBeUndefined();
  });
});
