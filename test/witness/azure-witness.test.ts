/**
 * The Azure checkpoint witness through the real @azure/keyvault-secrets client against
 * the loopback Key Vault fake: a new secret version per checkpoint, its read-back over
 * paged version listings, adversarial versions, purge protection, and every fault mode
 * ending in a typed error with nothing lost.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReaderError } from '../../core/evidence/readers/types';
import { KmsError } from '../../core/providers/types';
import { azureSecretWitness } from '../../core/witness/azure/kind';
import { checkpointSecretName, checkpointTags } from '../../core/witness/azure/version';
import type { AzureWitnessWriteResult } from '../../core/witness/azure/writer';
import type { NoteWitnessRecord } from '../../core/witness/note-record';
import type { WitnessCheckpoint } from '../../core/witness/types';
import { setupAzureWitness, type AzureWitnessSetup } from './support/azure-witness';
import { checkpointOf, testLogKey } from './support/log-key';

const key = testLogKey();
const other = testLogKey();
const NAME = checkpointSecretName(key.origin);
let az: AzureWitnessSetup;
const range = () => ({ fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 });
const readCtx = { expectedOrigin: key.origin, verifierKey: key.verifierKey };

async function write(cp: WitnessCheckpoint, timeoutMs = 1500, env?: Record<string, string | undefined>): Promise<{ cid: string; result: AzureWitnessWriteResult }> {
  const cid = randomUUID();
  const writer = azureSecretWitness.createWriter(az.target(), az.deps(timeoutMs, env));
  try {
    return { cid, result: (await writer.write(cp, { correlationId: cid })) as AzureWitnessWriteResult };
  } finally {
    await writer.close?.();
  }
}

async function writeFails(cp: WitnessCheckpoint, timeoutMs = 1500, env?: Record<string, string | undefined>): Promise<KmsError> {
  const err = await write(cp, timeoutMs, env).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KmsError);
  return err as KmsError;
}

function readBack(): Promise<NoteWitnessRecord[]> {
  return azureSecretWitness.createReader(az.target(), az.deps()).readBack(range(), readCtx) as Promise<NoteWitnessRecord[]>;
}

const versions = () => az.fake.secrets.secrets.get(NAME) ?? [];

beforeAll(async () => {
  az = await setupAzureWitness();
});
afterAll(() => az.fake.close());
beforeEach(() => {
  az.fake.setFault({ kind: 'pass' });
  az.fake.secrets.secrets.clear();
  az.fake.secrets.recoveryLevel = 'Recoverable+Purgeable';
});

describe('writing a checkpoint as a Key Vault secret version', () => {
  it('sets a new version holding the signed note, with the version id and Azure’s creation time as witness id and time', async () => {
    const cp = checkpointOf(key, 5);
    const { cid, result } = await write(cp);
    const stored = versions();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ value: cp.note, tags: { 'keywarden-size': '5', 'keywarden-root': cp.rootHash.toString('base64'), 'keywarden-cid': cid } });
    expect(result).toMatchObject({
      keyId: `${az.fake.vaultUrl}/secrets/${NAME}/${stored[0]!.version}`,
      providerEventId: stored[0]!.version,
      providerTime: new Date(stored[0]!.created * 1000).toISOString(),
      providerRequestId: expect.any(String),
      principal: az.clientId,
    });
    const put = az.fake.requests().filter((r) => r.method === 'PUT').at(-1)!;
    expect(put.path).toMatch(new RegExp(`^/secrets/${NAME}\\?api-version=`));
    expect(put.headers['x-ms-client-request-id']).toBe(cid);
    expect(String(put.headers['user-agent'])).toContain(`keywarden-cid/${cid}`);
    expect(az.fake.auditEvents().filter((r) => r.OperationName === 'SecretSet').at(-1)).toMatchObject({ HttpStatusCode: 200, ClientInfo: expect.stringContaining(cid) });
  });

  it('warns, and still writes, when the vault has no purge protection; no warning with it', async () => {
    const without = await write(checkpointOf(key, 1));
    expect(without.result.warnings).toEqual([expect.stringContaining('no purge protection (recovery level "Recoverable+Purgeable")')]);
    az.fake.secrets.recoveryLevel = 'Recoverable';
    const withIt = await write(checkpointOf(key, 2));
    expect(withIt.result.warnings).toEqual([]);
    expect(versions()).toHaveLength(2);
  });

  it('describeTarget reports the vault’s purge protection from the named secret, else any secret, else says it cannot yet', async () => {
    const named = az.target({ target_ref: `${az.fake.vaultUrl}/secrets/${NAME}` });
    const bare = az.target();
    expect(await azureSecretWitness.describeTarget!(bare, az.deps())).toEqual([expect.stringContaining('the first write reports it')]);
    az.fake.secrets.add('some-other-secret', { value: 'x' });
    expect(await azureSecretWitness.describeTarget!(bare, az.deps())).toEqual([expect.stringContaining('no purge protection')]);
    await write(checkpointOf(key, 3));
    expect(await azureSecretWitness.describeTarget!(named, az.deps())).toEqual([expect.stringContaining('no purge protection')]);
    az.fake.secrets.recoveryLevel = 'Recoverable';
    expect(await azureSecretWitness.describeTarget!(named, az.deps())).toEqual([]);
    expect(await azureSecretWitness.describeTarget!(bare, az.deps())).toEqual([]);
  });
});

describe('reading the versions back', () => {
  it('follows nextLink over pages of versions and verifies each one', async () => {
    const cps = Array.from({ length: 28 }, (_, i) => checkpointOf(key, i + 1));
    for (const cp of cps) az.fake.secrets.add(NAME, { value: cp.note, tags: checkpointTags(cp, `cid-${cp.treeSize}`) });
    const records = await readBack();
    expect(records.map((r) => r.check)).toEqual(cps.map(() => 'witnessed'));
    expect(records.map((r) => r.tree_size).sort((a, b) => a! - b!)).toEqual(cps.map((c) => c.treeSize));
    const lists = az.fake.requests().filter((r) => r.path.includes('/versions'));
    expect(lists.some((r) => r.path.includes('skiptoken'))).toBe(true);
    // One value fetch per version.
    expect(az.fake.auditEvents().filter((r) => r.OperationName === 'SecretGet' && r.HttpStatusCode === 200).length).toBeGreaterThanOrEqual(28);
  });

  it('names every adversarial version without trusting it', async () => {
    const good = checkpointOf(key, 10);
    await write(good);
    const root = Buffer.alloc(32, 7);
    // Key Vault's creation times are whole seconds: the injected ones come a second after the genuine write.
    const created = Math.floor(Date.now() / 1000) + 1;
    const add = (value: string, tags?: Record<string, string>, enabled = true) => az.fake.secrets.add(NAME, { value, enabled, created, ...(tags ? { tags } : {}) }).version;
    const ids = {
      other: add(other.note(3, root)),
      forged: add(other.note(11, root, key.origin)),
      garbage: add('not a note at all'),
      size: add(`${key.origin}\n011\n${root.toString('base64')}\n\n— x AAAA\n`),
      root: add(`${key.origin}\n11\nAAAA\n\n— x AAAA\n`),
      tags: add(good.note, { 'keywarden-size': '99' }),
      disabled: add(checkpointOf(key, 12).note, undefined, false),
      dup: add(good.note),
    };
    const records = await readBack();
    const check = (id: string) => records.find((r) => r.provider_event_id === id)?.check;
    expect(records.filter((r) => r.state === 'ok').map((r) => r.tree_size)).toEqual([10]);
    expect({
      other: check(ids.other), forged: check(ids.forged), garbage: check(ids.garbage), size: check(ids.size), root: check(ids.root),
      tags: check(ids.tags), disabled: check(ids.disabled), dup: check(ids.dup),
    }).toEqual({
      other: 'other_origin', forged: 'bad_signature', garbage: 'malformed', size: 'bad_size', root: 'bad_root',
      tags: 'mismatch', disabled: 'unreadable', dup: 'duplicate',
    });
  });

  it('no secret yet: no records, no error', async () => {
    expect(await readBack()).toEqual([]);
  });
});

describe('fault modes: a typed error, nothing lost', () => {
  it('403: access_denied naming Key Vault Secrets Officer; no version written', async () => {
    az.fake.setFault({ kind: 'deny' });
    const err = await writeFails(checkpointOf(key, 20));
    expect(err).toMatchObject({ provider: 'azure', reason: 'access_denied', providerCode: 'ForbiddenByRbac' });
    expect(err.message).toContain('Key Vault Secrets Officer');
    expect(versions()).toHaveLength(0);
    await expect(readBack()).rejects.toMatchObject({ kind: 'access_denied' });
  });

  it('5xx: unreachable, not retried (a PUT may have landed); the next run writes the checkpoint', async () => {
    az.fake.setFault({ kind: 'server_error' });
    const cp = checkpointOf(key, 21);
    const err = await writeFails(cp);
    expect(err).toMatchObject({ reason: 'unreachable', providerCode: 'InternalServerError' });
    expect(az.fake.requests().filter((r) => r.method === 'PUT')).not.toHaveLength(0);
    await expect(readBack()).rejects.toMatchObject({ kind: 'server_error' });
    az.fake.setFault({ kind: 'pass' });
    await write(cp);
    expect((await readBack()).map((r) => [r.check, r.tree_size])).toEqual([['witnessed', 21]]);
  });

  it('throttled: retried within the time bound, then a throttled error', async () => {
    az.fake.setFault({ kind: 'throttle' });
    const before = az.fake.requests().filter((r) => r.method === 'PUT').length;
    const err = await writeFails(checkpointOf(key, 22), 600);
    expect(err.reason).toBe('throttled');
    expect(az.fake.requests().filter((r) => r.method === 'PUT').length - before).toBeLessThanOrEqual(3);
  });

  it('connection refused and slow: unreachable within the bound', async () => {
    az.fake.setFault({ kind: 'refuse' });
    const refused = await writeFails(checkpointOf(key, 23));
    expect(refused.reason).toBe('unreachable');
    const r = await readBack().then(() => null, (e: unknown) => e);
    expect(r).toBeInstanceOf(ReaderError);
    expect((r as ReaderError).kind).toBe('unreachable');

    az.fake.setFault({ kind: 'slow', delayMs: 1200 });
    const started = Date.now();
    const slow = await writeFails(checkpointOf(key, 24), 400);
    expect(Date.now() - started).toBeLessThan(1200);
    expect(slow).toMatchObject({ reason: 'unreachable', providerCode: 'TimeoutError' });
  });

  it('the client secret’s variable unset: access_denied naming it, before any request', async () => {
    const err = await writeFails(checkpointOf(key, 25), 1500, {});
    expect(err.reason).toBe('access_denied');
    expect(err.message).toContain('KEYWARDEN_AZURE_WITNESS_SECRET');
  });
});
