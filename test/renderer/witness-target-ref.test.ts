/** The Add witness form's fields become the target_ref each kind's parser accepts, and bad input stays bad for the engine to name. */
import { describe, expect, it } from 'vitest';
import { parseGcpWitnessTarget } from '../../core/witness/gcp/target';
import { parseAzureWitnessTarget } from '../../core/witness/azure/target';
import { targetRefOf } from '../../renderer/src/features/audit-trail/witness-target-ref';

describe('witness target from the form', () => {
  it('sends an AWS ARN as typed, trimmed', () => {
    expect(targetRefOf({ kind: 'aws_kms', main: '  arn:aws:kms:us-east-1:111122223333:key/abc ', extra: '' })).toBe('arn:aws:kms:us-east-1:111122223333:key/abc');
  });

  it('builds a GCP log name the engine accepts, with or without a log, from a project or a pasted projects/ path', () => {
    expect(parseGcpWitnessTarget(targetRefOf({ kind: 'gcp_logging', main: 'acme-audit', extra: '' })).logName).toBe('projects/acme-audit/logs/keywarden-checkpoints');
    expect(parseGcpWitnessTarget(targetRefOf({ kind: 'gcp_logging', main: 'acme-audit', extra: 'my-log' })).logName).toBe('projects/acme-audit/logs/my-log');
    expect(parseGcpWitnessTarget(targetRefOf({ kind: 'gcp_logging', main: 'projects/acme-audit', extra: '' })).logName).toBe('projects/acme-audit/logs/keywarden-checkpoints');
  });

  it('leaves a bad GCP project or log bad, for the engine to name', () => {
    expect(() => parseGcpWitnessTarget(targetRefOf({ kind: 'gcp_logging', main: 'acme/audit', extra: '' }))).toThrow(/target_ref/);
    expect(() => parseGcpWitnessTarget(targetRefOf({ kind: 'gcp_logging', main: 'acme-audit', extra: 'a/b' }))).toThrow(/target_ref/);
  });

  it('builds an Azure vault or secret ref the engine accepts, and keeps a bad host bad', () => {
    expect(parseAzureWitnessTarget(targetRefOf({ kind: 'azure_secret', main: 'https://acme-vault.vault.azure.net/', extra: '' })).ref).toBe('https://acme-vault.vault.azure.net');
    expect(parseAzureWitnessTarget(targetRefOf({ kind: 'azure_secret', main: 'https://acme-vault.vault.azure.net/', extra: 'cp-1' })).ref).toBe('https://acme-vault.vault.azure.net/secrets/cp-1');
    expect(() => parseAzureWitnessTarget(targetRefOf({ kind: 'azure_secret', main: 'https://evil.example.com', extra: 'cp' }))).toThrow(/not a Key Vault host/);
  });
});
