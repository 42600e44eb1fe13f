/**
 * The Azure reads in order: the key (getKey) and its rotation policy from Key Vault; then,
 * when the review settings name the vault's resource id, from Resource Manager: the vault
 * (vaults.get), the role assignments effective on the key (every page, each its own
 * recorded call) and the definitions of the roles they name. Whatever fails is a gap
 * naming the permission; the rest still counts. Without the resource id the review says
 * what it could not read and how to give it.
 */
import type { AzureArmTarget, AzureKeyReviewReader, AzureRoleAssignmentView } from '../providers/azure/key-review';
import type { AzureRoleDefinition, AzureSnapshot } from './azure-conclude';
import type { ReviewReads } from './reads';
import type { ReviewSettings } from './types';

const ARM = 'azure-arm';
/** Enough pages for 100,000 assignments at ARM's page size; a longer chain is a loop. */
const MAX_PAGES = 1000;
/** Distinct roles read per review; real scopes name a handful. */
const MAX_ROLE_DEFINITIONS = 100;

export async function readAzure(reader: AzureKeyReviewReader, reads: ReviewReads, settings: ReviewSettings): Promise<{ snapshot: AzureSnapshot; raw: Record<string, unknown> }> {
  const snapshot: AzureSnapshot = { keyRef: reader.keyRef };
  const raw: Record<string, unknown> = {};
  const key = await reads.run({ operation: 'review_get_key', call: 'getKey', permission: 'Microsoft.KeyVault/vaults/keys/read (access policy: key permission get)' }, (cid) => reader.getKey(cid));
  if (key) snapshot.key = raw.key_attributes = key;
  const policy = await reads.run({ operation: 'review_rotation_policy', call: 'getKeyRotationPolicy', permission: 'Microsoft.KeyVault/vaults/keys/rotationpolicy/read (access policy: key permission getrotationpolicy)' }, (cid) => reader.getRotationPolicy(cid));
  if (policy) snapshot.rotationPolicy = raw.rotation_policy = policy;

  if (!settings.azure_vault_resource_id) {
    const how = 'set the vault\'s resource ID in the review settings (keywarden access settings --tenant <slug> --azure-vault-resource-id /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>)';
    reads.gap({ where: 'vaults.get', kind: 'not_configured', message: `the vault's soft delete, purge protection and access policies were not read: the review does not know the vault's subscription and resource group; ${how}` });
    reads.gap({ where: 'roleAssignments.listForScope', kind: 'not_configured', message: `who holds roles on the key and its vault was not read: the review does not know the vault's subscription; ${how}` });
  } else {
    const target: AzureArmTarget = { vaultResourceId: settings.azure_vault_resource_id, armEndpoint: settings.azure_arm_endpoint };
    const vault = await reads.run({ operation: 'review_get_vault', call: 'vaults.get', permission: 'Microsoft.KeyVault/vaults/read', provider: ARM }, (cid) => reader.getVault(cid, target));
    if (vault) snapshot.vault = raw.vault = vault;
    const assignments = await readAssignments(reader, reads, target);
    if (assignments) {
      snapshot.roleAssignments = raw.role_assignments = assignments;
      const definitions = await readDefinitions(reader, reads, target, assignments);
      snapshot.roleDefinitions = raw.role_definitions = definitions;
    }
  }
  const principal = reader.principal();
  if (principal) snapshot.keywardenPrincipal = principal;
  return { snapshot, raw };
}

/** Every page, or what was read before a page failed (real, just not all; the gap says so). */
async function readAssignments(reader: AzureKeyReviewReader, reads: ReviewReads, target: AzureArmTarget): Promise<AzureRoleAssignmentView[] | undefined> {
  const out: AzureRoleAssignmentView[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const got = await reads.run({ operation: 'review_role_assignments', call: 'roleAssignments.listForScope', permission: 'Microsoft.Authorization/roleAssignments/read', provider: ARM }, (cid) => reader.listRoleAssignmentsPage(cid, target, next));
    if (!got) {
      if (page === 0) return undefined;
      reads.gap({ where: 'roleAssignments.listForScope', kind: 'truncated', message: `the role assignment list stopped after ${out.length} assignment(s) (page ${page + 1} failed); later ones are not in this review` });
      return out;
    }
    out.push(...got.items);
    if (!got.next) return out;
    if (got.next === next) {
      reads.gap({ where: 'roleAssignments.listForScope', kind: 'truncated', message: `Resource Manager answered the same nextLink twice after ${out.length} assignments; the list stops there` });
      return out;
    }
    next = got.next;
  }
  reads.gap({ where: 'roleAssignments.listForScope', kind: 'truncated', message: `the role assignment list stopped after ${out.length} assignments (${MAX_PAGES} pages); later ones are not in this review` });
  return out;
}

async function readDefinitions(reader: AzureKeyReviewReader, reads: ReviewReads, target: AzureArmTarget, assignments: AzureRoleAssignmentView[]): Promise<Record<string, AzureRoleDefinition>> {
  const ids = [...new Map(assignments.map((a) => [a.properties.roleDefinitionId.split('/').pop()!.toLowerCase(), a.properties.roleDefinitionId])).entries()];
  const out: Record<string, AzureRoleDefinition> = {};
  for (const [guid, id] of ids.slice(0, MAX_ROLE_DEFINITIONS)) {
    const d = await reads.run({ operation: 'review_role_definition', call: 'roleDefinitions.getById', permission: 'Microsoft.Authorization/roleDefinitions/read', provider: ARM }, (cid) => reader.getRoleDefinition(cid, target, id));
    if (d) out[guid] = { roleName: d.roleName, permissions: d.permissions };
  }
  if (ids.length > MAX_ROLE_DEFINITIONS) {
    reads.gap({ where: 'roleDefinitions.getById', kind: 'truncated', message: `the assignments name ${ids.length} roles; the first ${MAX_ROLE_DEFINITIONS} were read, the others count only if they are built-in roles the review knows` });
  }
  return out;
}
