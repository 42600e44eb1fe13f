/**
 * The installation secrets are sealed under the operator passphrase: locked until an
 * unlock, never a plain file after it, and every bad input (wrong passphrase, a damaged
 * sealed file, a damaged plain file) gets its own error and loses nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealedFileName, SECRET_NAMES } from '../../core/secrets/catalogue';
import { openKeywarden } from '../../core/keywarden';
import { parseSealedSecret } from '../../core/secrets/sealed-file';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { CALLER, initializedFixture, PASSPHRASE, tempDir, unlockFixture } from '../support/engine-fixture';
import { encodingsOf, filesUnder } from '../support/sealed-files';
import { exists, plainFileInstallation } from './support';

const snapshot = (dir: string) => Object.fromEntries(filesUnder(dir).filter((f) => !f.name.startsWith('keywarden.db')).map((f) => [f.name, f.bytes.toString('base64')]));

describe('sealed installation secrets', () => {
  it('are sealed from the first run: no plain key file, and a new process starts locked', async () => {
    const fx = await initializedFixture();
    await fx.call('audit.checkpoint', {});
    for (const n of SECRET_NAMES) {
      expect(exists(fx, n), n).toBe(false);
      expect(exists(fx, sealedFileName(n)), n).toBe(true);
    }
    expect((await fx.call('secrets.status', {})).files.map((f) => [f.file, f.state])).toEqual([
      ['local-kms.key.sealed', 'wrapped'],
      ['audit-log.key.sealed', 'wrapped'],
    ]);
    await fx.kw.close();
    const again = fx.reopen();
    const status = await again.call('app.status', {});
    expect(status.secrets).toMatchObject({ unlocked: false, data_dir: fx.dataDir, keyring: { host: 'cli', cached: false } });
    const locked = await again.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'v' });
    expect(locked).toEqual({
      code: 'secrets_locked',
      status: 423,
      message: expect.stringMatching(/^the installation secrets are locked, and this needs the local KMS key: unlock with the operator passphrase\. CLI: set KEYWARDEN_PASSPHRASE/),
      details: { secret: 'local-kms.key' },
    });
    again.kw.ctx.audit.append(CALLER, 'record.updated', null, { name: 'y' }); // the tree grew: a new checkpoint needs the key
    expect(await again.fail('audit.checkpoint', {})).toMatchObject({ code: 'secrets_locked', details: { secret: 'audit-log.key' } });
    expect((await again.call('auth.unlock', { passphrase: PASSPHRASE })).unlocked).toBe(true);
    await again.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'v' });
  });

  it('before the passphrase is set, say to set it first', async () => {
    const kw = openKeywarden({ dataDir: tempDir(), env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY });
    try {
      expect(() => kw.secrets.get('local-kms.key')).toThrow(/not set yet: run keywarden init/);
    } finally {
      await kw.close();
    }
  });

  it('a wrong passphrase is refused, audited and throttled like a step-up, and changes nothing', async () => {
    const fx = await initializedFixture();
    await fx.kw.close();
    const before = snapshot(fx.dataDir);
    const again = fx.reopen();
    expect(await again.fail('auth.unlock', { passphrase: 'not the passphrase' })).toMatchObject({ code: 'step_up_invalid', message: 'the operator passphrase does not match' });
    expect(again.kw.secrets.unlocked()).toBe(false);
    const failed = (await again.call('audit.list', { action: 'auth.stepup.failed' }))[0];
    expect(failed?.payload).toMatchObject({ purpose: 'unlock', failures_in_window: 1 });
    expect(JSON.stringify(failed)).not.toContain('not the passphrase');
    expect(snapshot(fx.dataDir)).toEqual(before);
  });

  it('a damaged sealed file is named, left as it is, and the secrets stay locked', async () => {
    const fx = await initializedFixture();
    await fx.call('audit.checkpoint', {});
    await fx.kw.close();
    const file = path.join(fx.dataDir, 'local-kms.key.sealed');
    const good = fs.readFileSync(file);
    const doc = JSON.parse(good.toString('utf8')) as { wrapped: string; secret: string; kdf: { N: number } };
    const flipped = Buffer.from(doc.wrapped, 'base64');
    flipped[flipped.length - 1]! ^= 1;
    const cases: Array<[string, string, RegExp]> = [
      ['altered bytes', JSON.stringify({ ...doc, wrapped: flipped.toString('base64') }), /local-kms\.key\.sealed does not open with the operator passphrase \(it was altered, or sealed under another passphrase\); nothing was changed: restore local-kms\.key\.sealed from a backup/],
      ['truncated', good.subarray(0, 40).toString('utf8'), /local-kms\.key\.sealed is not JSON \(truncated or overwritten\)/],
      ['the other secret', JSON.stringify({ ...doc, secret: 'audit-log.key' }), /local-kms\.key\.sealed holds the secret "audit-log\.key", not local-kms\.key/],
      ['a cost below the floor', JSON.stringify({ ...doc, kdf: { ...doc.kdf, N: 2 } }), /uses scrypt N=2, r=8, p=1, below the floor/],
      ['a cost beyond reason', JSON.stringify({ ...doc, kdf: { ...doc.kdf, N: 2 ** 30 } }), /beyond what Keywarden ever writes/],
    ];
    for (const [what, text, message] of cases) {
      fs.writeFileSync(file, text, { mode: 0o600 });
      const again = fx.reopen();
      const err = await again.fail('auth.unlock', { passphrase: PASSPHRASE });
      expect(err, what).toMatchObject({ code: 'secret_file_invalid', details: { file: 'local-kms.key.sealed' } });
      expect(err.message, what).toMatch(message);
      expect(again.kw.secrets.unlocked(), what).toBe(false);
      expect(fs.readFileSync(file, 'utf8'), what).toBe(text);
      // What a locked call says afterwards carries the reason.
      expect((await again.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'x', value: 'v' })).message, what).toContain('the last unlock failed');
      await again.kw.close();
    }
    fs.writeFileSync(file, good, { mode: 0o600 });
    await unlockFixture(fx.reopen());
  });

  it('a step-up unlocks too, and a hash upgraded to a higher cost rewraps both files at that cost', async () => {
    const fx = await initializedFixture();
    await fx.call('audit.checkpoint', {});
    await fx.kw.close();
    const headerOf = (n: (typeof SECRET_NAMES)[number]) => parseSealedSecret(n, fs.readFileSync(path.join(fx.dataDir, sealedFileName(n))), FAST_PASSPHRASE_POLICY.floor).kdf;
    const saltBefore = headerOf('local-kms.key').salt;
    const stronger = { cost: { N: 2 ** 11, r: 8, p: 1 }, floor: FAST_PASSPHRASE_POLICY.floor };
    const kw = openKeywarden({ dataDir: fx.dataDir, env: {}, passphrasePolicy: stronger });
    try {
      await kw.ctx.stepUp.issue(PASSPHRASE, 'rotate', 'acme', CALLER);
      expect(kw.secrets.unlocked()).toBe(true);
      for (const n of SECRET_NAMES) expect(headerOf(n).cost, n).toEqual({ N: 2048, r: 8, p: 1 });
      expect(headerOf('local-kms.key').salt.equals(saltBefore)).toBe(false);
      expect(headerOf('local-kms.key').salt.equals(headerOf('audit-log.key').salt)).toBe(true);
      const rewrapped = kw.ctx.store.listAudit({ actionPrefix: 'secrets.rewrapped', limit: 5 });
      expect(JSON.parse(rewrapped[0]!.payload)).toEqual({ files: ['local-kms.key', 'audit-log.key'] });
    } finally {
      await kw.close();
    }
    // The new wraps open in a new process with the same passphrase.
    const again = openKeywarden({ dataDir: fx.dataDir, env: {}, passphrasePolicy: stronger });
    try {
      await again.ctx.stepUp.unlock(PASSPHRASE, CALLER);
      expect((await again.auditLog.verify()).ok).toBe(true);
      again.auditLog.checkpoint();
    } finally {
      await again.close();
    }
  });
});

describe('plain key files of older versions', () => {
  it('are listed as awaiting migration, sealed on the first unlock and removed; nothing in the data dir holds the raw keys afterwards', async () => {
    const { fx, keys } = await plainFileInstallation();
    const again = fx.reopen();
    expect((await again.call('secrets.status', {})).files.map((f) => [f.file, f.state])).toEqual([
      ['local-kms.key', 'plain'],
      ['audit-log.key', 'plain'],
    ]);
    const status = await again.call('auth.unlock', { passphrase: PASSPHRASE });
    expect(status.files.map((f) => [f.file, f.state])).toEqual([
      ['local-kms.key.sealed', 'wrapped'],
      ['audit-log.key.sealed', 'wrapped'],
    ]);
    for (const n of SECRET_NAMES) expect(again.kw.secrets.get(n).equals(keys[n]), n).toBe(true);
    const step = await again.stepUp('record_read', 'acme');
    expect(await again.call('record.get', { tenant: 'acme', table: 'integration_configs', name: 'a', step_up_token: step })).toMatchObject({ value: 'value of a' });
    expect(await again.call('audit.verify', {})).toMatchObject({ ok: true });
    const migrated = (await again.call('audit.list', { action: 'secrets.migrated' }))[0];
    expect(migrated?.payload).toEqual({ files: ['local-kms.key', 'audit-log.key'] });
    await again.call('audit.checkpoint', {});
    // While the database (and its -wal) is still open, and after it is closed.
    const scan = () => {
      const files = filesUnder(fx.dataDir);
      expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['keywarden.db', 'local-kms.key.sealed', 'audit-log.key.sealed', 'audit-checkpoint.latest']));
      for (const { name, bytes } of files) for (const n of SECRET_NAMES) for (const form of encodingsOf(keys[n])) expect(bytes.includes(form), `${name} holds ${n}`).toBe(false);
      return files.map((f) => f.name);
    };
    expect(scan()).toContain('keywarden.db-wal');
    await again.kw.close();
    scan();
  });

  it('a crash after the sealed file was written but before the plain one was removed: the next unlock finishes', async () => {
    const { fx, keys } = await plainFileInstallation();
    const first = await unlockFixture(fx.reopen());
    await first.kw.close();
    // The state that crash leaves: both files, same key (and a stale temp of an interrupted write).
    for (const n of SECRET_NAMES) fs.writeFileSync(path.join(fx.dataDir, n), keys[n], { mode: 0o600 });
    const temp = path.join(fx.dataDir, '.audit-log.key.sealed.4242.abcd1234.tmp');
    fs.writeFileSync(temp, 'half a write', { mode: 0o600 });
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(temp, old, old);
    const second = fx.reopen();
    expect((await second.call('secrets.status', {})).files.every((f) => f.state === 'plain')).toBe(true);
    await unlockFixture(second);
    for (const n of SECRET_NAMES) {
      expect(exists(second, n), n).toBe(false);
      expect(second.kw.secrets.get(n).equals(keys[n]), n).toBe(true);
    }
    expect(fs.existsSync(temp)).toBe(false);
    expect(await second.call('audit.verify', {})).toMatchObject({ ok: true });
  });

  it('a crash before the sealed file was renamed into place leaves the plain file, which the next unlock seals', async () => {
    const { fx, keys } = await plainFileInstallation();
    const temp = path.join(fx.dataDir, '.local-kms.key.sealed.4242.abcd1234.tmp');
    fs.writeFileSync(temp, '{"keywarden_sealed_secret":1', { mode: 0o600 });
    const again = await unlockFixture(fx.reopen());
    expect(again.kw.secrets.get('local-kms.key').equals(keys['local-kms.key'])).toBe(true);
    expect(exists(again, 'local-kms.key')).toBe(false);
    // A fresh temp may be another process's write in flight: left alone.
    expect(fs.existsSync(temp)).toBe(true);
  });

  it('a plain file and a sealed file holding different keys are refused, both kept', async () => {
    const { fx } = await plainFileInstallation();
    await unlockFixture(fx.reopen()).then((f) => f.kw.close());
    fs.writeFileSync(path.join(fx.dataDir, 'local-kms.key'), Buffer.alloc(32, 7), { mode: 0o600 });
    const before = snapshot(fx.dataDir);
    const again = fx.reopen();
    expect(await again.fail('auth.unlock', { passphrase: PASSPHRASE })).toMatchObject({
      code: 'secret_file_conflict',
      message: expect.stringMatching(/^local-kms\.key and local-kms\.key\.sealed both exist and hold different keys; nothing was changed/),
    });
    expect(snapshot(fx.dataDir)).toEqual(before);
  });

  it('a plain file of the wrong size or readable by others is refused, and kept', async () => {
    const { fx } = await plainFileInstallation();
    const plain = path.join(fx.dataDir, 'audit-log.key');
    fs.writeFileSync(plain, Buffer.alloc(31, 1), { mode: 0o600 });
    expect(await fx.reopen().fail('auth.unlock', { passphrase: PASSPHRASE })).toMatchObject({ code: 'secret_file_invalid', message: expect.stringContaining('audit-log.key holds 31 bytes, expected 32') });
    expect(fs.readFileSync(plain).length).toBe(31);
    if (process.platform === 'win32') return;
    fs.writeFileSync(plain, Buffer.alloc(32, 1), { mode: 0o600 });
    fs.chmodSync(plain, 0o644);
    expect(await fx.reopen().fail('auth.unlock', { passphrase: PASSPHRASE })).toMatchObject({ code: 'forbidden', message: expect.stringContaining('chmod 600') });
    expect(fs.existsSync(plain)).toBe(true);
  });
});
