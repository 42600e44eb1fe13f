/**
 * The GCP and Azure witness targets and configs as `witness add` takes them: normalised
 * when valid, refused with the field and the reason otherwise, static credentials refused
 * as onboarding refuses them.
 */
import { describe, expect, it } from 'vitest';
import { KeywardenError } from '../../core/errors';
import { azureSecretWitness } from '../../core/witness/azure/kind';
import { gcpLoggingWitness } from '../../core/witness/gcp/kind';

function refusal(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KeywardenError);
    return { field: (e as KeywardenError).details?.field, message: (e as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('GCP witness target and config', () => {
  it.each([
    ['projects/my-project', 'projects/my-project/logs/keywarden-checkpoints'],
    ['projects/my-project/logs/audit-witness', 'projects/my-project/logs/audit-witness'],
    ['projects/123456789012', 'projects/123456789012/logs/keywarden-checkpoints'],
  ])('%s -> %s', (ref, logName) => {
    expect(gcpLoggingWitness.parseTarget(ref)).toBe(logName);
  });

  it.each([
    ['my-project', 'expected projects/<project>'],
    ['projects/My_Project', 'is not a GCP project id'],
    ['projects/my-project/logs/a%2Fb', "log id 'a%2Fb'"],
    ['projects/my-project/sinks/x', 'expected projects/<project>'],
    ['projects/my-project/logs/', 'log id'],
  ])('refuses %s', (ref, words) => {
    const r = refusal(() => gcpLoggingWitness.parseTarget(ref));
    expect(r.field).toBe('target_ref');
    expect(r.message).toContain(words);
  });

  it('takes onboarding’s GCP config and refuses a service-account key', () => {
    expect(gcpLoggingWitness.parseConfig({ impersonate_service_account: 'witness-writer@my-project.iam.gserviceaccount.com' }, 'projects/my-project/logs/keywarden-checkpoints'))
      .toEqual({ impersonate_service_account: 'witness-writer@my-project.iam.gserviceaccount.com' });
    const r = refusal(() => gcpLoggingWitness.parseConfig({ credentials: { type: 'service_account', private_key: 'x' } }, 'projects/my-project'));
    expect(r.field).toBe('config.credentials');
    expect(r.message).toContain('static long-lived credentials');
  });
});

describe('Azure witness target and config', () => {
  it.each([
    ['https://my-kv.vault.azure.net', 'https://my-kv.vault.azure.net'],
    ['https://my-kv.vault.azure.net/', 'https://my-kv.vault.azure.net'],
    ['https://my-kv.vault.azure.net/secrets/keywarden-checkpoints', 'https://my-kv.vault.azure.net/secrets/keywarden-checkpoints'],
    ['http://127.0.0.1:8443/secrets/w', 'http://127.0.0.1:8443/secrets/w'],
  ])('%s -> %s', (ref, normalised) => {
    expect(azureSecretWitness.parseTarget(ref)).toBe(normalised);
  });

  it.each([
    ['my-kv.vault.azure.net', 'expected https://'],
    ['http://my-kv.vault.azure.net', 'is not a Key Vault host'],
    ['https://example.com/secrets/x', 'is not a Key Vault host'],
    ['https://my-kv.vault.azure.net/keys/k', 'the path must be /secrets/<name>'],
    ['https://my-kv.vault.azure.net/secrets/bad_name', 'the path must be /secrets/<name>'],
    ['https://my-kv.vault.azure.net/secrets/x?api-version=1', 'query'],
  ])('refuses %s', (ref, words) => {
    const r = refusal(() => azureSecretWitness.parseTarget(ref));
    expect(r.field).toBe('target_ref');
    expect(r.message).toContain(words);
  });

  it('takes onboarding’s Azure config (the target’s vault when it names none) and refuses a raw client secret', () => {
    const tenant = '00000000-0000-4000-8000-000000000001';
    const app = '00000000-0000-4000-8000-000000000002';
    expect(azureSecretWitness.parseConfig({ azure_tenant_id: tenant, client_id: app, client_secret_env_var: 'KEYWARDEN_AZURE_WITNESS' }, 'https://my-kv.vault.azure.net'))
      .toEqual({ vault_url: 'https://my-kv.vault.azure.net', azure_tenant_id: tenant, client_id: app, client_secret_env_var: 'KEYWARDEN_AZURE_WITNESS' });
    const r = refusal(() => azureSecretWitness.parseConfig({ client_secret: 'abc~def' }, 'https://my-kv.vault.azure.net'));
    expect(r.field).toBe('config.client_secret');
    expect(r.message).toContain('static credentials are refused');
  });
});
