/**
 * The onboarding fields per provider, as the seeds name them. `key` is the dotted path
 * the engine uses in `invalid_input` errors (`kms_key_ref`, `config.region`), so an
 * engine refusal lands next to the right input.
 */
export type Provider = 'aws' | 'gcp' | 'azure';

export interface FieldSpec {
  key: string;
  label: string;
  placeholder: string;
  hint: string;
  required?: boolean;
  /** Shown under the "Advanced" disclosure: endpoints and other rarely needed settings. */
  advanced?: boolean;
}

export const PROVIDERS: { id: Provider; label: string; blurb: string }[] = [
  { id: 'aws', label: 'AWS KMS', blurb: 'Cross-account STS AssumeRole with an external id, or the default credential chain. No access keys.' },
  { id: 'gcp', label: 'GCP Cloud KMS', blurb: 'Service-account impersonation, or application default credentials. No JSON key files.' },
  { id: 'azure', label: 'Azure Key Vault', blurb: 'An app registration whose secret sits in a named environment variable, or a managed identity.' },
];

export const FIELDS: Record<Provider, FieldSpec[]> = {
  aws: [
    { key: 'kms_key_ref', label: 'Key ARN', placeholder: 'arn:aws:kms:us-east-1:111122223333:key/…', hint: 'A customer-managed key or alias ARN.', required: true },
    { key: 'config.region', label: 'Region', placeholder: 'us-east-1', hint: "Must match the key ARN's region.", required: true },
    { key: 'config.role_arn', label: 'Role ARN', placeholder: 'arn:aws:iam::111122223333:role/KeywardenKMSAccess', hint: 'Assumed with STS; leave empty to use the default credential chain.' },
    { key: 'config.external_id', label: 'External ID', placeholder: 'your-chosen-external-id', hint: "Required with a role ARN: the role's trust policy checks it." },
    {
      key: 'config.endpoint',
      label: 'KMS endpoint',
      placeholder: 'https://kms-fips.us-east-1.amazonaws.com',
      hint: 'A FIPS or VPC interface endpoint (https://vpce-….kms.<region>.vpce.amazonaws.com). Empty: the public regional endpoint.',
      advanced: true,
    },
    {
      key: 'config.sts_endpoint',
      label: 'STS endpoint',
      placeholder: 'https://sts-fips.us-east-1.amazonaws.com',
      hint: 'Where the role is assumed, when STS must also stay private or FIPS. Empty: the regional STS endpoint.',
      advanced: true,
    },
    { key: 'config.profile', label: 'Profile', placeholder: 'keywarden-sso', hint: 'A named profile from the shared AWS config (e.g. IAM Identity Center / SSO).', advanced: true },
  ],
  gcp: [
    {
      key: 'kms_key_ref',
      label: 'CryptoKey path',
      placeholder: 'projects/…/locations/…/keyRings/…/cryptoKeys/…',
      hint: 'The CryptoKey, not a CryptoKeyVersion: encrypt uses the primary version.',
      required: true,
    },
    {
      key: 'config.impersonate_service_account',
      label: 'Service account to impersonate',
      placeholder: 'keywarden-kms@my-project.iam.gserviceaccount.com',
      hint: 'Leave empty to use application default credentials.',
    },
    {
      key: 'config.endpoint',
      label: 'Cloud KMS endpoint',
      placeholder: 'https://cloudkms-mykms.p.googleapis.com',
      hint: 'A Private Service Connect or regional endpoint, origin only. Empty: https://cloudkms.googleapis.com.',
      advanced: true,
    },
    { key: 'config.quota_project', label: 'Quota project', placeholder: 'my-billing-project', hint: 'Sent as x-goog-user-project when the API quota is billed to another project.', advanced: true },
  ],
  azure: [
    { key: 'kms_key_ref', label: 'Key URL', placeholder: 'https://my-kv.vault.azure.net/keys/tenant-wrapping-key', hint: 'An RSA key with wrapKey and unwrapKey.', required: true },
    { key: 'config.vault_url', label: 'Vault URL', placeholder: 'https://my-kv.vault.azure.net', hint: 'The same vault as the key URL, without a path.', required: true },
    { key: 'config.azure_tenant_id', label: 'Azure tenant ID', placeholder: 'aaaabbbb-cccc-dddd-eeee-ffffgggghhhh', hint: 'Directory (tenant) ID of the app registration.' },
    { key: 'config.client_id', label: 'Client ID', placeholder: '11112222-3333-4444-5555-666677778888', hint: 'Application (client) ID.' },
    {
      key: 'config.client_secret_env_var',
      label: 'Client secret env var',
      placeholder: 'KEYWARDEN_AZURE_CLIENT_SECRET',
      hint: 'The NAME of an environment variable starting with KEYWARDEN_AZURE_ that holds the secret, never the secret. Leave the three empty for a managed identity.',
    },
    {
      key: 'config.authority_host',
      label: 'Authority host',
      placeholder: 'https://login.microsoftonline.us',
      hint: 'Only for sovereign clouds (Azure Government, Azure China). Empty: https://login.microsoftonline.com.',
      advanced: true,
    },
  ],
};

/** The Advanced disclosure's title and what it says about private endpoints, per provider. */
export const ADVANCED_TITLES: Record<Provider, string> = {
  aws: 'Advanced: private, VPC or FIPS endpoints',
  gcp: 'Advanced: private or regional endpoint, quota project',
  azure: 'Advanced: sovereign clouds, Private Link',
};

export const ADVANCED_NOTES: Record<Provider, string> = {
  aws: 'Private (VPC interface) and FIPS endpoints: the key ARN and region stay the same; only the host changes.',
  gcp: 'Private Service Connect and regional endpoints: the CryptoKey path stays the same; only the host changes.',
  azure: 'Private Link keeps the vault’s own host name (resolved to a private address by your DNS), so no endpoint is needed here.',
};

export type FieldValues = Record<string, string>;

/** Client-side checks before a call: only what is certain (required fields). */
export function missingFields(provider: Provider, values: FieldValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FIELDS[provider]) {
    if (f.required && !(values[f.key] ?? '').trim()) out[f.key] = `${f.label} is required`;
  }
  return out;
}

/** The contract's input: `{ provider, kms_key_ref, config }`, empty optional fields left out. */
export function toInput(provider: Provider, values: FieldValues): { provider: Provider; kms_key_ref: string; config: Record<string, string> } {
  const config: Record<string, string> = {};
  for (const f of FIELDS[provider]) {
    const v = (values[f.key] ?? '').trim();
    if (f.key.startsWith('config.') && v) config[f.key.slice('config.'.length)] = v;
  }
  return { provider, kms_key_ref: (values.kms_key_ref ?? '').trim(), config };
}
