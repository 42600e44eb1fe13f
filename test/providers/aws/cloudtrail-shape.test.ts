/**
 * The fake's CloudTrail records have the shape of AWS's own (AWS KMS developer guide,
 * "Encrypt" and "Decrypt" CloudTrail examples, eventVersion 1.11): the same top-level
 * fields, `keyMaterialId` in additionalEventData on success, errorCode/errorMessage and no
 * key material id on failure, and never the plaintext or the ciphertext.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsProviderFactory } from '../../../core/providers/aws';
import type { KmsProvider } from '../../../core/providers/types';
import { startAwsFake, type AwsFake, type CloudTrailRecord, type FakeKeyInfo } from '../../fakes/aws';
import { awsTestDeps, callCtx } from '../../fakes/aws/harness';

/** Top-level fields of the documented Decrypt / Encrypt examples (successful calls). */
const DOCUMENTED = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID', 'readOnly', 'resources',
  'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory',
].sort();

let aws: AwsFake;
let key: FakeKeyInfo;
let p: KmsProvider;

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey();
  p = awsProviderFactory.create(
    awsProviderFactory.parseConfig({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }),
    awsTestDeps(),
  );
});
afterAll(async () => {
  p.close?.();
  await aws.close();
});

const recordOf = (cid: string): CloudTrailRecord => {
  const r = aws.events({ eventSource: 'kms.amazonaws.com' }).find((e) => e.userAgent.includes(`keywarden-cid/${cid}`));
  if (!r) throw new Error(`no CloudTrail record for ${cid}`);
  return r;
};

describe('fake CloudTrail records for KMS', () => {
  it('successful Encrypt and Decrypt carry exactly the documented fields, with one keyMaterialId', async () => {
    const plaintext = randomBytes(32);
    const w = callCtx('wrap');
    const { ciphertext } = await p.wrap(plaintext, w);
    const u = callCtx('unwrap');
    await p.unwrap(ciphertext, u);
    const enc = recordOf(w.correlationId);
    const dec = recordOf(u.correlationId);
    for (const r of [enc, dec]) {
      expect(Object.keys(r).sort()).toEqual(DOCUMENTED);
      expect(r).toMatchObject({ eventVersion: '1.11', eventType: 'AwsApiCall', managementEvent: true, eventCategory: 'Management', recipientAccountId: aws.accountId, readOnly: true });
      expect(r.additionalEventData?.keyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      expect(r.requestID).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.eventID).toMatch(/^[0-9a-f-]{36}$/);
      // "The ciphertext in the request and the plaintext in the response are omitted."
      const text = JSON.stringify(r);
      expect(text).not.toContain(plaintext.toString('base64'));
      expect(text).not.toContain(ciphertext.toString('base64'));
    }
    // The same key material encrypted and decrypted.
    expect(enc.additionalEventData).toEqual(dec.additionalEventData);
    expect(dec.requestParameters).toEqual({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: key.arn, encryptionContext: expect.any(Object) });
  });

  it('a denied call adds errorCode and errorMessage and names no key material', async () => {
    aws.setFault({ kind: 'deny' }, key.arn);
    try {
      const c = callCtx('wrap');
      await expect(p.wrap(randomBytes(32), c)).rejects.toMatchObject({ reason: 'access_denied' });
      const r = recordOf(c.correlationId);
      expect(r.errorCode).toBe('AccessDeniedException');
      expect(r.errorMessage).toMatch(/is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:/);
      expect(r.additionalEventData).toBeUndefined();
      expect(r.responseElements).toBeNull();
    } finally {
      aws.setFault({ kind: 'pass' }, key.arn);
    }
  });
});
