/**
 * Read-only calls for the key access review (issue 17) with the Azure provider's own
 * identity (the same credential resolution as its KMS provider):
 *   Key Vault (`@azure/keyvault-keys`): getKey (enabled, exportable, recoveryLevel,
 *     expiry, key type) and getKeyRotationPolicy;
 *   Resource Manager: the vault (`@azure/arm-keyvault` vaults.get: soft delete, purge
 *     protection, RBAC or access policies), the role assignments effective on the key
 *     (`@azure/arm-authorization` roleAssignments.listForScope at the key's scope, which
 *     lists the key's, the vault's and every parent scope's, one call per page) and the
 *     role definitions they name.
 * The Resource Manager reads need the vault's subscription and resource group (the
 * review settings); its endpoint defaults to the vault's cloud. Every call carries its
 * correlation id as x-ms-client-request-id and in the user agent, is bounded by the
 * provider timeout and classified like the provider's calls.
 */
import tls from 'node:tls';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { AuthorizationManagementClient, getContinuationToken } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { invalidInput } from '../../errors';
import { KmsError, type ProviderDeps } from '../types';
import { isLoopbackHostname, keyRefString, parseKeyRef, type AzureConfig, type ParsedKeyRef } from './config';
import { classifyAzureError } from './errors';
import { buildSession, correlationPolicy, CORRELATION_MARKER, type AzureSession } from './session';

/** Where the key's vault lives in Resource Manager (from the review settings). */
export interface AzureArmTarget {
  /** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>` (the vault's Properties → Resource ID). */
  vaultResourceId: string;
  /** Resource Manager origin; default the vault's cloud (https://management.azure.com...). */
  armEndpoint?: string | undefined;
}

export interface VaultResource {
  subscriptionId: string;
  resourceGroup: string;
  vaultName: string;
  /** Normalised: lower-case subscription id, names as given. */
  id: string;
}

export interface AzureKeyView {
  kid: string;
  kty?: string;
  enabled?: boolean;
  exportable?: boolean;
  recoveryLevel?: string;
  expires?: string;
}

/** The rotation policy in Key Vault's REST shape (the SDK flattens each action); no id: never set, Key Vault's default. */
export interface AzureRotationPolicyView {
  id?: string;
  lifetimeActions: { action: { type: string }; trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string } }[];
  attributes?: { expiryTime?: string };
}

export interface AzureVaultView {
  id?: string;
  properties: { enableSoftDelete?: boolean; enablePurgeProtection?: boolean; softDeleteRetentionInDays?: number; enableRbacAuthorization?: boolean; accessPolicies?: { tenantId?: string; objectId: string; applicationId?: string; permissions: { keys?: string[] } }[] };
}

/** A role assignment in ARM's REST shape. */
export interface AzureRoleAssignmentView {
  id: string;
  properties: { roleDefinitionId: string; principalId: string; principalType?: string; scope?: string; condition?: string | null };
}

export interface AzureRoleDefinitionView {
  id: string;
  roleName: string;
  permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Azure's rule for resource group names: 1-90 letters, digits, _ - . ( ), not ending in a period. */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/u;

/** Resource Manager per cloud: the endpoint and the token audience. */
const ARM_CLOUDS: { suffixes: string[]; endpoint: string }[] = [
  { suffixes: ['.azure.cn'], endpoint: 'https://management.chinacloudapi.cn' },
  { suffixes: ['.usgovcloudapi.net'], endpoint: 'https://management.usgovcloudapi.net' },
];

export function defaultArmEndpoint(vaultUrl: string): string {
  const host = new URL(vaultUrl).hostname;
  return ARM_CLOUDS.find((c) => c.suffixes.some((s) => host.endsWith(s)))?.endpoint ?? 'https://management.azure.com';
}

const VAULT_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/i;
const VAULT_NAME = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/i;

/**
 * Parses the vault's resource id; every refusal says which part is wrong. With a real
 * vault URL (not a loopback stand-in) the id must name that vault.
 */
export function parseVaultResourceId(value: string, vaultUrl?: string): VaultResource {
  const field = 'azure_vault_resource_id';
  const m = VAULT_ID.exec(value.trim().replace(/\/+$/, ''));
  if (!m) throw invalidInput(field, 'must be the vault\'s resource ID, /subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.KeyVault/vaults/<vault name> (the vault\'s Properties page in the portal, or az keyvault show --query id)');
  const [, sub, rg, name] = m as unknown as [string, string, string, string];
  if (!GUID.test(sub)) throw invalidInput(field, `the subscription id '${sub.slice(0, 60)}' is not a GUID`);
  if (!RESOURCE_GROUP.test(rg)) throw invalidInput(field, `'${rg.slice(0, 100)}' is not a resource group name (1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.')`);
  if (!VAULT_NAME.test(name) || name.includes('--')) throw invalidInput(field, `'${name.slice(0, 60)}' is not a vault name (3-24 letters, digits and single hyphens, starting with a letter)`);
  if (vaultUrl) {
    const host = new URL(vaultUrl).hostname;
    if (!isLoopbackHostname(host) && host.split('.')[0]!.toLowerCase() !== name.toLowerCase()) {
      throw invalidInput(field, `names vault '${name}', but the tenant's key is in ${host}: give the resource ID of that vault`);
    }
  }
  const subscriptionId = sub.toLowerCase();
  return { subscriptionId, resourceGroup: rg, vaultName: name, id: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}` };
}

/** The object id (`oid`) a token names: what role assignments and access policies name as principalId / objectId. */
export function objectIdOf(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' && GUID.test(claims.oid) ? claims.oid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

class ObjectIdTracking implements TokenCredential {
  objectId: string | undefined;
  constructor(private readonly inner: TokenCredential) {}
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const t = await this.inner.getToken(scopes, options);
    if (t) this.objectId = objectIdOf(t.token) ?? this.objectId;
    return t;
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export class AzureKeyReviewReader {
  readonly keyRef: string;
  private readonly ref: ParsedKeyRef;
  private readonly config: AzureConfig;
  private session: AzureSession | undefined;
  private tracking: ObjectIdTracking | undefined;
  private arm: { target: string; vaults: KeyVaultManagementClient; authz: AuthorizationManagementClient } | undefined;
  /** The correlation id of the ARM call in flight (reads run one at a time). */
  private currentCid = '';

  constructor(
    parsed: { kms_key_ref: string; config: AzureConfig },
    private readonly deps: ProviderDeps,
    private readonly opts: { extraCaPem?: string | undefined } = {},
  ) {
    this.ref = parseKeyRef(parsed.kms_key_ref, parsed.config.endpoint);
    this.keyRef = keyRefString(this.ref);
    this.config = parsed.config;
  }

  /** Keywarden's own object id once a token was issued (what RBAC names), else the token's app id. */
  principal(): string | undefined {
    return this.tracking?.objectId ?? this.session?.principal;
  }

  /** The vault and key scopes in Resource Manager. */
  scopes(t: AzureArmTarget): { vault: VaultResource; key: string } {
    const vault = parseVaultResourceId(t.vaultResourceId, this.config.vault_url);
    return { vault, key: `${vault.id}/keys/${this.ref.name}` };
  }

  async getKey(cid: string): Promise<AzureKeyView> {
    return this.vaultCall('getKey', cid, async (s, o) => {
      const k = await s.keyClient.getKey(this.ref.name, { ...o, ...(this.ref.version ? { version: this.ref.version } : {}) });
      const p = k.properties;
      const view: AzureKeyView = { kid: k.id ?? this.keyRef };
      const kty = k.keyType ?? k.key?.kty;
      if (kty) view.kty = kty;
      if (typeof p.enabled === 'boolean') view.enabled = p.enabled;
      if (typeof p.exportable === 'boolean') view.exportable = p.exportable;
      if (p.recoveryLevel) view.recoveryLevel = p.recoveryLevel;
      if (p.expiresOn && !Number.isNaN(p.expiresOn.getTime())) view.expires = p.expiresOn.toISOString();
      return view;
    });
  }

  async getRotationPolicy(cid: string): Promise<AzureRotationPolicyView> {
    return this.vaultCall('getKeyRotationPolicy', cid, async (s, o) => {
      const p = await s.keyClient.getKeyRotationPolicy(this.ref.name, o);
      const actions = Array.isArray(p.lifetimeActions) ? p.lifetimeActions : [];
      return {
        ...(p.id ? { id: p.id } : {}),
        ...(p.expiresIn ? { attributes: { expiryTime: p.expiresIn } } : {}),
        lifetimeActions: actions.map((a) => ({
          action: { type: String(a.action) },
          trigger: { ...(a.timeAfterCreate ? { timeAfterCreate: a.timeAfterCreate } : {}), ...(a.timeBeforeExpiry ? { timeBeforeExpiry: a.timeBeforeExpiry } : {}) },
        })),
      };
    });
  }

  async getVault(cid: string, t: AzureArmTarget): Promise<AzureVaultView> {
    return this.armCall('vaults.get', cid, t, async ({ vaults }, o) => {
      const { vault } = this.scopes(t);
      const v = await vaults.vaults.get(vault.resourceGroup, vault.vaultName, o);
      const p = v.properties as unknown as Record<string, unknown> | undefined;
      if (!p || typeof p !== 'object') throw new KmsError('azure', 'unreachable', 'Azure Resource Manager vaults.get answered without properties', 'MalformedResponse');
      const policies = Array.isArray(p.accessPolicies) ? (p.accessPolicies as Record<string, unknown>[]) : undefined;
      return {
        ...(v.id ? { id: v.id } : {}),
        properties: {
          ...(typeof p.enableSoftDelete === 'boolean' ? { enableSoftDelete: p.enableSoftDelete } : {}),
          ...(typeof p.enablePurgeProtection === 'boolean' ? { enablePurgeProtection: p.enablePurgeProtection } : {}),
          ...(typeof p.softDeleteRetentionInDays === 'number' ? { softDeleteRetentionInDays: p.softDeleteRetentionInDays } : {}),
          ...(typeof p.enableRbacAuthorization === 'boolean' ? { enableRbacAuthorization: p.enableRbacAuthorization } : {}),
          ...(policies
            ? {
                accessPolicies: policies.map((ap) => ({
                  ...(typeof ap.tenantId === 'string' ? { tenantId: ap.tenantId } : {}),
                  objectId: String(ap.objectId ?? ''),
                  ...(typeof ap.applicationId === 'string' ? { applicationId: ap.applicationId } : {}),
                  permissions: { keys: list((ap.permissions as { keys?: unknown } | undefined)?.keys) },
                })),
              }
            : {}),
        },
      };
    });
  }

  /** One page of the role assignments effective on the key (its own, the vault's and every parent scope's); `next` is ARM's nextLink. */
  async listRoleAssignmentsPage(cid: string, t: AzureArmTarget, continuation?: string): Promise<{ items: AzureRoleAssignmentView[]; next?: string }> {
    return this.armCall('roleAssignments.listForScope', cid, t, async ({ authz }, o) => {
      // The SDK puts the scope after a slash of its own: a leading one would make `//subscriptions`.
      const pages = authz.roleAssignments.listForScope(this.scopes(t).key.replace(/^\//, ''), o).byPage(continuation ? { continuationToken: continuation } : undefined);
      const got = await pages.next();
      const page = got.done ? [] : got.value;
      const next = got.done ? undefined : getContinuationToken(page);
      const items = (page as unknown as Record<string, unknown>[]).map((a) => ({
        id: String(a.id ?? ''),
        properties: {
          roleDefinitionId: String(a.roleDefinitionId ?? ''),
          principalId: String(a.principalId ?? '').toLowerCase(),
          ...(typeof a.principalType === 'string' ? { principalType: a.principalType } : {}),
          ...(typeof a.scope === 'string' ? { scope: a.scope } : {}),
          ...(typeof a.condition === 'string' ? { condition: a.condition } : {}),
        },
      }));
      return { items, ...(next ? { next } : {}) };
    });
  }

  async getRoleDefinition(cid: string, t: AzureArmTarget, roleDefinitionId: string): Promise<AzureRoleDefinitionView> {
    if (!/^(?:\/subscriptions\/[0-9a-f-]{36})?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(roleDefinitionId)) {
      throw new KmsError('azure', 'invalid_key', `role definition id '${roleDefinitionId.slice(0, 120)}' is not a role definition resource id`, 'InvalidRoleDefinitionId');
    }
    return this.armCall('roleDefinitions.getById', cid, t, async ({ authz }, o) => {
      const d = await authz.roleDefinitions.getById(roleDefinitionId.replace(/^\//, ''), o);
      return {
        id: d.id ?? roleDefinitionId,
        roleName: d.roleName ?? roleDefinitionId.split('/').pop()!,
        permissions: (d.permissions ?? []).map((p) => ({ actions: list(p.actions), notActions: list(p.notActions), dataActions: list(p.dataActions), notDataActions: list(p.notDataActions) })),
      };
    });
  }

  close(): void {
    this.session = undefined;
    this.arm = undefined;
  }

  /**
   * Sets the correlation id of the call in flight on every request (the SDK does not pass
   * per-call headers through getKeyRotationPolicy); the session's policy then moves it
   * into the user agent.
   */
  private readonly cidPolicy = {
    name: 'keywardenReviewCorrelation',
    sendRequest: (request: { headers: { set(n: string, v: string): void } }, next: (r: never) => Promise<unknown>) => {
      if (this.currentCid) {
        request.headers.set('x-ms-client-request-id', this.currentCid);
        request.headers.set(CORRELATION_MARKER, this.currentCid);
      }
      return next(request as never);
    },
  };

  private open(): AzureSession {
    this.session = buildSession(this.ref, this.config, this.deps, { extraCaPem: this.opts.extraCaPem, policiesFirst: [this.cidPolicy as never] }, this.session);
    return this.session;
  }

  private armClients(t: AzureArmTarget): NonNullable<AzureKeyReviewReader['arm']> {
    const session = this.open();
    const endpoint = t.armEndpoint ?? defaultArmEndpoint(this.config.vault_url);
    const { vault } = this.scopes(t);
    const key = `${endpoint}|${vault.subscriptionId}`;
    if (this.arm?.target === key) return this.arm;
    const url = new URL(endpoint);
    const loopback = isLoopbackHostname(url.hostname);
    // The token audience is the cloud's Resource Manager, whatever origin serves it.
    const audience = `${defaultArmEndpoint(this.config.vault_url)}/.default`;
    const ca = loopback && this.opts.extraCaPem ? [...tls.rootCertificates, this.opts.extraCaPem] : undefined;
    const common = {
      retryOptions: { maxRetries: 0 },
      userAgentOptions: { userAgentPrefix: this.deps.userAgentPrefix },
      additionalPolicies: [
        { policy: this.cidPolicy as never, position: 'perCall' as const },
        { policy: correlationPolicy as never, position: 'perCall' as const },
      ],
      ...(ca ? { tlsOptions: { ca } } : {}),
    };
    const credential = new ObjectIdTracking(session.tokenCredential);
    this.tracking = credential;
    this.arm = {
      target: key,
      vaults: new KeyVaultManagementClient(credential, vault.subscriptionId, { ...common, endpoint, credentials: { scopes: [audience] } }),
      authz: new AuthorizationManagementClient(credential, vault.subscriptionId, { ...common, endpoint, credentialScopes: [audience] }),
    };
    return this.arm;
  }

  private async vaultCall<T>(what: string, cid: string, fn: (s: AzureSession, o: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    return this.bounded(`${what} on ${this.keyRef}`, cid, async (signal) => {
      const s = this.open();
      this.currentCid = cid;
      try {
        return await fn(s, { abortSignal: signal });
      } finally {
        this.currentCid = '';
      }
    });
  }

  private async armCall<T>(what: string, cid: string, t: AzureArmTarget, fn: (c: NonNullable<AzureKeyReviewReader['arm']>, o: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    const label = `Resource Manager ${what} for vault ${new URL(this.config.vault_url).host}`;
    try {
      return await this.bounded(label, cid, async (signal) => {
        const clients = this.armClients(t);
        this.currentCid = cid;
        try {
          return await fn(clients, { abortSignal: signal });
        } finally {
          this.currentCid = '';
        }
      });
    } catch (e) {
      // Not found in Resource Manager is the settings' resource id, not the key: say which to fix.
      if (e instanceof KmsError && e.reason === 'invalid_key' && /HTTP 404/.test(e.message)) {
        throw new KmsError('azure', 'invalid_key', `Azure ${label}: ${t.vaultResourceId.slice(0, 300)} was not found (${e.providerCode ?? 'NotFound'}, HTTP 404): check the review setting azure_vault_resource_id (subscription, resource group and vault name)`, e.providerCode ?? 'NotFound');
      }
      throw e;
    }
  }

  private async bounded<T>(label: string, cid: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (/[^\x21-\x7e]/.test(cid) || cid.length > 200) throw invalidInput('correlationId', 'must be 1-200 printable ASCII characters without spaces');
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new KmsError('azure', 'unreachable', `Azure ${label}: no answer within ${this.deps.timeoutMs} ms (TimeoutError)`, 'TimeoutError'));
      }, this.deps.timeoutMs);
    });
    try {
      return await Promise.race([fn(ac.signal), timedOut]);
    } catch (e) {
      throw classifyAzureError(e, label);
    } finally {
      clearTimeout(timer);
      timedOut.catch(() => undefined);
    }
  }
}
