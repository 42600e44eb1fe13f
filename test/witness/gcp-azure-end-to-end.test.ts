/**
 * The GCP and Azure witnesses end to end, through the engine's API as every host drives
 * it: witness.add, audit.witness (one kms_calls row per write, with its correlation id),
 * audit.verifyWitnesses reading the Cloud Logging entries and the Key Vault secret
 * versions back through the real SDKs against the loopback fakes. Then the attack the
 * witnesses exist for: one old entry rewritten and everything re-signed with the same key
 * passes audit verify, and the witnesses name the first checkpoint that no longer matches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodResult } from '../../core/api/contract';
import { dispatch } from '../../core/api/dispatch';
import { createHandlers } from '../../core/api/handlers';
import { ManualClock } from '../../core/clock';
import { KeywardenError } from '../../core/errors';
import { openKeywarden, type Keywarden } from '../../core/keywarden';
import { accessTokenCredentials } from '../../core/providers/gcp';
import { checkpointSecretName } from '../../core/witness/azure/version';
import { WITNESS_STEP_UP_SCOPE } from '../../core/witness/service';
import { startAzureFake, type AzureFake } from '../fakes/azure';
import { DEFAULT_GCP_TOKEN, startGcpFake, type GcpFake } from '../fakes/gcp';
import { allowEndpoints } from '../support/allowed-endpoints';
import { CALLER, PASSPHRASE } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { rewriteHistory } from './support/rewrite-history';

const SECRET_VAR = 'KEYWARDEN_AZURE_WITNESS_E2E';
const GCP_LOG = 'projects/customer-project/logs/keywarden-checkpoints';

interface World {
  dataDir: string;
  clock: ManualClock;
  gcp: GcpFake;
  azure: AzureFake;
  clientId: string;
  secret: string;
  kw: Keywarden;
}

let w: World;

function openEngine(x: Omit<World, 'kw'>): Keywarden {
  return openKeywarden({
    dataDir: x.dataDir,
    clock: x.clock,
    env: { [SECRET_VAR]: x.secret },
    passphrasePolicy: FAST_PASSPHRASE_POLICY,
    providerTimeoutMs: 2000,
    worker: null,
    evidenceReaders: {
      timeoutMs: 2000,
      sleep: async () => {},
      gcpSourceCredentials: accessTokenCredentials(DEFAULT_GCP_TOKEN),
      gcpIamCredentialsEndpoint: x.gcp.url,
      extraCaPem: x.azure.caPem,
      ratePerSecond: { gcp: 1000 },
    },
  });
}

async function call<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodResult<K>> {
  const out = await dispatch(createHandlers(w.kw), method, input, CALLER);
  if (!out.ok) throw new KeywardenError(out.error.code, out.error.message, out.error.details);
  return out.value as never;
}

async function stepUp(purpose: 'witness' | 'onboard', scope = WITNESS_STEP_UP_SCOPE): Promise<string> {
  return (await call('auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant: scope })).token;
}

async function work(names: string[]): Promise<void> {
  for (const name of names) await call('record.put', { tenant: 'acme', table: 'integration_configs', name, value: `value of ${name}` });
}

beforeEach(async () => {
  const clock = new ManualClock(Date.now());
  const gcp = await startGcpFake({ clock });
  const azure = await startAzureFake();
  const clientId = randomUUID();
  const secret = `${randomBytes(6).toString('hex')}8Q~${randomBytes(18).toString('base64url')}`;
  azure.registerApp({ clientId, clientSecret: secret });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-witness-ga-'));
  const base = { dataDir, clock, gcp, azure, clientId, secret };
  w = { ...base, kw: openEngine(base) };
  await call('auth.init', { passphrase: PASSPHRASE });
  await call('tenant.create', { slug: 'acme', wrap: 'local' });
  allowEndpoints(dataDir, gcp.url, azure.vaultUrl, azure.authorityHost);
});

afterEach(async () => {
  await w.kw.close().catch(() => {});
  await Promise.all([w.gcp.close(), w.azure.close()]);
  fs.rmSync(w.dataDir, { recursive: true, force: true });
});

async function addWitnesses(): Promise<{ gcpId: string; azureId: string }> {
  const g = await call('witness.add', { kind: 'gcp_logging', target_ref: 'projects/customer-project', config: {}, read_endpoint: w.gcp.url, step_up_token: await stepUp('witness') });
  const a = await call('witness.add', {
    kind: 'azure_secret',
    target_ref: w.azure.vaultUrl,
    config: { vault_url: w.azure.vaultUrl, endpoint: w.azure.vaultUrl, azure_tenant_id: w.azure.tenantId, client_id: w.clientId, client_secret_env_var: SECRET_VAR, authority_host: w.azure.authorityHost },
    step_up_token: await stepUp('witness'),
  });
  expect(g).toMatchObject({ kind: 'gcp_logging', target_ref: GCP_LOG, permission: expect.stringContaining('roles/logging.logWriter') });
  expect(a).toMatchObject({ kind: 'azure_secret', permission: expect.stringContaining('Key Vault Secrets Officer') });
  // An empty vault shows no recovery level yet: said so on add (the first write reports it).
  expect(a.warnings).toEqual([expect.stringContaining('purge protection could not be seen yet')]);
  expect(g.warnings).toEqual([]);
  return { gcpId: g.id, azureId: a.id };
}

describe('GCP and Azure witnesses through the engine', () => {
  it('each write is a kms_calls row with its correlation id; the records read back are consistent with the log', async () => {
    const { gcpId, azureId } = await addWitnesses();
    await work(['a', 'b']);
    const run = await call('audit.witness', {});
    const gcpRun = run.runs.find((r) => r.witness_id === gcpId);
    const azureRun = run.runs.find((r) => r.witness_id === azureId);
    expect([gcpRun?.state, azureRun?.state]).toEqual(['ok', 'ok']);
    const size = run.checkpoint!.tree_size;

    const calls = w.kw.ctx.store.listKmsCalls({ limit: 100 }).filter((c) => c.operation === 'witness');
    const byProvider = Object.fromEntries(calls.map((c) => [c.provider, c]));
    expect(calls).toHaveLength(2);
    expect(byProvider.gcp).toMatchObject({ outcome: 'ok', correlation_id: gcpRun!.correlation_id, key_ref: GCP_LOG });
    expect(byProvider.azure).toMatchObject({ outcome: 'ok', correlation_id: azureRun!.correlation_id });
    // The correlation id travels where each provider records it.
    expect(w.gcp.requests().filter((r) => r.path === '/v2/entries:write').at(-1)!.userAgent).toContain(`keywarden-cid/${gcpRun!.correlation_id}`);
    const setSecret = w.azure.auditEvents().filter((r) => r.OperationName === 'SecretSet').at(-1)!;
    expect(setSecret.ClientInfo).toContain(`keywarden-cid/${azureRun!.correlation_id}`);
    expect(byProvider.azure!.provider_request_id).toBe(setSecret.CorrelationId);
    // The write tells the provider's ids: the entry's insertId; the version id and Azure's creation time.
    const version = w.azure.secrets.secrets.get(checkpointSecretName(run.checkpoint!.origin))![0]!;
    expect(gcpRun!.provider_event_id).toBe(`keywarden-${gcpRun!.correlation_id}`);
    expect(azureRun).toMatchObject({ provider_event_id: version.version, provider_time: new Date(version.created * 1000).toISOString() });

    const v = await call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(true);
    expect(v.read_errors).toEqual([]);
    expect(v.witnessed.map((x) => [x.kind, x.tree_size, x.verdict, x.provider_event_id])).toEqual(
      expect.arrayContaining([
        ['gcp_logging', size, 'consistent', gcpRun!.provider_event_id],
        ['azure_secret', size, 'consistent', version.version],
      ]),
    );
    expect(v.witnessed).toHaveLength(2);
    expect(v.untrusted).toEqual([]);
  });

  it('a history rewritten and re-signed with the same key: audit verify passes, the GCP and Azure witnesses name the first checkpoint that no longer matches', async () => {
    await addWitnesses();
    await work(['a', 'b', 'c']);
    const first = await call('audit.witness', {});
    w.clock.advance(60_000);
    await work(['d']);
    const second = await call('audit.witness', {});
    expect(second.runs.every((r) => r.state === 'ok')).toBe(true);

    const victim = w.kw.ctx.store.auditRange(1, 1)[0]!; // the log's first entry, long before the first witness
    expect(victim.seq).toBeLessThanOrEqual(first.checkpoint!.tree_size);
    await w.kw.close();
    await rewriteHistory(w.dataDir, PASSPHRASE, victim.seq, (p) => ({ ...p, note: 'rewritten' }));
    w.kw = openEngine(w);

    expect((await call('audit.verify', {})).ok).toBe(true);
    const v = await call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(false);
    expect(v.witnessed.map((x) => [x.kind, x.tree_size, x.verdict]).sort()).toEqual([
      ['azure_secret', first.checkpoint!.tree_size, 'inconsistent'],
      ['azure_secret', second.checkpoint!.tree_size, 'inconsistent'],
      ['gcp_logging', first.checkpoint!.tree_size, 'inconsistent'],
      ['gcp_logging', second.checkpoint!.tree_size, 'inconsistent'],
    ].sort());
    expect(v.first_inconsistent).toMatchObject({ tree_size: first.checkpoint!.tree_size, root_hash: first.checkpoint!.root_hash });
    expect(first.runs.map((r) => r.provider_event_id)).toContain(v.first_inconsistent!.provider_event_id);
    expect(v.first_inconsistent!.reason).toMatch(/history was rewritten/);
  });

  it('a denied provider leaves a failed run and a kms_calls row with the reason; the log and the other witness carry on', async () => {
    const { gcpId, azureId } = await addWitnesses();
    w.azure.setFault({ kind: 'deny' });
    await work(['a']);
    const run = await call('audit.witness', {});
    const byId = Object.fromEntries(run.runs.map((r) => [r.witness_id, r]));
    expect([byId[gcpId]?.state, byId[azureId]?.state, byId[azureId]?.failure_reason]).toEqual(['ok', 'failed', 'access_denied']);
    expect(byId[azureId]!.failure_message).toContain('Key Vault Secrets Officer');
    const calls = w.kw.ctx.store.listKmsCalls({ limit: 100 }).filter((c) => c.operation === 'witness');
    expect(calls.map((c) => [c.provider, c.outcome]).sort()).toEqual([['azure', 'access_denied'], ['gcp', 'ok']]);
    await work(['b']);
    w.azure.setFault({ kind: 'pass' });
    const again = await call('audit.witness', {});
    expect(again.runs.map((r) => r.state)).toEqual(['ok', 'ok']);
    expect((await call('audit.verifyWitnesses', {})).witnessed.every((x) => x.verdict === 'consistent')).toBe(true);
  });
});
