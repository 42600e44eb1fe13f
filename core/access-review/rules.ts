/**
 * The findings the review can raise: severity and the public checks each corresponds to
 * (AWS Security Hub KMS controls, Prowler check ids, CIS benchmark items, Azure Policy),
 * so an auditor can line Keywarden's conclusions up with the tools they already run.
 */
import type { PublicCheck, Severity } from './types';

export interface RuleSpec {
  severity: Severity;
  title: string;
  checks: PublicCheck;
}

export const RULES = {
  public_principal: {
    severity: 'critical',
    title: 'Key usable by everyone without a narrowing condition',
    checks: { security_hub: 'KMS.5', prowler: 'kms_key_not_publicly_accessible', cis: 'CIS GCP 1.9' },
  },
  cross_account: {
    severity: 'high',
    title: 'Another account can use the key and is not on the allow-list',
    checks: { other: 'IAM Access Analyzer external access (AWS::KMS::Key)' },
  },
  wildcard_admin: {
    severity: 'high',
    title: 'kms:* granted to a principal other than the account root',
    checks: { other: 'AWS KMS best practices: least privilege in key policies' },
  },
  foreign_grant: {
    severity: 'high',
    title: 'A grant to a principal other than Keywarden that is not on the allow-list',
    checks: { other: 'AWS KMS best practices: review grants (ListGrants)' },
  },
  rotation_off: {
    severity: 'medium',
    title: 'Automatic key rotation is off or longer than required',
    checks: { security_hub: 'KMS.4', prowler: 'kms_cmk_rotation_enabled', cis: 'CIS AWS Foundations 3.6' },
  },
  pending_deletion: {
    severity: 'critical',
    title: 'Key pending deletion or version destruction scheduled',
    checks: { security_hub: 'KMS.3', prowler: 'kms_cmk_not_deleted_unintentionally' },
  },
  hsm_missing: {
    severity: 'high',
    title: 'HSM protection required by the tenant but missing',
    checks: { other: 'PCI DSS 3.6 / tenant setting require_hsm' },
  },
  no_separation_of_duties: {
    severity: 'medium',
    title: 'The same principal administers and uses the key',
    checks: { cis: 'CIS GCP 1.11', other: 'SOC 2 CC6.3' },
  },
  purge_protection_off: {
    severity: 'high',
    title: 'Key Vault without purge protection or soft delete',
    checks: { prowler: 'keyvault_recoverable', cis: 'CIS Azure 8.5 (v2.0): Key Vault is recoverable', other: 'Azure Policy: Key vaults should have deletion protection enabled; Key vaults should have soft delete enabled' },
  },
  key_exportable: {
    severity: 'high',
    title: 'Key Vault key is exportable',
    checks: { other: 'Azure Key Vault secure key release: key attribute exportable with a release policy' },
  },
  key_disabled: {
    severity: 'high',
    title: 'The key is disabled',
    checks: { other: 'Keywarden: the tenant seals while its key is disabled' },
  },
} as const satisfies Record<string, RuleSpec>;

/** Provider-specific checks where a rule's public check differs by cloud. */
export const GCP_ROTATION_CHECKS: PublicCheck = { prowler: 'kms_key_rotation_enabled', cis: 'CIS GCP 1.10' };
export const AZURE_ROTATION_CHECKS: PublicCheck = {
  prowler: 'keyvault_key_rotation_enabled',
  cis: 'CIS Azure 3.3.8 (v3.0): automatic key rotation enabled',
  other: 'Azure Policy: Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation',
};
/** A vault on the legacy access-policy model granting key permissions to someone else. */
export const AZURE_ACCESS_POLICY_CHECKS: PublicCheck = {
  prowler: 'keyvault_rbac_enabled',
  cis: 'CIS Azure 3.3.6 (v3.0): Role Based Access Control for Azure Key Vault',
  other: 'Azure Policy: Azure Key Vault should use RBAC permission model',
};
/** An RBAC role assignment letting another principal use the key. */
export const AZURE_RBAC_CHECKS: PublicCheck = {
  other: 'Microsoft cloud security benchmark PA-7 (least privilege); Key Vault best practice: Key Vault Crypto roles only for the identities that need them, at key scope',
};

export type RuleId = keyof typeof RULES;
