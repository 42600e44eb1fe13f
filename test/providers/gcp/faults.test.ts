/**
 * Every FaultMode of the fake, seen through the real client: the right reason, the
 * retries the provider makes (throttled / unreachable only), and no call outliving
 * deps.timeoutMs by much.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KmsError, type KmsFailureReason, type KmsProvider } from '../../../core/providers/types';
import type { FaultMode } from '../../fakes/fault-mode';
import { callCtx, gcpTestProvider } from '../../fakes/gcp/harness';
import { startGcpFake, type GcpFake } from '../../fakes/gcp';

const KEY = 'projects/keywarden-test/locations/us/keyRings/faults/cryptoKeys/k1';
const OTHER = 'projects/keywarden-test/locations/us/keyRings/faults/cryptoKeys/k2';
const TIMEOUT = 1500;
const SLACK = 300;

let fake: GcpFake;
let p: KmsProvider;
let wrapped: Buffer;

beforeAll(async () => {
  fake = await startGcpFake({ keys: [KEY, OTHER] });
  p = gcpTestProvider(fake, KEY, { timeoutMs: TIMEOUT });
  wrapped = (await p.wrap(randomBytes(32), callCtx())).ciphertext;
});
afterEach(async () => {
  fake.setFault({ kind: 'pass' });
  fake.setFault({ kind: 'pass' }, KEY);
  await fake.reopenListener();
});
afterAll(async () => {
  await p.close?.();
  await fake.close();
});

async function timedFailure(op: 'wrap' | 'unwrap' | 'describe', correlationId: string) {
  const ctx = callCtx({ correlationId });
  const t0 = performance.now();
  const run = op === 'wrap' ? p.wrap(randomBytes(32), ctx) : op === 'unwrap' ? p.unwrap(wrapped, ctx) : p.describe(ctx);
  const e = await run.then(() => undefined, (err: unknown) => err);
  const ms = performance.now() - t0;
  expect(e).toBeInstanceOf(KmsError);
  const attempts = fake.requests().filter((r) => r.userAgent.includes(`keywarden-cid/${correlationId} `)).length;
  return { e: e as KmsError, ms, attempts };
}

describe('fault modes', () => {
  it.each<[FaultMode, KmsFailureReason, string, number]>([
    [{ kind: 'deny' }, 'access_denied', 'PERMISSION_DENIED', 1],
    [{ kind: 'key_disabled' }, 'key_disabled', 'FAILED_PRECONDITION', 1],
    [{ kind: 'throttle' }, 'throttled', 'RESOURCE_EXHAUSTED', 3],
    [{ kind: 'server_error' }, 'unreachable', 'INTERNAL', 3],
    [{ kind: 'refuse' }, 'unreachable', 'ECONNRESET', 0],
  ])('%o → %s (%s) after %i attempt(s)', async (mode, reason, code, attempts) => {
    fake.setFault(mode);
    for (const op of ['wrap', 'unwrap', 'describe'] as const) {
      const cid = `f-${mode.kind}-${op}-${randomBytes(3).toString('hex')}`;
      const r = await timedFailure(op, cid);
      expect(r.e.reason, `${op}: ${r.e.message}`).toBe(reason);
      expect(r.e.providerCode).toBe(code);
      expect(r.e.provider).toBe('gcp');
      expect(r.ms).toBeLessThan(TIMEOUT + SLACK);
      expect(r.attempts).toBe(attempts); // refused sockets never reach the request log
    }
  });

  it('slow beyond the bound → unreachable at about deps.timeoutMs', async () => {
    fake.setFault({ kind: 'slow', delayMs: 4000 });
    const r = await timedFailure('unwrap', `slow-${randomBytes(3).toString('hex')}`);
    expect(r.e.reason).toBe('unreachable');
    expect(['DEADLINE_EXCEEDED', 'TIMEOUT']).toContain(r.e.providerCode);
    expect(r.ms).toBeGreaterThan(TIMEOUT - 100);
    expect(r.ms).toBeLessThan(TIMEOUT + SLACK);
  });

  it('slow within the bound still answers', async () => {
    fake.setFault({ kind: 'slow', delayMs: 150 });
    const u = await p.unwrap(wrapped, callCtx());
    expect(u.plaintext).toHaveLength(32);
  });

  it('a closed listener → unreachable ECONNREFUSED; reopened → works again', async () => {
    await fake.closeListener();
    const r = await timedFailure('unwrap', `closed-${randomBytes(3).toString('hex')}`);
    expect([r.e.reason, r.e.providerCode]).toEqual(['unreachable', 'ECONNREFUSED']);
    expect(r.ms).toBeLessThan(TIMEOUT + SLACK);
    await fake.reopenListener();
    expect((await p.unwrap(wrapped, callCtx())).plaintext).toHaveLength(32);
  });

  it('a throttle that clears within the retries is invisible to the caller', async () => {
    fake.setFault({ kind: 'throttle' });
    setTimeout(() => fake.setFault({ kind: 'pass' }), 30);
    const cid = `recover-${randomBytes(3).toString('hex')}`;
    const u = await p.unwrap(wrapped, callCtx({ correlationId: cid }));
    expect(u.plaintext).toHaveLength(32);
    const tries = fake.auditEntries().filter((e) => JSON.stringify(e).includes(`keywarden-cid/${cid} `));
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries[0]!.protoPayload.status.code).toBe(8);
    expect(tries.at(-1)!.protoPayload.status).toEqual({});
  });

  it('a fault on one key leaves the others alone', async () => {
    fake.setFault({ kind: 'deny' }, KEY);
    const other = gcpTestProvider(fake, OTHER, { timeoutMs: TIMEOUT });
    try {
      expect((await other.wrap(randomBytes(32), callCtx())).keyId).toBe(`${OTHER}/cryptoKeyVersions/1`);
      expect((await timedFailure('wrap', `perkey-${randomBytes(3).toString('hex')}`)).e.reason).toBe('access_denied');
    } finally {
      await other.close?.();
    }
  });
});
