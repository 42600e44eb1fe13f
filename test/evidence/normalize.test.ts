/**
 * The three normalizers: known records map field by field; failures, version paths and
 * nanosecond timestamps are handled; and no input of any shape makes them throw anything
 * but UnreadableRecord (property tests), so one bad record never stops a fetch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeCloudTrail } from '../../core/evidence/normalize/aws';
import { normalizeKeyVaultRow } from '../../core/evidence/normalize/azure';
import { normalizeLogEntry } from '../../core/evidence/normalize/gcp';
import { UnreadableRecord } from '../../core/evidence/normalize/shared';
import { correlationIdIn } from '../../core/evidence/types';
import { kmsAuditEntry } from '../fakes/gcp';

const KEY_ARN = 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

// Shaped like the AWS KMS developer guide's Decrypt CloudTrail example.
const decrypt = {
  eventVersion: '1.08',
  userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLE:keywarden', arn: 'arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden', accountId: '111122223333', accessKeyId: 'ASIAEXAMPLE' },
  eventTime: '2026-02-18T19:33:58Z',
  eventSource: 'kms.amazonaws.com',
  eventName: 'Decrypt',
  awsRegion: 'us-east-2',
  sourceIPAddress: '198.51.100.10',
  userAgent: 'aws-sdk-js/3.1164.0 keywarden/0.1.0 keywarden-cid/7f1c2d3e-0000-4000-8000-000000000001',
  requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: KEY_ARN, encryptionContext: { 'keywarden:tenant': 't1' } },
  responseElements: null,
  requestID: '12345126-30d5-4b28-98b9-9153da559963',
  eventID: 'abcde202-ba1a-467c-b4ba-f729d45ae521',
  readOnly: true,
  resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: KEY_ARN }],
  eventType: 'AwsApiCall',
  managementEvent: true,
  eventCategory: 'Management',
};

function onlyUnreadable(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    return e instanceof UnreadableRecord;
  }
}

describe('CloudTrail', () => {
  it('maps a Decrypt record: key ARN, principal, address, correlation id, raw kept', () => {
    const raw = JSON.stringify(decrypt);
    const e = normalizeCloudTrail({ EventId: decrypt.eventID, EventName: 'Decrypt', CloudTrailEvent: raw });
    expect(e).toEqual({
      event_id: decrypt.eventID,
      at: '2026-02-18T19:33:58.000Z',
      provider: 'aws',
      key_ref: KEY_ARN,
      operation: 'unwrap',
      provider_operation: 'Decrypt',
      principal: decrypt.userIdentity.arn,
      access_key_id: decrypt.userIdentity.accessKeyId,
      source_address: '198.51.100.10',
      user_agent: decrypt.userAgent,
      correlation_id: '7f1c2d3e-0000-4000-8000-000000000001',
      request_id: decrypt.requestID,
      outcome: 'ok',
      error_code: null,
      raw,
    });
  });

  it('classes key-state changes and failures', () => {
    const disable = normalizeCloudTrail({ CloudTrailEvent: JSON.stringify({ ...decrypt, eventName: 'DisableKey', readOnly: false }) });
    expect(disable.operation).toBe('key_state');
    const denied = normalizeCloudTrail({ CloudTrailEvent: JSON.stringify({ ...decrypt, errorCode: 'AccessDenied', errorMessage: 'no' }) });
    expect([denied.outcome, denied.error_code]).toEqual(['failed', 'AccessDenied']);
    expect(normalizeCloudTrail({ CloudTrailEvent: JSON.stringify({ ...decrypt, eventName: 'GetKeyPolicy' }) }).operation).toBe('read');
  });

  it('refuses a record it cannot read with UnreadableRecord, whatever the input', () => {
    expect(() => normalizeCloudTrail({ CloudTrailEvent: '{not json' })).toThrow(UnreadableRecord);
    expect(() => normalizeCloudTrail({})).toThrow(UnreadableRecord);
    fc.assert(fc.property(fc.string(), (s) => onlyUnreadable(() => normalizeCloudTrail({ CloudTrailEvent: s }))));
    fc.assert(fc.property(fc.jsonValue(), (v) => onlyUnreadable(() => normalizeCloudTrail({ CloudTrailEvent: JSON.stringify(v) }))));
  });
});

describe('Cloud Audit Logs', () => {
  const key = 'projects/p-evidence/locations/global/keyRings/r/cryptoKeys/k';
  it('maps a Data Access entry; nanoseconds cut; a version path belongs to its key', () => {
    const entry = kmsAuditEntry({ keyPath: key, method: 'Encrypt', principal: 'sa@p-evidence.iam.gserviceaccount.com', callerIp: '10.1.2.3', userAgent: 'keywarden/0.1 keywarden-cid/c-1,gzip(gfe)', granted: true, at: Date.parse('2026-03-01T10:00:00.123Z'), seq: 42 });
    entry.protoPayload.resourceName = `${key}/cryptoKeyVersions/3`;
    const e = normalizeLogEntry(entry);
    expect(e).toMatchObject({ at: '2026-03-01T10:00:00.123Z', key_ref: key, operation: 'wrap', principal: 'sa@p-evidence.iam.gserviceaccount.com', source_address: '10.1.2.3', correlation_id: 'c-1', outcome: 'ok' });
    const denied = kmsAuditEntry({ keyPath: key, method: 'Decrypt', principal: 'x@p-evidence.iam.gserviceaccount.com', callerIp: '1.1.1.1', userAgent: 'gcloud', granted: false, status: { code: 7, message: 'denied' }, at: 0 });
    expect(normalizeLogEntry(denied)).toMatchObject({ outcome: 'failed', error_code: '7', correlation_id: null, operation: 'unwrap' });
  });

  it('throws only UnreadableRecord on any JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => onlyUnreadable(() => normalizeLogEntry(v))));
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (p) => onlyUnreadable(() => normalizeLogEntry({ insertId: 'a', timestamp: '2026-01-01T00:00:00Z', protoPayload: p }))));
  });
});

describe('Key Vault AuditEvent rows', () => {
  it('maps an AZKVAuditLogs row (Identity as text or parsed) and a legacy AzureDiagnostics row alike', () => {
    const row = {
      TimeGenerated: new Date('2026-04-01T08:00:00.5Z'),
      OperationName: 'KeyUnwrap',
      CorrelationId: 'req-1',
      Identity: JSON.stringify({ claim: { appid: 'app-1' } }),
      ClientInfo: 'keywarden/0.1.0 keywarden-cid/0c7e',
      RequestUri: 'https://kw.vault.azure.net/keys/kek/0123/unwrapkey?api-version=2025-07-01',
      HttpStatusCode: 200,
      ResultType: 'Success',
      CallerIpAddress: '10.0.0.9',
    };
    const e = normalizeKeyVaultRow(row);
    expect(e).toMatchObject({ event_id: 'req-1', request_id: 'req-1', at: '2026-04-01T08:00:00.500Z', key_ref: 'https://kw.vault.azure.net/keys/kek', operation: 'unwrap', principal: 'app-1', correlation_id: '0c7e', outcome: 'ok' });
    expect(normalizeKeyVaultRow({ ...row, Identity: { claim: { appid: 'app-2' } }, HttpStatusCode: 403, ResultType: 'Forbidden' })).toMatchObject({ principal: 'app-2', outcome: 'failed', error_code: 'Forbidden' });
    const legacy = normalizeKeyVaultRow(
      { TimeGenerated: '2026-04-01T08:00:00Z', OperationName: 'KeyWrap', CorrelationId: 'req-2', clientInfo_s: 'x keywarden-cid/abc', requestUri_s: 'https://kw.vault.azure.net/keys/kek/0123/wrapkey', httpStatusCode_d: 200, identity_claim_appid_g: 'app-3', CallerIPAddress: '10.0.0.1', ResultType: 'Success' },
      'AzureDiagnostics',
    );
    expect(legacy).toMatchObject({ operation: 'wrap', principal: 'app-3', correlation_id: 'abc', source_address: '10.0.0.1', key_ref: 'https://kw.vault.azure.net/keys/kek' });
  });

  it('throws only UnreadableRecord on any row', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (r) => onlyUnreadable(() => normalizeKeyVaultRow(r))));
  });
});

describe('correlation ids in user agents', () => {
  it('finds the token wherever the SDK put it, and only a well-formed one', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/), fc.string(), (id, prefix) => {
        expect(correlationIdIn(`${prefix.replace(/keywarden-cid\//g, '')} keywarden-cid/${id} tail`)).toBe(id);
      }),
    );
    expect(correlationIdIn('aws-cli/2.15')).toBeNull();
    expect(correlationIdIn(null)).toBeNull();
  });
});
