/**
 * From what the Azure reads return (the key's attributes, its rotation policy, the vault's
 * ARM properties with access policies, and the role assignments at the key and vault
 * scope) to who can do what and what is wrong. Pure. Shapes follow the Key Vault REST
 * (`attributes.exportable`, `lifetimeActions`) and ARM (`properties.enablePurgeProtection`,
 * `properties.roleDefinitionId`) documents.
 */
import { isAllowListed } from './allow-list';
import { finding, separationOfDuties, type Conclusions } from './conclusions';
import { AZURE_ACCESS_POLICY_CHECKS, AZURE_RBAC_CHECKS, AZURE_ROTATION_CHECKS } from './rules';
import type { Capability, PrincipalAccess, ReviewGap, ReviewSettings } from './types';

export interface AzureRoleAssignment {
  id: string;
  properties: { roleDefinitionId: string; principalId: string; principalType?: string; scope?: string; condition?: string | null };
}

export interface AzureAccessPolicy {
  tenantId?: string;
  objectId: string;
  permissions: { keys?: string[] };
}

/** A role definition as Resource Manager returns it (roleDefinitions.getById). */
export interface AzureRoleDefinition {
  roleName: string;
  permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
}

export interface AzureSnapshot {
  keyRef: string;
  key?: { enabled?: boolean; exportable?: boolean; recoveryLevel?: string; kty?: string; expires?: string };
  rotationPolicy?: { id?: string; lifetimeActions?: { action?: { type?: string }; trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string } }[]; attributes?: { expiryTime?: string } };
  /** Role definitions read, by GUID (lower case): they name the role and say what it allows. */
  roleDefinitions?: Record<string, AzureRoleDefinition>;
  vault?: { properties?: { enableSoftDelete?: boolean; enablePurgeProtection?: boolean; enableRbacAuthorization?: boolean; accessPolicies?: AzureAccessPolicy[] } };
  roleAssignments?: AzureRoleAssignment[];
  /** The object id Keywarden's credential runs as, when known. */
  keywardenPrincipal?: string;
}

/** Built-in role definition GUIDs (Azure built-in roles reference) and what they allow on a key. */
const BUILT_IN: Record<string, { name: string; caps: Capability[] }> = {
  '12338af0-0e69-4776-bea7-57ae8d297424': { name: 'Key Vault Crypto User', caps: ['use'] },
  'e147488a-f6f5-4113-8e2d-b22465e65bf6': { name: 'Key Vault Crypto Service Encryption User', caps: ['use'] },
  '14b46e9e-c2b7-41b4-b07b-48a6ebf60603': { name: 'Key Vault Crypto Officer', caps: ['use', 'schedule_deletion'] },
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': { name: 'Key Vault Administrator', caps: ['use', 'schedule_deletion'] },
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': { name: 'Owner', caps: ['manage_policy', 'schedule_deletion'] },
  'b24988ac-6180-42a0-ab88-20f7382dd24c': { name: 'Contributor', caps: ['manage_policy', 'schedule_deletion'] },
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': { name: 'User Access Administrator', caps: ['manage_policy'] },
  '21090545-7ca7-4776-b22c-e363652d74d2': { name: 'Key Vault Reader', caps: [] },
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': { name: 'Reader', caps: [] },
};

/** What a key's data actions and the management actions give (Key Vault RBAC actions reference). */
const CAPABILITY_ACTIONS: { cap: Capability; data: string[]; control: string[] }[] = [
  { cap: 'use', data: ['Microsoft.KeyVault/vaults/keys/decrypt/action', 'Microsoft.KeyVault/vaults/keys/encrypt/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action', 'Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/release/action'], control: [] },
  { cap: 'manage_policy', data: [], control: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.KeyVault/vaults/accessPolicies/write', 'Microsoft.KeyVault/vaults/write'] },
  { cap: 'schedule_deletion', data: ['Microsoft.KeyVault/vaults/keys/delete', 'Microsoft.KeyVault/vaults/keys/purge/action'], control: ['Microsoft.KeyVault/vaults/delete'] },
];

function azureActionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(action);
}

const allowedBy = (allow: string[], deny: string[], action: string) => allow.some((p) => azureActionMatches(p, action)) && !deny.some((p) => azureActionMatches(p, action));

/** What a role definition's permissions let a principal do with the key. */
export function azureRoleCapabilities(def: AzureRoleDefinition): Capability[] {
  return CAPABILITY_ACTIONS.filter(({ data, control }) =>
    def.permissions.some((p) => data.some((a) => allowedBy(p.dataActions, p.notDataActions, a)) || control.some((a) => allowedBy(p.actions, p.notActions, a))),
  ).map((c) => c.cap);
}

/** Where a role assignment's scope sits relative to the key. */
function scopeLevel(scope: string | undefined): { inherited: boolean; label: string } {
  const s = (scope ?? '').toLowerCase();
  if (s.includes('/keys/')) return { inherited: false, label: 'the key' };
  if (s.includes('/providers/microsoft.keyvault/vaults/')) return { inherited: true, label: 'the vault' };
  if (s.includes('/resourcegroups/')) return { inherited: true, label: 'the resource group' };
  if (s.startsWith('/subscriptions/')) return { inherited: true, label: 'the subscription' };
  if (s.startsWith('/providers/microsoft.management/managementgroups/')) return { inherited: true, label: 'a management group' };
  return { inherited: true, label: s === '/' ? 'the root scope' : 'a parent scope' };
}

const USE_OPS = new Set(['decrypt', 'encrypt', 'unwrapkey', 'wrapkey', 'sign', 'release', 'all']);
const DELETE_OPS = new Set(['delete', 'purge', 'all']);
const MAX_ROTATION_DAYS = 365;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Days of an ISO 8601 duration (P1Y2M10D, P90D); undefined when it is not one. */
export function isoDurationDays(d: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(d);
  if (!m || d === 'P') return undefined;
  return Number(m[1] ?? 0) * 365 + Number(m[2] ?? 0) * 30 + Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0);
}

export function concludeAzure(s: AzureSnapshot, settings: ReviewSettings): Conclusions {
  const principals: PrincipalAccess[] = [];
  const findings: Conclusions['findings'] = [];
  const gaps: ReviewGap[] = [];
  // Object ids are GUIDs: the same principal whatever the letter case it is written in.
  const id = (p: string) => (GUID.test(p) ? p.toLowerCase() : p);
  const allowList = settings.allow_list.map(id);
  const isKeywarden = (p: string) => !!s.keywardenPrincipal && id(p) === id(s.keywardenPrincipal);
  const allowed = (p: string) => isKeywarden(p) || isAllowListed(id(p), allowList);

  for (const ra of s.roleAssignments ?? []) {
    const guid = ra.properties.roleDefinitionId.split('/').pop()?.toLowerCase() ?? '';
    const read = s.roleDefinitions?.[guid];
    const role = read ? { name: read.roleName, caps: azureRoleCapabilities(read) } : BUILT_IN[guid];
    const assignment = ra.id.split('/').pop();
    if (!role) {
      gaps.push({ where: 'roleDefinitions.getById', kind: 'unknown_role', message: `role definition ${guid.slice(0, 60)} could not be read and is not a built-in role the review knows: assignment ${assignment} is not in the principals table` });
      continue;
    }
    const level = scopeLevel(ra.properties.scope);
    for (const capability of role.caps) {
      principals.push({ principal: ra.properties.principalId, capability, via: 'role_assignment', ref: `${role.name} (${assignment})`, actions: [role.name], conditional: !!ra.properties.condition, ...(level.inherited ? { inherited: true } : {}) });
    }
    if (role.caps.includes('use') && !allowed(ra.properties.principalId)) {
      findings.push(finding('foreign_grant', ra.id, `${ra.properties.principalType ?? 'principal'} ${ra.properties.principalId} holds ${role.name} at ${level.label} scope, so it can use the key; it is not Keywarden's principal and not on the allow-list`, JSON.stringify(ra), AZURE_RBAC_CHECKS));
    }
  }
  const props = s.vault?.properties;
  if (props && props.enableRbacAuthorization !== true) {
    for (const ap of props.accessPolicies ?? []) {
      const ops = (ap.permissions.keys ?? []).map((o) => o.toLowerCase());
      const caps: Capability[] = [];
      if (ops.some((o) => USE_OPS.has(o))) caps.push('use');
      if (ops.some((o) => DELETE_OPS.has(o))) caps.push('schedule_deletion');
      for (const capability of caps) principals.push({ principal: ap.objectId, capability, via: 'access_policy', ref: `access policy ${ap.objectId}`, actions: ap.permissions.keys ?? [], conditional: false, inherited: true });
      if (caps.includes('use') && !allowed(ap.objectId)) {
        findings.push(finding('foreign_grant', `access_policy:${ap.objectId}`, `the vault's access policy for ${ap.objectId} allows ${ops.join(', ')} on every key in the vault; it is not Keywarden's principal and not on the allow-list`, JSON.stringify(ap), AZURE_ACCESS_POLICY_CHECKS));
      }
    }
  }
  if (props) {
    if (props.enableSoftDelete === false || props.enablePurgeProtection !== true) {
      findings.push(finding('purge_protection_off', 'vault', `the vault has ${props.enableSoftDelete === false ? 'soft delete off' : 'no purge protection'}: a deleted key can be purged at once`, JSON.stringify({ enableSoftDelete: props.enableSoftDelete ?? null, enablePurgeProtection: props.enablePurgeProtection ?? null })));
    }
  }
  const k = s.key;
  if (k) {
    if (k.exportable === true) findings.push(finding('key_exportable', 'key', 'the key is exportable: its private material can leave the vault under a release policy', JSON.stringify({ exportable: true })));
    if (k.enabled === false) findings.push(finding('key_disabled', 'key', 'the key is disabled: the tenant cannot unwrap its master keys', JSON.stringify({ enabled: false })));
    if (settings.require_hsm && k.kty && !k.kty.endsWith('-HSM')) findings.push(finding('hsm_missing', 'key', `the tenant requires HSM protection, but the key type is ${k.kty}`, JSON.stringify({ kty: k.kty })));
  }
  let rotationDays: number | null = null;
  if (s.rotationPolicy) {
    const rotate = (s.rotationPolicy.lifetimeActions ?? []).find((a) => a.action?.type?.toLowerCase() === 'rotate');
    const after = rotate?.trigger?.timeAfterCreate ? isoDurationDays(rotate.trigger.timeAfterCreate) : undefined;
    // A Rotate before expiry rotates at (expiry - that duration) after creation.
    const expiry = s.rotationPolicy.attributes?.expiryTime ? isoDurationDays(s.rotationPolicy.attributes.expiryTime) : undefined;
    const before = rotate?.trigger?.timeBeforeExpiry ? isoDurationDays(rotate.trigger.timeBeforeExpiry) : undefined;
    const days = after ?? (expiry !== undefined && before !== undefined ? expiry - before : undefined);
    rotationDays = days ?? null;
    const fragment = JSON.stringify(s.rotationPolicy);
    if (!rotate) {
      findings.push(finding('rotation_off', 'key', s.rotationPolicy.id ? 'the rotation policy has no Rotate action' : "the key has no rotation policy (Key Vault answered its default: notify before expiry, never rotate)", fragment, AZURE_ROTATION_CHECKS));
    } else if (days === undefined) {
      findings.push(finding('rotation_off', 'key', 'the Rotate action is timed before an expiry the policy does not set: the key never rotates', fragment, AZURE_ROTATION_CHECKS));
    } else if (days > MAX_ROTATION_DAYS) {
      findings.push(finding('rotation_off', 'key', `the key rotates ${days} days after creation, longer than ${MAX_ROTATION_DAYS}`, JSON.stringify(rotate), AZURE_ROTATION_CHECKS));
    }
  }
  findings.push(...separationOfDuties(principals, () => false));
  const facts: Conclusions['facts'] = {
    key_state: k ? (k.enabled === false ? 'Disabled' : 'Enabled') : null,
    key_type: k?.kty ?? null,
    exportable: k?.exportable ?? null,
    purge_protection: props ? props.enablePurgeProtection === true : null,
    soft_delete: props ? props.enableSoftDelete !== false : null,
    rbac: props ? props.enableRbacAuthorization === true : null,
    role_assignments: s.roleAssignments?.length ?? null,
    access_policies: props && props.enableRbacAuthorization !== true ? (props.accessPolicies?.length ?? 0) : null,
    rotation_days: rotationDays,
    recovery_level: k?.recoveryLevel ?? null,
    expires: k?.expires ?? null,
  };
  const seen = new Set<string>();
  return { principals, findings: findings.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true))), gaps, facts };
}
