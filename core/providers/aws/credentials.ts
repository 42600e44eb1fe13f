/**
 * Where the AWS provider's credentials come from. No credential value is ever in the
 * config: the source is chosen from it.
 *
 * 1. Base credentials:
 *    - `profile` → the shared config / credentials files (`fromIni`), with the file paths
 *      taken from `deps.env` (`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`) when set;
 *    - else, when `deps.env` holds `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (the first
 *      link of the default chain), those, read from `deps.env` rather than `process.env`:
 *      this is what keeps tests hermetic and lets the host scope the environment;
 *    - else the SDK's default chain (`fromNodeProviderChain`: SSO, web identity, ECS,
 *      IMDS...), which reads the process environment itself.
 * 2. With `role_arn`: STS AssumeRole on top of the base credentials, with the external id,
 *    session name `keywarden`, at `sts_endpoint` (or the region's STS endpoint), no SDK
 *    retries and the same timeouts as the KMS client. The assumed-role ARN STS answers
 *    with (`AssumedRoleUser.Arn`) becomes the calls' principal.
 * 3. Without a role, the principal comes from `sts:GetCallerIdentity`, once per credential
 *    set (caller-identity.ts).
 * The credentials the client signs with are tracked, so each call's row names its access
 * key id (ASIA… temporary, AKIA… long-lived).
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { FromTemporaryCredentialsOptions } from '@aws-sdk/credential-providers';
import type { CallerIdentity, CredentialSourceInfo } from '../types';
import { CallerIdentityCache, isCallerArn } from './caller-identity';
import type { AwsConfig } from './config';
import { parseRoleArn } from './config';
import { awsCredentialSource, isLongLivedAccessKeyId } from './credential-source';
import { markAssumeRoleFailure } from './errors';

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;
type Identity = Awaited<ReturnType<CredentialProvider>>;
type Plugin = NonNullable<FromTemporaryCredentialsOptions['clientPlugins']>[number];

export const ROLE_SESSION_NAME = 'keywarden';

export interface CredentialSetup {
  credentials: CredentialProvider;
  /** The principal as far as it is known before any call (the expected assumed-role ARN). */
  expectedPrincipal: string | undefined;
  /** The principal STS reported with AssumeRole, once it has. */
  principal(): string | undefined;
  /** Who the client's current credentials are (asks STS once per credential set without a role). */
  identity(): Promise<CallerIdentity>;
  /** Where the credentials come from; refined to long-lived once an AKIA key has signed a call. */
  source(): CredentialSourceInfo;
}

export interface CredentialOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** The KMS client's request handler settings, reused for STS. */
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
  customUserAgent: string;
  /** The injected clock, for retrying an unreachable STS later (default: wall time). */
  now?: () => number;
}

/** Remembers the last credentials the KMS client resolved: the ones its calls are signed with. */
function tracked(inner: CredentialProvider, onIdentity: (id: Identity) => void): CredentialProvider {
  return (async (...args: Parameters<CredentialProvider>) => {
    const id = await inner(...args);
    onIdentity(id);
    return id;
  }) as CredentialProvider;
}

function envCredentials(env: Record<string, string | undefined>): CredentialProvider | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  const expiry = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  const identity: Identity = {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiry && !Number.isNaN(expiry.getTime()) ? { expiration: expiry } : {}),
  };
  return async () => identity;
}

function baseCredentials(config: AwsConfig, opts: CredentialOptions): CredentialProvider {
  const { env } = opts;
  if (config.profile) {
    return fromIni({
      profile: config.profile,
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
    });
  }
  return (
    envCredentials(env) ??
    fromNodeProviderChain({
      ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
      // IMDS / container metadata: bounded by the call's own budget, no retries.
      timeout: Math.max(100, Math.min(opts.timeoutMs, 1000)),
      maxRetries: 0,
    })
  );
}

/** A plugin for the STS client that records the AssumedRoleUser ARN STS answers with. */
function captureAssumedRole(onArn: (arn: string) => void): Plugin {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          const result = await next(args);
          const output = result.output as { AssumedRoleUser?: { Arn?: unknown } } | undefined;
          const arn = output?.AssumedRoleUser?.Arn;
          if (isCallerArn(arn)) onArn(arn);
          return result;
        },
        // Re-applied on every refresh: a fixed name with override keeps one copy.
        { step: 'initialize', name: 'keywardenCaptureAssumedRole', override: true },
      );
    },
  };
}

/** Whatever the role's provider throws is STS AssumeRole failing (or its base credentials): marked so for the classifier. */
function assumeRoleFailuresMarked(inner: CredentialProvider): CredentialProvider {
  return (async (...args: Parameters<CredentialProvider>) => {
    try {
      return await inner(...args);
    } catch (e) {
      throw markAssumeRoleFailure(e);
    }
  }) as CredentialProvider;
}

export function resolveCredentials(config: AwsConfig, opts: CredentialOptions): CredentialSetup {
  const staticSource = awsCredentialSource(config, opts.env);
  let signing: Identity | undefined;
  const onIdentity = (id: Identity) => (signing = id);
  const accessKeyId = () => (typeof signing?.accessKeyId === 'string' && signing.accessKeyId ? signing.accessKeyId : null);
  const base = baseCredentials(config, opts);

  if (!config.role_arn) {
    const lookups = new CallerIdentityCache({
      region: config.region,
      ...(config.sts_endpoint ? { stsEndpoint: config.sts_endpoint } : {}),
      // A custom KMS endpoint (VPC, FIPS, a proxy) says where this installation may send
      // requests: the public STS is not asked beside it unless sts_endpoint names one.
      ...(config.endpoint && !config.sts_endpoint ? { notAsked: 'not asked: a custom KMS endpoint is set without sts_endpoint (set sts_endpoint to learn the principal)' } : {}),
      timeoutMs: opts.timeoutMs,
      requestHandler: opts.requestHandler,
      customUserAgent: opts.customUserAgent,
      now: opts.now ?? Date.now,
    });
    return {
      credentials: tracked(base, onIdentity),
      expectedPrincipal: undefined,
      principal: () => undefined,
      async identity() {
        const id = signing;
        if (!id?.accessKeyId) return { principal: null, principalNote: 'credentials were not resolved: principal unknown', accessKeyId: null };
        const found = await lookups.lookup(id);
        return { principal: found.principal, principalNote: found.note, accessKeyId: id.accessKeyId };
      },
      source: () =>
        !staticSource.longLived && isLongLivedAccessKeyId(accessKeyId())
          ? { source: staticSource.source, longLived: true }
          : staticSource,
    };
  }

  const role = parseRoleArn(config.role_arn);
  const expectedPrincipal = `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${ROLE_SESSION_NAME}`;
  let reported: string | undefined;
  const credentials = assumeRoleFailuresMarked(fromTemporaryCredentials({
    params: {
      RoleArn: config.role_arn,
      RoleSessionName: ROLE_SESSION_NAME,
      ...(config.external_id ? { ExternalId: config.external_id } : {}),
    },
    masterCredentials: base,
    clientConfig: {
      region: config.region,
      ...(config.sts_endpoint ? { endpoint: config.sts_endpoint } : {}),
      maxAttempts: 1,
      requestHandler: opts.requestHandler,
      customUserAgent: opts.customUserAgent,
    },
    clientPlugins: [captureAssumedRole((arn) => (reported = arn))],
  }));
  return {
    credentials: tracked(credentials, onIdentity),
    expectedPrincipal,
    principal: () => reported,
    identity: () =>
      Promise.resolve(
        reported
          ? { principal: reported, principalNote: 'assumed role', accessKeyId: accessKeyId() }
          : { principal: null, principalNote: 'AssumeRole has not succeeded: principal unknown', accessKeyId: accessKeyId() },
      ),
    source: () => staticSource,
  };
}
