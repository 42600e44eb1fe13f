/**
 * The AWS witness end to end against the wire-level fake through the real SDK: a
 * checkpoint becomes one KMS Encrypt whose encryption context carries origin, size and
 * root; it is a kms_calls row whose correlation id CloudTrail carries back in the user
 * agent; CloudTrail's LookupEvents returns the context in requestParameters; and
 * `audit verify --witnesses` finds the record consistent with the log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderHuman } from '../../main/cli/render';
import { addAwsWitness, witnessFixture, work, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
beforeEach(async () => {
  fx = await witnessFixture();
});
afterEach(async () => {
  await fx.dispose();
});

describe('the AWS KMS witness', () => {
  it('writes the checkpoint as an Encrypt context, records the call and reads it back consistent', async () => {
    const id = await addAwsWitness(fx);
    await work(fx, ['a', 'b']);
    const now = await fx.call('audit.witness', {});
    const cp = now.checkpoint!;
    expect(cp.tree_size).toBe(fx.kw.ctx.store.auditCount());
    expect(now.runs).toHaveLength(1);
    const run = now.runs[0]!;
    expect(run).toMatchObject({ witness_id: id, state: 'ok', trigger: 'manual', tree_size: cp.tree_size, root_hash: cp.root_hash, failure_reason: null });

    // One kms_calls row per write, on the witness key, with the correlation id.
    const calls = fx.kw.ctx.store.listKmsCalls({ limit: 1000 }).filter((c) => c.operation === 'witness');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ key_ref: fx.witnessKey.arn, provider: 'aws', outcome: 'ok', correlation_id: run.correlation_id });
    expect(calls[0]!.principal).toContain('assumed-role/KeywardenKMSAccess');

    // CloudTrail holds exactly the three fields, the key and the correlation id in the user agent.
    const events = fx.aws.events({ eventName: 'Encrypt' }).filter((e) => e.resources?.[0]?.ARN === fx.witnessKey.arn);
    expect(events).toHaveLength(1);
    expect(events[0]!.requestParameters).toMatchObject({
      keyId: fx.witnessKey.arn,
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      encryptionContext: { 'keywarden:log': cp.origin, 'keywarden:size': String(cp.tree_size), 'keywarden:root': cp.root_hash },
    });
    expect(events[0]!.userAgent).toContain(`keywarden-cid/${run.correlation_id}`);

    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(true);
    expect(v.log.ok).toBe(true);
    expect(v.witnessed).toHaveLength(1);
    expect(v.witnessed[0]).toMatchObject({
      verdict: 'consistent',
      kind: 'aws_kms',
      witness_id: id,
      tree_size: cp.tree_size,
      root_hash: cp.root_hash,
      provider_event_id: events[0]!.eventID,
      provider_time: new Date(events[0]!.eventTime).toISOString(),
      correlation_id: run.correlation_id,
    });
    expect(v.first_inconsistent).toBeNull();
    expect(v.untrusted).toEqual([]);
    expect(v.unconfirmed).toEqual([]);
    expect(v.gap).toMatchObject({ last_witnessed_size: cp.tree_size, entries_since: 0 });
  });

  it('is collected by evidence fetch along with the key logs, and kept for the screens', async () => {
    await addAwsWitness(fx);
    await fx.call('audit.witness', {});
    const fetched = await fx.call('evidence.fetch', {});
    expect(fetched.sources.map((x) => x.state)).toEqual(['done']);
    expect(fetched.witnesses).toEqual({ records: 1, untrusted: 0, errors: [] });
    const kept = fx.kw.witness.store.records();
    const event = fx.aws.events({ eventName: 'Encrypt' }).find((e) => e.resources?.[0]?.ARN === fx.witnessKey.arn)!;
    expect(kept).toEqual([expect.objectContaining({ provider_event_id: event.eventID, state: 'ok', kind: 'aws_kms' })]);
    expect(renderHuman('evidence.fetch', fetched)).toContain('checkpoint witnesses: 1 record(s) read back (check them: keywarden audit verify --witnesses)');
  });

  it('counts a write CloudTrail has not delivered yet as unconfirmed, not as a failure', async () => {
    await addAwsWitness(fx);
    fx.aws.cloudtrail.setDeliveryDelay(10 * 60_000);
    const now = await fx.call('audit.witness', {});
    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(true);
    expect(v.witnessed).toEqual([]);
    expect(v.unconfirmed).toHaveLength(1);
    expect(v.unconfirmed[0]).toMatchObject({ tree_size: now.checkpoint!.tree_size, overdue: false });
    fx.clock.advance(11 * 60_000);
    const later = await fx.call('audit.verifyWitnesses', {});
    expect(later.witnessed.map((w) => w.verdict)).toEqual(['consistent']);
    expect(later.unconfirmed).toEqual([]);
  });
});
