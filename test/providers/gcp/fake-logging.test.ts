/**
 * The fake's Cloud Logging `entries:list` over the audit entries KMS calls leave behind:
 * plain REST JSON, filters, time bounds, ordering, paging, delivery delay.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock';
import type { KmsProvider } from '../../../core/providers/types';
import { callCtx, gcpTestProvider } from '../../fakes/gcp/harness';
import { DEFAULT_GCP_PRINCIPAL, kmsAuditEntry, startGcpFake, type GcpFake, type LogEntry } from '../../fakes/gcp';

const K1 = 'projects/audit-proj/locations/global/keyRings/r/cryptoKeys/alpha';
const K2 = 'projects/audit-proj/locations/global/keyRings/r/cryptoKeys/beta';
const K3 = 'projects/elsewhere-proj/locations/global/keyRings/r/cryptoKeys/gamma';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

let fake: GcpFake;
const clock = new ManualClock(T0);
const providers: KmsProvider[] = [];

async function list(body: Record<string, unknown>, token = 'fake-adc-token') {
  const res = await fetch(`${fake.url}/v2/entries:list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ resourceNames: ['projects/audit-proj'], ...body }),
  });
  return { status: res.status, json: (await res.json()) as { entries?: LogEntry[]; nextPageToken?: string; error?: { status: string } } };
}
const cid = (e: LogEntry) => /keywarden-cid\/(\S+)/.exec(e.protoPayload.requestMetadata.callerSuppliedUserAgent)?.[1];

beforeAll(async () => {
  fake = await startGcpFake({ keys: [K1, K2, K3], clock });
  const [p1, p2, p3] = [K1, K2, K3].map((k) => gcpTestProvider(fake, k));
  providers.push(p1!, p2!, p3!);
  // 5 calls one minute apart: alpha wrap, alpha unwrap, beta wrap, alpha wrap (denied), gamma wrap.
  const w = await p1!.wrap(randomBytes(32), callCtx({ correlationId: 'c1' }));
  clock.advance(60_000);
  await p1!.unwrap(w.ciphertext, callCtx({ correlationId: 'c2' }));
  clock.advance(60_000);
  await p2!.wrap(randomBytes(32), callCtx({ correlationId: 'c3' }));
  clock.advance(60_000);
  fake.setFault({ kind: 'deny' }, K1);
  await p1!.wrap(randomBytes(32), callCtx({ correlationId: 'c4' })).catch(() => undefined);
  fake.setFault({ kind: 'pass' }, K1);
  clock.advance(60_000);
  await p3!.wrap(randomBytes(32), callCtx({ correlationId: 'c5' }));
  clock.advance(60_000);
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.close?.()));
  await fake.close();
});

describe('fake Cloud Logging entries:list', () => {
  it('lists the project\'s KMS audit entries in timestamp order', async () => {
    const { status, json } = await list({ filter: 'protoPayload.serviceName="cloudkms.googleapis.com"' });
    expect(status).toBe(200);
    expect(json.entries!.map(cid)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(json.nextPageToken).toBeUndefined();
    const e = json.entries![0]!;
    expect(e.protoPayload['@type']).toBe('type.googleapis.com/google.cloud.audit.AuditLog');
    expect(e.timestamp).toMatch(/^2026-03-01T10:00:00\.\d{9}Z$/);
    expect(Date.parse(e.receiveTimestamp)).toBeGreaterThanOrEqual(Date.parse(e.timestamp));
    expect(e.protoPayload.authenticationInfo.principalEmail).toBe(DEFAULT_GCP_PRINCIPAL);
    expect(e.protoPayload.requestMetadata.callerIp).toBe('127.0.0.1');
  });

  it.each<[string, string, string[]]>([
    ['crypto_key_id label', 'resource.labels.crypto_key_id="alpha"', ['c1', 'c2', 'c4']],
    ['resourceName', `protoPayload.resourceName="${K2}"`, ['c3']],
    ['method and key, implicit AND', 'protoPayload.methodName="Decrypt" resource.labels.crypto_key_id="alpha"', ['c2']],
    ['OR with parentheses', '(protoPayload.methodName="Decrypt" OR resource.labels.crypto_key_id="beta")', ['c2', 'c3']],
    ['NOT', 'NOT resource.labels.crypto_key_id="alpha"', ['c3']],
    ['has (:) on the user agent', 'protoPayload.requestMetadata.callerSuppliedUserAgent:"keywarden-cid/c3"', ['c3']],
    ['status code of a denied call', 'protoPayload.status.code=7', ['c4']],
    ['severity rank', 'severity>=ERROR', ['c4']],
    ['authorization array fan-out', 'protoPayload.authorizationInfo.granted=false', ['c4']],
    ['timestamp window', 'timestamp>="2026-03-01T10:01:00Z" AND timestamp<="2026-03-01T10:02:00.5Z"', ['c2', 'c3']],
    ['resource type and log name', 'resource.type="cloudkms_cryptokey" logName="projects/audit-proj/logs/cloudaudit.googleapis.com%2Fdata_access"', ['c1', 'c2', 'c3', 'c4']],
  ])('filter: %s', async (_n, filter, want) => {
    const { status, json } = await list({ filter });
    expect(status).toBe(200);
    expect((json.entries ?? []).map(cid)).toEqual(want);
  });

  it('orders descending and pages with nextPageToken', async () => {
    const seen: (string | undefined)[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { json } = await list({ orderBy: 'timestamp desc', pageSize: 3, ...(pageToken ? { pageToken } : {}) });
      seen.push(...json.entries!.map(cid));
      pageToken = json.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(2);
    expect(seen).toEqual(['c4', 'c3', 'c2', 'c1']);
  });

  it('refuses a page token from another query, a bad filter, no resourceNames, no token', async () => {
    const first = await list({ pageSize: 1 });
    expect((await list({ pageSize: 1, filter: 'severity=INFO', pageToken: first.json.nextPageToken })).status).toBe(400);
    const bad = await list({ filter: 'protoPayload.methodName="Decrypt' });
    expect([bad.status, bad.json.error?.status]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await list({ resourceNames: [] })).status).toBe(400);
    expect((await list({}, 'nobody')).status).toBe(401);
  });

  it('shows entries only after the delivery delay', async () => {
    fake.setDeliveryDelay(5 * 60_000);
    try {
      const p = providers[1]!;
      await p.wrap(randomBytes(32), callCtx({ correlationId: 'late' }));
      const filter = 'protoPayload.requestMetadata.callerSuppliedUserAgent:"keywarden-cid/late"';
      expect((await list({ filter })).json.entries ?? []).toHaveLength(0);
      expect(fake.auditEntries().some((e) => cid(e) === 'late')).toBe(true);
      clock.advance(5 * 60_000 + 1000);
      expect((await list({ filter })).json.entries).toHaveLength(1);
    } finally {
      fake.setDeliveryDelay(0);
    }
  });

  it('injects an entry (key use the app did not make) and drops one (a missing record)', async () => {
    const foreign = kmsAuditEntry({
      keyPath: K1, method: 'Decrypt', principal: 'intruder@audit-proj.iam.gserviceaccount.com', callerIp: '203.0.113.9',
      userAgent: 'gcloud/470.0.0', granted: true, at: T0 + 90_000,
    });
    fake.injectEntry(foreign);
    const byPrincipal = 'protoPayload.authenticationInfo.principalEmail="intruder@audit-proj.iam.gserviceaccount.com"';
    expect((await list({ filter: byPrincipal })).json.entries!.map((e) => e.insertId)).toEqual([foreign.insertId]);
    expect(fake.dropEntry(foreign.insertId)).toBe(1);
    expect(fake.dropEntry((e) => cid(e) === 'c2')).toBe(1);
    expect((await list({ filter: 'resource.labels.crypto_key_id="alpha"' })).json.entries!.map(cid)).toEqual(['c1', 'c4']);
  });
});
