/**
 * The GCP checkpoint witness through the real @google-cloud/logging client against the
 * loopback Cloud Logging fake: the entry on the wire, its read-back, adversarial entries
 * in the same log, and every fault mode ending in a typed error with nothing lost.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { ReaderError } from '../../core/evidence/readers/types';
import { KmsError } from '../../core/providers/types';
import { gcpLoggingWitness } from '../../core/witness/gcp/kind';
import type { NoteWitnessRecord } from '../../core/witness/note-record';
import { DEFAULT_GCP_PRINCIPAL, startGcpFake, type GcpFake, type WrittenEntry } from '../fakes/gcp';
import { gcpWitnessDeps, gcpWitnessTarget, GCP_LOG } from './support/gcp-witness';
import { checkpointOf, testLogKey } from './support/log-key';

const key = testLogKey();
const other = testLogKey();
let fake: GcpFake;
const range = () => ({ fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 });
const readCtx = { expectedOrigin: key.origin, verifierKey: key.verifierKey };

async function write(n: number, timeoutMs = 1500) {
  const cp = checkpointOf(key, n);
  const cid = randomUUID();
  const writer = gcpLoggingWitness.createWriter(gcpWitnessTarget(fake), gcpWitnessDeps(fake, timeoutMs));
  try {
    return { cp, cid, result: await writer.write(cp, { correlationId: cid }) };
  } finally {
    await writer.close?.();
  }
}

async function writeFails(n: number, timeoutMs = 1500): Promise<KmsError> {
  const err = await write(n, timeoutMs).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KmsError);
  return err as KmsError;
}

function readBack(): Promise<NoteWitnessRecord[]> {
  return gcpLoggingWitness.createReader(gcpWitnessTarget(fake), gcpWitnessDeps(fake)).readBack(range(), readCtx) as Promise<NoteWitnessRecord[]>;
}

function injected(payload: unknown, insertId: string, over: Partial<WrittenEntry> = {}): WrittenEntry {
  const now = new Date().toISOString();
  return { logName: GCP_LOG, resource: { type: 'global', labels: {} }, timestamp: now, receiveTimestamp: now, insertId, jsonPayload: payload as Record<string, unknown>, ...over };
}

beforeAll(async () => {
  // (no metadata-server switch: the witness names its project and resource, so nothing probes)
  fake = await startGcpFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setLoggingFault({ kind: 'pass' });
  fake.setLogWriter(DEFAULT_GCP_PRINCIPAL, true);
  fake.dropWrittenEntry(() => true);
});

describe('writing a checkpoint to Cloud Logging', () => {
  it('sends one entry with the checkpoint as jsonPayload, the correlation id in the user agent, label and insertId, and reads it back as witnessed', async () => {
    const { cp, cid, result } = await write(7);
    expect(result).toEqual({ keyId: GCP_LOG, providerEventId: `keywarden-${cid}` }); // the provider time is Logging's receiveTimestamp, read back
    const stored = fake.writtenEntries().filter((e) => e.jsonPayload?.origin !== undefined);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      logName: GCP_LOG,
      insertId: `keywarden-${cid}`,
      resource: { type: 'global', labels: { project_id: 'customer-project' } },
      labels: { 'keywarden-cid': cid },
      jsonPayload: { origin: key.origin, size: '7', root: cp.rootHash.toString('base64'), note: cp.note },
    });
    const wire = fake.requests().filter((r) => r.path === '/v2/entries:write');
    expect(wire.at(-1)?.userAgent).toContain(`keywarden-cid/${cid}`);

    const records = await readBack();
    const ok = records.filter((r) => r.state === 'ok');
    expect(ok).toEqual([expect.objectContaining({
      kind: 'gcp_logging', witness_id: 'wit-gcp', check: 'witnessed', origin: key.origin, tree_size: 7,
      root_hash: cp.rootHash.toString('base64'), provider_event_id: `keywarden-${cid}`, correlation_id: cid,
      provider_time: new Date(Date.parse(stored[0]!.receiveTimestamp.replace(/(\.\d{3})\d+/, '$1'))).toISOString(),
    })]);
    // The logging library's own once-per-process instrumentation entry is no record.
    expect(records.every((r) => r.check !== 'malformed' || !r.raw.includes('logging.googleapis.com/diagnostic'))).toBe(true);
  });

  it('reads back only the witness log, and names every adversarial entry in it without trusting it', async () => {
    const good = await write(10);
    const forged = other.note(11, Buffer.alloc(32, 1), key.origin);
    fake.injectWrittenEntry(injected({ ...good.result, junk: true }, 'a-malformed'));
    fake.injectWrittenEntry(injected({ origin: other.origin, size: '3', root: Buffer.alloc(32).toString('base64'), note: other.note(3, Buffer.alloc(32)) }, 'b-other'));
    fake.injectWrittenEntry(injected({ origin: key.origin, size: 'eleven', root: Buffer.alloc(32, 1).toString('base64'), note: forged }, 'c-size'));
    fake.injectWrittenEntry(injected({ origin: key.origin, size: '11', root: 'AAAA', note: forged }, 'd-root'));
    fake.injectWrittenEntry(injected({ origin: key.origin, size: '11', root: Buffer.alloc(32, 1).toString('base64'), note: forged }, 'e-forged'));
    fake.injectWrittenEntry(injected({ origin: key.origin, size: '12', root: good.cp.rootHash.toString('base64'), note: good.cp.note }, 'f-mismatch'));
    fake.injectWrittenEntry(injected({ origin: key.origin, size: '10', root: good.cp.rootHash.toString('base64'), note: good.cp.note }, 'g-dup'));
    fake.injectWrittenEntry(injected(undefined, 'h-text', { textPayload: good.cp.note }));
    fake.injectWrittenEntry(injected({ origin: key.origin }, 'i-elsewhere', { logName: 'projects/customer-project/logs/other-log' }));

    const records = await readBack();
    const byId = Object.fromEntries(records.map((r) => [r.provider_event_id, r.check]));
    expect(byId).toEqual({
      [`keywarden-${good.cid}`]: 'witnessed',
      'a-malformed': 'malformed',
      'b-other': 'other_origin',
      'c-size': 'bad_size',
      'd-root': 'bad_root',
      'e-forged': 'bad_signature',
      'f-mismatch': 'mismatch',
      'g-dup': 'duplicate',
      'h-text': 'malformed',
    });
    expect(records.filter((r) => r.state === 'ok')).toHaveLength(1);
    expect(records.find((r) => r.provider_event_id === 'b-other')?.state).toBe('foreign_origin');
  });
});

describe('the same call written twice is one entry', () => {
  it('a retry of a call (same correlation id, same timestamp) is stored once: Cloud Logging keeps one entry per insertId and timestamp', async () => {
    const clock = new ManualClock(Date.parse('2026-12-04T08:00:00.000Z'));
    const deps = { ...gcpWitnessDeps(fake), clock };
    const cp = checkpointOf(key, 30);
    const cid = randomUUID();
    for (let i = 0; i < 2; i++) {
      const writer = gcpLoggingWitness.createWriter(gcpWitnessTarget(fake), deps);
      await writer.write(cp, { correlationId: cid });
      await writer.close?.();
    }
    expect(fake.writtenEntries().filter((e) => e.insertId === `keywarden-${cid}`)).toHaveLength(1);
  });
});

describe('fault modes: a typed error, nothing lost', () => {
  it('403 (no roles/logging.logWriter): access_denied naming the role; nothing written', async () => {
    fake.setLogWriter(DEFAULT_GCP_PRINCIPAL, false);
    const err = await writeFails(20);
    expect(err).toMatchObject({ provider: 'gcp', reason: 'access_denied', providerCode: 'PERMISSION_DENIED' });
    expect(err.message).toContain('roles/logging.logWriter');
    expect(fake.writtenEntries().filter((e) => e.jsonPayload?.origin)).toHaveLength(0);
  });

  it('5xx: unreachable after the bounded retries; the same checkpoint is written once the service is back', async () => {
    fake.setLoggingFault({ kind: 'server_error' });
    const err = await writeFails(21);
    expect(err).toMatchObject({ reason: 'unreachable', providerCode: 'INTERNAL' });
    expect(err.message).toMatch(/^GCP Cloud Logging entries.write failed: Cloud Logging failed or is unavailable \[INTERNAL, HTTP 500\]/);
    fake.setLoggingFault({ kind: 'pass' });
    await write(21);
    expect((await readBack()).filter((r) => r.state === 'ok').map((r) => r.tree_size)).toEqual([21]);
  });

  it('connection refused: unreachable with the network code', async () => {
    fake.setLoggingFault({ kind: 'refuse' });
    const err = await writeFails(22);
    expect(err.reason).toBe('unreachable');
    expect(err.message).toMatch(/could not reach Cloud Logging \(E[A-Z]+\)|Cloud Logging failed/);
  });

  it('slow: ends at the time bound; an entry the service stored late reads back once, a retry of it is a duplicate', async () => {
    fake.setLoggingFault({ kind: 'slow', delayMs: 900 });
    const started = Date.now();
    const err = await writeFails(23, 300);
    expect(Date.now() - started).toBeLessThan(900);
    expect(err).toMatchObject({ reason: 'unreachable', providerCode: 'DEADLINE_EXCEEDED' });
    await new Promise((r) => setTimeout(r, 1000)); // the fake finishes storing the late write
    fake.setLoggingFault({ kind: 'pass' });
    expect((await readBack()).filter((r) => r.tree_size === 23).map((r) => r.check)).toEqual(['witnessed']);
    // The service retries the run later with a new call: the checkpoint is then recorded twice, and counted once.
    const late = fake.writtenEntries().find((e) => e.jsonPayload?.size === '23')!;
    const again = gcpLoggingWitness.createWriter(gcpWitnessTarget(fake), gcpWitnessDeps(fake));
    await again.write({ origin: key.origin, treeSize: 23, rootHash: Buffer.from(late.jsonPayload!.root as string, 'base64'), note: late.jsonPayload!.note as string }, { correlationId: randomUUID() });
    expect((await readBack()).filter((r) => r.tree_size === 23).map((r) => r.check)).toEqual(['witnessed', 'duplicate']);
  });

  it('reading back: denied names roles/logging.viewer, a failing service and a refused connection are typed reader errors', async () => {
    fake.setLoggingFault({ kind: 'deny' });
    await expect(readBack()).rejects.toMatchObject({ kind: 'access_denied', message: expect.stringContaining('roles/logging.viewer') });
    fake.setLoggingFault({ kind: 'server_error' });
    await expect(readBack()).rejects.toMatchObject({ kind: 'server_error' });
    fake.setLoggingFault({ kind: 'refuse' });
    const e = await readBack().then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(ReaderError);
    expect((e as ReaderError).kind).toBe('unreachable');
  });
});
