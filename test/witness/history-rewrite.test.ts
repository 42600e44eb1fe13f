/**
 * THE reason for witnesses: an attacker with the data dir rewrites one old entry and
 * re-signs everything with the same key. `audit verify` cannot tell (every hash and
 * signature is self-consistent), while `audit verify --witnesses` compares the roots
 * AWS recorded in CloudTrail and names the first witnessed checkpoint that no longer
 * matches, with CloudTrail's event id and time. Engine API and CLI (exit codes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { fakeAwsEnv } from '../fakes/aws';
import { PASSPHRASE } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { rewriteHistory } from './support/rewrite-history';
import { addAwsWitness, witnessFixture, work, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
beforeEach(async () => {
  fx = await witnessFixture();
});
afterEach(async () => {
  await fx.dispose();
});

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--data-dir', fx.dataDir], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: fakeAwsEnv({ KEYWARDEN_PASSPHRASE: PASSPHRASE }),
    passphrasePolicy: FAST_PASSPHRASE_POLICY,
  });
  return { code, out, err };
}

describe('a history rewritten and re-signed with the same key', () => {
  it('passes audit verify but not audit verify --witnesses, which names the first witnessed checkpoint that no longer matches', async () => {
    await addAwsWitness(fx);
    await work(fx, ['a', 'b', 'c']);
    const first = await fx.call('audit.witness', {});
    fx.clock.advance(20 * 60_000);
    await work(fx, ['d', 'e']);
    const second = await fx.call('audit.witness', {});
    await work(fx, ['f']);
    const sizes = [first.checkpoint!.tree_size, second.checkpoint!.tree_size];
    expect(sizes[0]).toBeLessThan(sizes[1]!);
    expect((await fx.call('audit.verifyWitnesses', {})).witnessed.map((w) => w.verdict)).toEqual(['consistent', 'consistent']);

    // The entry to hide: the onboarding of acme's AWS key, long before the first witness.
    const onboard = fx.kw.ctx.store.auditRange(1, 1000).find((r) => r.action === 'byok.kms.onboard')!;
    expect(onboard.seq).toBeLessThanOrEqual(sizes[0]!);
    await fx.closeEngine();
    await rewriteHistory(fx.dataDir, PASSPHRASE, onboard.seq, (p) => ({ ...p, actor_note: 'nothing to see here', key: '…000000000000' }));
    fx = fx.reopen();

    // The ordinary verification cannot tell: chain, tree and signatures all agree.
    const plain = await fx.call('audit.verify', {});
    expect(plain.ok).toBe(true);

    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(false);
    expect(v.log.ok).toBe(true);
    expect(v.witnessed.map((w) => [w.tree_size, w.verdict])).toEqual([
      [sizes[0], 'inconsistent'],
      [sizes[1], 'inconsistent'],
    ]);
    const witnessEvents = fx.aws.events({ eventName: 'Encrypt' }).filter((e) => e.resources?.[0]?.ARN === fx.witnessKey.arn);
    expect(v.first_inconsistent).toMatchObject({
      tree_size: sizes[0],
      root_hash: first.checkpoint!.root_hash,
      provider_event_id: witnessEvents[0]!.eventID,
      provider_time: new Date(witnessEvents[0]!.eventTime).toISOString(),
    });
    expect(v.first_inconsistent!.reason).toMatch(/history was rewritten after it was witnessed/);
    expect(v.first_inconsistent!.local_root).not.toBe(first.checkpoint!.root_hash);

    // The CLI: plain verify exits 0, --witnesses exits 1 with the alarm naming the event.
    const plainCli = await cli(['audit', 'verify']);
    expect(plainCli.code).toBe(0);
    const w = await cli(['audit', 'verify', '--witnesses']);
    expect(w.code).toBe(1);
    expect(w.err).toContain(`(event ${witnessEvents[0]!.eventID}) no longer matches this log`);
    expect(w.err).toContain(`first witnessed checkpoint that no longer matches: ${sizes[0]} entries`);
    expect(w.err).toContain('audit log REJECTED by its witnesses');
    const json = await cli(['audit', 'verify', '--witnesses', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, first_inconsistent: { provider_event_id: witnessEvents[0]!.eventID } });
  });

  it('names a cut-off tail the provider saw as removed entries', async () => {
    await addAwsWitness(fx);
    await work(fx, ['a', 'b', 'c']);
    const cp = (await fx.call('audit.witness', {})).checkpoint!;
    await fx.closeEngine();
    // Drop the last two entries and everything that would betray them, re-signed.
    const { openDatabase } = await import('../../core/store/database');
    const path = await import('node:path');
    const db = openDatabase(path.join(fx.dataDir, 'keywarden.db'));
    db.prepare('DELETE FROM audit_log WHERE seq > ?').run(cp.tree_size - 2);
    db.prepare('DELETE FROM audit_checkpoints WHERE tree_size > ?').run(cp.tree_size - 2);
    db.close();
    await rewriteHistory(fx.dataDir, PASSPHRASE, 1, (p) => p);
    fx = fx.reopen();
    const v = await fx.call('audit.verifyWitnesses', {});
    expect(v.ok).toBe(false);
    expect(v.first_inconsistent).toMatchObject({ tree_size: cp.tree_size, local_root: null });
    expect(v.first_inconsistent!.reason).toContain(`only ${cp.tree_size - 2}`);
  });
});
