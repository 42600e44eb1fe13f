/**
 * Verdicts on records shaped like each provider's own documentation examples (the AWS
 * KMS developer guide's CloudTrail Decrypt entry, a Cloud KMS Data Access audit log entry,
 * a Key Vault AuditEvent row in AZKVAuditLogs), with their odd cases: "AWS Internal" and
 * missing user agents, another SDK's client info, failed calls. Each record goes through
 * the product's normalizer into the store; the engine's calls are kms_calls rows.
 */
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceResultView } from '../../core/api/evidence-types';
import { ManualClock } from '../../core/clock';
import { normalizeCloudTrail } from '../../core/evidence/normalize/aws';
import { normalizeKeyVaultRow } from '../../core/evidence/normalize/azure';
import { normalizeLogEntry } from '../../core/evidence/normalize/gcp';
import type { NormalizedEvent } from '../../core/evidence/types';
import { openKeywarden, type Keywarden } from '../../core/keywarden';
import { CALLER, tempDir } from '../support/engine-fixture';

const T = Date.parse('2026-07-27T22:58:00.000Z');
const MIN = 60_000;
const AWS_KEY = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const GCP_KEY = 'projects/acme-prod/locations/global/keyRings/keywarden/cryptoKeys/tenant-kek';
const AZ_KEY = 'https://acme-kv.vault.azure.net/keys/tenant-kek';
const ROLE = 'arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden';
const SA = 'keywarden@acme-prod.iam.gserviceaccount.com';
const APP = '7f3a1c2e-0b4d-4e5f-8a9b-1c2d3e4f5a6b';
const iso = (ms: number) => new Date(ms).toISOString();
const secs = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, 'Z');

let kw: Keywarden | undefined;
afterEach(async () => {
  await kw?.close();
  kw = undefined;
});

function engine(provider: 'aws' | 'gcp' | 'azure', keyRef: string) {
  const clock = new ManualClock(T + 60 * MIN);
  kw = openKeywarden({ dataDir: tempDir(), env: {}, worker: null, clock });
  const db = (kw.ctx.store as unknown as { db: Database }).db;
  db.prepare("INSERT INTO tenants VALUES ('t1', 'acme', 'customer_kms', ?, ?, '{}', '2026-07-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', NULL, NULL, 0)").run(provider, keyRef);
  db.prepare("INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref, read_until, last_fetch_state) VALUES ('src', 't1', ?, ?, ?, 'done')").run(provider, keyRef, iso(T + 60 * MIN));
  const insertCall = db.prepare(
    `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, provider_key_id, provider_request_id, outcome, error_message, duration_ms)
     VALUES (?, 't1', ?, ?, 1, ?, ?, ?, ?, ?, 'ok', NULL, 40)`,
  );
  return {
    call(atMs: number, operation: 'wrap' | 'unwrap', cid: string, principal: string | null, requestId: string | null = null): number {
      return Number(insertCall.run(iso(atMs), provider, keyRef, operation, cid, principal, keyRef, requestId).lastInsertRowid);
    },
    record(e: NormalizedEvent): void {
      kw!.evidence.store.saveEvents(kw!.evidence.store.source('src')!, [e], iso(T + 30 * MIN));
    },
    async check(): Promise<EvidenceResultView[]> {
      const run = await kw!.evidence.crosscheck({ from: iso(T - 10 * MIN), to: iso(T + 30 * MIN), tenant: 'acme' }, CALLER);
      return (await kw!.evidence.results({ run_id: run.run_id, limit: 100 })).rows;
    },
  };
}

/** The AWS KMS developer guide's Decrypt entry, with the fields a test changes. */
function cloudTrailDecrypt(over: Record<string, unknown>) {
  const record = {
    eventVersion: '1.08',
    userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLE:keywarden', arn: ROLE, accountId: '111122223333', accessKeyId: 'ASIAEXAMPLEKEYID0001' },
    eventTime: '2020-07-27T22:58:24Z',
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    awsRegion: 'us-west-2',
    sourceIPAddress: '192.0.2.0',
    userAgent: 'AWS Internal',
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: AWS_KEY, encryptionContext: { Department: 'Engineering', Project: 'Alpha' } },
    responseElements: null,
    requestID: '12345126-30d5-4b28-98b9-9153da559963',
    eventID: 'abcde202-ba1a-467c-b4ba-f729d45ae521',
    readOnly: true,
    resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: AWS_KEY }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...over,
  };
  for (const [k, v] of Object.entries(record)) if (v === undefined) delete (record as Record<string, unknown>)[k];
  return normalizeCloudTrail({ EventId: String(record.eventID), EventName: 'Decrypt', CloudTrailEvent: JSON.stringify(record) });
}

/** A Cloud KMS Data Access audit log entry (LogEntry in REST JSON). */
function cloudKmsEntry(over: { insertId: string; at: number; userAgent?: string; principal?: string; status?: { code: number; message: string } }) {
  return normalizeLogEntry({
    insertId: over.insertId,
    logName: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access',
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: over.status ?? {},
      authenticationInfo: { principalEmail: over.principal ?? SA },
      requestMetadata: { callerIp: '203.0.113.10', ...(over.userAgent === undefined ? {} : { callerSuppliedUserAgent: over.userAgent }), requestAttributes: {}, destinationAttributes: {} },
      serviceName: 'cloudkms.googleapis.com',
      methodName: 'Decrypt',
      authorizationInfo: [{ resource: GCP_KEY, permission: 'cloudkms.cryptoKeyVersions.useToDecrypt', granted: !over.status, resourceAttributes: {} }],
      resourceName: GCP_KEY,
      request: { name: GCP_KEY, '@type': 'type.googleapis.com/google.cloud.kms.v1.DecryptRequest' },
    },
    resource: { type: 'cloudkms_cryptokey', labels: { key_ring_id: 'keywarden', crypto_key_id: 'tenant-kek', location: 'global', project_id: 'acme-prod' } },
    timestamp: iso(over.at),
    severity: over.status ? 'ERROR' : 'INFO',
    receiveTimestamp: iso(over.at + 400),
  });
}

/** A Key Vault AuditEvent row as AZKVAuditLogs returns it. */
function keyVaultRow(over: { requestId: string; at: number; clientInfo?: string; appid?: string; status?: number }) {
  return normalizeKeyVaultRow({
    TimeGenerated: iso(over.at),
    OperationName: 'KeyUnwrap',
    OperationVersion: '7.4',
    CorrelationId: over.requestId,
    ...(over.clientInfo === undefined ? {} : { ClientInfo: over.clientInfo }),
    CallerIpAddress: '203.0.113.20',
    Identity: JSON.stringify({ claim: { appid: over.appid ?? APP, 'http://schemas.microsoft.com/identity/claims/objectidentifier': 'b1e8c2d4-0000-4000-8000-000000000001' } }),
    RequestUri: `${AZ_KEY}/0123456789abcdef0123456789abcdef/unwrapkey?api-version=7.4`,
    HttpStatusCode: over.status ?? 200,
    ResultType: (over.status ?? 200) < 400 ? 'Success' : 'Forbidden',
    DurationMs: 12,
    Id: `${AZ_KEY}/0123456789abcdef0123456789abcdef`,
  });
}

const cidA = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const cidB = '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b';

describe('AWS: the documentation example and its odd cases', () => {
  it('an "AWS Internal" Decrypt next to a lost record is someone else\'s, and the call is missing', async () => {
    const e = engine('aws', AWS_KEY);
    const id = e.call(T + 23_000, 'unwrap', cidA, ROLE);
    e.record(cloudTrailDecrypt({ eventTime: secs(T + 24_000) }));
    const rows = await e.check();
    expect(rows.find((r) => r.call_id === id)).toMatchObject({ class: 'app_only_missing', reason: 'no_record' });
    expect(rows.find((r) => r.call_id === null)).toMatchObject({ class: 'provider_only', reason: 'foreign_user_agent', provider_principal: ROLE });
  });

  it('a record with no user agent is a weak match; a failed one never is', async () => {
    const e = engine('aws', AWS_KEY);
    const a = e.call(T + 23_000, 'unwrap', cidA, ROLE);
    const b = e.call(T + 25 * MIN, 'unwrap', cidB, ROLE);
    e.record(cloudTrailDecrypt({ eventTime: secs(T + 24_000), userAgent: undefined }));
    e.record(cloudTrailDecrypt({ eventID: 'f00d0001-ba1a-467c-b4ba-f729d45ae521', eventTime: secs(T + 25 * MIN + 1000), userAgent: undefined, errorCode: 'AccessDeniedException', errorMessage: 'denied' }));
    const rows = await e.check();
    expect(rows.find((r) => r.call_id === a)).toMatchObject({ class: 'matched_weak', gap_ms: 1000 });
    expect(rows.find((r) => r.call_id === b)).toMatchObject({ class: 'app_only_missing', reason: 'no_record' });
    expect(rows.find((r) => r.call_id === null)).toMatchObject({ class: 'provider_only', reason: 'no_user_agent' });
  });
});

describe('GCP: Cloud KMS Data Access entries', () => {
  it('matches by the marker in callerSuppliedUserAgent; an entry without one is weak; another client is an alarm', async () => {
    const e = engine('gcp', GCP_KEY);
    const a = e.call(T + 60_000, 'unwrap', cidA, SA);
    const b = e.call(T + 120_000, 'unwrap', cidB, SA);
    e.record(cloudKmsEntry({ insertId: 'gcp-1', at: T + 60_300, userAgent: `keywarden/0.1.0 keywarden-cid/${cidA},gzip(gfe)` }));
    e.record(cloudKmsEntry({ insertId: 'gcp-2', at: T + 120_300 }));
    e.record(cloudKmsEntry({ insertId: 'gcp-3', at: T + 121_000, userAgent: 'google-api-go-client/0.5,gzip(gfe)', principal: 'ci@acme-prod.iam.gserviceaccount.com' }));
    e.record(cloudKmsEntry({ insertId: 'gcp-4', at: T + 122_000, userAgent: 'gcloud/470.0.0 command/gcloud.kms.decrypt', status: { code: 7, message: 'Permission denied' } }));
    const rows = await e.check();
    expect(rows.find((r) => r.call_id === a)).toMatchObject({ class: 'matched', reason: 'correlation_id' });
    expect(rows.find((r) => r.call_id === b)).toMatchObject({ class: 'matched_weak', reason: 'time_window' });
    const alarms = rows.filter((r) => r.call_id === null);
    expect(alarms.map((r) => [r.class, r.reason])).toEqual([
      ['provider_only', 'foreign_user_agent'],
      ['provider_only', 'foreign_user_agent'],
    ]);
    expect(alarms[1]!.explanation).toMatch(/It failed \(7\)/);
  });
});

describe('Azure: Key Vault AuditEvent rows', () => {
  it("matches by Key Vault's request id; a row without ClientInfo is weak; another SDK is an alarm", async () => {
    const e = engine('azure', AZ_KEY);
    const a = e.call(T + 60_000, 'unwrap', cidA, APP, 'kv-req-1');
    const b = e.call(T + 120_000, 'unwrap', cidB, APP, 'kv-req-lost');
    e.record(keyVaultRow({ requestId: 'kv-req-1', at: T + 60_200, clientInfo: 'azsdk-js-keyvault-keys/4.10.2 core-rest-pipeline/1.19.0 Node/20.20.2 OS/(x64-Linux)' }));
    e.record(keyVaultRow({ requestId: 'kv-req-2', at: T + 120_400 }));
    e.record(keyVaultRow({ requestId: 'kv-req-3', at: T + 121_000, clientInfo: 'azsdk-python-keyvault-keys/4.9.0 Python/3.11.4 (Linux-6.1)', appid: '00000000-aaaa-4bbb-8ccc-000000000009' }));
    const rows = await e.check();
    expect(rows.find((r) => r.call_id === a)).toMatchObject({ class: 'matched', reason: 'request_id' });
    expect(rows.find((r) => r.call_id === b)).toMatchObject({ class: 'matched_weak' });
    expect(rows.filter((r) => r.call_id === null).map((r) => [r.class, r.reason])).toEqual([['provider_only', 'foreign_user_agent']]);
  });
});
