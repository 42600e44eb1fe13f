/**
 * Records that cannot be read are kept, not dropped: a CloudTrail event whose
 * `CloudTrailEvent` string is cut short or is not a record is stored in
 * provider_unreadable with its event id and raw text, counted on the source once however
 * often it is re-read, and shown in the cross-check's coverage (they may be Decrypts on
 * the customer's key, so the coverage is not "good" while they are there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture, stepUp } from './support/evidence-fixture';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;

const store = () => fx.kw.evidence.store;
const source = () => store().sources()[0]!;
const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString(), tenant: 'acme' });

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'unreadable' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { ratePerSecond: { aws: 50 }, sleep: async () => undefined } });
  await acmeOnFakeAws(fx, aws, key);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  clock.advance(60_000);
});

afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('unreadable CloudTrail records', () => {
  it('are stored with their event id and raw text, counted, and the rest of the page is read', async () => {
    const cut = aws.cloudtrail.inject(key.arn);
    const notRecord = aws.cloudtrail.inject(key.arn);
    const fine = aws.cloudtrail.inject(key.arn);
    aws.cloudtrail.corrupt(cut.eventID, 'truncated');
    aws.cloudtrail.corrupt(notRecord.eventID, 'not_an_object');
    clock.advance(60_000);
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'done', unreadable: 2 });
    const kept = store().unreadable(source().source_id);
    expect(kept.map((u) => u.event_id).sort()).toEqual([cut.eventID, notRecord.eventID].sort());
    const truncated = kept.find((u) => u.event_id === cut.eventID)!;
    expect(truncated.problem).toMatch(/CloudTrailEvent is not JSON/);
    // The raw text is the LookupEvents event as served: the cut CloudTrailEvent string is inside, exactly.
    const envelope = JSON.parse(truncated.raw) as { EventId: string; EventName: string; CloudTrailEvent: string };
    expect(envelope).toMatchObject({ EventId: cut.eventID, EventName: 'Decrypt' });
    expect(JSON.stringify(cut).startsWith(envelope.CloudTrailEvent)).toBe(true);
    expect(truncated.at).toBe(cut.eventTime.replace('Z', '.000Z'));
    expect(source().unreadable_records).toBe(2);
    const readable = store().db.prepare('SELECT raw FROM provider_events WHERE event_id = ?').pluck().get(fine.eventID) as string;
    expect(readable).toBe(JSON.stringify(fine));
  });

  it('are counted once however often the window is re-read', async () => {
    clock.advance(60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(store().unreadable(source().source_id)).toHaveLength(2);
    expect(source().unreadable_records).toBe(2);
  });

  it('show in the cross-check coverage, which is then not "good" and says why', async () => {
    const run = await fx.call('evidence.crosscheck', period());
    const c = run.coverage[0]!;
    expect(c.fraction).toBe(1);
    expect(c).toMatchObject({ unreadable: 2, health: 'degraded', last_fetch_state: 'done', last_error_kind: null });
    expect(c.diagnosis).toMatch(/2 record\(s\) in this log could not be read; they are kept with their raw text/);
  });

  it('a record delivered readable later is stored and no longer counted as unreadable', async () => {
    const [first] = store().unreadable(source().source_id);
    expect(aws.cloudtrail.repair(first!.event_id)).toBe(true);
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(store().unreadable(source().source_id).map((u) => u.event_id)).not.toContain(first!.event_id);
    expect(source().unreadable_records).toBe(1);
    expect(store().db.prepare('SELECT count(*) FROM provider_events WHERE event_id = ?').pluck().get(first!.event_id)).toBe(1);
    const run = await fx.call('evidence.crosscheck', period());
    expect(run.coverage[0]!.unreadable).toBe(1);
  });
});
