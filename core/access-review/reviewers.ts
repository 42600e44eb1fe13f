/**
 * One reviewer per provider: builds the provider's read-only reader from the tenant's
 * stored config (the same validation and credential resolution as its KMS provider), runs
 * the reads, and concludes. Injectable, so tests and hosts can swap one.
 */
import type { ProviderDeps } from '../providers/types';
import type { AwsConfig } from '../providers/aws/config';
import { AwsKeyReviewReader } from '../providers/aws/key-review';
import { applicationDefaultCredentials, DEFAULT_IAM_CREDENTIALS_ENDPOINT, type GcpAuthOptions } from '../providers/gcp/auth';
import type { GcpConfig } from '../providers/gcp/config';
import { GcpKeyReviewReader } from '../providers/gcp/key-review';
import { parseAzureConfig } from '../providers/azure/config';
import { AzureKeyReviewReader } from '../providers/azure/key-review';
import { concludeAzure } from './azure-conclude';
import { readAzure } from './azure-review';
import { concludeGcp } from './gcp-conclude';
import { readGcp } from './gcp-review';
import { concludeAws } from './aws-conclude';
import { readAws } from './aws-review';
import type { Conclusions } from './conclusions';
import type { ReviewReads } from './reads';
import type { ReviewSettings } from './types';

export interface ReviewOutcome {
  conclusions: Conclusions;
  raw: Record<string, unknown>;
  keywardenPrincipal: string | null;
}

export interface KeyReviewer {
  principal(): string | undefined;
  run(reads: ReviewReads, settings: ReviewSettings): Promise<ReviewOutcome>;
  close(): void;
}

export type ReviewerFactory = (ref: { kms_key_ref: string; config: Record<string, unknown> }, deps: ProviderDeps) => KeyReviewer;

export const awsReviewer: ReviewerFactory = (ref, deps) => {
  const reader = new AwsKeyReviewReader({ kms_key_ref: ref.kms_key_ref, config: ref.config as unknown as AwsConfig }, deps);
  return {
    principal: () => reader.principal(),
    async run(reads, settings) {
      const { snapshot, raw } = await readAws(reader, reads);
      return { conclusions: concludeAws(snapshot, settings), raw, keywardenPrincipal: snapshot.keywardenPrincipal ?? null };
    },
    close: () => reader.close(),
  };
};

/** The GCP reviewer with an identity source of its own (tests use an access-token source). */
export function createGcpReviewer(auth: GcpAuthOptions = { sourceCredentials: applicationDefaultCredentials, iamCredentialsEndpoint: DEFAULT_IAM_CREDENTIALS_ENDPOINT }): ReviewerFactory {
  return (ref, deps) => {
    const reader = new GcpKeyReviewReader({ kms_key_ref: ref.kms_key_ref, config: ref.config as unknown as GcpConfig }, deps, auth);
    return {
      principal: () => reader.principal(),
      async run(reads, settings) {
        const { snapshot, raw } = await readGcp(reader, reads);
        return { conclusions: concludeGcp(snapshot, settings), raw, keywardenPrincipal: snapshot.keywardenPrincipal ?? null };
      },
      close: () => void reader.close(),
    };
  };
}

/** The Azure reviewer; `extraCaPem` is trusted for loopback https stand-ins only (the test fakes). */
export function createAzureReviewer(options: { extraCaPem?: string } = {}): ReviewerFactory {
  return (ref, deps) => {
    const parsed = parseAzureConfig({ provider: 'azure', kms_key_ref: ref.kms_key_ref, config: { ...ref.config } });
    const reader = new AzureKeyReviewReader(parsed, deps, { extraCaPem: options.extraCaPem });
    return {
      principal: () => reader.principal(),
      async run(reads, settings) {
        const { snapshot, raw } = await readAzure(reader, reads, settings);
        return { conclusions: concludeAzure(snapshot, settings), raw, keywardenPrincipal: snapshot.keywardenPrincipal ?? null };
      },
      close: () => reader.close(),
    };
  };
}

export function defaultReviewers(): Map<string, ReviewerFactory> {
  return new Map<string, ReviewerFactory>([
    ['aws', awsReviewer],
    ['gcp', createGcpReviewer()],
    ['azure', createAzureReviewer()],
  ]);
}
