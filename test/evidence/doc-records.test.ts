/**
 * Provider records in the shapes of each provider's public documentation examples (AWS
 * KMS developer guide CloudTrail examples for Decrypt, GenerateDataKey and ReEncrypt;
 * Cloud KMS Data Access audit entries; Key Vault AuditEvent rows), with the real-world
 * variations the readers meet: no user agent (AWS-internal callers), a failed call
 * (errorCode / status / 403), another principal with its own access key, a record naming
 * two keys. Each normalizes field by field with `raw` kept exactly.
 */
import { describe, expect, it } from 'vitest';
import { normalizeCloudTrailRecord } from '../../core/evidence/normalize/aws';
import { normalizeKeyVaultRow } from '../../core/evidence/normalize/azure';
import { normalizeLogEntry } from '../../core/evidence/normalize/gcp';
import { kmsAuditEntry } from '../fakes/gcp';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER = `arn:aws:kms:us-west-2:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

const base = {
  eventVersion: '1.11',
  eventTime: '2025-05-22T19:34:55Z',
  eventSource: 'kms.amazonaws.com',
  awsRegion: 'us-west-2',
  sourceIPAddress: '192.0.2.0',
  responseElements: null,
  requestID: '03769fd4-acf9-4b33-adf3-2ab8ca73aadf',
  eventID: '542d9e04-0e8d-4e05-bf4b-4bdeb032e6ec',
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
  eventCategory: 'Management',
};
const alice = { type: 'IAMUser', principalId: 'EX_PRINCIPAL_ID', arn: `arn:aws:iam::${ACCOUNT}:user/Alice`, accountId: ACCOUNT, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'Alice' };
const keyResource = (arn: string) => ({ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: arn });

function ct(record: Record<string, unknown>) {
  const text = JSON.stringify(record);
  const out = normalizeCloudTrailRecord({ EventId: String(record.eventID), EventName: String(record.eventName), CloudTrailEvent: text });
  expect(out.event.raw).toBe(text);
  return out;
}

describe('CloudTrail records as the AWS KMS developer guide shows them', () => {
  it('a Decrypt by an AWS service that sends no userAgent: no user agent, no correlation id', () => {
    const { event } = ct({
      ...base,
      eventName: 'Decrypt',
      userIdentity: { type: 'AWSService', invokedBy: 'ebs.amazonaws.com' },
      sourceIPAddress: 'ebs.amazonaws.com',
      requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:ebs:id': 'vol-0123' } },
      resources: [keyResource(KEY)],
    });
    expect(event).toMatchObject({ key_ref: KEY, operation: 'unwrap', user_agent: null, correlation_id: null, principal: null, access_key_id: null, outcome: 'ok' });
  });

  it('a failed GenerateDataKey by another principal: failed, its error code, its own access key id', () => {
    const { event } = ct({
      ...base,
      eventName: 'GenerateDataKey',
      userIdentity: alice,
      userAgent: 'aws-cli/2.15.0 Python/3.11.6',
      errorCode: 'AccessDeniedException',
      errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/Alice is not authorized to perform: kms:GenerateDataKey`,
      requestParameters: { keyId: KEY, keySpec: 'AES_256', encryptionContext: { Project: 'Alpha' } },
      resources: [keyResource(KEY)],
    });
    expect(event).toMatchObject({
      operation: 'generate_data_key',
      principal: alice.arn,
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      outcome: 'failed',
      error_code: 'AccessDeniedException',
      user_agent: 'aws-cli/2.15.0 Python/3.11.6',
      correlation_id: null,
    });
  });

  it('a ReEncrypt names both keys, source then destination, whatever order the reader needs', () => {
    const record = {
      ...base,
      eventName: 'ReEncrypt',
      userIdentity: alice,
      userAgent: 'AWS Internal',
      requestParameters: { sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationKeyId: '0987dcba-09fe-87dc-65ba-ab0987654321', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      resources: [keyResource(KEY), keyResource(OTHER)],
    };
    expect(ct(record).keys.slice(0, 2)).toEqual([KEY, OTHER]);
    expect(ct({ ...record, resources: [keyResource(OTHER), keyResource(KEY)] }).keys.slice(0, 2)).toEqual([OTHER, KEY]);
    expect(ct(record).event).toMatchObject({ operation: 'use', provider_operation: 'ReEncrypt', access_key_id: 'AKIAIOSFODNN7EXAMPLE' });
  });

  it('a record without resources keeps the key the request named', () => {
    const { event, keys } = ct({ ...base, eventName: 'Decrypt', userIdentity: alice, userAgent: 'x', requestParameters: { keyId: 'alias/ExampleAlias' } });
    expect(keys).toEqual(['alias/ExampleAlias']);
    expect(event.key_ref).toBe('alias/ExampleAlias');
  });
});

describe('Cloud KMS Data Access entries', () => {
  const KEY_PATH = 'projects/doc-proj/locations/global/keyRings/ring/cryptoKeys/key';

  it('an entry with no caller-supplied user agent and a denied one', () => {
    const ok = kmsAuditEntry({ keyPath: KEY_PATH, method: 'Decrypt', principal: 'svc@doc-proj.iam.gserviceaccount.com', callerIp: '10.0.0.1', userAgent: '', granted: true, at: Date.parse('2026-01-01T00:00:00Z') });
    const e = normalizeLogEntry(ok);
    expect(e).toMatchObject({ user_agent: null, correlation_id: null, access_key_id: null, outcome: 'ok', key_ref: KEY_PATH });
    expect(e.raw).toBe(JSON.stringify(ok));
    const denied = kmsAuditEntry({ keyPath: KEY_PATH, method: 'Decrypt', principal: 'other@example.com', callerIp: '10.0.0.2', userAgent: 'gcloud', granted: false, status: { code: 7, message: 'Permission denied' }, at: Date.parse('2026-01-01T00:00:00Z') });
    expect(normalizeLogEntry(denied)).toMatchObject({ outcome: 'failed', error_code: '7', principal: 'other@example.com' });
  });
});

describe('Key Vault AuditEvent rows', () => {
  const row = {
    TimeGenerated: '2026-01-01T00:00:00.1234567Z',
    OperationName: 'KeyUnwrap',
    ResultType: 'Success',
    ResultSignature: 'OK',
    CallerIpAddress: '203.0.113.7',
    CorrelationId: '8a3b5f2c-0000-4000-8000-000000000001',
    Identity: JSON.stringify({ claim: { appid: 'other-app' } }),
    RequestUri: 'https://doc-vault.vault.azure.net/keys/k1/0123456789abcdef/unwrapkey?api-version=7.4',
    HttpStatusCode: 200,
  };

  it('a row without ClientInfo, and a refused one (403)', () => {
    expect(normalizeKeyVaultRow(row)).toMatchObject({ user_agent: null, correlation_id: null, access_key_id: null, outcome: 'ok', key_ref: 'https://doc-vault.vault.azure.net/keys/k1', principal: 'other-app' });
    const refused = normalizeKeyVaultRow({ ...row, ResultType: 'Forbidden', ResultSignature: 'Forbidden', HttpStatusCode: 403, ClientInfo: 'azsdk-python-keyvault-keys/4.9' });
    expect(refused).toMatchObject({ outcome: 'failed', error_code: 'Forbidden', user_agent: 'azsdk-python-keyvault-keys/4.9' });
  });
});
