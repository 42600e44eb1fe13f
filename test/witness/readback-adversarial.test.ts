/**
 * What the provider's log may hold besides our own witnesses, and what a provider may do
 * to a write: a record for another log, malformed sizes and roots, a spoiled event, the
 * same event delivered twice, a refused Encrypt that still logged its context, a denied
 * or unreachable witness. None is trusted; none stops the log or the engine; failures are
 * recorded, shown in status and retried.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../fakes/aws';
import { addAwsWitness, witnessFixture, work, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
beforeEach(async () => {
  fx = await witnessFixture();
});
afterEach(async () => {
  await fx.dispose();
});

const ROOT = Buffer.alloc(32, 7).toString('base64');

/** An Encrypt on the witness key by someone else, with the given context. */
function injectEncrypt(context: Record<string, unknown>, partial: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  const arn = fx.witnessKey.arn;
  return fx.aws.cloudtrail.inject(arn, {
    eventName: 'Encrypt',
    readOnly: true,
    requestParameters: { keyId: arn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: context },
    ...partial,
  });
}

describe('witness records read back', () => {
  it('reports records for another log and malformed ones, never trusts them, and counts a duplicate delivery once', async () => {
    await addAwsWitness(fx);
    const cp = (await fx.call('audit.witness', {})).checkpoint!;
    const origin = cp.origin;
    const foreign = injectEncrypt({ 'keywarden:log': 'keywarden.local/audit/0123456789abcdef', 'keywarden:size': String(cp.tree_size), 'keywarden:root': ROOT });
    const leadingZero = injectEncrypt({ 'keywarden:log': origin, 'keywarden:size': `0${cp.tree_size}`, 'keywarden:root': cp.root_hash });
    const negative = injectEncrypt({ 'keywarden:log': origin, 'keywarden:size': '-1', 'keywarden:root': cp.root_hash });
    const badRoot = injectEncrypt({ 'keywarden:log': origin, 'keywarden:size': '1', 'keywarden:root': 'not base64!' });
    const shortRoot = injectEncrypt({ 'keywarden:log': origin, 'keywarden:size': '1', 'keywarden:root': Buffer.alloc(31).toString('base64') });
    const noOrigin = injectEncrypt({ 'keywarden:size': '1', 'keywarden:root': ROOT });
    const spoiled = injectEncrypt({ 'keywarden:log': origin, 'keywarden:size': '1', 'keywarden:root': ROOT });
    fx.aws.cloudtrail.corrupt(spoiled.eventID, 'truncated');
    // Not a witness record at all: an ordinary Encrypt and a Decrypt on the same key.
    injectEncrypt({ Department: 'Engineering' });
    fx.aws.cloudtrail.inject(fx.witnessKey.arn);
    // Our own record, delivered a second time.
    const own = fx.aws.events({ eventName: 'Encrypt' }).find((e) => (e.requestParameters?.encryptionContext as Record<string, string>)?.['keywarden:root'] === cp.root_hash && e.userAgent.includes('keywarden-cid/'))!;
    fx.aws.cloudtrail.deliverAgain(own.eventID);

    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(true);
    expect(v.witnessed).toHaveLength(1);
    expect(v.witnessed[0]).toMatchObject({ provider_event_id: own.eventID, verdict: 'consistent' });
    const byId = new Map(v.untrusted.map((u) => [u.provider_event_id, u]));
    expect(byId.get(foreign.eventID)).toMatchObject({ state: 'foreign_origin' });
    expect(byId.get(foreign.eventID)!.problem).toContain('keywarden.local/audit/0123456789abcdef');
    expect(byId.get(leadingZero.eventID)).toMatchObject({ state: 'malformed', tree_size: null });
    expect(byId.get(leadingZero.eventID)!.problem).toContain('not a decimal number without leading zeros');
    expect(byId.get(negative.eventID)).toMatchObject({ state: 'malformed' });
    expect(byId.get(badRoot.eventID)!.problem).toContain('not canonical base64');
    expect(byId.get(shortRoot.eventID)!.problem).toContain('is 31 bytes, expected 32');
    expect(byId.get(noOrigin.eventID)!.problem).toContain('names no log origin');
    expect(byId.get(spoiled.eventID)).toMatchObject({ state: 'malformed' });
    expect(byId.get(spoiled.eventID)!.problem).toContain('the CloudTrail event is not readable JSON');
    expect(v.untrusted).toHaveLength(7);
  });

  it('never lets a record for another origin or a malformed one hide a rewritten history, nor raise a false alarm', async () => {
    await addAwsWitness(fx);
    await work(fx, ['a']);
    const cp = (await fx.call('audit.witness', {})).checkpoint!;
    // A forged record with our origin's size but another root, from a failed call: reported, not an alarm.
    injectEncrypt({ 'keywarden:log': cp.origin, 'keywarden:size': String(cp.tree_size), 'keywarden:root': ROOT }, { errorCode: 'AccessDeniedException', errorMessage: 'denied' });
    // And one from another log with a different root at the same size: not ours.
    injectEncrypt({ 'keywarden:log': 'someone-else', 'keywarden:size': String(cp.tree_size), 'keywarden:root': ROOT });
    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(true);
    expect(v.first_inconsistent).toBeNull();
    expect(v.untrusted.map((u) => u.state).sort()).toEqual(['foreign_origin', 'malformed']);
    expect(v.untrusted.find((u) => u.state === 'malformed')!.problem).toContain('the Encrypt failed (AccessDeniedException)');
  });
});

describe('a witness that fails', () => {
  it('when denied: the run is recorded as failed, the engine keeps working, status and the list say so, and the next run retries', async () => {
    const id = await addAwsWitness(fx);
    fx.aws.setFault({ kind: 'deny' }, fx.witnessKey.arn);
    const now = await fx.call('audit.witness', {});
    expect(now.runs[0]).toMatchObject({ witness_id: id, state: 'failed', failure_reason: 'access_denied' });
    expect(now.runs[0]!.failure_message).toContain('kms:Encrypt');
    // The denied call is a kms_calls row too, with its outcome.
    const calls = fx.kw.ctx.store.listKmsCalls({ limit: 1000 }).filter((c) => c.operation === 'witness');
    expect(calls.map((c) => c.outcome)).toEqual(['access_denied']);

    // The log and the engine carry on.
    const before = fx.kw.ctx.store.auditCount();
    await work(fx, ['after-denial']);
    expect(fx.kw.ctx.store.auditCount()).toBe(before + 1);
    expect((await fx.call('audit.verify', {})).ok).toBe(true);

    const status = await fx.call('app.status', {});
    expect(status.witness).toMatchObject({ state: 'failing', failing: [{ id, kind: 'aws_kms', reason: 'access_denied' }] });
    expect(status.witness.summary).toContain('aws_kms: access_denied');
    const list = await fx.call('witness.list', {});
    expect(list.witnesses[0]).toMatchObject({ state: 'failing', last_failure: { failure_reason: 'access_denied' } });

    // Retried at the next timer run once the interval has passed; the grant restored, it succeeds.
    fx.aws.setFault({ kind: 'pass' }, fx.witnessKey.arn);
    expect((await fx.kw.witness.witnessIfDue()).runs).toEqual([]);
    fx.clock.advance(16 * 60_000);
    const retry = await fx.kw.witness.witnessIfDue();
    expect(retry.runs.map((r) => [r.trigger, r.state])).toEqual([['interval', 'ok']]);
    expect((await fx.call('app.status', {})).witness.state).toBe('ok');
    // The denied Encrypt also reached CloudTrail with its context: reported, never trusted.
    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(true);
    expect(v.untrusted).toHaveLength(1);
    expect(v.untrusted[0]!.problem).toContain('AccessDenied');
  });

  it('when unreachable: connection refused is a failed run with reason unreachable, and the next one succeeds', async () => {
    await addAwsWitness(fx);
    await fx.aws.kms.closeListener();
    try {
      const now = await fx.call('audit.witness', {});
      expect(now.runs[0]).toMatchObject({ state: 'failed', failure_reason: 'unreachable' });
      await work(fx, ['while-down']);
      expect((await fx.call('app.status', {})).witness.state).toBe('failing');
    } finally {
      await fx.aws.kms.reopenListener();
    }
    const again = await fx.call('audit.witness', {});
    expect(again.runs[0]).toMatchObject({ state: 'ok' });
  });

  it('when CloudTrail cannot be read: verify reports the read error and trusts nothing it did not read', async () => {
    await addAwsWitness(fx);
    await fx.call('audit.witness', {});
    fx.aws.cloudtrail.setFault({ kind: 'deny' });
    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.read_errors).toHaveLength(1);
    expect(v.read_errors[0]!.message).toContain('cloudtrail:LookupEvents');
    expect(v.witnessed).toEqual([]);
    expect(v.unconfirmed).toHaveLength(1);
  });
});
