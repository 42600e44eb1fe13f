/**
 * The engine calls the AWS fake (AssumeRole, then KMS), the fake's CloudTrail records the
 * calls, the reader fetches them through the real CloudTrail SDK with the tenant's own
 * credentials, and the cross-check matches every call; then a rogue Decrypt, a dropped
 * record and an altered principal each surface as their class. Paging, the 2 requests/s
 * limit, throttling and a failing page are covered against the same fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { acmeOnFakeAws, evidenceFixture, stepUp, type EvidenceFixture } from './support/evidence-fixture';
import { startFlakyProxy, type FlakyProxy } from './support/flaky-proxy';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let proxy: FlakyProxy;
let fx: EvidenceFixture;
const sleeps: number[] = [];

const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });
const cidOf = (ua: string) => /keywarden-cid\/(\S+)/.exec(ua)?.[1];

async function cloudCalls() {
  return (await fx.call('kms.calls', { tenant: 'acme', limit: 5000 })).filter((c) => c.provider === 'aws');
}

beforeAll(async () => {
  aws = await startAwsFake({ clock, lookupRatePerSecond: 2 });
  key = aws.createKey({ alias: 'keywarden-evidence' });
  proxy = await startFlakyProxy(aws.cloudtrail.endpoint);
  fx = await evidenceFixture({
    clock,
    env: fakeAwsEnv(),
    readers: {
      // Backoff waits are recorded, not slept; pacing always sleeps for real (see the rate test).
      sleep: async (ms) => void sleeps.push(ms),
    },
  });
  await acmeOnFakeAws(fx, aws, key);
  clock.advance(60_000);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: proxy.endpoint });
});

afterAll(async () => {
  await fx?.close();
  await proxy?.close();
  await aws?.close();
});

describe('AWS: engine calls against CloudTrail', () => {
  it('fetches the trail through the SDK and matches every engine call by correlation id', async () => {
    const calls = await cloudCalls();
    expect(calls.length).toBeGreaterThanOrEqual(3);
    const fetched = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(fetched.sources).toHaveLength(1);
    expect(fetched.sources[0]).toMatchObject({ provider: 'aws', state: 'done', error: null });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.matched).toBe(calls.filter((c) => c.outcome === 'ok').length);
    expect(run.counts.provider_only).toBe(0);
    expect(run.counts.app_only_missing + run.counts.app_only_pending + run.counts.principal_mismatch).toBe(0);
    expect(run.coverage[0]).toMatchObject({ provider: 'aws', health: 'good', fraction: 1, diagnosis: null });
    const rows = await fx.call('evidence.results', { run_id: run.run_id, class: 'matched' });
    expect(rows.rows.every((r) => r.matched_by === 'correlation_id' && r.app_principal === r.provider_principal)).toBe(true);
    expect(rows.rows[0]!.app_principal).toMatch(/assumed-role\/KeywardenKMSAccess\/keywarden$/);
    const raw = await fx.call('evidence.event', { id: rows.rows[0]!.event_id! });
    expect(raw.raw).toMatchObject({ eventSource: 'kms.amazonaws.com', userIdentity: { type: 'AssumedRole' } });
    expect(raw.correlation_id).toBe(rows.rows[0]!.correlation_id);
  });

  it('reads incrementally: a second fetch re-reads only one delivery delay back and stores nothing twice', async () => {
    const store = fx.kw.evidence.store;
    const count = () => (store.db.prepare('SELECT count(*) AS n FROM provider_events').get() as { n: number }).n;
    const before = count();
    const firstRead = store.sources()[0]!.read_until!;
    clock.advance(5000);
    const again = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(again.sources[0]).toMatchObject({ state: 'done', read_until: new Date(clock.now()).toISOString() });
    expect(count()).toBe(before);
    expect(Date.parse(store.sources()[0]!.read_until!)).toBeGreaterThan(Date.parse(firstRead));
  });

  it('a rogue Decrypt by another principal is provider_only, and the cross-check is audited with counts only', async () => {
    clock.advance(30_000);
    aws.cloudtrail.inject(key.arn);
    clock.advance(30_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.provider_only).toBe(1);
    const alarm = (await fx.call('evidence.results', { run_id: run.run_id, class: 'provider_only' })).rows[0]!;
    expect(alarm).toMatchObject({ provider: 'aws', provider_operation: 'Decrypt', call_id: null, source_address: '198.51.100.7' });
    expect(alarm.provider_principal).toContain('assumed-role/SomeoneElse/intruder');
    const audit = await fx.call('audit.list', { action: 'evidence.crosscheck', limit: 1 });
    expect(audit[0]!.payload).toMatchObject({ run_id: run.run_id, counts: { provider_only: 1 } });
    expect(JSON.stringify(audit[0]!.payload)).not.toContain(key.arn);
  });

  it('a dropped record is app_only_pending inside the delivery delay and app_only_missing after it', async () => {
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
    const last = (await cloudCalls()).at(-1)!;
    const record = aws.events({ eventSource: 'kms.amazonaws.com' }).find((e) => cidOf(e.userAgent) === last.correlation_id)!;
    expect(aws.cloudtrail.drop(record.eventID)).toBe(true);
    clock.advance(60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const early = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(early.counts.app_only_pending).toBe(1);
    expect(early.counts.app_only_missing).toBe(0);
    clock.advance(16 * 60_000);
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const late = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(late.counts.app_only_pending).toBe(0);
    expect(late.counts.app_only_missing).toBe(1);
    const missing = (await fx.call('evidence.results', { run_id: late.run_id, class: 'app_only_missing' })).rows[0]!;
    expect(missing.correlation_id).toBe(last.correlation_id);
    expect(late.coverage[0]!.health).not.toBe('good');
    expect(late.coverage[0]!.diagnosis).toMatch(/missing 1 of \d+ call/);
    expect(late.coverage[0]!.diagnosis).toMatch(/ExcludeManagementEventSources/);
  });

  it('a record naming another principal is principal_mismatch', async () => {
    const first = (await cloudCalls()).find((c) => c.outcome === 'ok')!;
    const record = aws.events({ eventSource: 'kms.amazonaws.com' }).find((e) => cidOf(e.userAgent) === first.correlation_id)!;
    aws.cloudtrail.alter(record.eventID, (r) => ({ ...r, userIdentity: { ...r.userIdentity, arn: 'arn:aws:sts::111122223333:assumed-role/Other/someone' } }));
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.principal_mismatch).toBe(1);
    const row = (await fx.call('evidence.results', { run_id: run.run_id, class: 'principal_mismatch' })).rows[0]!;
    expect(row.provider_principal).toContain('assumed-role/Other/someone');
    expect(row.app_principal).toContain('assumed-role/KeywardenKMSAccess/keywarden');
  });
});

describe('AWS reader: paging, rate limit, throttling, a failing page', () => {
  beforeAll(async () => {
    // 60 probes = 120 more engine calls: three pages of 50 at LookupEvents' page size.
    for (let i = 0; i < 60; i++) {
      await fx.call('kms.probe', { step_up_token: await stepUp(fx, 'onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID } });
    }
    clock.advance(60_000);
  });

  it('pages with NextToken at 2 requests/s without a single ThrottlingException', async () => {
    const before = proxy.requests();
    const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    const src = out.sources[0]!;
    expect(src.state).toBe('done');
    expect(src.pages).toBeGreaterThanOrEqual(3);
    // Every request was a page: the fake (limited to 2/s) never had to refuse one.
    expect(proxy.requests() - before).toBe(src.pages);
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    expect(run.counts.matched).toBeGreaterThanOrEqual(120);
  });

  it('backs off on ThrottlingException and still reads everything', async () => {
    sleeps.length = 0;
    proxy.setIntercept((n) => (n % 2 === 0 ? { status: 400, headers: { 'x-amzn-requestid': 'throttled' }, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) } : undefined));
    try {
      const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
      expect(out.sources[0]).toMatchObject({ state: 'done' });
      expect(sleeps).toContain(1000);
    } finally {
      proxy.setIntercept(undefined);
    }
  });

  it('a page that keeps failing (5xx, retried with backoff) fails the source but keeps the pages read before it; the cursor does not move', async () => {
    const store = fx.kw.evidence.store;
    const before = store.sources()[0]!.read_until;
    const count = () => (store.db.prepare('SELECT count(*) AS n FROM provider_events').get() as { n: number }).n;
    store.db.prepare('DELETE FROM evidence_results').run();
    store.db.prepare('DELETE FROM provider_events').run();
    const base = proxy.requests();
    sleeps.length = 0;
    proxy.setIntercept((n) => (n >= base + 2 ? { status: 500, body: JSON.stringify({ __type: 'InternalFailure', message: 'An internal error occurred.' }) } : undefined));
    try {
      clock.advance(60_000);
      const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
      expect(out.sources[0]).toMatchObject({ state: 'failed', pages: 1, events: 50, error_kind: 'server_error' });
      expect(out.sources[0]!.error).toMatch(/CloudTrail/);
      expect(sleeps).toEqual([1000, 2000, 4000]);
      expect(store.sources()[0]).toMatchObject({ last_fetch_state: 'failed', last_error_kind: 'server_error' });
      expect(count()).toBe(50);
      expect(store.sources()[0]!.read_until).toBe(before);
    } finally {
      proxy.setIntercept(undefined);
    }
    const again = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(again.sources[0]!.state).toBe('done');
    expect(count()).toBeGreaterThan(120);
  });

  it('cancels a running fetch: the pages read are kept, the cursor stays, progress says so', async () => {
    const store = fx.kw.evidence.store;
    const before = store.sources()[0]!.read_until;
    clock.advance(60_000);
    const running = fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    await expect.poll(() => fx.kw.evidence.progress().sources[0]?.pages ?? 0, { timeout: 5000, interval: 20 }).toBeGreaterThanOrEqual(1);
    expect(await fx.call('evidence.progress', {})).toMatchObject({ running: true });
    expect(await fx.call('evidence.cancel', {})).toEqual({ cancelled: true });
    const out = await running;
    expect(out).toMatchObject({ running: false, cancelled: true });
    expect(out.sources[0]).toMatchObject({ state: 'cancelled', error: 'cancelled' });
    expect(out.sources[0]!.events).toBeGreaterThanOrEqual(50);
    expect(store.sources()[0]).toMatchObject({ read_until: before, last_fetch_state: 'cancelled' });
    expect(await fx.call('evidence.cancel', {})).toEqual({ cancelled: false });
  });

  it('an access-denied reader says which permission is missing', async () => {
    aws.cloudtrail.setFault({ kind: 'deny' });
    try {
      const out = await fx.call('evidence.fetch', { tenant: 'acme' });
      expect(out.sources[0]!.state).toBe('failed');
      expect(out.sources[0]!.error).toMatch(/cloudtrail:LookupEvents/);
    } finally {
      aws.cloudtrail.setFault({ kind: 'pass' });
    }
  });
});
