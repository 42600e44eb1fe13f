/** Azure onboarding config: every refusal names the field and the reason. */
import { describe, expect, it } from 'vitest';
import { KeywardenError } from '../../../core/errors';
import { azureProviderFactory, looksLikeSecretValue } from '../../../core/providers/azure';
import type { KmsConfigInput } from '../../../core/providers/types';

const KEY = 'https://my-knoxcall-kv.vault.azure.net/keys/tenant-wrapping-key';
const VAULT = 'https://my-knoxcall-kv.vault.azure.net';
const TENANT = 'aaaabbbb-cccc-4ddd-8eee-ffff00001111';
const CLIENT = '11112222-3333-4444-5555-666677778888';
const creds = { azure_tenant_id: TENANT, client_id: CLIENT, client_secret_env_var: 'KEYWARDEN_AZURE_CLIENT_SECRET' };

function input(config: Record<string, unknown> | undefined, kms_key_ref = KEY): KmsConfigInput {
  return { provider: 'azure', kms_key_ref, ...(config === undefined ? {} : { config }) };
}

function refusal(i: KmsConfigInput): { field: string; reason: string; message: string } {
  try {
    azureProviderFactory.parseConfig(i);
  } catch (e) {
    expect(e).toBeInstanceOf(KeywardenError);
    const k = e as KeywardenError;
    expect(k.code).toBe('invalid_input');
    return { field: String(k.details?.field), reason: String(k.details?.reason), message: k.message };
  }
  throw new Error('expected a refusal');
}

describe('azure config: client_secret_env_var rules have stable codes', () => {
  const rule = (name: string) => {
    try {
      azureProviderFactory.parseConfig(input({ vault_url: VAULT, ...creds, client_secret_env_var: name }));
    } catch (e) {
      return (e as KeywardenError).details?.rule;
    }
    return 'accepted';
  };
  it('names the rule that refused the variable', () => {
    expect(rule('KEYWARDEN_AZURE_CLIENT_SECRET')).toBe('accepted');
    expect(rule('AZURE_CLIENT_SECRET')).toBe('env_var_prefix');
    expect(rule('MASTER_KEY_B64')).toBe('env_var_reserved');
    expect(rule('KEYWARDEN_PASSPHRASE')).toBe('env_var_reserved');
    expect(rule('1BAD')).toBe('env_var_name');
  });
});

describe('azure config: accepted shapes', () => {
  it('seed 003 option A (app registration + env var name)', () => {
    const p = azureProviderFactory.parseConfig(input({ vault_url: VAULT, ...creds }));
    expect(p).toEqual({ kms_key_ref: KEY, config: { vault_url: VAULT, ...creds, azure_tenant_id: TENANT } });
  });
  it('seed 003 option B (managed identity: no credential fields)', () => {
    expect(azureProviderFactory.parseConfig(input({ vault_url: VAULT })).config).toEqual({ vault_url: VAULT });
  });
  it('normalizes a versioned key, trailing slashes and host case; sovereign clouds and managed HSM', () => {
    const v = '0123456789abcdef0123456789ABCDEF';
    const p = azureProviderFactory.parseConfig(input({ vault_url: `${VAULT}/` }, `https://My-Knoxcall-KV.vault.azure.net/keys/tenant-wrapping-key/${v}/`));
    expect(p.kms_key_ref).toBe(`${KEY}/${v.toLowerCase()}`);
    expect(p.config.vault_url).toBe(VAULT);
    for (const host of ['kv-one.vault.azure.cn', 'kv-one.vault.usgovcloudapi.net', 'hsm-one.managedhsm.azure.net']) {
      expect(azureProviderFactory.parseConfig(input({ vault_url: `https://${host}` }, `https://${host}/keys/k`)).kms_key_ref).toBe(`https://${host}/keys/k`);
    }
    const gov = azureProviderFactory.parseConfig(input({ vault_url: 'https://kv-one.vault.usgovcloudapi.net', authority_host: 'https://login.microsoftonline.us', ...creds }, 'https://kv-one.vault.usgovcloudapi.net/keys/k'));
    expect(gov.config.authority_host).toBe('https://login.microsoftonline.us');
  });
  it('a stand-in vault only through config.endpoint (which hosts is the engine\'s allow-list)', () => {
    const p = azureProviderFactory.parseConfig(input({ vault_url: 'http://127.0.0.1:5555', endpoint: 'http://127.0.0.1:5555', authority_host: 'https://127.0.0.1:6666', ...creds }, 'http://127.0.0.1:5555/keys/k'));
    expect(p.config).toMatchObject({ endpoint: 'http://127.0.0.1:5555', authority_host: 'https://127.0.0.1:6666' });
  });
});

describe('azure config: refusals name the field and the reason', () => {
  const secretValue = 'abc8Q~Zx9yWv7UtSrQpOnMlKjIhGfEdCbA012345';
  const cases: Array<[string, KmsConfigInput, string, RegExp]> = [
    ['wrong provider', { provider: 'azure_key_vault', kms_key_ref: KEY, config: { vault_url: VAULT } }, 'provider', /expected "azure"/],
    ['no kms_key_ref', { provider: 'azure', kms_key_ref: '', config: { vault_url: VAULT } }, 'kms_key_ref', /required/],
    ['no config', input(undefined), 'config.vault_url', /required/],
    ['no vault_url', input({ ...creds }), 'config.vault_url', /must be a string/],
    ['raw secret in client_secret_env_var', input({ vault_url: VAULT, ...creds, client_secret_env_var: secretValue }), 'config.client_secret_env_var', /looks like a client secret value; give the NAME of the environment variable that holds it/],
    ['secret with tilde', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'a~b' }), 'config.client_secret_env_var', /looks like a client secret value/],
    ['long mixed secret', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'kX9sPq2LmN4vB7rT1yU3wE5zA8dF0gHj' }), 'config.client_secret_env_var', /looks like a client secret value/],
    ['bad env var name', input({ vault_url: VAULT, ...creds, client_secret_env_var: '1BAD-NAME' }), 'config.client_secret_env_var', /environment variable name/],
    ['env var without the KEYWARDEN_AZURE_ prefix', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'AZURE_KC_CLIENT_SECRET' }), 'config.client_secret_env_var', /AZURE_KC_CLIENT_SECRET does not start with KEYWARDEN_AZURE_/],
    ['prefix alone', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'KEYWARDEN_AZURE_' }), 'config.client_secret_env_var', /does not start with KEYWARDEN_AZURE_/],
    ['another tool\'s token', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'GITHUB_TOKEN' }), 'config.client_secret_env_var', /does not start with KEYWARDEN_AZURE_/],
    ['the platform master key', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'MASTER_KEY_B64' }), 'config.client_secret_env_var', /MASTER_KEY_B64 holds one of Keywarden's own secrets/],
    ['the operator passphrase', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'KEYWARDEN_PASSPHRASE' }), 'config.client_secret_env_var', /KEYWARDEN_PASSPHRASE holds one of Keywarden's own secrets/],
    ['the passphrase in lower case', input({ vault_url: VAULT, ...creds, client_secret_env_var: 'keywarden_passphrase' }), 'config.client_secret_env_var', /holds one of Keywarden's own secrets/],
    ['client_secret field', input({ vault_url: VAULT, ...creds, client_secret: 'x' }), 'config.client_secret', /static credentials are refused/],
    ['clientSecret field', input({ vault_url: VAULT, clientSecret: 'x' }), 'config.clientSecret', /static credentials are refused/],
    ['certificate field', input({ vault_url: VAULT, certificate: '-----BEGIN' }), 'config.certificate', /static credentials are refused/],
    ['password field', input({ vault_url: VAULT, password: 'x' }), 'config.password', /static credentials are refused/],
    ['unknown field', input({ vault_url: VAULT, key_name: 'k' }), 'config.key_name', /unknown field/],
    ['tenant without the others', input({ vault_url: VAULT, azure_tenant_id: TENANT }), 'config.client_id', /required together with azure_tenant_id/],
    ['secret var without client id', input({ vault_url: VAULT, azure_tenant_id: TENANT, client_secret_env_var: 'X' }), 'config.client_id', /together/],
    ['tenant not a GUID', input({ vault_url: VAULT, ...creds, azure_tenant_id: 'contoso.onmicrosoft.com' }), 'config.azure_tenant_id', /GUID/],
    ['client id not a GUID', input({ vault_url: VAULT, ...creds, client_id: 'my-app' }), 'config.client_id', /GUID/],
    ['vault mismatch says both', input({ vault_url: 'https://other-kv.vault.azure.net' }), 'config.vault_url', /https:\/\/other-kv\.vault\.azure\.net is not the vault of kms_key_ref \(https:\/\/my-knoxcall-kv\.vault\.azure\.net\)/],
    ['vault_url with a path', input({ vault_url: `${VAULT}/keys` }), 'config.vault_url', /without a path/],
    ['vault_url not a URL', input({ vault_url: 'my-knoxcall-kv' }), 'config.vault_url', /is not a URL/],
    ['key ref not a key URL', input({ vault_url: VAULT }, `${VAULT}/secrets/s`), 'kms_key_ref', /must be a key URL/],
    ['key ref bad version', input({ vault_url: VAULT }, `${KEY}/v1`), 'kms_key_ref', /32 hexadecimal/],
    ['key ref bad name', input({ vault_url: VAULT }, `${VAULT}/keys/bad_name`), 'kms_key_ref', /key name 'bad_name' is not valid/],
    ['key ref http', input({ vault_url: VAULT }, 'http://my-knoxcall-kv.vault.azure.net/keys/k'), 'kms_key_ref', /https/],
    ['key ref not Key Vault', input({ vault_url: VAULT }, 'https://evil.example.com/keys/k'), 'kms_key_ref', /not an Azure Key Vault host/],
    ['key ref query', input({ vault_url: VAULT }, `${KEY}?x=1`), 'kms_key_ref', /query/],
    ['loopback without endpoint', input({ vault_url: 'http://127.0.0.1:5555' }, 'http://127.0.0.1:5555/keys/k'), 'kms_key_ref', /https/],
    ['authority http', input({ vault_url: VAULT, authority_host: 'http://login.microsoftonline.com' }), 'config.authority_host', /https/],
    ['wrong type', input({ vault_url: 42 }), 'config.vault_url', /must be a string/],
  ];
  for (const [label, i, field, reason] of cases) {
    it(label, () => {
      const r = refusal(i);
      expect(r.field).toBe(field);
      expect(r.reason).toMatch(reason);
      expect(r.message.startsWith(`${field}: `)).toBe(true);
      expect(r.message).not.toContain(secretValue);
    });
  }
});

describe('looksLikeSecretValue', () => {
  it.each([
    ['AZURE_KC_CLIENT_SECRET', false],
    ['KEYWARDEN_AZURE_CLIENT_SECRET_PRODUCTION_2026', false],
    ['azure_kc_client_secret', false],
    ['abc8Q~Zx9yWv7UtSrQpOnMlKjIhGfEdCbA012345', true],
    ['x~y', true],
    ['kX9sPq2LmN4vB7rT1yU3wE5zA8dF0gHj', true],
    ['Zm9vYmFyYmF6cXV4cXV1eHF1dXV4MTIzNDU2Nzg5MA==', true],
  ])('%s → %s', (v, want) => {
    expect(looksLikeSecretValue(v)).toBe(want);
  });
});
