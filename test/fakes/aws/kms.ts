/**
 * The fake KMS on the wire: AWS JSON 1.1, `POST /`, `X-Amz-Target: TrentService.<Op>`,
 * SigV4-authenticated. Encrypt, Decrypt, GenerateDataKey, DescribeKey, DisableKey,
 * EnableKey, ScheduleKeyDeletion, CancelKeyDeletion. Every authenticated call, success or
 * failure, lands in the fake CloudTrail with the caller, the User-Agent verbatim and the
 * encryption context. Faults apply per key (by ARN) or to the whole endpoint.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FaultMode } from '../fault-mode';
import { jsonAnswer, jsonError, type FakeRequest, type FakeResponse, type Handler, type LoopbackServer } from './http';
import { jsonAuthCode, type Identities, type UserIdentity } from './identities';
import type { FakeKey, KeyStore, Resolved } from './kms-keys';
import { newReviewData, REVIEW_OPERATIONS, reviewOperations, type KeyReviewData } from './kms-review';
import type { Trail } from './trail';

export interface KmsFakeState {
  keys: KeyStore;
  identities: Identities;
  trail: Trail;
  server: () => LoopbackServer;
  /** Faults for one key ARN; the endpoint's own fault applies otherwise. */
  keyFaults: Map<string, FaultMode>;
  /** Quirk: answer successful calls with an empty `{}` 200 (a broken proxy / endpoint). */
  answerEmpty: boolean;
  now: () => number;
  /** Policy, grants, rotation and tags per key ARN for the review reads (created on first use). */
  review?: Map<string, KeyReviewData>;
}

type Body = Record<string, unknown>;
type OpResult = { ok: true; body: Body } | { ok: false; status: number; code: string; message?: string };
interface Call {
  op: string;
  body: Body;
  key: FakeKey;
  state: FakeKey['state'];
}

const READ_ONLY = new Set(['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', ...REVIEW_OPERATIONS]);
/** Operations whose successful records name the key material used (AWS KMS developer guide, ct-encrypt / ct-decrypt). */
const USES_KEY_MATERIAL = new Set(['Encrypt', 'Decrypt', 'GenerateDataKey']);

/** A stable 64-hex id per key material, as KMS shows it; derived, so it reveals nothing usable. */
function keyMaterialId(k: FakeKey): string {
  return createHash('sha256').update('keywarden-fake-key-material-id\0').update(k.material).digest('hex');
}
const ALGORITHM = 'SYMMETRIC_DEFAULT';

const err = (code: string, message?: string, status = 400): OpResult => ({ ok: false, status, code, ...(message !== undefined ? { message } : {}) });

function usable(c: Call): OpResult | undefined {
  if (c.state === 'Disabled') return err('DisabledException', `${c.key.arn} is disabled.`);
  if (c.state === 'PendingDeletion') return err('KMSInvalidStateException', `${c.key.arn} is pending deletion.`);
  return undefined;
}

function contextOf(body: Body): Record<string, string> | OpResult {
  const ec = body.EncryptionContext;
  if (ec === undefined) return {};
  if (typeof ec !== 'object' || ec === null || Array.isArray(ec) || Object.values(ec).some((v) => typeof v !== 'string')) {
    return err('SerializationException', 'EncryptionContext must map strings to strings');
  }
  return ec as Record<string, string>;
}

function blobOf(v: unknown, field: string, max: number): Buffer | OpResult {
  const buf = typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
  if (!buf || buf.length < 1 || buf.length > max) {
    return err('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between 1 and ${max}`);
  }
  return buf;
}

const isResult = (v: unknown): v is OpResult => typeof v === 'object' && v !== null && 'ok' in v;

function metadata(k: FakeKey, state: FakeKey['state']): Body {
  return {
    AWSAccountId: k.arn.split(':')[4],
    KeyId: k.keyId,
    Arn: k.arn,
    CreationDate: k.createdMs / 1000,
    Enabled: state === 'Enabled',
    Description: k.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: state,
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: [ALGORITHM],
    MultiRegion: k.keyId.startsWith('mrk-'),
    ...(k.deletionDateMs !== undefined && state === 'PendingDeletion' ? { DeletionDate: k.deletionDateMs / 1000 } : {}),
  };
}

/** The key's review data, created with the default key policy on first use. */
export function reviewDataOf(s: KmsFakeState, key: FakeKey): KeyReviewData {
  const map = (s.review ??= new Map());
  let d = map.get(key.arn);
  if (!d) map.set(key.arn, (d = newReviewData(s.keys.accountId, s.keys.partition)));
  return d;
}

function operations(s: KmsFakeState): Record<string, (c: Call) => OpResult> {
  return {
    ...reviewOperations((k) => reviewDataOf(s, k), s.now),
    Encrypt(c) {
      const bad = usable(c);
      if (bad) return bad;
      const pt = blobOf(c.body.Plaintext, 'plaintext', 4096);
      const ctx = contextOf(c.body);
      if (isResult(pt)) return pt;
      if (isResult(ctx)) return ctx;
      const blob = s.keys.encrypt(c.key, pt, ctx);
      return { ok: true, body: { CiphertextBlob: blob.toString('base64'), KeyId: c.key.arn, EncryptionAlgorithm: ALGORITHM } };
    },
    Decrypt(c) {
      const bad = usable(c);
      if (bad) return bad;
      const blob = blobOf(c.body.CiphertextBlob, 'ciphertextBlob', 6144);
      const ctx = contextOf(c.body);
      if (isResult(blob)) return blob;
      if (isResult(ctx)) return ctx;
      const owner = s.keys.keyOfBlob(blob);
      if (owner && owner !== c.key) {
        return err('IncorrectKeyException', 'The key ID in the request does not identify a KMS key that can perform this operation.');
      }
      const pt = s.keys.decrypt(c.key, blob, ctx);
      if (!pt) return err('InvalidCiphertextException');
      return { ok: true, body: { Plaintext: pt.toString('base64'), KeyId: c.key.arn, EncryptionAlgorithm: ALGORITHM } };
    },
    GenerateDataKey(c) {
      const bad = usable(c);
      if (bad) return bad;
      const ctx = contextOf(c.body);
      if (isResult(ctx)) return ctx;
      const n = c.body.NumberOfBytes ?? (c.body.KeySpec === 'AES_128' ? 16 : c.body.KeySpec === 'AES_256' ? 32 : undefined);
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1024) {
        return err('ValidationException', 'Please specify either number of bytes or key spec.');
      }
      const pt = Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256)));
      const blob = s.keys.encrypt(c.key, pt, ctx);
      return { ok: true, body: { CiphertextBlob: blob.toString('base64'), Plaintext: pt.toString('base64'), KeyId: c.key.arn } };
    },
    DescribeKey: (c) => ({ ok: true, body: { KeyMetadata: metadata(c.key, c.state) } }),
    DisableKey(c) {
      if (c.key.state === 'PendingDeletion') return err('KMSInvalidStateException', `${c.key.arn} is pending deletion.`);
      c.key.state = 'Disabled';
      return { ok: true, body: {} };
    },
    EnableKey(c) {
      if (c.key.state === 'PendingDeletion') return err('KMSInvalidStateException', `${c.key.arn} is pending deletion.`);
      c.key.state = 'Enabled';
      return { ok: true, body: {} };
    },
    ScheduleKeyDeletion(c) {
      const days = c.body.PendingWindowInDays ?? 30;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30) {
        return err('ValidationException', 'PendingWindowInDays must be between 7 and 30');
      }
      c.key.state = 'PendingDeletion';
      c.key.deletionDateMs = s.now() + days * 86_400_000;
      return { ok: true, body: { KeyId: c.key.arn, DeletionDate: c.key.deletionDateMs / 1000, KeyState: 'PendingDeletion', PendingWindowInDays: days } };
    },
    CancelKeyDeletion(c) {
      if (c.key.state !== 'PendingDeletion') return err('KMSInvalidStateException', `${c.key.arn} is not pending deletion.`);
      c.key.state = 'Disabled';
      delete c.key.deletionDateMs;
      return { ok: true, body: { KeyId: c.key.arn } };
    },
  };
}

/** What CloudTrail logs of a request (never plaintext or ciphertext). */
function requestParameters(op: string, body: Body, key: FakeKey | undefined): Body {
  const ec = body.EncryptionContext !== undefined ? { encryptionContext: body.EncryptionContext } : {};
  switch (op) {
    case 'Encrypt':
      return { ...ec, keyId: body.KeyId, encryptionAlgorithm: body.EncryptionAlgorithm ?? ALGORITHM };
    case 'Decrypt':
      return { encryptionAlgorithm: body.EncryptionAlgorithm ?? ALGORITHM, keyId: key?.arn ?? body.KeyId, ...ec };
    case 'GenerateDataKey':
      return { keyId: body.KeyId, ...ec, ...(body.NumberOfBytes !== undefined ? { numberOfBytes: body.NumberOfBytes } : { keySpec: body.KeySpec }) };
    case 'ScheduleKeyDeletion':
      return { keyId: body.KeyId, pendingWindowInDays: body.PendingWindowInDays ?? 30 };
    default:
      return { keyId: body.KeyId };
  }
}

export function kmsHandler(s: KmsFakeState): Handler {
  const ops = operations(s);
  return async (req: FakeRequest): Promise<FakeResponse | 'destroy'> => {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    const op = typeof target === 'string' && target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    if (req.method !== 'POST' || !ops[op]) return jsonError(400, 'UnknownOperationException', undefined, requestId);
    let body: Body;
    try {
      const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Body;
    } catch {
      return jsonError(400, 'SerializationException', 'Start of structure or map found where not expected.', requestId);
    }

    // Which key? Decrypt may name it only inside the ciphertext blob.
    let resolved: Resolved;
    if (op === 'Decrypt' && body.KeyId === undefined) {
      const owner = typeof body.CiphertextBlob === 'string' ? s.keys.keyOfBlob(Buffer.from(body.CiphertextBlob, 'base64')) : undefined;
      resolved = owner ? { ok: true, key: owner } : { ok: false, code: 'InvalidCiphertextException', message: '' };
    } else {
      resolved = s.keys.resolve(body.KeyId);
    }
    const key = resolved.ok ? resolved.key : undefined;
    const fault = (key && s.keyFaults.get(key.arn)) ?? s.server().fault;
    if (fault.kind === 'refuse') return 'destroy';
    if (fault.kind === 'slow' && !(await s.server().delay(fault.delayMs))) return 'destroy';

    const auth = s.identities.authenticate(req, s.keys.region, 'kms');
    if (!auth.ok) return jsonError(400, jsonAuthCode(auth.failure), auth.message, requestId);

    const answer = (result: OpResult): FakeResponse => {
      recordCall(s, req, requestId, auth.identity, op, body, key, result);
      if (result.ok) return jsonAnswer(200, s.answerEmpty ? {} : result.body, requestId);
      return jsonError(result.status, result.code, result.message, requestId);
    };
    if (fault.kind === 'deny') {
      const resource = key?.arn ?? String(body.KeyId);
      return answer(err('AccessDeniedException', `User: ${auth.identity.arn} is not authorized to perform: kms:${op} on resource: ${resource} because no resource-based policy allows the kms:${op} action`));
    }
    if (fault.kind === 'throttle') return answer(err('ThrottlingException', 'Rate exceeded'));
    if (fault.kind === 'server_error') return answer(err('KMSInternalException', 'An internal error occurred in AWS KMS.', 500));
    if (!resolved.ok) return answer(err(resolved.code, resolved.message || undefined));
    const state = fault.kind === 'key_disabled' && resolved.key.state === 'Enabled' ? 'Disabled' : resolved.key.state;
    return answer(ops[op]!({ op, body, key: resolved.key, state }));
  };
}

function recordCall(s: KmsFakeState, req: FakeRequest, requestId: string, identity: UserIdentity, op: string, body: Body, key: FakeKey | undefined, result: OpResult): void {
  const ua = req.headers['user-agent'];
  s.trail.record({
    userIdentity: identity,
    eventSource: 'kms.amazonaws.com',
    eventName: op,
    awsRegion: s.keys.region,
    sourceIPAddress: req.remoteAddress,
    userAgent: typeof ua === 'string' ? ua : '',
    requestParameters: requestParameters(op, body, key),
    responseElements: null,
    ...(result.ok && key && USES_KEY_MATERIAL.has(op) ? { additionalEventData: { keyMaterialId: keyMaterialId(key) } } : {}),
    requestID: requestId,
    readOnly: READ_ONLY.has(op),
    ...(key ? { resources: [{ accountId: s.keys.accountId, type: 'AWS::KMS::Key', ARN: key.arn }] } : {}),
    ...(result.ok ? {} : { errorCode: result.code, ...(result.message ? { errorMessage: result.message } : {}) }),
  });
}
