/**
 * Witness writes and the evidence cross-check: on a tenant's own key (read by its
 * evidence source) the witness Encrypt is matched like any call, never an unexplained
 * key use; on a separate witness key (read by no source) it is left to the witness
 * read-back instead of waiting forever as "missing".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAwsWitness, witnessFixture, work, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
beforeEach(async () => {
  fx = await witnessFixture();
});
afterEach(async () => {
  await fx.dispose();
});

async function crosscheck() {
  fx.clock.advance(60 * 60_000);
  await fx.call('evidence.fetch', { tenant: 'acme' });
  const to = fx.clock.now();
  return fx.call('evidence.crosscheck', { from: new Date(to - 3 * 3600_000).toISOString(), to: new Date(to).toISOString(), tenant: 'acme' });
}

describe('witness writes in the evidence cross-check', () => {
  it('matches a witness written on the tenant’s own key', async () => {
    await fx.call('witness.add', { kind: 'aws_kms', target_ref: fx.tenantKey.arn, tenant: 'acme', read_endpoint: fx.aws.cloudtrail.endpoint, step_up_token: await fx.stepUp('witness') });
    await work(fx, ['a']);
    await fx.call('audit.witness', {});
    const run = await crosscheck();
    expect(run.counts).toMatchObject({ provider_only: 0, app_only_pending: 0, app_only_missing: 0, foreign_correlation: 0 });
    const calls = fx.kw.ctx.store.listKmsCalls({ limit: 1000 }).filter((c) => c.key_ref === fx.tenantKey.arn && c.outcome === 'ok');
    expect(calls.some((c) => c.operation === 'witness')).toBe(true);
    expect(run.counts.matched).toBe(calls.length);
  });

  it('leaves a witness on a separate key to the witness read-back, not a missing call', async () => {
    await addAwsWitness(fx);
    await fx.call('audit.witness', {});
    const run = await crosscheck();
    expect(run.counts).toMatchObject({ provider_only: 0, app_only_pending: 0, app_only_missing: 0 });
    expect((await fx.call('audit.verifyWitnesses', {})).witnessed.map((w) => w.verdict)).toEqual(['consistent']);
  });
});
