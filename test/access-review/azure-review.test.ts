/**
 * The Azure review through the real SDKs (@azure/keyvault-keys, @azure/arm-keyvault,
 * @azure/arm-authorization) against the wire fakes: the key's attributes and rotation
 * policy, the vault, the role assignments on the key (paged by nextLink) and the role
 * definitions they name, each a recorded call carrying its correlation id; a denied read
 * naming the exact permission while the rest still counts; no resource id configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewReads } from '../../core/access-review/reads';
import { createAzureReviewer } from '../../core/access-review/reviewers';
import { DEFAULT_SETTINGS, type ReviewSettings } from '../../core/access-review/types';
import { ManualClock } from '../../core/clock';
import { parseVaultResourceId } from '../../core/providers/azure/key-review';
import type { KmsCallRow } from '../../core/store/rows';
import { ARM_PERMISSION, ROLE } from '../fakes/azure';
import { SECRET_VAR, setupAzure, type AzureSetup } from '../fakes/azure/harness';

let az: AzureSetup;
let kwObjectId: string;
const OTHER = '7d3c1b2a-1111-4222-8333-444455556666';

beforeAll(async () => {
  az = await setupAzure();
  // Keywarden's app: the object id RBAC names is in its tokens' oid claim.
  kwObjectId = az.fake.registerApp({ clientId: az.clientId, clientSecret: az.secret, objectId: '0a0b0c0d-0000-4000-8000-00000000abcd' }).objectId;
});
afterAll(() => az?.fake.close());

const settings = (over: Partial<ReviewSettings> = {}): ReviewSettings => ({ ...DEFAULT_SETTINGS, azure_vault_resource_id: az.fake.arm.vaultId, azure_arm_endpoint: az.fake.armEndpoint, ...over });

async function review(s: ReviewSettings) {
  const factory = createAzureReviewer({ extraCaPem: az.fake.caPem });
  const config = { vault_url: az.fake.vaultUrl, azure_tenant_id: az.fake.tenantId, client_id: az.clientId, client_secret_env_var: SECRET_VAR, endpoint: az.fake.vaultUrl, authority_host: az.fake.authorityHost };
  const reviewer = factory({ kms_key_ref: az.fake.keyUrl(az.keyName), config }, az.deps);
  const rows: Omit<KmsCallRow, 'id'>[] = [];
  const reads = new ReviewReads({ tenantId: 't', provider: 'azure', keyRef: az.fake.keyUrl(az.keyName) }, (r) => rows.push(r), new ManualClock('2026-12-01T00:00:00.000Z'), () => reviewer.principal());
  try {
    const out = await reviewer.run(reads, s);
    return { ...out, rows, gaps: [...reads.gaps, ...out.conclusions.gaps] };
  } finally {
    reviewer.close();
  }
}

describe('Azure review reads against the fakes', () => {
  it('reads the key, its rotation policy, the vault, every page of role assignments and their roles, one recorded call each', async () => {
    const arm = az.fake.arm;
    arm.pageSize = 2;
    arm.assign(kwObjectId, ROLE.cryptoServiceEncryptionUser, { scope: arm.keyScope(az.keyName) });
    arm.assign(OTHER, ROLE.cryptoUser);
    arm.assign('5e5e5e5e-0000-4000-8000-000000000001', ROLE.owner, { scope: `/subscriptions/${az.fake.subscriptionId}`, principalType: 'User' });
    arm.assign('5e5e5e5e-0000-4000-8000-000000000002', ROLE.reader);
    arm.assign('5e5e5e5e-0000-4000-8000-000000000003', ROLE.cryptoUser, { scope: arm.keyScope('another-key') });
    arm.vault!.properties.enablePurgeProtection = false;
    const kr = az.fake.keyReview(az.keyName);
    kr.exportable = true;
    kr.rotationPolicy = { lifetimeActions: [{ trigger: { timeAfterCreate: 'P18M' }, action: { type: 'Rotate' } }], attributes: { expiryTime: 'P2Y' } };

    const r = await review(settings());
    expect(r.gaps).toEqual([]);
    // Four assignments reach the key (the other key's does not): two pages of two, the second without nextLink.
    expect(r.rows.map((x) => [x.provider, x.operation])).toEqual([
      ['azure', 'review_get_key'],
      ['azure', 'review_rotation_policy'],
      ['azure-arm', 'review_get_vault'],
      ['azure-arm', 'review_role_assignments'],
      ['azure-arm', 'review_role_assignments'],
      ['azure-arm', 'review_role_definition'],
      ['azure-arm', 'review_role_definition'],
      ['azure-arm', 'review_role_definition'],
      ['azure-arm', 'review_role_definition'],
    ]);
    expect(r.rows.every((x) => x.outcome === 'ok')).toBe(true);
    const armRequests = arm.requests;
    for (const row of r.rows.filter((x) => x.provider === 'azure-arm')) {
      expect(armRequests.some((q) => q.clientRequestId === row.correlation_id && q.userAgent.includes(`keywarden-cid/${row.correlation_id}`))).toBe(true);
    }
    // Each page is its own request with its own correlation id.
    const pageRows = r.rows.filter((x) => x.operation === 'review_role_assignments');
    for (const row of pageRows) expect(armRequests.filter((q) => q.path.includes('roleAssignments') && q.clientRequestId === row.correlation_id)).toHaveLength(1);
    expect(armRequests.some((q) => q.path.includes('$skipToken=2'))).toBe(true);
    const kvRequests = az.fake.requests();
    for (const row of r.rows.filter((x) => x.provider === 'azure')) expect(kvRequests.some((q) => String(q.headers['user-agent']).includes(`keywarden-cid/${row.correlation_id}`))).toBe(true);

    expect(r.keywardenPrincipal).toBe(kwObjectId);
    expect(r.conclusions.facts).toMatchObject({ exportable: true, purge_protection: false, soft_delete: true, rbac: true, role_assignments: 4, rotation_days: 540, recovery_level: 'Recoverable+Purgeable' });
    expect(r.conclusions.findings.map((f) => f.rule).sort()).toEqual(['foreign_grant', 'key_exportable', 'purge_protection_off', 'rotation_off']);
    const foreign = r.conclusions.findings.find((f) => f.rule === 'foreign_grant')!;
    expect(foreign.reason).toMatch(new RegExp(`${OTHER} holds Key Vault Crypto User at the vault scope`));
    expect(r.conclusions.findings.find((f) => f.rule === 'rotation_off')!.checks).toMatchObject({ prowler: 'keyvault_key_rotation_enabled' });
    // Roles named from their definitions; the subscription Owner can change access; Reader gives nothing on the key.
    expect(r.conclusions.principals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ principal: kwObjectId, capability: 'use', ref: expect.stringContaining('Key Vault Crypto Service Encryption User') }),
        expect.objectContaining({ principal: '5e5e5e5e-0000-4000-8000-000000000001', capability: 'manage_policy', inherited: true }),
      ]),
    );
    expect(r.conclusions.principals.some((p) => p.principal === '5e5e5e5e-0000-4000-8000-000000000002')).toBe(false);
    expect(r.conclusions.principals.find((p) => p.principal === kwObjectId)!.inherited).toBeUndefined();
    expect((r.raw.role_assignments as unknown[]).length).toBe(4);
  });

  it.each([
    [ARM_PERMISSION.roleAssignmentsRead, 'roleAssignments.listForScope'],
    [ARM_PERMISSION.vaultRead, 'vaults.get'],
  ])('a caller without %s gets a partial review naming it, with what it could read', async (permission, where) => {
    az.fake.arm.denied.add(permission);
    try {
      const r = await review(settings());
      expect(r.gaps).toEqual([expect.objectContaining({ where, kind: 'permission_missing', permission })]);
      expect(r.gaps[0]!.message).toContain(`lacks ${permission}`);
      expect(r.conclusions.facts.exportable).toBe(true);
      if (where === 'vaults.get') {
        expect(r.conclusions.facts.purge_protection).toBeNull();
        expect(r.conclusions.principals.length).toBeGreaterThan(0);
      } else {
        expect(r.conclusions.facts.role_assignments).toBeNull();
        expect(r.conclusions.findings.map((f) => f.rule)).toContain('purge_protection_off');
      }
      const failed = r.rows.filter((x) => x.outcome !== 'ok');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.outcome).toBe('access_denied');
    } finally {
      az.fake.arm.denied.clear();
    }
  });

  it('without role definitions read, built-in roles still count and the gap names the permission; a denied rotation policy likewise', async () => {
    az.fake.arm.denied.add(ARM_PERMISSION.roleDefinitionsRead);
    az.fake.keyReview(az.keyName).denyRotationPolicy = true;
    try {
      const r = await review(settings());
      const wheres = r.gaps.map((g) => `${g.where}:${g.permission ?? g.kind}`);
      expect(wheres).toContain(`roleDefinitions.getById:${ARM_PERMISSION.roleDefinitionsRead}`);
      expect(wheres).toContain('getKeyRotationPolicy:Microsoft.KeyVault/vaults/keys/rotationpolicy/read (access policy: key permission getrotationpolicy)');
      expect(r.conclusions.findings.some((f) => f.rule === 'foreign_grant')).toBe(true);
      expect(r.conclusions.facts.rotation_days).toBeNull();
    } finally {
      az.fake.arm.denied.clear();
      az.fake.keyReview(az.keyName).denyRotationPolicy = false;
    }
  });

  it('reads thousands of assignments page by page, each page one recorded call; a failing page keeps what came before and says so', async () => {
    const arm = az.fake.arm;
    const kept = arm.roleAssignments.length;
    arm.pageSize = 100;
    for (let i = 0; i < 2000; i++) arm.assign(`00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, ROLE.reader);
    try {
      const r = await review(settings());
      expect(r.gaps).toEqual([]);
      expect(r.rows.filter((x) => x.operation === 'review_role_assignments')).toHaveLength(21);
      expect(r.conclusions.facts.role_assignments).toBe(2000 + 4);
      // Page 3 onwards refused: two pages kept, the gap says the list stopped.
      let pages = 0;
      const original = arm.handle.bind(arm);
      arm.handle = (req, res) => {
        if (/roleAssignments/.test(req.url ?? '') && ++pages >= 3) arm.denied.add('Microsoft.Authorization/roleAssignments/read');
        return original(req, res);
      };
      const partial = await review(settings());
      arm.handle = original;
      expect(partial.gaps.map((g) => [g.where, g.kind])).toEqual([
        ['roleAssignments.listForScope', 'permission_missing'],
        ['roleAssignments.listForScope', 'truncated'],
      ]);
      expect(partial.gaps[1]!.message).toMatch(/stopped after 200 assignment\(s\) \(page 3 failed\)/);
      expect(partial.conclusions.facts.role_assignments).toBe(200);
    } finally {
      arm.denied.clear();
      arm.roleAssignments.splice(kept);
      arm.pageSize = 2;
    }
  });

  it('a resource id naming another resource group is a gap that says which setting to fix', async () => {
    const r = await review(settings({ azure_vault_resource_id: az.fake.arm.vaultId.replace('keywarden-test', 'other-rg') }));
    const gap = r.gaps.find((g) => g.where === 'vaults.get')!;
    expect(gap.kind).toBe('invalid_key');
    expect(gap.message).toMatch(/resourceGroups\/other-rg\/.* was not found \(ResourceNotFound, HTTP 404\): check the review setting azure_vault_resource_id/);
    expect(r.conclusions.facts.exportable).toBe(true);
  });

  it('without the vault resource id the review reads Key Vault only and says how to give it', async () => {
    const before = az.fake.arm.requests.length;
    const r = await review({ ...DEFAULT_SETTINGS });
    expect(az.fake.arm.requests.length).toBe(before);
    expect(r.gaps.map((g) => [g.where, g.kind])).toEqual([['vaults.get', 'not_configured'], ['roleAssignments.listForScope', 'not_configured']]);
    expect(r.gaps[0]!.message).toMatch(/--azure-vault-resource-id \/subscriptions\//);
    expect(r.rows.map((x) => x.operation)).toEqual(['review_get_key', 'review_rotation_policy']);
  });
});

describe('the vault resource id', () => {
  const id = '/subscriptions/00000000-0000-4000-8000-00000000a2a2/resourceGroups/kw-rg/providers/Microsoft.KeyVault/vaults/my-kv';
  it('parses one and names the wrong part of any other', () => {
    expect(parseVaultResourceId(id, 'https://my-kv.vault.azure.net')).toMatchObject({ subscriptionId: '00000000-0000-4000-8000-00000000a2a2', resourceGroup: 'kw-rg', vaultName: 'my-kv' });
    const field = (v: string, url?: string) => {
      try {
        parseVaultResourceId(v, url);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(field('my-kv')).toMatch(/must be the vault's resource ID/);
    expect(field(id.replace('00000000-0000-4000-8000-00000000a2a2', 'prod'))).toMatch(/subscription id 'prod' is not a GUID/);
    expect(field(id.replace('kw-rg', 'bad rg.'))).toMatch(/is not a resource group name/);
    expect(field(id.replace('my-kv', '9kv'))).toMatch(/is not a vault name/);
    expect(field(id, 'https://other-kv.vault.azure.net')).toMatch(/names vault 'my-kv', but the tenant's key is in other-kv.vault.azure.net/);
    expect(field(`${id}/keys/k`)).toMatch(/must be the vault's resource ID/);
  });
});
