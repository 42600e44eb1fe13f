/**
 * The window's onboarding tabs and the engine's config parsers agree: every field a tab
 * offers (Advanced endpoints included) is one the provider accepts, filled with a
 * realistic value it validates, and the input the form sends is the seeds' shape with
 * empty optional fields left out.
 */
import { describe, expect, it } from 'vitest';
import { parseAwsConfig } from '../../core/providers/aws';
import { createAzureProviderFactory } from '../../core/providers/azure';
import { gcpProviderFactory } from '../../core/providers/gcp';
import type { KmsConfigInput } from '../../core/providers/types';
import { FIELDS, missingFields, toInput, type FieldValues, type Provider } from '../../renderer/src/features/onboard/provider-fields';

const FILLED: Record<Provider, FieldValues> = {
  aws: {
    kms_key_ref: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'config.region': 'us-east-1',
    'config.role_arn': 'arn:aws:iam::111122223333:role/KeywardenKMSAccess',
    'config.external_id': 'keywarden-external-id',
    'config.endpoint': 'https://vpce-0abc123-xyz.kms.us-east-1.vpce.amazonaws.com',
    'config.sts_endpoint': 'https://sts-fips.us-east-1.amazonaws.com',
    'config.profile': 'keywarden-sso',
  },
  gcp: {
    kms_key_ref: 'projects/my-project/locations/europe-west1/keyRings/keywarden/cryptoKeys/tenant-wrap',
    'config.impersonate_service_account': 'keywarden-kms@my-project.iam.gserviceaccount.com',
    'config.endpoint': 'https://cloudkms-mykms.p.googleapis.com',
    'config.quota_project': 'my-billing-project',
  },
  azure: {
    kms_key_ref: 'https://my-kv.vault.usgovcloudapi.net/keys/tenant-wrapping-key',
    'config.vault_url': 'https://my-kv.vault.usgovcloudapi.net',
    'config.azure_tenant_id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
    'config.client_id': '11112222-3333-4444-5555-666677778888',
    'config.client_secret_env_var': 'KEYWARDEN_AZURE_CLIENT_SECRET',
    'config.authority_host': 'https://login.microsoftonline.us',
  },
};

const azure = createAzureProviderFactory();
const PARSE: Record<Provider, (i: KmsConfigInput) => { kms_key_ref: string; config: object }> = {
  aws: parseAwsConfig,
  gcp: (i) => gcpProviderFactory.parseConfig(i),
  azure: (i) => azure.parseConfig(i),
};

describe('onboarding form fields ↔ provider configs', () => {
  for (const provider of ['aws', 'gcp', 'azure'] as const) {
    it(`${provider}: every field, basic and advanced, is accepted by the provider's parser`, () => {
      expect(Object.keys(FILLED[provider]).sort()).toEqual(FIELDS[provider].map((f) => f.key).sort());
      const input = toInput(provider, FILLED[provider]);
      const parsed = PARSE[provider](input);
      for (const key of Object.keys(input.config)) expect(parsed.config).toHaveProperty(key);
    });
  }

  it('endpoints sit under Advanced; the key and its required fields never do', () => {
    expect(FIELDS.aws.filter((f) => f.advanced).map((f) => f.key)).toEqual(['config.endpoint', 'config.sts_endpoint', 'config.profile']);
    expect(FIELDS.gcp.filter((f) => f.advanced).map((f) => f.key)).toEqual(['config.endpoint', 'config.quota_project']);
    for (const p of ['aws', 'gcp', 'azure'] as const) expect(FIELDS[p].some((f) => f.advanced && f.required)).toBe(false);
  });

  it('sends the seeds’ shape, trimmed, with empty optional fields left out', () => {
    const input = toInput('aws', { kms_key_ref: ` ${FILLED.aws.kms_key_ref} `, 'config.region': 'us-east-1', 'config.endpoint': '  ', 'config.sts_endpoint': '' });
    expect(input).toEqual({ provider: 'aws', kms_key_ref: FILLED.aws.kms_key_ref, config: { region: 'us-east-1' } });
    expect(missingFields('aws', { 'config.endpoint': 'https://kms-fips.us-east-1.amazonaws.com' })).toEqual({ kms_key_ref: 'Key ARN is required', 'config.region': 'Region is required' });
  });

  it('an endpoint the engine refuses is named by the field the form shows', () => {
    const bad = toInput('aws', { ...FILLED.aws, 'config.endpoint': 'ftp://kms.us-east-1.amazonaws.com' });
    expect(() => parseAwsConfig(bad)).toThrow(/config\.endpoint: scheme 'ftp:' is not allowed/);
    expect(FIELDS.aws.some((f) => f.key === 'config.endpoint')).toBe(true);
  });
});
