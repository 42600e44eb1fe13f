/**
 * Key Vault diagnostic-settings archives: the engine's wraps and unwraps leave AuditEvent
 * rows in the Azure fake; the same events are written to a fake blob container as a
 * diagnostic setting writes them (`resourceId=/…/VAULTS/<NAME>/y=/m=/d=/h=/m=00/PT1H.json`,
 * one record per line) and imported with `@azure/storage-blob` (https, the tenant's own
 * app registration) through evidence.import. The same request read from the archive and
 * from Log Analytics is one provider event. Then 503 ServerBusy, a container the app
 * cannot read, a blob that is not JSON and a cut line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { createAzureProviderFactory } from '../../core/providers/azure';
import { diagnosticBlobName, diagnosticRecord, startBlobFake, type BlobFake } from '../fakes/azure/blob-storage';
import { SECRET_VAR, setupAzure, type AzureSetup } from '../fakes/azure/harness';
import { allowEndpoints } from '../support/allowed-endpoints';
import { evidenceFixture, stepUp, type EvidenceFixture } from './support/evidence-fixture';

const ACCOUNT = 'acmeauditlogs';
const CONTAINER = 'insights-logs-auditevent';
// The fake stamps rows with the wall clock: the engine's manual clock starts there.
const clock = new ManualClock(Date.now());
const T0 = clock.now();
const tick = (ms = 1000) => clock.set(Math.max(clock.now(), Date.now()) + ms);
const sleeps: number[] = [];
let az: AzureSetup;
let blob: BlobFake;
let fx: EvidenceFixture;
let dir: string;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const input = (source: string) => ({ tenant: 'acme', source, from: day(T0 - 3_600_000), to: day(T0), validate: false });
const events = () => fx.kw.evidence.store.db.prepare("SELECT event_id, origin FROM provider_events WHERE provider = 'azure' ORDER BY event_id").all() as { event_id: string; origin: string }[];

/** Writes records to the container (and a local copy) as a diagnostic setting does. */
function writeBlobs(records: Record<string, unknown>[]): string[] {
  const files = new Map<string, string>();
  for (const r of records) {
    const name = diagnosticBlobName(String(r.resourceId), String(r.time));
    files.set(name, `${files.get(name) ?? ''}${JSON.stringify(r)}\n`);
  }
  for (const [name, text] of files) {
    blob.put(ACCOUNT, CONTAINER, name, text);
    const file = path.join(dir, CONTAINER, ...name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return [...files.keys()];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-azblob-'));
  az = await setupAzure();
  blob = await startBlobFake({ trust: az.fake });
  fx = await evidenceFixture({
    clock,
    env: { [SECRET_VAR]: az.secret },
    factories: [createAzureProviderFactory({ extraCaPem: az.fake.caPem })],
    readers: { extraCaPem: az.fake.caPem, ratePerSecond: { azure: 50 } },
    archive: { timeoutMs: 3000, cloudLogs: { extraCaPem: blob.caPem, pageSize: 1, sleep: async (ms) => void sleeps.push(ms) } },
  });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  allowEndpoints(fx.dataDir, az.fake.vaultUrl, az.fake.authorityHost, az.fake.logsEndpoint, blob.url);
  await fx.call('kms.onboard', {
    step_up_token: await stepUp(fx, 'onboard', 'acme'),
    tenant: 'acme',
    provider: 'azure',
    kms_key_ref: az.fake.keyUrl(az.keyName),
    config: { vault_url: az.fake.vaultUrl, azure_tenant_id: az.fake.tenantId, client_id: az.clientId, client_secret_env_var: SECRET_VAR, endpoint: az.fake.vaultUrl, authority_host: az.fake.authorityHost },
  });
  tick();
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
  tick();
  await fx.call('evidence.settings', {
    step_up_token: await stepUp(fx, 'evidence_settings', 'acme'),
    tenant: 'acme',
    azure_workspace_id: az.fake.workspaceId,
    azure_logs_endpoint: az.fake.logsEndpoint,
    azure_blob_endpoint: blob.url,
  });
  // Another vault's key in the same container: counted, not kept.
  const foreign = az.fake.injectEvent({ RequestUri: 'https://other-kv.vault.azure.net:443/keys/theirs/abc/unwrapkey?api-version=2025-07-01', _ResourceId: '/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.KeyVault/vaults/other-kv' });
  writeBlobs([...az.fake.auditEvents().filter((r) => r !== foreign && r.CorrelationId !== foreign.CorrelationId), foreign].map(diagnosticRecord));
  tick();
});

afterAll(async () => {
  await fx?.close();
  await blob?.close();
  await az?.fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Azure diagnostic-settings archive import', () => {
  it('imports the AuditEvents of the tenant key through the blob API, paged by NextMarker; another vault is only counted', async () => {
    const mine = az.fake.auditEvents().filter((r) => r.RequestUri.includes(`/keys/${az.keyName}`));
    const r = await fx.call('evidence.import', input(`azblob://${ACCOUNT}/${CONTAINER}`));
    expect(r).toMatchObject({ state: 'done', provider: 'azure', location: `azblob://${ACCOUNT}/${CONTAINER}/`, files_failed: 0, error: null });
    expect(r.events).toBe(mine.length);
    expect(r.events_new).toBe(mine.length);
    expect(r.other_keys).toBe(1);
    expect(events().map((e) => e.event_id)).toEqual(mine.map((m) => m.CorrelationId).sort());
    const lists = blob.requests().filter((q) => q.query.comp === 'list');
    expect(lists.some((q) => q.query.marker)).toBe(true);
    expect(lists.some((q) => q.query.delimiter === '/')).toBe(true);
    expect(blob.requests().every((q) => q.appId === az.clientId)).toBe(true);
  });

  it('Log Analytics gives the same requests: the same rows, no duplicates', async () => {
    const before = events().length;
    const fetched = await fx.call('evidence.fetch', { tenant: 'acme', from: new Date(T0 - 3_600_000).toISOString() });
    expect(fetched.sources[0]).toMatchObject({ provider: 'azure', state: 'done' });
    expect(events().length).toBe(before);
    const run = await fx.call('evidence.crosscheck', { tenant: 'acme', from: new Date(T0 - 3_600_000).toISOString(), to: new Date(clock.now() + 1000).toISOString() });
    expect(run.counts.matched).toBeGreaterThan(0);
    expect(run.counts.provider_only).toBe(0);
  });

  it('a local copy of the container (or of its parent folder) gives the same events, and a second import skips every file', async () => {
    const before = events();
    const r = await fx.call('evidence.import', input(dir));
    expect(r).toMatchObject({ state: 'done', provider: 'azure', events_new: 0, files_failed: 0 });
    expect(r.files_done).toBeGreaterThan(0);
    expect(events()).toEqual(before);
    // The container's own folder is the same archive as its parent's: every file is already in.
    const again = await fx.call('evidence.import', input(path.join(dir, CONTAINER)));
    expect(again).toMatchObject({ state: 'done', files_done: 0, files_skipped: r.files_done, events_new: 0 });
  });

  it('503 ServerBusy is retried; a blob that is not JSON is rejected by name; a cut line is kept as unreadable', async () => {
    const rid = '/SUBSCRIPTIONS/S3/RESOURCEGROUPS/RG3/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/THIRD-KV';
    const at = new Date(T0 - 3_600_000).toISOString();
    const bad = diagnosticBlobName(rid, at);
    blob.put(ACCOUNT, CONTAINER, bad, 'PK\u0003\u0004 not json at all\n');
    const row = diagnosticRecord(az.fake.auditEvents()[0]!);
    const good = diagnosticBlobName(rid, new Date(T0 - 7_200_000).toISOString());
    const line = JSON.stringify({ ...row, correlationId: 'cut-one' });
    blob.put(ACCOUNT, CONTAINER, good, `${JSON.stringify({ ...row, correlationId: 'whole-one' })}\n${line.slice(0, 80)}`);
    blob.busyNext(2);
    sleeps.length = 0;
    const r = await fx.call('evidence.import', input(`azblob://${ACCOUNT}/${CONTAINER}`));
    expect(r.state).toBe('done');
    expect(sleeps).toEqual([1000, 2000]);
    expect(r.failures).toEqual([expect.objectContaining({ key: bad, kind: 'not_json' })]);
    expect(r.unreadable).toBe(1);
    expect(events().map((e) => e.event_id)).toContain('whole-one');
  });

  it('a download that breaks off is rejected as read_failed and read again, whole, on the next run', async () => {
    const rid = '/SUBSCRIPTIONS/S3/RESOURCEGROUPS/RG3/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/THIRD-KV';
    const name = diagnosticBlobName(rid, new Date(T0 - 3 * 3_600_000).toISOString());
    const row = diagnosticRecord(az.fake.auditEvents()[0]!);
    blob.put(ACCOUNT, CONTAINER, name, `${JSON.stringify({ ...row, correlationId: 'after-the-cut' })}\n`.repeat(3));
    blob.cutDownload(ACCOUNT, CONTAINER, name);
    const r = await fx.call('evidence.import', input(`azblob://${ACCOUNT}/${CONTAINER}`));
    expect(r.failures.find((f) => f.key === name)).toMatchObject({ kind: 'read_failed', message: expect.stringMatching(/connection dropped|cut short|download stopped/) });
    expect(events().map((e) => e.event_id)).not.toContain('after-the-cut');
    blob.cutDownload(ACCOUNT, CONTAINER, name, false);
    const again = await fx.call('evidence.import', input(`azblob://${ACCOUNT}/${CONTAINER}`));
    expect(again.failures.find((f) => f.key === name)).toBeUndefined();
    expect(events().map((e) => e.event_id)).toContain('after-the-cut');
  });

  it('bytes changed in transit do not match the listed Content-MD5: the blob is rejected, nothing of it stored', async () => {
    const rid = '/SUBSCRIPTIONS/S3/RESOURCEGROUPS/RG3/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/THIRD-KV';
    const name = diagnosticBlobName(rid, new Date(T0 - 4 * 3_600_000).toISOString());
    const row = diagnosticRecord(az.fake.auditEvents()[0]!);
    blob.put(ACCOUNT, CONTAINER, name, `${JSON.stringify({ ...row, correlationId: 'altered-in-transit' })}\n`);
    blob.corruptDownload(ACCOUNT, CONTAINER, name);
    const r = await fx.call('evidence.import', input(`azblob://${ACCOUNT}/${CONTAINER}`));
    expect(r.failures.find((f) => f.key === name)).toMatchObject({ kind: 'read_failed', message: expect.stringMatching(/Content-MD5/) });
    expect(events().map((e) => e.event_id)).not.toContain('altered-in-transit');
    blob.remove(ACCOUNT, CONTAINER, name);
  });

  it('a container the app may not read fails as access_denied, naming the role to grant', async () => {
    blob.denyContainer(ACCOUNT, CONTAINER, az.clientId);
    const r = await fx.call('evidence.import', input(`azblob://${ACCOUNT}/${CONTAINER}`));
    expect(r).toMatchObject({ state: 'failed', error: { kind: 'access_denied' } });
    expect(r.error!.message).toMatch(/AuthorizationPermissionMismatch.*Storage Blob Data Reader/);
  });

  it('the blob endpoint setting takes the account hosts of the Azure clouds, or an allow-listed origin, nothing else', async () => {
    const setBlob = async (url: string) => fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_blob_endpoint: url });
    expect((await setBlob('https://acmeauditlogs.blob.core.windows.net')).azure_blob_endpoint).toBe('https://acmeauditlogs.blob.core.windows.net');
    const refused = await fx.fail('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', azure_blob_endpoint: 'https://blob.attacker.example' });
    expect(refused.code).toBe('endpoint_not_allowed');
    expect((await setBlob(blob.url)).azure_blob_endpoint).toBe(blob.url);
  });

  it('refuses an azblob:// location that is not a storage account', async () => {
    const e = await fx.fail('evidence.import', input('azblob://Not_An_Account/c'));
    expect(e.message).toMatch(/not a storage account name/);
  });
});
