/**
 * The Azure Key Vault onboarding shape (seed 003):
 *   kms_key_ref  https://<vault>.vault.azure.net/keys/<name>[/<version>]
 *   config       { vault_url, azure_tenant_id?, client_id?, client_secret_env_var?,
 *                  endpoint?, authority_host? }
 * The three credential fields come together (ClientSecretCredential, the secret read at
 * call time from the environment variable *named* by client_secret_env_var) or not at all
 * (DefaultAzureCredential). Every refusal is `invalid_input` naming the field.
 */
import { z } from 'zod';
import { invalidInput, KeywardenError } from '../../errors';
import type { KmsConfigInput } from '../types';

export interface AzureConfig {
  /** Origin of the vault, e.g. `https://my-kv.vault.azure.net` (no trailing slash). */
  vault_url: string;
  azure_tenant_id?: string;
  client_id?: string;
  /** The NAME of the environment variable holding the client secret: never the value. */
  client_secret_env_var?: string;
  /** Loopback origin of a Key Vault stand-in (tests); only then may URLs be loopback. */
  endpoint?: string;
  /** Entra authority, e.g. `https://login.microsoftonline.us`; defaults from the vault's cloud. */
  authority_host?: string;
}

export interface ParsedKeyRef {
  /** Vault origin. */
  vaultUrl: string;
  name: string;
  version?: string;
  loopback: boolean;
}

/** Key Vault and Managed HSM DNS suffixes, with the Entra authority of their cloud. */
const CLOUDS: Array<{ suffix: string; authority: string }> = [
  { suffix: '.vault.azure.net', authority: 'https://login.microsoftonline.com' },
  { suffix: '.managedhsm.azure.net', authority: 'https://login.microsoftonline.com' },
  { suffix: '.vault.azure.cn', authority: 'https://login.chinacloudapi.cn' },
  { suffix: '.managedhsm.azure.cn', authority: 'https://login.chinacloudapi.cn' },
  { suffix: '.vault.usgovcloudapi.net', authority: 'https://login.microsoftonline.us' },
  { suffix: '.managedhsm.usgovcloudapi.net', authority: 'https://login.microsoftonline.us' },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VAULT_LABEL = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;
const KEY_VERSION = /^[0-9a-fA-F]{32}$/;
const STATIC_CREDENTIAL_FIELDS = [
  'client_secret', 'clientSecret', 'secret', 'certificate', 'client_certificate', 'certificate_path', 'password', 'access_token',
];

const str = (what: string) => z.string({ error: `must be a string (${what})` }).trim().min(1, { error: `must not be empty (${what})` });
const schema = z.strictObject({
  vault_url: str('the vault URL, e.g. https://my-kv.vault.azure.net'),
  azure_tenant_id: str('the Directory (tenant) ID').optional(),
  client_id: str('the Application (client) ID').optional(),
  client_secret_env_var: str('the NAME of an environment variable').optional(),
  endpoint: str('the origin requests to the vault go to instead of vault_url (an allowed endpoint)').optional(),
  authority_host: str('an Entra authority host URL').optional(),
});

/**
 * The client secret is read from the variable this names, so the name decides what a
 * config can make Keywarden send to Microsoft Entra as a client secret. Only variables
 * meant for this (the KEYWARDEN_AZURE_ prefix) may be named: never Keywarden's own
 * secrets, nor an unrelated variable of the environment such as another tool's token.
 */
export const AZURE_SECRET_ENV_PREFIX = 'KEYWARDEN_AZURE_';
export const RESERVED_ENV_VARS: readonly string[] = ['MASTER_KEY_B64', 'KEYWARDEN_PASSPHRASE'];

function envVarRefusal(rule: 'env_var_name' | 'env_var_reserved' | 'env_var_prefix', reason: string): KeywardenError {
  const field = 'config.client_secret_env_var';
  return new KeywardenError('invalid_input', `${field}: ${reason}`, { field, reason, rule });
}

export function checkSecretEnvVarName(name: string): void {
  if (!ENV_NAME.test(name)) throw envVarRefusal('env_var_name', 'must be an environment variable name (letters, digits and _, not starting with a digit)');
  if (RESERVED_ENV_VARS.includes(name.toUpperCase())) {
    throw envVarRefusal('env_var_reserved', `${name} holds one of Keywarden's own secrets and can never be used as an Azure client secret; put the app's secret in a variable named ${AZURE_SECRET_ENV_PREFIX}<NAME>`);
  }
  if (!name.startsWith(AZURE_SECRET_ENV_PREFIX) || name.length === AZURE_SECRET_ENV_PREFIX.length) {
    throw envVarRefusal('env_var_prefix', `${name} does not start with ${AZURE_SECRET_ENV_PREFIX}: name a variable such as ${AZURE_SECRET_ENV_PREFIX}CLIENT_SECRET that holds only this app's secret`);
  }
}

export function isLoopbackHostname(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** True for a value that is a client secret rather than the name of a variable. */
export function looksLikeSecretValue(v: string): boolean {
  if (v.includes('~')) return true;
  if (/^[A-Za-z0-9_~.-]{34,40}$/.test(v) && v.includes('Q~')) return true;
  if (v.length >= 30) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9_\s]/].filter((re) => re.test(v)).length;
    if (classes >= 3) return true;
  }
  return false;
}

function parseUrl(field: string, value: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalidInput(field, 'is not a URL');
  }
  if (u.username || u.password) throw invalidInput(field, 'must not carry user info');
  if (u.search || u.hash) throw invalidInput(field, 'must not have a query or fragment');
  return u;
}

/** Checks an origin: a Key Vault / Managed HSM host over https, or the configured endpoint (checked by the engine's allow-list). */
function checkVaultOrigin(field: string, u: URL, endpoint: string | undefined): boolean {
  if (endpoint !== undefined && u.origin === endpoint) return true;
  if (u.protocol !== 'https:') throw invalidInput(field, 'must use https');
  if (u.port) throw invalidInput(field, 'must not name a port');
  const cloud = CLOUDS.find((c) => u.hostname.endsWith(c.suffix));
  const label = cloud ? u.hostname.slice(0, -cloud.suffix.length) : '';
  if (!cloud) {
    throw invalidInput(field, `host ${u.hostname} is not an Azure Key Vault host (<vault>.vault.azure.net, .vault.azure.cn, .vault.usgovcloudapi.net or .managedhsm.*)`);
  }
  if (!VAULT_LABEL.test(label) || label.includes('--')) {
    throw invalidInput(field, `vault name '${label}' is not valid (3-24 letters, digits and single hyphens, starting with a letter)`);
  }
  return false;
}

export function parseKeyRef(value: string, endpoint?: string): ParsedKeyRef {
  const u = parseUrl('kms_key_ref', value);
  const loopback = checkVaultOrigin('kms_key_ref', u, endpoint);
  const parts = u.pathname.replace(/\/+$/, '').split('/').slice(1);
  if (parts[0] !== 'keys' || parts.length < 2 || parts.length > 3) {
    throw invalidInput('kms_key_ref', 'must be a key URL: https://<vault>.vault.azure.net/keys/<name>[/<version>]');
  }
  const [, name, version] = parts as [string, string, string | undefined];
  if (!KEY_NAME.test(name)) throw invalidInput('kms_key_ref', `key name '${name}' is not valid (1-127 letters, digits and hyphens)`);
  if (version !== undefined && !KEY_VERSION.test(version)) {
    throw invalidInput('kms_key_ref', 'key version must be 32 hexadecimal characters');
  }
  return { vaultUrl: u.origin, name, ...(version ? { version: version.toLowerCase() } : {}), loopback };
}

export function defaultAuthorityFor(vaultUrl: string): string {
  const host = new URL(vaultUrl).hostname;
  return CLOUDS.find((c) => host.endsWith(c.suffix))?.authority ?? 'https://login.microsoftonline.com';
}

export function keyRefString(ref: ParsedKeyRef): string {
  return `${ref.vaultUrl}/keys/${ref.name}${ref.version ? `/${ref.version}` : ''}`;
}

export function parseAzureConfig(input: KmsConfigInput): { kms_key_ref: string; config: AzureConfig } {
  if (input.provider !== 'azure') throw invalidInput('provider', `expected "azure", got "${String(input.provider)}"`);
  if (typeof input.kms_key_ref !== 'string' || input.kms_key_ref.trim() === '') {
    throw invalidInput('kms_key_ref', 'required: the key URL https://<vault>.vault.azure.net/keys/<name>');
  }
  const raw = input.config;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidInput('config.vault_url', 'required: config must be an object with vault_url');
  }
  for (const field of STATIC_CREDENTIAL_FIELDS) {
    if (Object.prototype.hasOwnProperty.call(raw, field)) {
      throw invalidInput(`config.${field}`, 'static credentials are refused: give client_secret_env_var (the NAME of an environment variable holding the secret), or omit the credential fields to use a managed identity');
    }
  }
  const secretVar = (raw as Record<string, unknown>).client_secret_env_var;
  if (typeof secretVar === 'string' && looksLikeSecretValue(secretVar.trim())) {
    throw invalidInput('config.client_secret_env_var', 'looks like a client secret value; give the NAME of the environment variable that holds it');
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') throw invalidInput(`config.${issue.keys[0] ?? ''}`, 'unknown field');
    const field = issue.path.length ? `config.${issue.path.map(String).join('.')}` : 'config';
    throw invalidInput(field, issue.path.length ? issue.message : 'must be an object');
  }
  const c = result.data;
  const out: AzureConfig = { vault_url: '' };

  if (c.endpoint !== undefined) {
    const u = parseUrl('config.endpoint', c.endpoint);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidInput('config.endpoint', 'must be http or https');
    if (u.pathname !== '/') throw invalidInput('config.endpoint', 'must be an origin without a path');
    out.endpoint = u.origin;
  }
  const ref = parseKeyRef(input.kms_key_ref.trim(), out.endpoint);
  const vu = parseUrl('config.vault_url', c.vault_url);
  checkVaultOrigin('config.vault_url', vu, out.endpoint);
  if (vu.pathname !== '/') throw invalidInput('config.vault_url', 'must be the vault URL without a path, e.g. https://my-kv.vault.azure.net');
  if (vu.origin !== ref.vaultUrl) {
    throw invalidInput('config.vault_url', `${vu.origin} is not the vault of kms_key_ref (${ref.vaultUrl}): both must name the same vault`);
  }
  out.vault_url = vu.origin;

  const creds = { azure_tenant_id: c.azure_tenant_id, client_id: c.client_id, client_secret_env_var: c.client_secret_env_var };
  const given = Object.entries(creds).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length > 0 && given.length < 3) {
    const missing = Object.keys(creds).find((k) => !given.includes(k))!;
    throw invalidInput(`config.${missing}`, `required together with ${given.join(' and ')}: give azure_tenant_id, client_id and client_secret_env_var together, or none of them for DefaultAzureCredential`);
  }
  if (given.length === 3) {
    if (!GUID.test(creds.azure_tenant_id!)) throw invalidInput('config.azure_tenant_id', 'must be a GUID (the Directory (tenant) ID)');
    if (!GUID.test(creds.client_id!)) throw invalidInput('config.client_id', 'must be a GUID (the Application (client) ID)');
    checkSecretEnvVarName(creds.client_secret_env_var!);
    out.azure_tenant_id = creds.azure_tenant_id!.toLowerCase();
    out.client_id = creds.client_id!.toLowerCase();
    out.client_secret_env_var = creds.client_secret_env_var!;
  }

  if (c.authority_host !== undefined) {
    const a = parseUrl('config.authority_host', c.authority_host);
    if (a.protocol !== 'https:') throw invalidInput('config.authority_host', 'must use https (MSAL refuses anything else)');
    if (a.pathname !== '/') throw invalidInput('config.authority_host', 'must be a host URL without a path (the tenant is added from azure_tenant_id)');
    // Which authorities may be used is the engine's endpoint policy (allowed-endpoints.ts).
    out.authority_host = a.origin;
  }
  return { kms_key_ref: keyRefString(ref), config: out };
}
