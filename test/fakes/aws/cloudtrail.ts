/**
 * The fake CloudTrail endpoint on the wire: AWS JSON 1.1,
 * `X-Amz-Target: CloudTrail_20131101.LookupEvents`, SigV4-authenticated. Honours the
 * endpoint's fault (throttle → ThrottlingException, as a reader polling too fast sees;
 * server_error → 500 InternalFailure), the read faults of LookupEvents answers (a body
 * that is not JSON, a 502 page, a NextToken that repeats or never ends) and, when set,
 * AWS's LookupEvents rate limit (2 requests a second per account/region).
 */
import { randomUUID } from 'node:crypto';
import { jsonAnswer, jsonError, type FakeRequest, type FakeResponse, type Handler, type LoopbackServer } from './http';
import { jsonAuthCode, type Identities } from './identities';
import type { Trail, TrailReadFault } from './trail';

const ENDLESS = 'endless-';
const html = (status: number): FakeResponse => ({ status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status === 200 ? 'Welcome' : 'Bad Gateway'}</h1></body></html>` });

export interface CloudTrailFakeState {
  identities: Identities;
  trail: Trail;
  region: string;
  server: () => LoopbackServer;
  /** LookupEvents requests allowed per second (real time); unlimited when undefined. */
  ratePerSecond: number | undefined;
  readFault: TrailReadFault;
  /** CloudTrail's digest-signing public keys, as ListPublicKeys serves them. */
  publicKeys: FakePublicKey[];
}

/** A digest-signing key: `der` is the PKCS#1 RSA public key, the fingerprint its hex id. */
export interface FakePublicKey {
  fingerprint: string;
  der: Buffer;
  validFromMs: number;
  validToMs: number;
}

/** ListPublicKeys: the keys valid at some time in [StartTime, EndTime] (epoch seconds), Value base64 as JSON 1.1 carries blobs. */
function listPublicKeys(s: CloudTrailFakeState, input: Record<string, unknown>, requestId: string): FakeResponse {
  const from = typeof input.StartTime === 'number' ? input.StartTime * 1000 : Number.NEGATIVE_INFINITY;
  const to = typeof input.EndTime === 'number' ? input.EndTime * 1000 : Number.POSITIVE_INFINITY;
  const keys = s.publicKeys
    .filter((k) => k.validFromMs <= to && k.validToMs >= from)
    .map((k) => ({ Value: k.der.toString('base64'), ValidityStartTime: k.validFromMs / 1000, ValidityEndTime: k.validToMs / 1000, Fingerprint: k.fingerprint }));
  return jsonAnswer(200, { PublicKeyList: keys }, requestId);
}

export function cloudTrailHandler(s: CloudTrailFakeState): Handler {
  const recent: number[] = [];
  let firstToken: string | undefined;
  return async (req: FakeRequest): Promise<FakeResponse | 'destroy'> => {
    const requestId = randomUUID();
    const fault = s.server().fault;
    if (fault.kind === 'refuse') return 'destroy';
    if (fault.kind === 'slow' && !(await s.server().delay(fault.delayMs))) return 'destroy';
    const target = req.headers['x-amz-target'];
    const known = target === 'CloudTrail_20131101.LookupEvents' || target === 'CloudTrail_20131101.ListPublicKeys';
    if (req.method !== 'POST' || !known) {
      return jsonError(400, 'UnknownOperationException', undefined, requestId);
    }
    const auth = s.identities.authenticate(req, s.region, 'cloudtrail');
    if (!auth.ok) return jsonError(400, jsonAuthCode(auth.failure), auth.message, requestId);
    if (fault.kind === 'deny') {
      return jsonError(
        400,
        'AccessDeniedException',
        `User: ${auth.identity.arn} is not authorized to perform: cloudtrail:${target === 'CloudTrail_20131101.ListPublicKeys' ? 'ListPublicKeys' : 'LookupEvents'} because no identity-based policy allows the action`,
        requestId,
      );
    }
    const now = Date.now();
    while (recent.length > 0 && recent[0]! <= now - 1000) recent.shift();
    if (fault.kind === 'throttle' || (s.ratePerSecond !== undefined && recent.length >= s.ratePerSecond)) {
      return jsonError(400, 'ThrottlingException', 'Rate exceeded', requestId);
    }
    recent.push(now);
    if (fault.kind === 'server_error') return jsonError(500, 'InternalFailure', 'An internal error occurred.', requestId);
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return jsonError(400, 'SerializationException', 'Start of structure or map found where not expected.', requestId);
    }
    if (target === 'CloudTrail_20131101.ListPublicKeys') return listPublicKeys(s, input, requestId);
    const rf = s.readFault;
    if (rf.kind === 'non_json') return html(200);
    if (rf.kind === 'bad_gateway') return html(502);
    if (rf.kind === 'endless_token' && typeof input.NextToken === 'string' && input.NextToken.startsWith(ENDLESS)) {
      return jsonAnswer(200, { Events: [], NextToken: `${ENDLESS}${randomUUID()}` }, requestId);
    }
    const result = s.trail.lookup(input);
    if (!result.ok) return jsonError(400, result.code, result.message, requestId);
    if (rf.kind === 'endless_token' && !result.body.NextToken) result.body.NextToken = `${ENDLESS}${randomUUID()}`;
    if (rf.kind === 'repeat_token' && result.body.NextToken) {
      firstToken ??= result.body.NextToken;
      result.body.NextToken = firstToken;
    }
    if (rf.kind !== 'repeat_token') firstToken = undefined;
    return jsonAnswer(200, result.body, requestId);
  };
}
