/**
 * The fake STS on the wire: the query protocol (`POST /`, form body `Action=AssumeRole&
 * Version=2011-06-15&RoleArn=…&RoleSessionName=…&ExternalId=…`), XML answers, and
 * `<ErrorResponse>` errors (403 AccessDenied when the role, the external id or the trust
 * does not match). GetCallerIdentity too. AssumeRole calls land in the fake CloudTrail.
 */
import { randomUUID } from 'node:crypto';
import { xmlEscape, type FakeRequest, type FakeResponse, type Handler, type LoopbackServer } from './http';
import { isoSeconds, type AuthFailure, type Identities } from './identities';
import type { Trail } from './trail';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsFakeState {
  identities: Identities;
  trail: Trail;
  region: string;
  server: () => LoopbackServer;
}

function xml(status: number, body: string): FakeResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body };
}

function stsError(status: number, code: string, message: string, requestId: string, type: 'Sender' | 'Receiver' = 'Sender'): FakeResponse {
  return xml(
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

const AUTH_CODES: Record<AuthFailure, [number, string]> = {
  missing: [403, 'MissingAuthenticationToken'],
  unknown_key: [403, 'InvalidClientTokenId'],
  bad_token: [403, 'InvalidClientTokenId'],
  bad_signature: [403, 'SignatureDoesNotMatch'],
  wrong_scope: [403, 'SignatureDoesNotMatch'],
  expired: [400, 'ExpiredToken'],
};

export function stsHandler(s: StsFakeState): Handler {
  return async (req: FakeRequest): Promise<FakeResponse | 'destroy'> => {
    const requestId = randomUUID();
    const fault = s.server().fault;
    if (fault.kind === 'refuse') return 'destroy';
    if (fault.kind === 'slow' && !(await s.server().delay(fault.delayMs))) return 'destroy';
    const form = new URLSearchParams(req.body.toString('utf8'));
    const action = form.get('Action');
    if (req.method !== 'POST' || (action !== 'AssumeRole' && action !== 'GetCallerIdentity')) {
      return stsError(400, 'InvalidAction', `Could not find operation ${action ?? ''} for version ${form.get('Version') ?? ''}`, requestId);
    }
    const auth = s.identities.authenticate(req, s.region, 'sts');
    if (!auth.ok) {
      const [status, code] = AUTH_CODES[auth.failure];
      return stsError(status, code, auth.message, requestId);
    }
    if (fault.kind === 'deny') {
      return stsError(403, 'AccessDenied', `User: ${auth.identity.arn} is not authorized to perform: sts:${action}`, requestId);
    }
    if (fault.kind === 'throttle') return stsError(400, 'Throttling', 'Rate exceeded', requestId);
    if (fault.kind === 'server_error') return stsError(500, 'InternalFailure', 'An internal error occurred.', requestId, 'Receiver');

    if (action === 'GetCallerIdentity') {
      const id = auth.identity;
      return xml(
        200,
        `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${xmlEscape(id.arn)}</Arn><UserId>${xmlEscape(id.principalId)}</UserId><Account>${id.accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    }

    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const externalId = form.get('ExternalId') ?? undefined;
    const duration = Number(form.get('DurationSeconds') ?? 3600);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      return stsError(400, 'ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint", requestId);
    }
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      return stsError(400, 'ValidationError', "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint", requestId);
    }
    const assumed = s.identities.assumeRole(auth.identity, { roleArn, sessionName, ...(externalId !== undefined ? { externalId } : {}), durationSeconds: duration });
    const ua = req.headers['user-agent'];
    const base = {
      userIdentity: auth.identity,
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: s.region,
      sourceIPAddress: req.remoteAddress,
      userAgent: typeof ua === 'string' ? ua : '',
      requestParameters: { roleArn, roleSessionName: sessionName, ...(externalId !== undefined ? { externalId } : {}), durationSeconds: duration },
      requestID: requestId,
      readOnly: true,
      resources: [{ accountId: roleArn.split(':')[4] ?? '', type: 'AWS::IAM::Role', ARN: roleArn }],
    };
    if (!assumed.ok) {
      s.trail.record({ ...base, responseElements: null, errorCode: 'AccessDenied', errorMessage: assumed.message });
      return stsError(403, 'AccessDenied', assumed.message, requestId);
    }
    const expiration = isoSeconds(assumed.expiresAt);
    s.trail.record({
      ...base,
      responseElements: {
        credentials: { accessKeyId: assumed.accessKeyId, expiration },
        assumedRoleUser: { assumedRoleId: assumed.identity.principalId, arn: assumed.identity.arn },
      },
    });
    return xml(
      200,
      `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><AssumedRoleUser><Arn>${xmlEscape(assumed.identity.arn)}</Arn><AssumedRoleId>${xmlEscape(assumed.identity.principalId)}</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${assumed.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(assumed.secretAccessKey)}</SecretAccessKey><SessionToken>${xmlEscape(assumed.sessionToken)}</SessionToken><Expiration>${expiration}</Expiration></Credentials><PackedPolicySize>0</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  };
}
