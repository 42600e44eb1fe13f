/**
 * `evidence.import` from a trail's S3 bucket, end to end through the real S3 and
 * CloudTrail SDKs against the loopback AWS fake: a signed archive validates file by file;
 * the archive and the live API give one set of events (same CloudTrail eventID, strongest
 * origin kept); importing twice changes nothing; a cancelled import goes on where it
 * stopped without counting an event twice; and each thing that goes wrong (a modified log
 * file, a digest whose signature does not verify, a missing hour, a truncated gzip, a file
 * that is not JSON, throttling, a bucket the credentials cannot list) is a named result
 * that loses nothing imported before it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock';
import { verifyPackage } from '../../../core/report/verify/verify-package';
import { archiveImportEvents } from '../../../core/evidence/archive/service';
import type { ImportProgressView } from '../../../core/evidence/archive/types';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';
import { allowEndpoints } from '../../support/allowed-endpoints';
import { kmsRecord, testTrailKey, writeTrailArchive, type WrittenArchive } from '../../support/cloudtrail-archive';
import { acmeOnFakeAws, evidenceFixture, stepUp, type EvidenceFixture } from '../support/evidence-fixture';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const DAY0 = Date.parse('2026-05-01T00:00:00.000Z');
const HOURS = 6;
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;

const period = { from: '2026-05-01T00:00:00Z', to: '2026-05-01T06:00:00Z' };

async function archiveInto(bucket: string, prefix = '', kms: (h: number) => object[] = (h) => [0, 1, 2].map((i) => kmsRecord({ eventID: `${bucket}-h${h}-k${i}`, eventTime: new Date(DAY0 + h * 3_600_000 + i * 60_000).toISOString().replace('.000', ''), keyArn: key.arn }))): Promise<WrittenArchive> {
  aws.s3.createBucket(bucket);
  return writeTrailArchive(
    { bucket, prefix, account: aws.accountId, region: aws.region, fromMs: DAY0, hours: HOURS, fillerPerFile: 40, kms, key: testTrailKey() },
    (k, body, meta) => aws.s3.putObject(bucket, k, body, meta),
  );
}

function eventsOf(origin?: string): number {
  const db = fx.kw.evidence.store.db;
  return (origin ? db.prepare('SELECT count(*) FROM provider_events WHERE origin = ?').pluck().get(origin) : db.prepare('SELECT count(*) FROM provider_events').pluck().get()) as number;
}

const importFrom = (bucket: string, extra: Record<string, unknown> = {}) => fx.call('evidence.import', { tenant: 'acme', source: `s3://${bucket}`, ...period, validate: true, ...extra });

beforeAll(async () => {
  aws = await startAwsFake({ clock, lookupRatePerSecond: 1000 });
  key = aws.createKey({ alias: 'keywarden-archive' });
  const k = testTrailKey();
  aws.cloudtrail.addPublicKey({ fingerprint: k.fingerprint, der: k.publicDer, validFromMs: DAY0 - 30 * 86_400_000, validToMs: T0 + 86_400_000 });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { sleep: async () => {} }, archive: { s3: { attempts: 3, backoffMs: 1 } } });
  await acmeOnFakeAws(fx, aws, key);
  allowEndpoints(fx.dataDir, aws.s3.endpoint);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint, aws_s3_endpoint: aws.s3.endpoint });
});

afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('evidence import from S3', () => {
  it('validates a signed archive, stores its KMS events as archive_validated, and a second import changes nothing', async () => {
    aws.s3.setPageSize(2); // every listing pages through continuation tokens
    const written = await archiveInto('clean');
    const first = await importFrom('clean');
    expect(first.state).toBe('done');
    expect(first.files_total).toBe(HOURS);
    expect(first.files_done).toBe(HOURS);
    expect(first.events).toBe(HOURS * 3);
    expect(first.events_new).toBe(HOURS * 3);
    expect(first.records).toBe(HOURS * 43);
    expect(first.integrity).toMatchObject({ level: 'signed', files: { valid: HOURS, modified: [], missing_from_bucket: [], not_in_digest: [] }, digests: { total: HOURS, valid: HOURS, invalid: [] }, digests_missing: [], chain_gaps: [] });
    expect(eventsOf('archive_validated')).toBe(HOURS * 3);
    expect(written.logKeys).toHaveLength(HOURS);

    const again = await importFrom('clean');
    expect(again).toMatchObject({ state: 'done', files_done: 0, files_skipped: HOURS, events_new: 0 });
    expect(again.integrity!.files.valid).toBe(HOURS);
    expect(eventsOf()).toBe(HOURS * 3);
    const audit = await fx.call('audit.list', { action: 'evidence.import', limit: 10 });
    expect(audit.length).toBeGreaterThanOrEqual(2);
    aws.s3.setPageSize(1000);
  });

  it('one set with the live API: the same CloudTrail eventID is one row, keeping the validated origin', async () => {
    // The engine's own calls, as the fake's CloudTrail recorded them, also archived in a bucket.
    await fx.call('evidence.fetch', { tenant: 'acme', from: new Date(T0 - 7 * 86_400_000).toISOString() });
    const apiRecords = aws.events({ eventSource: 'kms.amazonaws.com' });
    expect(apiRecords.length).toBeGreaterThan(0);
    const before = eventsOf();
    const api = eventsOf('api');
    expect(api).toBe(apiRecords.length);
    await archiveInto('with-api', '', (h) => (h === 0 ? apiRecords : []));
    const r = await fx.call('evidence.import', { tenant: 'acme', source: 's3://with-api', from: '2026-05-01', to: '2026-05-01', validate: true });
    expect(r.state).toBe('done');
    expect(r.events).toBe(apiRecords.length);
    expect(r.events_new).toBe(0);
    expect(eventsOf()).toBe(before);
    expect(eventsOf('api')).toBe(0);
    // And the live API read again does not weaken it.
    await fx.call('evidence.fetch', { tenant: 'acme', from: new Date(T0 - 7 * 86_400_000).toISOString() });
    expect(eventsOf('api')).toBe(0);
  });

  it('a modified log file, a forged digest signature and a missing hour are named with their keys; nothing of the altered file is kept', async () => {
    const w = await archiveInto('tampered', 'org/');
    // Hour 1: a KMS record deleted from the log file after delivery.
    const gz = aws.s3.getObject('tampered', w.logKeys[1]!)!;
    const { gunzipSync } = await import('node:zlib');
    const doc = JSON.parse(gunzipSync(gz).toString()) as { Records: { eventID: string }[] };
    doc.Records = doc.Records.filter((rec) => rec.eventID !== 'tampered-h1-k0');
    aws.s3.putObject('tampered', w.logKeys[1]!, gzipSync(JSON.stringify(doc)));
    // Hour 2's digest: a signature that does not verify.
    const d2 = w.digestKeys[2]!;
    aws.s3.putObject('tampered', d2, aws.s3.getObject('tampered', d2)!, { signature: 'ab'.repeat(256), 'signature-algorithm': 'SHA256withRSA' });
    // Hour 4: the log file is gone.
    aws.s3.deleteObject('tampered', w.logKeys[4]!);
    const before = eventsOf();
    const r = await fx.call('evidence.import', { tenant: 'acme', source: 's3://tampered/org', ...period, validate: true });
    expect(r.state).toBe('done');
    const i = r.integrity!;
    expect(i.files.modified).toEqual([w.logKeys[1]]);
    expect(r.failures).toEqual([expect.objectContaining({ key: w.logKeys[1], kind: 'modified' })]);
    expect(i.digests.invalid).toEqual([expect.objectContaining({ key: d2, problem: 'signature_invalid' })]);
    expect(i.files.missing_from_bucket).toEqual([w.logKeys[4]]);
    expect(i.files.valid).toBe(3); // hours 0, 3, 5
    expect(i.days['2026-05-01']).toBe('problem');
    // Hour 1's records are not imported; hour 2's are, unvalidated (its digest proves nothing).
    const ids = fx.kw.evidence.store.db.prepare("SELECT event_id, origin FROM provider_events WHERE event_id LIKE 'tampered-%' ORDER BY event_id").all() as { event_id: string; origin: string }[];
    expect(ids.some((e) => e.event_id.startsWith('tampered-h1'))).toBe(false);
    expect(ids.filter((e) => e.event_id.startsWith('tampered-h2')).map((e) => e.origin)).toEqual(['archive_unvalidated', 'archive_unvalidated', 'archive_unvalidated']);
    expect(eventsOf() - before).toBe(3 * 4);
  });

  it('a missing digest hour shows as digests missing and a gap in the chain', async () => {
    const w = await archiveInto('no-digest');
    aws.s3.deleteObject('no-digest', w.digestKeys[3]!);
    const r = await importFrom('no-digest');
    expect(r.integrity!.digests_missing).toEqual(['2026-05-01T03:00:00.000Z']);
    expect(r.integrity!.chain_gaps).toEqual([expect.objectContaining({ before: w.digestKeys[4], detail: expect.stringMatching(/missing/) })]);
    expect(r.integrity!.files.not_in_digest).toEqual([w.logKeys[3]]);
  });

  it('a truncated gzip and a file that is not JSON are rejected by name; the other files are imported', async () => {
    const w = await archiveInto('broken');
    const gz = aws.s3.getObject('broken', w.logKeys[0]!)!;
    aws.s3.putObject('broken', w.logKeys[0]!, gz.subarray(0, gz.length - 30));
    aws.s3.putObject('broken', w.logKeys[5]!, gzipSync('<html><body>502 Bad Gateway</body></html>'));
    const r = await importFrom('broken', { validate: false });
    expect(r.state).toBe('done');
    expect(r.failures.map((f) => [f.key, f.kind])).toEqual([
      [w.logKeys[0], 'truncated_gzip'],
      [w.logKeys[5], 'not_json'],
    ]);
    expect(r.files_done).toBe(4);
    expect(r.events).toBe(12);
    expect(r.integrity).toBeNull();
  });

  it('throttling is retried; throttling that does not stop, and a bucket the credentials cannot list, stop the import by name keeping what was imported', async () => {
    await archiveInto('busy');
    aws.s3.slowDown(2);
    const ok = await importFrom('busy', { to: '2026-05-01T01:30:00Z' });
    expect(ok).toMatchObject({ state: 'done', files_done: 2 });
    const kept = eventsOf();
    aws.s3.slowDown(1000);
    const throttled = await importFrom('busy');
    expect(throttled.state).toBe('failed');
    expect(throttled.error).toMatchObject({ kind: 'throttled' });
    aws.s3.slowDown(0);
    aws.s3.denyList(true);
    const denied = await importFrom('busy');
    expect(denied).toMatchObject({ state: 'failed', files_done: 0, error: { kind: 'access_denied', message: expect.stringMatching(/s3:ListBucket/) } });
    aws.s3.denyList(false);
    expect(eventsOf()).toBe(kept);
    aws.s3.denyGet(true);
    const noGet = await importFrom('busy');
    expect(noGet.error).toMatchObject({ kind: 'access_denied' });
    aws.s3.denyGet(false);
    expect(eventsOf()).toBe(kept);
    const rest = await importFrom('busy');
    expect(rest).toMatchObject({ state: 'done', files_skipped: 2, files_done: 4 });
  });

  it('a cancelled import goes on from the last finished file and counts no event twice', async () => {
    await archiveInto('resume');
    const before = eventsOf();
    const cancelAfterTwo = (p: ImportProgressView) => {
      if (p.files_done >= 2) fx.kw.evidence.archive.cancel();
    };
    archiveImportEvents.on('progress', cancelAfterTwo);
    let first;
    try {
      first = await importFrom('resume');
    } finally {
      archiveImportEvents.off('progress', cancelAfterTwo);
    }
    expect(first.state).toBe('cancelled');
    expect(first.files_done).toBeGreaterThanOrEqual(2);
    expect(first.files_done).toBeLessThan(HOURS);
    const second = await importFrom('resume');
    expect(second.state).toBe('done');
    expect(second.files_skipped).toBe(first.files_done);
    expect(second.files_done + second.files_skipped).toBe(HOURS);
    expect(first.events_new + second.events_new).toBe(HOURS * 3);
    expect(eventsOf() - before).toBe(HOURS * 3);
  });

  it('refuses a source it cannot read and a tenant without a cloud key with a clear error', async () => {
    expect(await fx.fail('evidence.import', { tenant: 'acme', source: 'ftp://nope', ...period })).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/no archive reader/) });
    expect(await fx.fail('evidence.import', { tenant: 'acme', source: '/no/such/folder', ...period })).toMatchObject({ code: 'not_found' });
    expect(await fx.fail('evidence.import', { tenant: 'acme', source: 's3://x', from: '2026-05-02', to: '2026-05-01' })).toMatchObject({ code: 'invalid_input' });
    const r = await fx.call('evidence.import', { tenant: 'acme', source: 's3://no-such-bucket', ...period });
    expect(r).toMatchObject({ state: 'failed', error: { kind: 'not_found' } });
  });

  it('the SOC 2 package states the coverage and the integrity result and includes the validation summary file', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-archive-report-'));
    const r = await fx.call('report.export', { from: '2026-05-01', to: '2026-05-02', tenant: 'acme', out });
    const manifest = JSON.parse(fs.readFileSync(path.join(r.folder, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.map((f) => f.path)).toContain('evidence/archive-validation.json');
    const doc = JSON.parse(fs.readFileSync(path.join(r.folder, 'evidence', 'archive-validation.json'), 'utf8')) as { validations: { report: { files: { modified: string[] } } }[]; coverage: { providers: { days: { day: string; archive_validated: number }[] }[] } };
    expect(doc.validations.some((v) => v.report.files.modified.length === 1)).toBe(true);
    expect(doc.coverage.providers[0]!.days.find((d) => d.day === '2026-05-01')!.archive_validated).toBeGreaterThan(0);
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8')) as { provider_evidence: { providers: { provider: string; days: number; days_without: number; days_archive_validated: number }[] } };
    expect(json.provider_evidence.providers).toEqual([expect.objectContaining({ provider: 'aws', days: 2, days_without: 1, days_archive_validated: 1 })]);
    const text = execFileSync('pdftotext', ['-layout', path.join(r.folder, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
    expect(text).toMatch(/Where the provider evidence came from/);
    expect(text).toMatch(/Archive integrity: problems found/);
    expect(text).toMatch(/archive-validation\.json/);
    // The new file is covered by the signed manifest like every other one.
    expect((await verifyPackage(r.zip)).ok).toBe(true);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
