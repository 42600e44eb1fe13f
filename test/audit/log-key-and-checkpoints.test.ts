/**
 * The installation's log key (sealed under the passphrase, never in the database, pinned
 * by its public half) and the checkpoints it signs after every critical action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCriticalAction } from '../../core/audit/action-catalogue';
import { LOG_KEY_FILE, PINNED_VERIFIER_KEY_META } from '../../core/audit/log-key-file';
import { parseCheckpoint } from '../../core/audit/tlog/checkpoint';
import { privateKeyFromSeed, rawPublicKey } from '../../core/audit/tlog/log-key';
import { verifyCheckpoint } from '../../core/audit/tlog/verify-proofs';
import { initializedFixture, makeFixture, PASSPHRASE, rawDb, unlockFixture } from '../support/engine-fixture';
import { encodingsOf, filesUnder, resealSecret } from '../support/sealed-files';
import { auditedFlow } from './support/audit-flow';

const checkpointSizes = (fx: Awaited<ReturnType<typeof initializedFixture>>) =>
  rawDb(fx).prepare('SELECT tree_size FROM audit_checkpoints ORDER BY tree_size').pluck().all() as number[];

describe('the audit log key', () => {
  it('is sealed under the passphrase, in no file in plaintext, and exports only its public half', async () => {
    const fx = await auditedFlow();
    const seed = fx.kw.secrets.get(LOG_KEY_FILE);
    expect(seed.length).toBe(32);
    const sealed = path.join(fx.dataDir, `${LOG_KEY_FILE}.sealed`);
    if (process.platform !== 'win32') expect(fs.statSync(sealed).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(fx.dataDir, LOG_KEY_FILE))).toBe(false);
    await fx.kw.close();
    for (const { name, bytes } of filesUnder(fx.dataDir)) {
      for (const form of encodingsOf(seed)) expect(bytes.includes(form), name).toBe(false);
    }
    const fx2 = fx.reopen();
    const key = await fx2.call('audit.publicKey', {});
    expect(Buffer.from(key.public_key, 'base64').equals(rawPublicKey(privateKeyFromSeed(seed)))).toBe(true);
    expect(key.verifier_key).toBe(`${key.origin}+${key.key_id}+${Buffer.concat([Buffer.of(1), Buffer.from(key.public_key, 'base64')]).toString('base64')}`);
    expect(key.fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(JSON.stringify(key)).not.toContain(seed.toString('base64'));
  });

  it('refuses a replaced key instead of starting a second log, and the critical action with it', async () => {
    const fx = await auditedFlow();
    const pinned = rawDb(fx).prepare('SELECT value FROM meta WHERE key = ?').pluck().get(PINNED_VERIFIER_KEY_META);
    await fx.kw.close();
    // Someone with the data dir and the passphrase seals another key in its place.
    await resealSecret(fx.dataDir, LOG_KEY_FILE, Buffer.alloc(32, 5), PASSPHRASE);
    const fx2 = await unlockFixture(fx.reopen());
    const err = await fx2.fail('audit.checkpoint', {});
    expect(err).toMatchObject({ code: 'audit_key_unavailable', message: `audit-log.key is not the key this log's checkpoints were signed with (expected ${String(pinned)}); restore the original audit-log.key.sealed` });
    const before = (await fx2.call('app.status', {})).audit_entries;
    expect(await fx2.fail('keys.rotate', { tenant: 'acme', step_up_token: await fx2.stepUp('rotate', 'acme') })).toMatchObject({ code: 'audit_key_unavailable' });
    expect((await fx2.call('keys.versions', { tenant: 'acme' }))[0]?.version).toBe(3);
    expect((await fx2.call('app.status', {})).audit_entries).toBe(before);
  });

  it('says a missing key file must be restored, and keeps verifying with the pinned public key', async () => {
    const fx = await auditedFlow();
    await fx.kw.close();
    fs.rmSync(path.join(fx.dataDir, `${LOG_KEY_FILE}.sealed`));
    const fx2 = await unlockFixture(fx.reopen());
    expect(await fx2.fail('audit.checkpoint', {})).toMatchObject({ code: 'audit_key_unavailable', message: expect.stringMatching(/^audit-log\.key\.sealed is missing from the data dir: no checkpoint can be signed until it is restored/) });
    expect(fs.existsSync(path.join(fx.dataDir, `${LOG_KEY_FILE}.sealed`))).toBe(false);
    expect(await fx2.call('audit.verify', {})).toMatchObject({ ok: true, entries: 12, checkpoints_checked: 2 });
    // Non-critical actions are still recorded (and enter the tree) without the key.
    await fx2.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'z', value: 'v' });
    expect(fx2.kw.auditLog.tree.size()).toBe(13);
  });

  it('defers the checkpoint of a critical action made while locked to the next unlock', async () => {
    const fx = await auditedFlow();
    await fx.kw.close();
    const fx2 = fx.reopen();
    expect(fx2.kw.secrets.unlocked()).toBe(false);
    // The engine acting by itself while locked (a seal): recorded, its checkpoint deferred.
    fx2.kw.ctx.audit.append(fx2.kw.ctx.system, 'byok.kms.seal', null, { reason: 'test' });
    expect(checkpointSizes(fx2)).toEqual([6, 10]);
    await unlockFixture(fx2);
    expect(checkpointSizes(fx2)).toEqual([6, 10, 13]);
    expect(await fx2.call('audit.verify', {})).toMatchObject({ ok: true, entries: 13 });
  });
});

describe('checkpoints', () => {
  it('are signed after every critical action and not after routine ones', async () => {
    const fx = await initializedFixture();
    expect(checkpointSizes(fx)).toEqual([]);
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'a', value: 'v' });
    expect(checkpointSizes(fx)).toEqual([]);
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:alias/acme-key', config: {} });
    await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'b', value: 'v' });
    const list = (await fx.call('audit.list', {})).reverse();
    const critical = list.filter((e) => isCriticalAction(e.action));
    expect(critical.map((e) => e.action)).toEqual(['byok.kms.onboard', 'tenant-kms.registered', 'byok.kms.rotate']);
    // Exactly one checkpoint right after each critical entry, none after routine ones.
    expect(checkpointSizes(fx)).toEqual(critical.map((e) => e.seq));
  });

  it('are C2SP tlog-checkpoint notes of the current tree, and on demand re-use an unchanged head', async () => {
    const fx = await auditedFlow();
    const a = await fx.call('audit.checkpoint', {});
    const b = await fx.call('audit.checkpoint', {});
    expect(b).toEqual(a);
    const { verifier_key } = await fx.call('audit.publicKey', {});
    const v = verifyCheckpoint(a.note, verifier_key);
    expect(v.ok).toBe(true);
    const [origin, size, root, blank, sig] = a.note.split('\n');
    expect([origin, size, root, blank]).toEqual([a.origin, '12', a.root_hash, '']);
    expect(sig).toMatch(new RegExp(`^— ${a.origin.replace(/[./]/g, '\\$&')} [A-Za-z0-9+/]{91}=$`));
    const body = parseCheckpoint(a.note.slice(0, a.note.indexOf('\n\n') + 1));
    expect(body.ok && body.value.rootHash.equals(fx.kw.auditLog.tree.root())).toBe(true);
    expect((await fx.call('audit.latestCheckpoint', {}))?.tree_size).toBe(12);
  });

  it('of an empty log carry the empty tree hash and verify', async () => {
    const fx = makeFixture();
    await fx.kw.ctx.stepUp.setPassphrase(PASSPHRASE); // unlocks, without the init's audit entry
    const cp = await fx.call('audit.checkpoint', {});
    expect(cp).toMatchObject({ tree_size: 0, root_hash: Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex').toString('base64') });
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: true, entries: 0, checkpoints_checked: 1 });
    expect(await fx.fail('audit.prove', { seq: 1 })).toMatchObject({ code: 'not_found', message: 'audit entry #1 does not exist: the log has 0 entries' });
  });

  it('brings a log written before the tree existed into the tree on open', async () => {
    const fx = await auditedFlow();
    const root = fx.kw.auditLog.tree.root().toString('hex');
    rawDb(fx).prepare('DELETE FROM audit_tree_nodes').run();
    await fx.kw.close();
    const fx2 = fx.reopen();
    expect(fx2.kw.auditLog.tree.size()).toBe(12);
    expect(fx2.kw.auditLog.tree.root().toString('hex')).toBe(root);
    expect(await fx2.call('audit.verify', {})).toMatchObject({ ok: true, checkpoints_checked: 2 });
  });
});
