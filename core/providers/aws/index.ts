/**
 * The `aws` provider kind: the customer's own AWS KMS key, reached with STS AssumeRole
 * (`role_arn` + `external_id`), a named profile, or the default credential chain.
 */
import type { ProviderFactory } from '../types';
import { parseAwsConfig, type AwsConfig } from './config';
import { AwsKmsProvider } from './provider';

export type { AwsConfig } from './config';
export { parseAwsConfig, parseKeyArn, parseRoleArn } from './config';
export { classifyAwsError } from './errors';
export { AwsKmsProvider, encryptionContextFor, correlationToken } from './provider';

export const awsProviderFactory: ProviderFactory<AwsConfig> = {
  name: 'aws',
  parseConfig: parseAwsConfig,
  create(parsed, deps) {
    // Re-validate what comes back from the store: a tampered row must not smuggle in a
    // credential, an http endpoint or a mismatched region.
    const checked = parseAwsConfig({ provider: 'aws', kms_key_ref: parsed.kms_key_ref, config: { ...parsed.config } });
    return new AwsKmsProvider(checked, deps);
  },
};
