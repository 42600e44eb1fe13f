/**
 * Late delivery, through the real CloudTrail SDK against the AWS fake (records delivered
 * when the test says): an incremental fetch re-reads a window sized from the delays this
 * source has shown (not only the configured 15 min), a daily deep re-read 24 h back
 * catches records later than that, the coverage says how far back the last read went,
 * and a record delivered twice stays one row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { DEEP_REREAD_BACK_MS, MAX_INCREMENTAL_WINDOW_MS, provenDelayMs, readStart, rereadWindowMs } from '../../core/evidence/reread-window';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture, stepUp } from './support/evidence-fixture';

const MIN = 60_000;
const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;

const source = () => fx.kw.evidence.store.sources()[0]!;
const rows = (eventId: string) => fx.kw.evidence.store.db.prepare('SELECT count(*) FROM provider_events WHERE event_id = ?').pluck().get(eventId) as number;
const fetch = () => fx.call('evidence.fetch', { tenant: 'acme' });

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'late-delivery' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { ratePerSecond: { aws: 50 }, sleep: async () => undefined } });
  await acmeOnFakeAws(fx, aws, key);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  clock.advance(MIN);
  expect((await fetch()).sources[0]!.state).toBe('done');
});

afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('the re-read window', () => {
  it('is the configured delay until a longer one is seen, then that with half again as margin, at most 2 h (later is the deep re-read’s)', () => {
    expect(rereadWindowMs(15 * MIN, null)).toBe(15 * MIN);
    expect(rereadWindowMs(15 * MIN, 5 * MIN)).toBe(15 * MIN);
    expect(rereadWindowMs(15 * MIN, 12 * MIN)).toBe(18 * MIN);
    expect(rereadWindowMs(15 * MIN, 48 * 60 * MIN)).toBe(MAX_INCREMENTAL_WINDOW_MS);
    // A configured delay longer than the cap is honoured as configured.
    expect(rereadWindowMs(3 * 60 * MIN, 48 * 60 * MIN)).toBe(3 * 60 * MIN);
  });

  it('a record found inside the last window proves how late it was; one older than it, at least the window', () => {
    const prev = { rereadFromMs: 0, readUntilMs: 15 * MIN };
    expect(provenDelayMs(3 * MIN, prev)).toBe(12 * MIN);
    expect(provenDelayMs(-5 * MIN, prev)).toBe(15 * MIN);
    expect(provenDelayMs(16 * MIN, prev)).toBeNull();
    // A read reaching where no read went before (--from) proves nothing about older records.
    expect(provenDelayMs(-5 * MIN, prev, false)).toBeNull();
  });

  it('goes 24 h back once a day, and from the initial lookback on a first read', () => {
    const now = 10 * 24 * 60 * MIN;
    const readUntil = new Date(now - MIN).toISOString();
    expect(readStart({ read_until: null, deep_reread_at: null, observed_delay_ms: null }, now, 15 * MIN, 7 * 24 * 60 * MIN)).toEqual({ fromMs: now - 7 * 24 * 60 * MIN, deep: true });
    const fresh = new Date(now - 60 * MIN).toISOString();
    expect(readStart({ read_until: readUntil, deep_reread_at: fresh, observed_delay_ms: null }, now, 15 * MIN, 0)).toEqual({ fromMs: now - MIN - 15 * MIN, deep: false });
    const stale = new Date(now - 25 * 60 * MIN).toISOString();
    expect(readStart({ read_until: readUntil, deep_reread_at: stale, observed_delay_ms: null }, now, 15 * MIN, 0)).toEqual({ fromMs: now - MIN - DEEP_REREAD_BACK_MS, deep: true });
  });
});

describe('late records through CloudTrail', () => {
  it('a record 14 min late is caught, and the next windows reach 18 min back', async () => {
    clock.advance(MIN);
    const late = aws.cloudtrail.inject(key.arn, {}, 14 * MIN);
    clock.advance(12 * MIN);
    await fetch();
    expect(rows(late.eventID)).toBe(0);
    clock.advance(12 * MIN);
    await fetch();
    expect(rows(late.eventID)).toBe(1);
    // The last read ended 12 min after the record and had not seen it.
    expect(source().observed_delay_ms).toBe(12 * MIN);
    clock.advance(5 * MIN);
    const cursor = source().read_until!;
    await fetch();
    const s = source();
    expect(Date.parse(cursor) - Date.parse(s.reread_from!)).toBe(18 * MIN);
    const run = await fx.call('evidence.crosscheck', { from: new Date(T0 - 60 * MIN).toISOString(), to: new Date(clock.now() + 1000).toISOString(), tenant: 'acme' });
    expect(run.coverage[0]!.reread_from).toBe(s.reread_from);
  });

  it('a record delivered twice stays one row', async () => {
    const twice = aws.cloudtrail.inject(key.arn);
    clock.advance(MIN);
    await fetch();
    aws.cloudtrail.deliverAgain(twice.eventID);
    clock.advance(MIN);
    const out = await fetch();
    expect(out.sources[0]!.state).toBe('done');
    expect(rows(twice.eventID)).toBe(1);
  });

  it('a record later than every incremental window is caught by the daily deep re-read, and the coverage says how far back it went', async () => {
    const veryLate = aws.cloudtrail.inject(key.arn, { sourceIPAddress: '203.0.113.99' }, 3 * 60 * MIN);
    for (let i = 0; i < 6; i++) {
      clock.advance(12 * MIN);
      await fetch();
    }
    expect(rows(veryLate.eventID)).toBe(0);
    const lastDeep = source().deep_reread_at!;
    clock.set(Date.parse(lastDeep) + 24 * 60 * MIN + MIN);
    const cursor = source().read_until!;
    await fetch();
    expect(rows(veryLate.eventID)).toBe(1);
    const s = source();
    expect(s.reread_from).toBe(new Date(Date.parse(cursor) - DEEP_REREAD_BACK_MS).toISOString());
    expect(s.deep_reread_at).toBe(s.read_until);
    // Missed by every window it was in: at least a whole window late.
    expect(s.observed_delay_ms).toBeGreaterThanOrEqual(18 * MIN);
    const run = await fx.call('evidence.crosscheck', { from: new Date(T0 - 60 * MIN).toISOString(), to: new Date(clock.now() + 1000).toISOString(), tenant: 'acme' });
    expect(run.coverage[0]!.reread_from).toBe(s.reread_from);
    const alarms = (await fx.call('evidence.results', { run_id: run.run_id, class: 'provider_only', limit: 500 })).rows;
    expect(alarms.map((a) => a.source_address)).toContain('203.0.113.99');
  });
});

describe('a deep re-read longer than one fetch may read', () => {
  it('stops at the page limit without blocking the next incremental reads', async () => {
    const c = new ManualClock(T0);
    const busy = await startAwsFake({ clock: c });
    const busyKey = busy.createKey({ alias: 'busy' });
    const small = await evidenceFixture({ clock: c, env: fakeAwsEnv(), readers: { ratePerSecond: { aws: 50 }, maxPages: 3, sleep: async () => undefined } });
    try {
      await acmeOnFakeAws(small, busy, busyKey);
      await small.call('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: busy.cloudtrail.endpoint });
      const src = () => small.kw.evidence.store.sources()[0]!;
      // 4 × 50 records, each batch read by its own fetch: 2 pages each, 4+ for 24 h.
      for (let batch = 0; batch < 4; batch++) {
        for (let i = 0; i < 50; i++) {
          busy.cloudtrail.inject(busyKey.arn);
          c.advance(1000);
        }
        c.advance(20 * MIN);
        expect((await small.call('evidence.fetch', { tenant: 'acme' })).sources[0]!.state).toBe('done');
      }
      c.set(Date.parse(src().deep_reread_at!) + 24 * 60 * MIN + MIN);
      const cursor = src().read_until;
      const deep = await small.call('evidence.fetch', { tenant: 'acme' });
      expect(deep.sources[0]).toMatchObject({ state: 'failed', error_kind: 'page_limit' });
      expect(deep.sources[0]!.error).toMatch(/daily 24 h re-read/);
      expect(src()).toMatchObject({ read_until: cursor, deep_reread_at: new Date(c.now()).toISOString() });
      c.advance(MIN);
      const next = await small.call('evidence.fetch', { tenant: 'acme' });
      expect(next.sources[0]).toMatchObject({ state: 'done', error_kind: null });
      expect(src().reread_from).toBe(new Date(Date.parse(cursor!) - 15 * MIN).toISOString());
    } finally {
      await small.close();
      await busy.close();
    }
  });
});
