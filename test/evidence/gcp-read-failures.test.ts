/**
 * The Cloud Logging reader's failures, named and remembered, through google-auth-library
 * against the GCP fake: entries:list answering 5xx (retried with backoff, then
 * "server_error"), a body that is not JSON ("bad_response"), a nextPageToken that repeats
 * or never ends ("pagination_loop"), and an entry that cannot be read (kept with a stable
 * id when it has no insertId). The pages read before a failure are kept.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { accessTokenCredentials, createGcpProviderFactory } from '../../core/providers/gcp';
import { DEFAULT_GCP_PRINCIPAL, DEFAULT_GCP_TOKEN, kmsAuditEntry, startGcpFake, type GcpFake } from '../fakes/gcp';
import { evidenceFixture, stepUp, type EvidenceFixture } from './support/evidence-fixture';

const KEY = 'projects/evidence-proj/locations/global/keyRings/kw/cryptoKeys/read-failures';
const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let fake: GcpFake;
let fx: EvidenceFixture;
const sleeps: number[] = [];
const creds = accessTokenCredentials(DEFAULT_GCP_TOKEN, DEFAULT_GCP_PRINCIPAL);

const store = () => fx.kw.evidence.store;
const source = () => store().sources()[0]!;
const stored = () => store().db.prepare('SELECT count(*) FROM provider_events').pluck().get() as number;
const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString(), tenant: 'acme' });

beforeAll(async () => {
  fake = await startGcpFake({ clock, keys: [KEY] });
  fx = await evidenceFixture({
    clock,
    factories: [createGcpProviderFactory({ sourceCredentials: creds, iamCredentialsEndpoint: fake.url, retryBaseMs: 40 })],
    readers: { gcpSourceCredentials: creds, ratePerSecond: { gcp: 50 }, pageSize: { gcp: 2 }, sleep: async (ms) => void sleeps.push(ms) },
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  await fx.call('kms.onboard', { step_up_token: await stepUp(fx, 'onboard', 'acme'), tenant: 'acme', provider: 'gcp', kms_key_ref: KEY, config: { endpoint: fake.url } });
  clock.advance(60_000);
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate') });
  clock.advance(60_000);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', gcp_logging_endpoint: fake.url });
  expect((await fx.call('evidence.fetch', { tenant: 'acme' })).sources[0]).toMatchObject({ state: 'done', error_kind: null });
});

afterAll(async () => {
  await fx?.close();
  await fake?.close();
});

beforeEach(() => {
  sleeps.length = 0;
  fake.setLogListFault('pass');
});

describe('Cloud Logging answers that fail a read', () => {
  it('5xx is retried with backoff, then ends as "server_error"; what was stored is kept, the cursor stays', async () => {
    const before = { stored: stored(), cursor: source().read_until };
    fake.setLogListFault('server_error');
    clock.advance(60_000);
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'server_error' });
    expect(out.sources[0]!.error).toMatch(/HTTP 500.*gave up after 4 attempts/);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(source()).toMatchObject({ last_fetch_state: 'failed', last_error_kind: 'server_error', read_until: before.cursor });
    expect(stored()).toBe(before.stored);
  });

  it('a body that is not JSON is "bad_response"', async () => {
    fake.setLogListFault('non_json');
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'bad_response' });
    expect(out.sources[0]!.error).toMatch(/not JSON|not an entries.list answer/);
  });

  it('a nextPageToken that repeats is "pagination_loop", with the pages before it kept', async () => {
    for (let i = 0; i < 3; i++) {
      fake.injectEntry(kmsAuditEntry({ keyPath: KEY, method: 'Decrypt', principal: 'stranger@example.com', callerIp: '198.51.100.3', userAgent: 'gcloud', granted: true, at: clock.now() }));
      clock.advance(1000);
    }
    fake.setLogListFault('repeat_token');
    const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'pagination_loop', pages: 2, events: 4 });
  });

  it('a nextPageToken that never ends is "pagination_loop" after a few empty pages', async () => {
    fake.setLogListFault('endless_token');
    const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'pagination_loop' });
    expect(out.sources[0]!.error).toMatch(/no new record/);
  });

  it('the failed source is not "good" in the coverage', async () => {
    fake.setLogListFault('server_error');
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const run = await fx.call('evidence.crosscheck', period());
    expect(run.coverage[0]).toMatchObject({ health: 'degraded', last_fetch_state: 'failed', last_error_kind: 'server_error' });
  });
});

describe('unreadable Cloud Logging entries', () => {
  it('are kept with a stable id when they carry no insertId, and counted once', async () => {
    const entry = kmsAuditEntry({ keyPath: KEY, method: 'Decrypt', principal: 'stranger@example.com', callerIp: '198.51.100.3', userAgent: 'gcloud', granted: true, at: clock.now() });
    const broken = { ...entry, insertId: undefined, protoPayload: { ...entry.protoPayload, methodName: undefined } } as unknown as typeof entry;
    fake.injectEntry(broken);
    clock.advance(60_000);
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'done', unreadable: 1 });
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    const kept = store().unreadable(source().source_id);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.event_id).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(kept[0]!.problem).toMatch(/without insertId, timestamp or methodName/);
    expect(JSON.parse(kept[0]!.raw)).toMatchObject({ protoPayload: { authenticationInfo: { principalEmail: 'stranger@example.com' } } });
    expect(source().unreadable_records).toBe(1);
  });
});
