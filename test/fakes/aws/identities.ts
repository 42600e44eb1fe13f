/**
 * Who the fake's callers are: IAM users (long-lived AKIA keys, as the default chain would
 * find them in the environment), roles that STS can assume (checking the external id and
 * the trust), and the temporary ASIA sessions AssumeRole hands out, mapped back to
 * `arn:aws:sts::<acct>:assumed-role/<role>/<session>` exactly as CloudTrail shows them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../core/clock';
import type { FakeRequest } from './http';
import { parseAuthorization, verifySigV4 } from './sigv4';

/** CloudTrail's `userIdentity` element. */
export interface UserIdentity {
  type: 'IAMUser' | 'AssumedRole';
  principalId: string;
  arn: string;
  accountId: string;
  accessKeyId: string;
  userName?: string;
  sessionContext?: {
    sessionIssuer: { type: 'Role'; principalId: string; arn: string; accountId: string; userName: string };
    attributes: { creationDate: string; mfaAuthenticated: 'false' };
  };
}

export interface FakeUser {
  accessKeyId: string;
  secretAccessKey: string;
  /** `arn:aws:iam::<acct>:user/<name>` */
  arn: string;
}

export interface FakeRole {
  /** `arn:aws:iam::<acct>:role/<path/name>` */
  roleArn: string;
  /** When set, AssumeRole must carry exactly this ExternalId (the trust policy's sts:ExternalId). */
  externalId?: string;
  /** Caller ARNs the trust policy allows; any authenticated caller when omitted. */
  trustedPrincipals?: string[];
}

interface Credential {
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: number;
  identity: UserIdentity;
}

export type AuthFailure = 'missing' | 'unknown_key' | 'bad_signature' | 'wrong_scope' | 'expired' | 'bad_token';
export type AuthResult = { ok: true; identity: UserIdentity } | { ok: false; failure: AuthFailure; message: string };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function idFrom(seed: string, prefix: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; out.length < length; i++) out += ALNUM[digest[i % digest.length]! % ALNUM.length];
  return out;
}
function randomId(prefix: string, length: number): string {
  return idFrom(randomBytes(16).toString('hex'), prefix, length);
}
const accountOf = (arn: string) => arn.split(':')[4] ?? '';
const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Identities {
  private readonly creds = new Map<string, Credential>();
  private readonly roles = new Map<string, FakeRole>();
  constructor(private readonly clock: Clock) {}

  addUser(user: FakeUser): void {
    this.creds.set(user.accessKeyId, {
      secretAccessKey: user.secretAccessKey,
      identity: {
        type: 'IAMUser',
        principalId: idFrom(user.arn, 'AIDA', 21),
        arn: user.arn,
        accountId: accountOf(user.arn),
        accessKeyId: user.accessKeyId,
        userName: lastSegment(user.arn),
      },
    });
  }

  addRole(role: FakeRole): void {
    this.roles.set(role.roleArn, role);
  }

  /** Every issued session expires now: the next call with it gets ExpiredToken. */
  expireSessions(): void {
    const now = this.clock.now();
    for (const c of this.creds.values()) if (c.sessionToken) c.expiresAt = Math.min(c.expiresAt ?? now, now - 1);
  }

  /** STS AssumeRole. Errors carry the message AWS gives for a refused AssumeRole. */
  assumeRole(
    caller: UserIdentity,
    p: { roleArn: string; sessionName: string; externalId?: string; durationSeconds: number },
  ): { ok: true; accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAt: number; identity: UserIdentity } | { ok: false; message: string } {
    const role = this.roles.get(p.roleArn);
    const refused = { ok: false as const, message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${p.roleArn}` };
    if (!role) return refused;
    if (role.externalId !== undefined && role.externalId !== p.externalId) return refused;
    if (role.trustedPrincipals && !role.trustedPrincipals.includes(caller.arn)) return refused;
    const accessKeyId = randomId('ASIA', 20);
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = `FwoGZXIvYXdzEFAKE${randomBytes(96).toString('base64')}`;
    const now = this.clock.now();
    const roleId = idFrom(p.roleArn, 'AROA', 21);
    const roleName = lastSegment(p.roleArn);
    const accountId = accountOf(p.roleArn);
    const partition = p.roleArn.split(':')[1] ?? 'aws';
    const identity: UserIdentity = {
      type: 'AssumedRole',
      principalId: `${roleId}:${p.sessionName}`,
      arn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${p.sessionName}`,
      accountId,
      accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: roleId, arn: p.roleArn, accountId, userName: roleName },
        attributes: { creationDate: isoSeconds(now), mfaAuthenticated: 'false' },
      },
    };
    const expiresAt = now + p.durationSeconds * 1000;
    this.creds.set(accessKeyId, { secretAccessKey, sessionToken, expiresAt, identity });
    return { ok: true, accessKeyId, secretAccessKey, sessionToken, expiresAt, identity };
  }

  /** Checks the SigV4 signature, its scope and, for ASIA keys, the session token. */
  authenticate(req: FakeRequest, region: string, service: string): AuthResult {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) return { ok: false, failure: 'missing', message: 'Missing Authentication Token' };
    const cred = this.creds.get(auth.accessKeyId);
    if (!cred) return { ok: false, failure: 'unknown_key', message: 'The security token included in the request is invalid.' };
    if (auth.region !== region || auth.service !== service) {
      return { ok: false, failure: 'wrong_scope', message: `Credential should be scoped to a valid region and service ('${region}', '${service}'), not ('${auth.region}', '${auth.service}').` };
    }
    if (cred.sessionToken !== undefined && req.headers['x-amz-security-token'] !== cred.sessionToken) {
      return { ok: false, failure: 'bad_token', message: 'The security token included in the request is invalid.' };
    }
    if (cred.expiresAt !== undefined && cred.expiresAt <= this.clock.now()) {
      return { ok: false, failure: 'expired', message: 'The security token included in the request is expired' };
    }
    if (!verifySigV4(req, auth, cred.secretAccessKey)) {
      return {
        ok: false,
        failure: 'bad_signature',
        message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      };
    }
    return { ok: true, identity: cred.identity };
  }
}

/** The AWS JSON protocols' error code for an authentication failure. */
export function jsonAuthCode(f: AuthFailure): string {
  return {
    missing: 'MissingAuthenticationTokenException',
    unknown_key: 'UnrecognizedClientException',
    bad_token: 'UnrecognizedClientException',
    bad_signature: 'InvalidSignatureException',
    wrong_scope: 'InvalidSignatureException',
    expired: 'ExpiredTokenException',
  }[f];
}
