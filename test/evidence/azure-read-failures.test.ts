/**
 * The Azure Monitor reader's failures and other keys, through LogsQueryClient (https)
 * against the Azure fake: a query answering 5xx is retried with backoff then ends as
 * "server_error", a body that is not JSON as "bad_response"; rows for another key of the
 * same vault (whose name starts like this key's, so the query's `contains` returns them)
 * are counted as other keys once and shown in the coverage; a row that cannot be read is
 * kept with its raw text.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { createAzureProviderFactory } from '../../core/providers/azure';
import { SECRET_VAR, setupAzure, type AzureSetup } from '../fakes/azure/harness';
import { evidenceFixture, type EvidenceFixture, stepUp } from './support/evidence-fixture';

// The fake stamps rows with the wall clock: the engine's manual clock starts there.
const clock = new ManualClock(Date.now());
const T0 = clock.now();
let az: AzureSetup;
let fx: EvidenceFixture;
const sleeps: number[] = [];

const tick = (ms = 1000) => clock.set(Math.max(clock.now(), Date.now()) + ms);
const store = () => fx.kw.evidence.store;
const source = () => store().sources()[0]!;
const period = () => ({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString(), tenant: 'acme' });

beforeAll(async () => {
  az = await setupAzure();
  fx = await evidenceFixture({
    clock,
    env: { [SECRET_VAR]: az.secret },
    factories: [createAzureProviderFactory({ extraCaPem: az.fake.caPem })],
    readers: { extraCaPem: az.fake.caPem, ratePerSecond: { azure: 50 }, sleep: async (ms) => void sleeps.push(ms) },
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  await fx.call('kms.onboard', {
    tenant: 'acme',
    provider: 'azure',
    kms_key_ref: az.fake.keyUrl(az.keyName),
    config: { vault_url: az.fake.vaultUrl, azure_tenant_id: az.fake.tenantId, client_id: az.clientId, client_secret_env_var: SECRET_VAR, endpoint: az.fake.vaultUrl, authority_host: az.fake.authorityHost },
  });
  tick();
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: az.fake.workspaceId, azure_logs_endpoint: az.fake.logsEndpoint });
  expect((await fx.call('evidence.fetch', { tenant: 'acme' })).sources[0]).toMatchObject({ state: 'done', error_kind: null });
});

afterAll(async () => {
  await fx?.close();
  await az?.fake.close();
});

beforeEach(() => {
  sleeps.length = 0;
  az.fake.setLogsFault('pass');
});

describe('Azure Monitor answers that fail a read', () => {
  it('5xx is retried with backoff, then ends as "server_error", the cursor where it was', async () => {
    const cursor = source().read_until;
    az.fake.setLogsFault('server_error');
    tick();
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'server_error' });
    expect(out.sources[0]!.error).toMatch(/HTTP 500.*gave up after 4 attempts/);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(source()).toMatchObject({ last_fetch_state: 'failed', last_error_kind: 'server_error', read_until: cursor });
  });

  it('a body that is not JSON is "bad_response"', async () => {
    az.fake.setLogsFault('non_json');
    tick();
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'failed', error_kind: 'bad_response' });
    expect(out.sources[0]!.error).toMatch(/not a query answer/);
  });
});

describe('rows for other keys and rows that cannot be read', () => {
  it('counts another key’s rows once as other keys, keeps an unreadable row, and the coverage shows both', async () => {
    const otherKey = `${az.fake.keyUrl(az.keyName)}-old`;
    // Past the cursor (the engine's clock runs ahead of the fake's wall-clock stamps).
    const TimeGenerated = new Date(Math.max(clock.now(), Date.now()) + 500).toISOString();
    az.fake.injectEvent({ TimeGenerated, OperationName: 'KeyUnwrap', RequestUri: `${otherKey}/0123456789abcdef0123456789abcdef/unwrapkey?api-version=2025-07-01`, Identity: JSON.stringify({ claim: { appid: 'other-app' } }) });
    const broken = az.fake.injectEvent({ TimeGenerated, OperationName: '', RequestUri: `${az.fake.keyUrl(az.keyName)}/0123456789abcdef0123456789abcdef/unwrapkey?api-version=2025-07-01` });
    tick();
    const out = await fx.call('evidence.fetch', { tenant: 'acme' });
    expect(out.sources[0]).toMatchObject({ state: 'done', other_keys: 1, unreadable: 1 });
    tick();
    await fx.call('evidence.fetch', { tenant: 'acme', from: period().from });
    expect(source()).toMatchObject({ other_key_records: 1, unreadable_records: 1 });
    const kept = store().unreadable(source().source_id);
    expect(kept).toMatchObject([{ event_id: broken.CorrelationId }]);
    expect(JSON.parse(kept[0]!.raw)).toMatchObject({ CorrelationId: broken.CorrelationId, OperationName: '' });
    const run = await fx.call('evidence.crosscheck', period());
    expect(run.coverage[0]).toMatchObject({ other_key_records: 1, unreadable: 1 });
    expect(run.coverage[0]!.health).not.toBe('good');
  });
});
