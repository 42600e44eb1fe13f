/**
 * The cases that once gave a false "matched" or a false alarm, reproduced end to end:
 * the engine calls the AWS fake, the fake's CloudTrail records the calls, the reader
 * fetches them through the real SDK, then records are dropped, injected or altered the
 * way the real world does it (another SDK's failed Decrypt next to a lost record, a
 * stranger's successful one five seconds later, a record without a user agent, a
 * Keywarden id no call made, a clock 2 s off at the period's edge, a second tenant on the
 * same key) and each verdict is checked with its reason.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceResultView } from '../../core/api/evidence-types';
import { ManualClock } from '../../core/clock';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import type { CloudTrailRecord } from '../fakes/aws/trail';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture, stepUp } from './support/evidence-fixture';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const MIN = 60_000;
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;

const cidOf = (ua: string | undefined) => (ua ? /keywarden-cid\/(\S+)/.exec(ua)?.[1] : undefined);
const whole = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });

/** One probe: the engine wraps then unwraps 32 bytes under the customer's key. */
async function probe(tenant = 'acme') {
  await fx.call('kms.probe', { step_up_token: await stepUp(fx, 'onboard', tenant), tenant, provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID } });
  const calls = await fx.call('kms.calls', { tenant, limit: 5000 });
  return calls.filter((c) => c.provider === 'aws').slice(-2);
}

function recordOf(cid: string): CloudTrailRecord {
  return aws.events({ eventSource: 'kms.amazonaws.com' }).find((e) => cidOf(e.userAgent) === cid)!;
}

async function rowsOf(runId: number): Promise<EvidenceResultView[]> {
  return (await fx.call('evidence.results', { run_id: runId, limit: 5000 })).rows;
}

async function fetchAndCheck(period = whole(), tenant: string | undefined = 'acme') {
  await fx.call('evidence.fetch', { tenant, from: new Date(T0 - 3_600_000).toISOString() });
  const run = await fx.call('evidence.crosscheck', { ...period, ...(tenant ? { tenant } : {}) });
  return { run, rows: await rowsOf(run.run_id) };
}

beforeAll(async () => {
  aws = await startAwsFake({ clock, lookupRatePerSecond: 1000 });
  key = aws.createKey({ alias: 'keywarden-verdicts' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { sleep: async () => {} } });
  await acmeOnFakeAws(fx, aws, key);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  clock.advance(MIN);
});

afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('AWS verdicts against records the real world delivers', () => {
  it("a lost record next to another SDK's failed Decrypt: the call is missing, the attempt is an alarm", async () => {
    const [, unwrap] = await probe();
    expect(aws.cloudtrail.drop(recordOf(unwrap!.correlation_id).eventID)).toBe(true);
    clock.advance(1000);
    const attempt = aws.cloudtrail.inject(key.arn, {
      userAgent: 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux api/kms#1.35.3',
      errorCode: 'AccessDeniedException',
      errorMessage: 'User is not authorized to perform: kms:Decrypt',
      userIdentity: { type: 'AssumedRole', principalId: 'AROAOTHER:ci', arn: 'arn:aws:sts::111122223333:assumed-role/CiDeploy/ci', accountId: '111122223333', accessKeyId: 'ASIAOTHEREXAMPLE0001' },
    });
    clock.advance(16 * MIN);
    const { run, rows } = await fetchAndCheck();
    const call = rows.find((r) => r.call_id === unwrap!.id)!;
    expect(call.class).toBe('app_only_missing');
    expect(call.reason).toBe('no_record');
    expect(call.explanation).toMatch(/logging gap/);
    const alarm = rows.find((r) => r.provider_principal?.endsWith('CiDeploy/ci'))!;
    expect(alarm).toMatchObject({ class: 'provider_only', reason: 'foreign_user_agent', call_id: null });
    expect(alarm.explanation).toMatch(/not Keywarden.*AccessDeniedException/);
    expect(run.counts.matched).toBe(rows.filter((r) => r.class === 'matched').length);
    const raw = await fx.call('evidence.event', { id: alarm.event_id! });
    expect(raw.event_id).toBe(attempt.eventID);
    expect(raw.verdict).toMatchObject({ class: 'provider_only', reason: 'foreign_user_agent' });
  });

  it("a lost record and a stranger's successful Decrypt 5 s later: never taken for the engine's call", async () => {
    const [, unwrap] = await probe();
    aws.cloudtrail.drop(recordOf(unwrap!.correlation_id).eventID);
    clock.advance(5000);
    // Same role even: a client with its own user agent is someone else's call.
    const stranger = aws.cloudtrail.inject(key.arn, { userAgent: 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 lang/python#3.12.1', userIdentity: recordOf((await probe())[0]!.correlation_id).userIdentity });
    clock.advance(16 * MIN);
    const { rows } = await fetchAndCheck();
    expect(rows.find((r) => r.call_id === unwrap!.id)).toMatchObject({ class: 'app_only_missing' });
    const alarm = rows.find((r) => r.event_id !== null && r.call_id === null && r.class === 'provider_only' && r.provider_principal?.includes('KeywardenKMSAccess'));
    expect(alarm).toBeDefined();
    const raw = await fx.call('evidence.event', { id: alarm!.event_id! });
    expect(raw.event_id).toBe(stranger.eventID);
  });

  it('a record without a user agent is a weak match, shown apart and not counted as matched', async () => {
    const [, unwrap] = await probe();
    const record = recordOf(unwrap!.correlation_id);
    aws.cloudtrail.alter(record.eventID, (r) => {
      const copy: Partial<CloudTrailRecord> = { ...r };
      delete copy.userAgent;
      return copy as CloudTrailRecord;
    });
    clock.advance(16 * MIN);
    const { run, rows } = await fetchAndCheck();
    const row = rows.find((r) => r.call_id === unwrap!.id)!;
    expect(row).toMatchObject({ class: 'matched_weak', matched_by: 'fallback', reason: 'time_window' });
    expect(row.explanation).toMatch(/Weak match.*no user agent.*not counted as matched/);
    expect(run.counts.matched_weak).toBeGreaterThanOrEqual(1);
    const cov = run.coverage[0]!;
    expect(cov.weak).toBeGreaterThanOrEqual(1);
    // Coverage counts only what the log proves.
    expect(cov.seen).toBeLessThan(cov.expected);
  });

  it('a Keywarden id that no call of this installation made is a foreign correlation', async () => {
    const replayed = randomUUID();
    aws.cloudtrail.inject(key.arn, { userAgent: `aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#22.1.0 api/kms#3.700.0 keywarden-cid/${replayed}` });
    clock.advance(MIN);
    const { run, rows } = await fetchAndCheck();
    expect(run.counts.foreign_correlation).toBe(1);
    const row = rows.find((r) => r.class === 'foreign_correlation')!;
    expect(row).toMatchObject({ reason: 'unknown_correlation_id', correlation_id: replayed });
    expect(row.explanation).toMatch(/another installation/);
  });

  it("a 2 s clock skew at the period's start never makes the engine's own call an alarm", async () => {
    const [wrap, unwrap] = await probe();
    for (const c of [wrap!, unwrap!]) {
      const r = recordOf(c.correlation_id);
      aws.cloudtrail.alter(r.eventID, { eventTime: new Date(Date.parse(c.at) + 2000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    }
    clock.advance(16 * MIN);
    // The period starts between the engine's calls and the provider's (later) records.
    const from = new Date(Date.parse(unwrap!.at) + 1).toISOString();
    const { run, rows } = await fetchAndCheck({ from, to: new Date(clock.now()).toISOString() });
    expect(rows.filter((r) => r.correlation_id === wrap!.correlation_id || r.correlation_id === unwrap!.correlation_id)).toEqual([]);
    expect(run.counts.provider_only).toBe(0);
    expect(run.counts.foreign_correlation).toBe(0);
  });

  it("a second tenant on the same key does not see the first tenant's calls as alarms", async () => {
    await fx.call('tenant.create', { slug: 'beta', wrap: 'local' });
    await fx.call('kms.onboard', {
      tenant: 'beta',
      provider: 'aws',
      kms_key_ref: key.arn,
      config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID },
    });
    await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'beta'), tenant: 'beta', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
    await probe('acme');
    clock.advance(16 * MIN);
    await fx.call('evidence.fetch', { tenant: 'acme', from: new Date(T0 - 3_600_000).toISOString() });
    const { run, rows } = await fetchAndCheck(whole(), 'beta');
    // Beta's alarms are only the strangers' records injected above, none of acme's calls.
    const acmeCids = new Set((await fx.call('kms.calls', { tenant: 'acme', limit: 5000 })).map((c) => c.correlation_id));
    expect(rows.filter((r) => r.correlation_id !== null && acmeCids.has(r.correlation_id))).toEqual([]);
    expect(rows.filter((r) => r.class === 'matched').length).toBeGreaterThanOrEqual(2);
    const all = await fx.call('evidence.crosscheck', whole());
    // Over every tenant, a record kept under both tenants' sources is reported once.
    expect(all.counts.provider_only).toBe(run.counts.provider_only);
  });

  it("measures the provider's clock against this machine's and says so when they differ by more than a few seconds", async () => {
    const calls = [...(await probe()), ...(await probe())];
    for (const c of calls) {
      const r = recordOf(c.correlation_id);
      aws.cloudtrail.alter(r.eventID, { eventTime: new Date(Date.parse(c.at) + 9000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    }
    clock.advance(16 * MIN);
    const from = new Date(Date.parse(calls[0]!.at) - 1).toISOString();
    const { run } = await fetchAndCheck({ from, to: new Date(clock.now()).toISOString() });
    const cov = run.coverage.find((c) => c.provider === 'aws')!;
    expect(cov.clock_offset_ms).toBeGreaterThanOrEqual(8000);
    expect(cov.clock_offset_pairs).toBe(calls.length);
    expect(cov.diagnosis).toMatch(/about (8|9) s ahead of this machine/);
  });
});
