/**
 * The `gcp` provider kind. `gcpProviderFactory` is what the registry wires: application
 * default credentials (optionally impersonating a service account) against Cloud KMS.
 * `createGcpProviderFactory(options)` builds the same factory with another identity
 * source or IAM Credentials endpoint: that is the hermetic seam tests use.
 */
import type { ProviderFactory } from '../types';
import {
  accessTokenCredentials,
  applicationDefaultCredentials,
  DEFAULT_IAM_CREDENTIALS_ENDPOINT,
  type GcpSourceCredentials,
} from './auth';
import { DEFAULT_TOKEN_INFO_ENDPOINT } from './caller-identity';
import { parseGcpConfig, type GcpConfig } from './config';
import { GcpKmsProvider } from './provider';

export interface GcpProviderOptions {
  /** The base identity. Default: application default credentials. */
  sourceCredentials?: GcpSourceCredentials;
  /** IAM Credentials API base URL used for impersonation. Default: https://iamcredentials.googleapis.com */
  iamCredentialsEndpoint?: string;
  /** OAuth2 token info endpoint (the engine's principal under ADC). Default: https://oauth2.googleapis.com/tokeninfo */
  tokenInfoEndpoint?: string;
  /** First retry backoff (ms); later ones triple. Default 100. */
  retryBaseMs?: number;
}

export function createGcpProviderFactory(options: GcpProviderOptions = {}): ProviderFactory<GcpConfig> {
  const auth = {
    sourceCredentials: options.sourceCredentials ?? applicationDefaultCredentials,
    iamCredentialsEndpoint: options.iamCredentialsEndpoint ?? DEFAULT_IAM_CREDENTIALS_ENDPOINT,
    tokenInfoEndpoint: options.tokenInfoEndpoint ?? DEFAULT_TOKEN_INFO_ENDPOINT,
  };
  return {
    name: 'gcp',
    parseConfig: parseGcpConfig,
    create(parsed, deps) {
      // Re-validate: a stored config is input too (it may predate a rule or be edited by hand).
      const checked = parseGcpConfig({ provider: 'gcp', kms_key_ref: parsed.kms_key_ref, config: { ...parsed.config } });
      return new GcpKmsProvider(checked.kms_key_ref, checked.config, deps, auth, options.retryBaseMs);
    },
  };
}

export const gcpProviderFactory: ProviderFactory<GcpConfig> = createGcpProviderFactory();

export { accessTokenCredentials, applicationDefaultCredentials };
export type { GcpSourceCredentials, GcpIdentity, GcpSourceRequest } from './auth';
export type { GcpConfig, CryptoKeyName } from './config';
export { parseCryptoKeyName, parseGcpConfig, STATIC_CREDENTIALS_REASON } from './config';
export { classifyGcpError } from './errors';
export { gcpAad, gcpUserAgent, GcpKmsProvider } from './provider';
