/**
 * CloudTrail archives as import sources: `s3://bucket/prefix` read with the tenant's own
 * AWS credentials (its onboarded config: region, role, profile), or a local folder of the
 * same layout; and the integrity checker with CloudTrail's ListPublicKeys.
 */
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import type { KeyObject } from 'node:crypto';
import type { AwsConfig } from '../../../providers/aws/config';
import { resolveCredentials, type CredentialProvider } from '../../../providers/aws/credentials';
import { classifyCloudTrailError } from '../../readers/aws-cloudtrail';
import { FolderStore } from '../folder-store';
import { parseS3Location, S3Store } from '../s3-store';
import { ArchiveError, type ArchiveSource, type IntegrityChecker, type SourceContext, type SourceFactory } from '../types';
import { CloudTrailIntegrity, publicKeyFromDer, type PublicKeyLookup } from './integrity';
import { CloudTrailSource } from './layout';

interface AwsAccess {
  config: AwsConfig;
  credentials: CredentialProvider;
}

/** The tenant's AWS config and credentials (the newest AWS key's config). */
export function awsAccess(ctx: SourceContext): AwsAccess {
  const key = ctx.keys.find((k) => k.provider === 'aws');
  if (!key) throw new ArchiveError('this tenant uses no AWS KMS key: there are no AWS credentials to read the bucket with', 'invalid');
  let config: AwsConfig;
  try {
    config = JSON.parse(key.kms_config) as AwsConfig;
  } catch {
    throw new ArchiveError('the stored AWS config is not readable JSON; onboard the key again', 'invalid');
  }
  const requestHandler = { connectionTimeout: ctx.timeoutMs, requestTimeout: ctx.timeoutMs, throwOnRequestTimeout: true as const };
  const creds = resolveCredentials(config, { env: ctx.env, timeoutMs: ctx.timeoutMs, requestHandler, customUserAgent: ctx.userAgent });
  return { config, credentials: creds.credentials };
}

export interface S3FactoryOptions {
  /** Attempts and first backoff of throttled S3 requests (tests use small ones). */
  attempts?: number;
  backoffMs?: number;
}

export function s3CloudTrailFactory(opts: S3FactoryOptions = {}): SourceFactory {
  return {
    scheme: 's3:',
    create(location: string, ctx: SourceContext): ArchiveSource {
      const parsed = parseS3Location(location);
      if (!parsed) throw new ArchiveError(`${location} is not an S3 location: write s3://bucket/prefix`, 'invalid');
      const { config, credentials } = awsAccess(ctx);
      const store = new S3Store({
        ...parsed,
        region: config.region,
        endpoint: ctx.endpoints.aws_s3_endpoint,
        credentials,
        timeoutMs: ctx.timeoutMs,
        userAgent: ctx.userAgent,
        ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
        ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
      });
      return new CloudTrailSource(store);
    },
  };
}

/** A local folder holding a trail's archive (or the AWSLogs folder itself). */
export const folderCloudTrailFactory: SourceFactory = {
  scheme: 'folder',
  create: (location: string) => new CloudTrailSource(new FolderStore(location)),
};

/** Public keys from CloudTrail's ListPublicKeys in the digest's region (the configured endpoint when set). */
export function listPublicKeys(ctx: SourceContext): PublicKeyLookup {
  return async (region, fromMs, toMs, signal) => {
    const { credentials } = awsAccess(ctx);
    const client = new CloudTrailClient({
      region,
      ...(ctx.endpoints.aws_cloudtrail_endpoint ? { endpoint: ctx.endpoints.aws_cloudtrail_endpoint } : {}),
      credentials,
      maxAttempts: 3,
      customUserAgent: ctx.userAgent,
      requestHandler: { connectionTimeout: ctx.timeoutMs, requestTimeout: ctx.timeoutMs, throwOnRequestTimeout: true },
    });
    const keys = new Map<string, KeyObject>();
    try {
      let token: string | undefined;
      const seen = new Set<string>();
      do {
        const out = await client
          .send(new ListPublicKeysCommand({ StartTime: new Date(fromMs), EndTime: new Date(Math.min(toMs, Date.now())), ...(token ? { NextToken: token } : {}) }), { abortSignal: signal })
          .catch((e: unknown) => {
            const r = classifyCloudTrailError(e);
            throw new ArchiveError(r.message.replace('LookupEvents', 'ListPublicKeys').replace('cloudtrail:LookupEvents', 'cloudtrail:ListPublicKeys'), r.kind === 'access_denied' ? 'access_denied' : r.kind === 'unreachable' ? 'unreachable' : r.kind === 'throttled' ? 'throttled' : 'read_failed');
          });
        for (const k of out.PublicKeyList ?? []) {
          if (!k.Fingerprint || !k.Value) continue;
          const key = publicKeyFromDer(k.Value);
          if (key) keys.set(k.Fingerprint.toLowerCase(), key);
        }
        token = out.NextToken;
        if (token && seen.has(token)) break;
        if (token) seen.add(token);
      } while (token);
    } finally {
      client.destroy();
    }
    return keys;
  };
}

export function cloudTrailIntegrity(source: ArchiveSource, ctx: SourceContext): IntegrityChecker {
  const bucket = parseS3Location(source.location)?.bucket ?? null;
  return new CloudTrailIntegrity(source.kind === 'bucket' ? listPublicKeys(ctx) : null, bucket);
}
