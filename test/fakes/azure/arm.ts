/**
 * A fake Azure Resource Manager, just the reads the key access review makes, shaped like
 * Microsoft's REST reference:
 *   GET /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}
 *       (Vaults - Get: properties.enableSoftDelete, enablePurgeProtection,
 *        enableRbacAuthorization, accessPolicies[{tenantId, objectId, permissions.keys}])
 *   GET /{scope}/providers/Microsoft.Authorization/roleAssignments
 *       (Role Assignments - List For Scope: {value:[{id, type, name, properties:{scope,
 *        roleDefinitionId, principalId, principalType, condition}}], nextLink})
 *       the assignments at the scope and at every scope above it, `pageSize` a page,
 *       `nextLink` an absolute URL with `$skipToken`
 *   GET /{roleDefinitionId}  (Role Definitions - Get By Id: {id, name, type,
 *       properties:{roleName, type, permissions:[{actions, notActions, dataActions,
 *       notDataActions}]}})
 * Bearer tokens from the fake authority for https://management.azure.com; a permission
 * put in `denied` answers 403 AuthorizationFailed naming that action, as ARM does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, type FakeAuthority } from './authority';

export interface ArmRoleAssignment {
  id: string;
  type: 'Microsoft.Authorization/roleAssignments';
  name: string;
  properties: { scope: string; roleDefinitionId: string; principalId: string; principalType: string; condition?: string | null; conditionVersion?: string | null; createdOn: string; updatedOn: string };
}

export interface ArmPermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface ArmVaultProperties {
  tenantId: string;
  sku: { family: 'A'; name: 'standard' | 'premium' };
  accessPolicies: { tenantId: string; objectId: string; applicationId?: string; permissions: { keys?: string[]; secrets?: string[]; certificates?: string[] } }[];
  vaultUri: string;
  enabledForDeployment: boolean;
  enableSoftDelete?: boolean;
  softDeleteRetentionInDays?: number;
  enableRbacAuthorization: boolean;
  enablePurgeProtection?: boolean;
  provisioningState: 'Succeeded';
  publicNetworkAccess: 'Enabled' | 'Disabled';
}

const perm = (p: Partial<ArmPermission>): ArmPermission[] => [{ actions: [], notActions: [], dataActions: [], notDataActions: [], ...p }];

/** Built-in roles (Azure built-in roles reference): the GUID, the name and the permissions that matter for a key. */
export const BUILT_IN_ROLES: Record<string, { roleName: string; permissions: ArmPermission[] }> = {
  '12338af0-0e69-4776-bea7-57ae8d297424': {
    roleName: 'Key Vault Crypto User',
    permissions: perm({ dataActions: ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/update/action', 'Microsoft.KeyVault/vaults/keys/backup/action', 'Microsoft.KeyVault/vaults/keys/encrypt/action', 'Microsoft.KeyVault/vaults/keys/decrypt/action', 'Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action', 'Microsoft.KeyVault/vaults/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/verify/action'] }),
  },
  'e147488a-f6f5-4113-8e2d-b22465e65bf6': {
    roleName: 'Key Vault Crypto Service Encryption User',
    permissions: perm({ actions: ['Microsoft.EventGrid/eventSubscriptions/write', 'Microsoft.EventGrid/eventSubscriptions/read', 'Microsoft.EventGrid/eventSubscriptions/delete'], dataActions: ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action'] }),
  },
  '14b46e9e-c2b7-41b4-b07b-48a6ebf60603': {
    roleName: 'Key Vault Crypto Officer',
    permissions: perm({ actions: ['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/operations/read'], dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'] }),
  },
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': {
    roleName: 'Key Vault Administrator',
    permissions: perm({ actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/operations/read'], dataActions: ['Microsoft.KeyVault/vaults/*'] }),
  },
  '21090545-7ca7-4776-b22c-e363652d74d2': {
    roleName: 'Key Vault Reader',
    permissions: perm({ actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/vaults/*/read'], dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'] }),
  },
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': { roleName: 'Owner', permissions: perm({ actions: ['*'] }) },
  'b24988ac-6180-42a0-ab88-20f7382dd24c': {
    roleName: 'Contributor',
    permissions: perm({ actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action', 'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete', 'Microsoft.Compute/galleries/share/action'] }),
  },
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': { roleName: 'Reader', permissions: perm({ actions: ['*/read'] }) },
};

export const ROLE = {
  cryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  cryptoServiceEncryptionUser: 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
  cryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  administrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

/** The permission each read needs, as ARM names it in an AuthorizationFailed answer. */
export const ARM_PERMISSION = {
  vaultRead: 'Microsoft.KeyVault/vaults/read',
  roleAssignmentsRead: 'Microsoft.Authorization/roleAssignments/read',
  roleDefinitionsRead: 'Microsoft.Authorization/roleDefinitions/read',
} as const;

export class FakeArm {
  readonly roleAssignments: ArmRoleAssignment[] = [];
  readonly customRoles = new Map<string, { roleName: string; permissions: ArmPermission[] }>();
  /** Actions the caller lacks: the read that needs one answers 403 AuthorizationFailed. */
  readonly denied = new Set<string>();
  /** `METHOD path?query` and the correlation headers of every ARM request. */
  readonly requests: Array<{ method: string; path: string; userAgent: string; clientRequestId: string | undefined }> = [];
  pageSize = 100;
  vault: { properties: ArmVaultProperties } | null;
  private seq = 0;

  constructor(
    private readonly host: () => string,
    private readonly authority: FakeAuthority,
    readonly subscriptionId: string,
    readonly resourceGroup: string,
    readonly vaultName: string,
    vaultUri: () => string,
  ) {
    this.vault = {
      properties: {
        tenantId: authority.defaultTenantId,
        sku: { family: 'A', name: 'standard' },
        accessPolicies: [],
        get vaultUri() {
          return `${vaultUri()}/`;
        },
        enabledForDeployment: false,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enableRbacAuthorization: true,
        enablePurgeProtection: true,
        provisioningState: 'Succeeded',
        publicNetworkAccess: 'Enabled',
      },
    };
  }

  get vaultId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroup}/providers/Microsoft.KeyVault/vaults/${this.vaultName}`;
  }

  keyScope(keyName: string): string {
    return `${this.vaultId}/keys/${keyName}`;
  }

  /** Adds a role assignment at `scope` (default: the vault) for `principalId` with a role GUID. */
  assign(principalId: string, roleGuid: string, opts: { scope?: string; principalType?: string; condition?: string } = {}): ArmRoleAssignment {
    const scope = opts.scope ?? this.vaultId;
    const name = `${(++this.seq).toString(16).padStart(8, '0')}-0000-4000-8000-${principalId.replace(/-/g, '').slice(0, 12).padEnd(12, '0')}`;
    const a: ArmRoleAssignment = {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      type: 'Microsoft.Authorization/roleAssignments',
      name,
      properties: {
        scope,
        roleDefinitionId: `/subscriptions/${this.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        principalId,
        principalType: opts.principalType ?? 'ServicePrincipal',
        condition: opts.condition ?? null,
        conditionVersion: opts.condition ? '2.0' : null,
        createdOn: '2026-11-02T10:00:00.0000000Z',
        updatedOn: '2026-11-02T10:00:00.0000000Z',
      },
    };
    this.roleAssignments.push(a);
    return a;
  }

  /** Returns true when the request was an ARM route and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'https://x');
    const p = decodeURIComponent(url.pathname);
    const vault = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/i.exec(p);
    const assignments = /^(\/.*)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(p);
    const definition = /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i.exec(p);
    if (!vault && !assignments && !definition) return false;
    this.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, userAgent: String(req.headers['user-agent'] ?? ''), clientRequestId: req.headers['x-ms-client-request-id'] as string | undefined });
    if (req.method !== 'GET') return this.fail(res, 405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    if (!url.searchParams.get('api-version')) return this.fail(res, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    const who = this.authority.principalOf(req.headers.authorization);
    if (!who) return this.fail(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing or the token is not valid.");
    if (!/^https:\/\/management\.(?:core\.windows\.net|azure\.com)\/?(?:\.default)?$/.test(who.scope)) {
      return this.fail(res, 401, 'InvalidAuthenticationTokenAudience', "The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.");
    }
    const denied = (action: string, scope: string) =>
      this.fail(res, 403, 'AuthorizationFailed', `The client '${who.appId}' with object id '${who.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);

    if (vault) {
      if (this.denied.has(ARM_PERMISSION.vaultRead)) return denied(ARM_PERMISSION.vaultRead, p);
      const [, sub, rg, name] = vault as unknown as [string, string, string, string];
      if (!this.vault || sub.toLowerCase() !== this.subscriptionId || rg.toLowerCase() !== this.resourceGroup.toLowerCase() || name.toLowerCase() !== this.vaultName.toLowerCase()) {
        return this.fail(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
      }
      json(res, 200, { id: this.vaultId, name: this.vaultName, type: 'Microsoft.KeyVault/vaults', location: 'westeurope', tags: {}, systemData: { createdBy: 'ops@acme.example', createdByType: 'User', createdAt: '2026-10-01T08:00:00.000Z' }, properties: this.vault.properties });
      return true;
    }
    if (assignments) {
      const scope = assignments[1]!;
      if (this.denied.has(ARM_PERMISSION.roleAssignmentsRead)) return denied(ARM_PERMISSION.roleAssignmentsRead, scope);
      const s = scope.toLowerCase();
      // At the scope and inherited from every scope above it.
      const matching = this.roleAssignments.filter((a) => s === a.properties.scope.toLowerCase() || s.startsWith(`${a.properties.scope.toLowerCase()}/`));
      const skip = Number(url.searchParams.get('$skipToken') ?? '0');
      if (!Number.isInteger(skip) || skip < 0) return this.fail(res, 400, 'InvalidSkipToken', 'The skip token is not valid.');
      const page = matching.slice(skip, skip + this.pageSize);
      const next = skip + this.pageSize < matching.length ? skip + this.pageSize : undefined;
      const nextLink = next === undefined ? undefined : `${this.host()}${url.pathname}?api-version=${url.searchParams.get('api-version')}&$skipToken=${next}`;
      json(res, 200, { value: page, ...(nextLink ? { nextLink } : {}) });
      return true;
    }
    const guid = definition![1]!.toLowerCase();
    if (this.denied.has(ARM_PERMISSION.roleDefinitionsRead)) return denied(ARM_PERMISSION.roleDefinitionsRead, p);
    const role = BUILT_IN_ROLES[guid] ?? this.customRoles.get(guid);
    if (!role) return this.fail(res, 404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`);
    json(res, 200, {
      id: p,
      name: guid,
      type: 'Microsoft.Authorization/roleDefinitions',
      properties: { roleName: role.roleName, type: BUILT_IN_ROLES[guid] ? 'BuiltInRole' : 'CustomRole', description: role.roleName, assignableScopes: ['/'], permissions: role.permissions, createdOn: '2020-05-19T17:52:46.2017398Z', updatedOn: '2025-01-10T20:00:00.0000000Z' },
    });
    return true;
  }

  private fail(res: ServerResponse, status: number, code: string, message: string): true {
    json(res, status, { error: { code, message } });
    return true;
  }
}
