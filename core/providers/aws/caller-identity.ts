/**
 * The engine's own principal with credentials that do not name it (environment, shared
 * file, default chain): `sts:GetCallerIdentity`, which needs no IAM permission, once per
 * credential set (keyed by access key id). Its `Arn` is exactly CloudTrail's
 * `userIdentity.arn` for the same caller (`arn:aws:iam::ACCT:user/NAME`,
 * `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`), which the evidence matcher compares.
 *
 * It goes to the configured `sts_endpoint`, else the region's own STS endpoint, with the
 * same timeouts as KMS and no SDK retries. It is not a KMS call: nothing of it is written
 * to `kms_calls` except the principal it yields and, when it fails, why.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { classifyAwsError } from './errors';

export interface AwsSigningIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PrincipalLookup {
  principal: string | null;
  note: string;
}

export interface CallerIdentityOptions {
  region: string;
  stsEndpoint?: string;
  timeoutMs: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
  customUserAgent: string;
  /** Injected clock (ms): an unreachable STS is asked again only after RETRY_UNREACHABLE_MS. */
  now: () => number;
  /** Set when STS must not be asked (a custom KMS endpoint without an sts_endpoint): why. */
  notAsked?: string;
}

/** How long an unreachable STS is not asked again, so a dead endpoint does not slow every KMS call. */
export const RETRY_UNREACHABLE_MS = 60_000;

/** The ARN forms CloudTrail shows in `userIdentity.arn` for IAM users, roles' sessions and the root. */
const CALLER_ARN = /^arn:aws[\w-]*:(iam|sts)::\d{12}:(user\/.+|assumed-role\/[^/]+\/[^/]+|root|federated-user\/.+)$/;

export function isCallerArn(arn: unknown): arn is string {
  return typeof arn === 'string' && arn.length <= 2048 && CALLER_ARN.test(arn);
}

function failureNote(e: unknown): { note: string; retryable: boolean } {
  const err = classifyAwsError(e, 'GetCallerIdentity');
  const code = err.providerCode && err.providerCode !== 'Unclassified' ? ` (${err.providerCode})` : '';
  return { note: `GetCallerIdentity failed: ${err.reason.replace(/_/g, ' ')}${code}`, retryable: err.retryable };
}

export class CallerIdentityCache {
  private readonly known = new Map<string, Promise<PrincipalLookup>>();
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly opts: CallerIdentityOptions) {}

  /** The principal for these credentials; asks STS once per access key id (after a throttled or unreachable STS, again a minute later). */
  lookup(identity: AwsSigningIdentity): Promise<PrincipalLookup> {
    if (this.opts.notAsked) return Promise.resolve({ principal: null, note: this.opts.notAsked });
    const cached = this.known.get(identity.accessKeyId);
    const retryAt = this.retryAt.get(identity.accessKeyId);
    if (cached && (retryAt === undefined || this.opts.now() < retryAt)) return cached;
    this.retryAt.delete(identity.accessKeyId);
    const pending = this.ask(identity);
    this.known.set(identity.accessKeyId, pending);
    return pending;
  }

  private async ask(identity: AwsSigningIdentity): Promise<PrincipalLookup> {
    const client = new STSClient({
      region: this.opts.region,
      ...(this.opts.stsEndpoint ? { endpoint: this.opts.stsEndpoint } : {}),
      credentials: {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
      },
      maxAttempts: 1,
      requestHandler: this.opts.requestHandler,
      customUserAgent: this.opts.customUserAgent,
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    try {
      const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: controller.signal });
      if (!isCallerArn(out.Arn)) return { principal: null, note: 'GetCallerIdentity answered without a usable Arn' };
      return { principal: out.Arn, note: 'sts:GetCallerIdentity' };
    } catch (e) {
      const { note, retryable } = failureNote(e);
      if (retryable) this.retryAt.set(identity.accessKeyId, this.opts.now() + RETRY_UNREACHABLE_MS);
      return { principal: null, note };
    } finally {
      clearTimeout(timer);
      client.destroy();
    }
  }
}
