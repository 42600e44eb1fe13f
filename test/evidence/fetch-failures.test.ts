/**
 * Read failures are named and remembered: the real CloudTrail SDK against the AWS fake
 * (and a proxy in front of it) sees throttling, 5xx, a body that is not JSON, malformed
 * CloudTrailEvent strings, a NextToken that repeats or never ends, and too many pages.
 * Each ends in a clear source state (last_fetch_state, last_error_kind, last_error), the
 * records stored before are kept and the cursor does not move; a source whose last read
 * failed is never "good"; `evidence fetch` exits non-zero and says which source and why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { Pacer } from '../../core/evidence/readers/pacer';
import { pagedRequest } from '../../core/evidence/readers/retry';
import { ReaderError } from '../../core/evidence/readers/types';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { runCli } from '../../main/cli/run';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { tempDir } from '../support/engine-fixture';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture, stepUp } from './support/evidence-fixture';
import { startFlakyProxy, type FlakyProxy } from './support/flaky-proxy';
import { allowEndpoints } from '../support/allowed-endpoints';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let proxy: FlakyProxy;
let fx: EvidenceFixture;
const sleeps: number[] = [];

const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });
const source = () => fx.kw.evidence.store.sources()[0]!;
const stored = () => (fx.kw.evidence.store.db.prepare('SELECT count(*) FROM provider_events').pluck().get() as number);

/** `n` Decrypts by someone else: enough records for several LookupEvents pages of 50. */
function manyRecords(n: number): void {
  for (let i = 0; i < n; i++) {
    aws.cloudtrail.inject(key.arn);
    clock.advance(1000);
  }
}

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'fetch-failures' });
  proxy = await startFlakyProxy(aws.cloudtrail.endpoint);
  fx = await evidenceFixture({
    clock,
    env: fakeAwsEnv(),
    // Backoff waits recorded, not slept; pacing fast so paging tests stay short.
    readers: { ratePerSecond: { aws: 50 }, sleep: async (ms) => void sleeps.push(ms) },
  });
  await acmeOnFakeAws(fx, aws, key);
  clock.advance(60_000);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: proxy.endpoint });
  const first = await fx.call('evidence.fetch', { tenant: 'acme' });
  expect(first.sources[0]).toMatchObject({ state: 'done', error: null, error_kind: null });
});

afterAll(async () => {
  await fx?.close();
  await proxy?.close();
  await aws?.close();
});

beforeEach(() => {
  sleeps.length = 0;
  proxy.setIntercept(undefined);
  aws.cloudtrail.setFault({ kind: 'pass' });
  aws.cloudtrail.setReadFault({ kind: 'pass' });
});

describe('CloudTrail answers that fail a read', () => {
  it('5xx is retried with backoff like throttling, and the read then completes', async () => {
    const base = proxy.requests();
    proxy.setIntercept((n) => (n <= base + 2 ? { status: 503, body: JSON.stringify({ __type: 'ServiceUnavailableException' }) } : undefined));
    clock.advance(60_000);
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'done', error: null, error_kind: null });
    expect(sleeps).toEqual([1000, 2000]);
    expect(source()).toMatchObject({ last_fetch_state: 'done', last_error_kind: null, last_error: null });
  });

  it('throttling that does not stop ends as "throttled" after 4 attempts; what was stored is kept', async () => {
    const before = { stored: stored(), cursor: source().read_until };
    const base = proxy.requests();
    aws.cloudtrail.setFault({ kind: 'throttle' });
    clock.advance(60_000);
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'throttled' });
    expect(out.sources[0]!.error).toMatch(/throttled LookupEvents.*gave up after 4 attempts/);
    expect(proxy.requests() - base).toBe(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(source()).toMatchObject({ last_fetch_state: 'failed', last_error_kind: 'throttled', read_until: before.cursor });
    expect(source().last_error).toMatch(/throttled/);
    expect(stored()).toBe(before.stored);
  });

  it('a body that is not JSON is "bad_response"; a 502 page is a server error, retried, then "server_error"', async () => {
    aws.cloudtrail.setReadFault({ kind: 'non_json' });
    clock.advance(60_000);
    const html = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(html.sources[0]).toMatchObject({ state: 'failed', error_kind: 'bad_response' });
    expect(html.sources[0]!.error).toMatch(/not JSON/);
    expect(sleeps).toEqual([]);

    aws.cloudtrail.setReadFault({ kind: 'bad_gateway' });
    const gateway = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(gateway.sources[0]).toMatchObject({ state: 'failed', error_kind: 'server_error' });
    expect(gateway.sources[0]!.error).toMatch(/HTTP 502/);
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it('an answer whose Events is not a list is "bad_response", not an empty read', async () => {
    proxy.setIntercept(() => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Events: 'none' }) }));
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'bad_response' });
  });

  it('a NextToken that repeats stops the read as "pagination_loop"; the pages before are kept, the cursor stays', async () => {
    manyRecords(120);
    const cursor = source().read_until;
    aws.cloudtrail.setReadFault({ kind: 'repeat_token' });
    const base = proxy.requests();
    const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'pagination_loop', pages: 2 });
    expect(out.sources[0]!.error).toMatch(/page token it had already given/);
    expect(proxy.requests() - base).toBe(2);
    expect(out.sources[0]!.events).toBe(100);
    expect(source()).toMatchObject({ read_until: cursor, last_error_kind: 'pagination_loop' });
  });

  it('a NextToken that never ends stops after a few pages with nothing new, as "pagination_loop"', async () => {
    aws.cloudtrail.setReadFault({ kind: 'endless_token' });
    const base = proxy.requests();
    const out = await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'pagination_loop' });
    expect(out.sources[0]!.error).toMatch(/new page tokens with no new record/);
    // The real pages, then at most 5 empty ones: not 289 requests.
    expect(proxy.requests() - base).toBeLessThanOrEqual(out.sources[0]!.pages);
    expect(out.sources[0]!.pages).toBeLessThan(12);
  });

  it('a failed source is never "good" in the coverage, and says why', async () => {
    aws.cloudtrail.setFault({ kind: 'deny' });
    await fx.call('evidence.fetch', { tenant: 'acme' });
    const run = await fx.call('evidence.crosscheck', { ...period(), tenant: 'acme' });
    const c = run.coverage[0]!;
    expect(c.fraction).toBe(1);
    expect(c.health).toBe('degraded');
    expect(c).toMatchObject({ last_fetch_state: 'failed', last_error_kind: 'access_denied' });
    expect(c.diagnosis).toMatch(/last read failed \(access_denied: .*cloudtrail:LookupEvents/);
  });
});

describe('retries stay within the provider rate', () => {
  it('every attempt of a throttled or failing page waits for its pacer slot (2/s: one per 650 ms)', async () => {
    let now = 0;
    const waits: number[] = [];
    const backoffs: number[] = [];
    const pacer = new Pacer(2, async (ms) => void (waits.push(ms), (now += ms)), () => now);
    const starts: number[] = [];
    const answers = ['throttled', 'server_error', 'throttled'] as const;
    const out = await pagedRequest(
      pacer,
      async (ms) => void backoffs.push(ms),
      new AbortController().signal,
      async () => {
        starts.push(now);
        const kind = answers[starts.length - 1];
        if (kind) throw new ReaderError(kind, kind);
        return 'page';
      },
      (e) => e as ReaderError,
    );
    expect(out).toBe('page');
    expect(backoffs).toEqual([1000, 2000, 4000]);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(500);
  });
});

describe('more pages than one fetch may read', () => {
  it('stops as "page_limit" with what it read kept and the cursor where it was', async () => {
    const small = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { ratePerSecond: { aws: 50 }, maxPages: 2, sleep: async () => undefined } });
    try {
      await acmeOnFakeAws(small, aws, key);
      await small.call('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
      const out = await small.call('evidence.fetch', { tenant: 'acme' });
      expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'page_limit', pages: 2, events: 100, read_until: null });
      expect(out.sources[0]!.error).toMatch(/after 2 in one fetch/);
      expect(small.kw.evidence.store.sources()[0]).toMatchObject({ read_until: null, last_error_kind: 'page_limit' });
    } finally {
      await small.close();
    }
  });
});

describe('evidence fetch from the CLI', () => {
  async function kw(args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: 'correct horse battery staple', ...fakeAwsEnv() }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
    return { code, out, err };
  }

  it('exits non-zero when a source failed and names it and why; zero once it reads', async () => {
    const dir = tempDir();
    const d = ['--data-dir', dir];
    expect((await kw(['init', ...d])).code).toBe(0);
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).code).toBe(0);
    allowEndpoints(dir, aws.endpoint, aws.cloudtrail.endpoint);
    const cfg = path.join(dir, 'aws.json');
    fs.writeFileSync(cfg, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }));
    expect((await kw(['onboard', '--tenant', 'acme', '--file', cfg, ...d])).code).toBe(0);
    expect((await kw(['evidence', 'settings', '--tenant', 'acme', '--aws-cloudtrail-endpoint', aws.cloudtrail.endpoint, ...d])).code).toBe(0);

    aws.cloudtrail.setFault({ kind: 'deny' });
    const failed = await kw(['evidence', 'fetch', ...d]);
    expect(failed.code).toBe(2);
    expect(failed.out).toMatch(/acme\s+aws\s+…\S+\s+failed/);
    expect(failed.out).toMatch(/FAILED: 1 source\(s\) could not be read/);
    expect(failed.out).toMatch(/acme aws …\S+: access_denied: CloudTrail refused LookupEvents/);
    const asJson = await kw(['evidence', 'fetch', '--json', ...d]);
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.out).sources[0]).toMatchObject({ state: 'failed', error_kind: 'access_denied' });

    aws.cloudtrail.setFault({ kind: 'pass' });
    const ok = await kw(['evidence', 'fetch', ...d]);
    expect(ok.code).toBe(0);
    expect(ok.out).not.toMatch(/FAILED/);
  });
});
