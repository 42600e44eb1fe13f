/**
 * Records that name several keys and records for other keys, through the real CloudTrail
 * SDK against the AWS fake. A ReEncrypt (resources: source key, then destination key, as
 * AWS logs it) belongs to every listed key Keywarden tracks, whatever the order; each
 * tracked key's source keeps its own row. Records for keys nobody tracks are counted as
 * "other keys", not silently dropped. The access key id of each record is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { AwsCloudTrailReader } from '../../core/evidence/readers/aws-cloudtrail';
import { Pacer } from '../../core/evidence/readers/pacer';
import type { ReaderPage } from '../../core/evidence/readers/types';
import { FAKE_ACCESS_KEY_ID, FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, FAKE_SECRET_ACCESS_KEY, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture, stepUp } from './support/evidence-fixture';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let aws: AwsFake;
let keyA: FakeKeyInfo;
let keyB: FakeKeyInfo;
let untracked: FakeKeyInfo;
let fx: EvidenceFixture;

const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });

interface Row {
  source_id: string;
  tenant_id: string;
  key_ref: string;
  provider_operation: string;
  access_key_id: string | null;
}
const rowsOf = (eventId: string) =>
  fx.kw.evidence.store.db.prepare('SELECT source_id, tenant_id, key_ref, provider_operation, access_key_id FROM provider_events WHERE event_id = ? ORDER BY tenant_id').all(eventId) as Row[];
const sourceOf = (slug: string) => {
  const tenantId = fx.kw.evidence.store.db.prepare('SELECT id FROM tenants WHERE slug = ?').pluck().get(slug) as string;
  return fx.kw.evidence.store.sources(tenantId)[0]!;
};

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  keyA = aws.createKey({ alias: 'multi-a' });
  keyB = aws.createKey({ alias: 'multi-b' });
  untracked = aws.createKey({ alias: 'someone-elses' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { ratePerSecond: { aws: 50 }, sleep: async () => undefined } });
  await acmeOnFakeAws(fx, aws, keyA);
  await fx.call('tenant.create', { slug: 'beta', wrap: 'local' });
  await fx.call('kms.onboard', {
    tenant: 'beta',
    provider: 'aws',
    kms_key_ref: keyB.arn,
    config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID },
  });
  for (const tenant of ['acme', 'beta']) await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', tenant), tenant, aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  clock.advance(60_000);
});

afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('records that name several keys', () => {
  it('a ReEncrypt from an untracked key (listed first) into the customer key is kept for the customer key', async () => {
    const r = aws.cloudtrail.reEncrypt(untracked.arn, keyA.arn);
    expect(r.resources!.map((x) => x.ARN)).toEqual([untracked.arn, keyA.arn]);
    clock.advance(10_000);
    await fx.call('evidence.fetch', {});
    const rows = rowsOf(r.eventID);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source_id: sourceOf('acme').source_id, key_ref: keyA.arn, provider_operation: 'ReEncrypt' });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    const alarms = (await fx.call('evidence.results', { run_id: run.run_id, class: 'provider_only' })).rows;
    expect(alarms.map((a) => a.provider_operation)).toContain('ReEncrypt');
  });

  it('a ReEncrypt from the customer key into an untracked key (customer key first) is kept too', async () => {
    const r = aws.cloudtrail.reEncrypt(keyA.arn, untracked.arn);
    clock.advance(10_000);
    await fx.call('evidence.fetch', {});
    expect(rowsOf(r.eventID)).toMatchObject([{ source_id: sourceOf('acme').source_id, key_ref: keyA.arn }]);
  });

  it('a ReEncrypt between two tracked keys is stored once per key, under each key’s own source', async () => {
    const r = aws.cloudtrail.reEncrypt(keyB.arn, keyA.arn);
    clock.advance(10_000);
    await fx.call('evidence.fetch', {});
    const rows = rowsOf(r.eventID);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((x) => x.source_id))).toEqual(new Set([sourceOf('acme').source_id, sourceOf('beta').source_id]));
    expect(rows.find((x) => x.source_id === sourceOf('acme').source_id)!.key_ref).toBe(keyA.arn);
    expect(rows.find((x) => x.source_id === sourceOf('beta').source_id)!.key_ref).toBe(keyB.arn);
    // A re-read stores nothing twice.
    clock.advance(10_000);
    await fx.call('evidence.fetch', {});
    expect(rowsOf(r.eventID)).toHaveLength(2);
  });

  it('keeps the access key id each record names (the engine’s session key and a stranger’s)', async () => {
    const rogue = aws.cloudtrail.inject(keyA.arn);
    clock.advance(10_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(rowsOf(rogue.eventID)[0]!.access_key_id).toBe('ASIAROGUEEXAMPLE0001');
    const engine = fx.kw.evidence.store.db
      .prepare("SELECT access_key_id FROM provider_events WHERE source_id = ? AND correlation_id IS NOT NULL")
      .pluck()
      .all(sourceOf('acme').source_id) as (string | null)[];
    expect(engine.length).toBeGreaterThan(0);
    expect(engine.every((k) => typeof k === 'string' && k.startsWith('ASIA'))).toBe(true);
  });
});

describe('records for other keys', () => {
  async function readAll(reader: AwsCloudTrailReader, fromMs: number): Promise<ReaderPage[]> {
    const pages: ReaderPage[] = [];
    for await (const p of reader.read({ fromMs, toMs: clock.now() + 1000 }, new AbortController().signal)) pages.push(p);
    return pages;
  }

  it('read by event name (only an alias known), records for other keys are counted as other keys, not dropped unseen', async () => {
    const mine = aws.cloudtrail.inject(keyA.arn, { requestParameters: { keyId: 'alias/multi-a', encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } });
    const other = aws.cloudtrail.inject(untracked.arn);
    clock.advance(10_000);
    const reader = new AwsCloudTrailReader({
      region: aws.region,
      endpoint: aws.cloudtrail.endpoint,
      credentials: async () => ({ accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY }),
      keyArns: [],
      keyRef: `arn:aws:kms:${aws.region}:${aws.accountId}:alias/multi-a`,
      pacer: new Pacer(50),
      sleep: async () => undefined,
      timeoutMs: 3000,
      userAgent: 'keywarden-test',
    });
    try {
      const pages = await readAll(reader, clock.now() - 30_000);
      const events = pages.flatMap((p) => p.events);
      const others = pages.flatMap((p) => p.otherKeys);
      expect(events.map((e) => e.event_id)).toContain(mine.eventID);
      expect(events.map((e) => e.event_id)).not.toContain(other.eventID);
      expect(others).toContain(other.eventTime.replace('Z', '.000Z'));
    } finally {
      reader.close();
    }
  });
});
