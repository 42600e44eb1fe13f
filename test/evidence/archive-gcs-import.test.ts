/**
 * Cloud Logging sink archives: the engine's Cloud KMS calls leave Data Access entries in
 * the GCP fake; the same entries are written to a fake Cloud Storage bucket as a sink
 * writes them (hourly JSON-lines objects) and imported with `@google-cloud/storage`
 * through evidence.import. The same insertId read from the archive and from the live API
 * is one provider event; the cross-check matches every call. Then the failures: paging,
 * throttling (429 retried, 503 beyond retries stops the import keeping finished files), a
 * bucket the identity cannot list, a file that is not JSON, a cut line, a dropped download.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { accessTokenCredentials, createGcpProviderFactory } from '../../core/providers/gcp';
import { DEFAULT_GCP_PRINCIPAL, DEFAULT_GCP_TOKEN, kmsAuditEntry, startGcpFake, type GcpFake, type LogEntry } from '../fakes/gcp';
import { startGcsFake, type GcsFake } from '../fakes/gcp/storage';
import { allowEndpoints } from '../support/allowed-endpoints';
import { evidenceFixture, stepUp, type EvidenceFixture } from './support/evidence-fixture';

const KEY = 'projects/evidence-proj/locations/global/keyRings/kw/cryptoKeys/tenant-kek';
const OTHER_KEY = 'projects/evidence-proj/locations/global/keyRings/kw/cryptoKeys/someone-elses';
const BUCKET = 'acme-audit-sink';
const T0 = Date.parse('2026-05-04T09:10:00.000Z');
const clock = new ManualClock(T0);
const source = accessTokenCredentials(DEFAULT_GCP_TOKEN, DEFAULT_GCP_PRINCIPAL);
const sleeps: number[] = [];
let gcp: GcpFake;
let gcs: GcsFake;
let fx: EvidenceFixture;
let dir: string;

/** The object a sink writes an entry's hour to. */
function objectName(ts: string): string {
  const d = new Date(Date.parse(ts));
  const p = (n: number) => String(n).padStart(2, '0');
  const h = p(d.getUTCHours());
  return `cloudaudit.googleapis.com/data_access/${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${h}:00:00_${h}:59:59_S0.json`;
}

function storageEntry(at: number): Record<string, unknown> {
  return {
    insertId: `storage-${at}`,
    logName: 'projects/evidence-proj/logs/cloudaudit.googleapis.com%2Fdata_access',
    timestamp: new Date(at).toISOString(),
    resource: { type: 'gcs_bucket', labels: { bucket_name: 'other' } },
    protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', serviceName: 'storage.googleapis.com', methodName: 'storage.objects.get', resourceName: 'projects/_/buckets/other/objects/x', authenticationInfo: { principalEmail: 'a@b.c' }, requestMetadata: {}, status: {} },
  };
}

/** Writes entries to the bucket as hourly JSON-lines objects (and the same tree to `dir`). */
function writeSink(entries: unknown[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of entries) {
    const name = objectName(String((e as LogEntry).timestamp));
    files.set(name, `${files.get(name) ?? ''}${JSON.stringify(e)}\n`);
  }
  for (const [name, text] of files) {
    gcs.put(BUCKET, name, text);
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return files;
}

const importInput = (src: string) => ({ tenant: 'acme', source: src, from: '2026-05-04', to: '2026-05-04', validate: false });
const events = () => fx.kw.evidence.store.db.prepare("SELECT event_id, origin FROM provider_events WHERE provider = 'gcp' ORDER BY event_id").all() as { event_id: string; origin: string }[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-gcs-sink-'));
  gcp = await startGcpFake({ clock, keys: [KEY] });
  gcs = await startGcsFake({ tokens: { [DEFAULT_GCP_TOKEN]: DEFAULT_GCP_PRINCIPAL }, pageSizeCap: 1 });
  fx = await evidenceFixture({
    clock,
    factories: [createGcpProviderFactory({ sourceCredentials: source, iamCredentialsEndpoint: gcp.url, retryBaseMs: 40 })],
    readers: { gcpSourceCredentials: source, ratePerSecond: { gcp: 50 } },
    archive: { timeoutMs: 1500, cloudLogs: { gcpSourceCredentials: source, sleep: async (ms) => void sleeps.push(ms) } },
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  allowEndpoints(fx.dataDir, gcp.url, gcs.url);
  await fx.call('kms.onboard', { step_up_token: await stepUp(fx, 'onboard', 'acme'), tenant: 'acme', provider: 'gcp', kms_key_ref: KEY, config: { endpoint: gcp.url } });
  clock.advance(60_000);
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
  clock.advance(3_600_000); // into the next hour: two hourly objects
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
  clock.advance(60_000);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', gcp_logging_endpoint: gcp.url, gcp_storage_endpoint: gcs.url });
  const other = kmsAuditEntry({ keyPath: OTHER_KEY, method: 'Decrypt', principal: 'x@evidence-proj.iam.gserviceaccount.com', callerIp: '198.51.100.1', userAgent: 'gcloud', granted: true, at: T0 + 1000 });
  writeSink([...gcp.auditEntries(), storageEntry(T0 + 2000), other]);
});

afterAll(async () => {
  await fx?.close();
  await gcs?.close();
  await gcp?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('GCS sink archive import', () => {
  it('imports the Cloud KMS entries of the tenant key, paging the listing; other services and keys are only counted', async () => {
    const kmsEntries = gcp.auditEntries().filter((e) => e.protoPayload.resourceName.startsWith(KEY));
    const r = await fx.call('evidence.import', importInput(`gs://${BUCKET}`));
    expect(r).toMatchObject({ state: 'done', provider: 'gcp', location: `gs://${BUCKET}/`, files_total: 2, files_done: 2, files_failed: 0, error: null });
    expect(r.events).toBe(kmsEntries.length);
    expect(r.events_new).toBe(kmsEntries.length);
    expect(r.other_keys).toBe(1);
    expect(r.records).toBe(kmsEntries.length + 2);
    // 09:00 and 10:00 have objects: the day's other 22 hours are named.
    expect(r.missing_hours).toMatchObject({ total: 22, first: expect.arrayContaining(['2026-05-04T00:00Z', '2026-05-04T23:00Z']) });
    expect(r.missing_hours!.first).not.toContain('2026-05-04T09:00Z');
    expect(events().map((e) => e.event_id)).toEqual(kmsEntries.map((e) => e.insertId).sort());
    expect(events().every((e) => e.origin === 'archive_unvalidated')).toBe(true);
    // Only the period's day was listed, by prefix; objects.list was followed by its page token.
    const lists = gcs.requests().filter((q) => q.path === `/storage/v1/b/${BUCKET}/o`);
    expect(lists.map((q) => q.query.prefix)).toContain('cloudaudit.googleapis.com/data_access/2026/05/04/');
    expect(lists.some((q) => q.query.pageToken)).toBe(true);
    expect(gcs.requests().every((q) => q.principal === DEFAULT_GCP_PRINCIPAL)).toBe(true);
  });

  it('the API path reads the same insertIds into the same rows; the cross-check matches every call', async () => {
    const before = events().length;
    const fetched = await fx.call('evidence.fetch', { tenant: 'acme', from: new Date(T0 - 3_600_000).toISOString() });
    expect(fetched.sources[0]).toMatchObject({ provider: 'gcp', state: 'done' });
    expect(fetched.sources[0]!.events).toBe(before);
    expect(events().length).toBe(before);
    const run = await fx.call('evidence.crosscheck', { tenant: 'acme', from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now()).toISOString() });
    expect(run.counts.matched).toBeGreaterThan(0);
    expect(run.counts.provider_only + run.counts.app_only_missing).toBe(0);
  });

  it('importing again changes nothing: every file is skipped', async () => {
    const r = await fx.call('evidence.import', importInput(`gs://${BUCKET}`));
    expect(r).toMatchObject({ state: 'done', files_skipped: 2, files_done: 0, events_new: 0 });
  });

  it('a local copy of the bucket gives the same events (de-duplicated by insertId)', async () => {
    const before = events();
    const r = await fx.call('evidence.import', importInput(dir));
    expect(r).toMatchObject({ state: 'done', provider: 'gcp', files_done: 2, events_new: 0 });
    expect(events()).toEqual(before);
  });

  it('a gcloud logging read --format=json export (one JSON array, pretty-printed) is read element by element', async () => {
    const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-gcloud-export-'));
    try {
      const rogue = kmsAuditEntry({ keyPath: KEY, method: 'Decrypt', principal: 'intruder@evidence-proj.iam.gserviceaccount.com', callerIp: '203.0.113.9', userAgent: 'gcloud/470.0.0', granted: true, at: T0 + 5000 });
      fs.writeFileSync(path.join(exportDir, 'kms-2026-05-04.json'), JSON.stringify([...gcp.auditEntries(), rogue], null, 2));
      const r = await fx.call('evidence.import', importInput(exportDir));
      expect(r).toMatchObject({ state: 'done', provider: 'gcp', files_done: 1, events_new: 1 });
      expect(events().map((e) => e.event_id)).toContain(rogue.insertId);
    } finally {
      fs.rmSync(exportDir, { recursive: true, force: true });
    }
  });
});

describe('GCS sink archive failures', () => {
  const day2 = (h: number) => `cloudaudit.googleapis.com/data_access/2026/05/03/${String(h).padStart(2, '0')}:00:00_${String(h).padStart(2, '0')}:59:59_S0.json`;
  const entryAt = (at: number) => JSON.stringify(kmsAuditEntry({ keyPath: KEY, method: 'Decrypt', principal: DEFAULT_GCP_PRINCIPAL, callerIp: '10.0.0.1', userAgent: 'x', granted: true, at }));
  const MAY3 = Date.parse('2026-05-03T00:00:00Z');
  const day2Input = { tenant: 'acme', source: `gs://${BUCKET}`, from: '2026-05-03', to: '2026-05-03', validate: false };

  it('429 then 503 are retried with backoff; a file that is not JSON is rejected by name, a cut line kept as unreadable, the rest imported', async () => {
    gcs.put(BUCKET, day2(1), `${entryAt(MAY3 + 3_600_000 + 1)}\n${entryAt(MAY3 + 3_600_000 + 2)}\n`);
    gcs.put(BUCKET, day2(2), '<html><body>Sign in</body></html>\n');
    const cut = entryAt(MAY3 + 2 * 3_600_000 + 5);
    gcs.put(BUCKET, day2(3), `${entryAt(MAY3 + 3 * 3_600_000 + 1)}\n${cut.slice(0, cut.length / 2)}`);
    gcs.throttleNext(1, 429);
    sleeps.length = 0;
    const r = await fx.call('evidence.import', day2Input);
    expect(r).toMatchObject({ state: 'done', files_total: 3, files_done: 2, files_failed: 1, events_new: 3, unreadable: 1 });
    expect(r.failures).toEqual([expect.objectContaining({ key: day2(2), kind: 'not_json' })]);
    expect(r.failures[0]!.message).toMatch(/nothing of it was imported/);
    expect(sleeps).toEqual([1000]);
    const kept = fx.kw.evidence.store.db.prepare('SELECT problem FROM provider_unreadable').all() as { problem: string }[];
    expect(kept.some((k) => /cut or corrupted line.*line 2 of .*03:00:00_03:59:59/.test(k.problem))).toBe(true);
  });

  it('a download that breaks off is rejected as read_failed; the next run imports it once it is whole', async () => {
    gcs.put(BUCKET, day2(4), `${entryAt(MAY3 + 4 * 3_600_000 + 1)}\n`.repeat(1));
    gcs.cutDownload(BUCKET, day2(4));
    const r = await fx.call('evidence.import', day2Input);
    expect(r.failures.find((f) => f.key === day2(4))).toMatchObject({ kind: 'read_failed', message: expect.stringMatching(/download (stopped|ended after)/) });
    expect(r.files_skipped).toBe(2);
    gcs.cutDownload(BUCKET, day2(4), false);
    const again = await fx.call('evidence.import', day2Input);
    expect(again).toMatchObject({ state: 'done', files_done: 1, events_new: 1 });
  });

  it('bytes changed in transit fail the SDK’s MD5 check: the file is rejected, nothing of it stored', async () => {
    const name = day2(7);
    gcs.put(BUCKET, name, `${entryAt(MAY3 + 7 * 3_600_000 + 1)}\n`);
    gcs.corruptDownload(BUCKET, name);
    const before = events().length;
    const r = await fx.call('evidence.import', day2Input);
    expect(r.failures.find((f) => f.key === name)).toMatchObject({ kind: 'read_failed', message: expect.stringMatching(/do not match the object's checksum/) });
    expect(events().length).toBe(before);
    gcs.remove(BUCKET, name);
  });

  it('throttling beyond the retries stops the import by name; files finished before it are kept', async () => {
    gcs.put(BUCKET, day2(5), `${entryAt(MAY3 + 5 * 3_600_000 + 1)}\n`);
    gcs.put(BUCKET, day2(6), `${entryAt(MAY3 + 6 * 3_600_000 + 1)}\n`);
    gcs.throttleNext(4, 503, day2(6));
    const r = await fx.call('evidence.import', day2Input);
    expect(r).toMatchObject({ state: 'failed', error: { kind: 'throttled' } });
    expect(r.error!.message).toMatch(/server error \(HTTP 503\).*gave up after 4 attempts/);
    expect(r.files_done).toBe(1); // day2(5), listed before day2(6), is kept
    const again = await fx.call('evidence.import', day2Input);
    expect(again).toMatchObject({ state: 'done', files_done: 1, events_new: 1 });
  });

  it('a bucket the identity cannot list fails as access_denied with the permission to grant', async () => {
    gcs.denyBucket(BUCKET, DEFAULT_GCP_PRINCIPAL);
    const r = await fx.call('evidence.import', day2Input);
    expect(r).toMatchObject({ state: 'failed', error: { kind: 'access_denied' } });
    expect(r.error!.message).toMatch(/storage\.objects\.list.*roles\/storage\.objectViewer/);
  });

  it('refuses a gs:// location that is not a bucket name', async () => {
    const e = await fx.fail('evidence.import', { ...day2Input, source: 'gs://UPPER_case' });
    expect(e.message).toMatch(/not a Cloud Storage bucket name/);
  });
});
