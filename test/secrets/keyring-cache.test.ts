/**
 * The desktop app keeps the unlock between launches in the OS keyring, only when a real
 * keyring backs it: never under Linux's basic_text fallback or without OS encryption,
 * and the web host and the CLI never cache. Tested with a keyring that really encrypts
 * (test/support/fake-keyring.ts) in place of Electron's safeStorage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeKeyring, type OsKeyring } from '../../core/secrets/os-keyring';
import { UNLOCK_CACHE_FILE } from '../../core/secrets/unlock-cache';
import { openKeywarden, type Keywarden } from '../../core/keywarden';
import { safeStorageKeyring } from '../../main/electron/safe-storage-keyring';
import { CALLER, initializedFixture, PASSPHRASE } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { fakeKeyring } from '../support/fake-keyring';
import { encodingsOf } from '../support/sealed-files';

function desktop(dataDir: string, keyring: OsKeyring | null): Keywarden {
  return openKeywarden({ dataDir, env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY, host: 'desktop', keyring });
}

async function installation(): Promise<string> {
  const fx = await initializedFixture();
  await fx.call('audit.checkpoint', {});
  await fx.kw.close();
  return fx.dataDir;
}

describe('which hosts keep the unlock', () => {
  it('in words, per backend', () => {
    expect(judgeKeyring('desktop', fakeKeyring('gnome_libsecret'))).toEqual({ host: 'desktop', backend: 'gnome_libsecret', cached: true, note: 'cached in the OS keyring (gnome_libsecret) between launches' });
    expect(judgeKeyring('desktop', fakeKeyring('keychain'))).toMatchObject({ cached: true });
    expect(judgeKeyring('desktop', fakeKeyring('basic_text'))).toMatchObject({ cached: false, backend: 'basic_text', note: expect.stringMatching(/^not cached: Linux basic_text fallback/) });
    // Even if safeStorage claims encryption works, basic_text is a fixed password.
    expect(judgeKeyring('desktop', fakeKeyring('basic_text', { available: true }))).toMatchObject({ cached: false });
    expect(judgeKeyring('desktop', fakeKeyring('kwallet5', { available: false }))).toMatchObject({ cached: false, note: 'not cached: OS encryption is not available (kwallet5)' });
    expect(judgeKeyring('desktop', fakeKeyring('unknown'))).toMatchObject({ cached: false, note: 'not cached: the OS keyring backend is unknown' });
    const broken: OsKeyring = { ...fakeKeyring('gnome_libsecret'), backend: () => { throw new Error('dbus gone'); } };
    expect(judgeKeyring('desktop', broken)).toMatchObject({ cached: false, note: 'not cached: the OS keyring did not answer' });
    expect(judgeKeyring('web', fakeKeyring('gnome_libsecret'))).toMatchObject({ cached: false, note: expect.stringMatching(/^web host: not cached/) });
    expect(judgeKeyring('cli', null)).toMatchObject({ cached: false, note: expect.stringMatching(/^CLI: not cached/) });
  });

  it('safeStorage is read per platform: the Linux backend, the Keychain, DPAPI', () => {
    const ss = { isEncryptionAvailable: () => true, encryptString: (s: string) => Buffer.from(s), decryptString: (b: Buffer) => b.toString(), getSelectedStorageBackend: () => 'kwallet6' };
    expect(safeStorageKeyring(ss, 'linux').backend()).toBe('kwallet6');
    expect(safeStorageKeyring(ss, 'darwin').backend()).toBe('keychain');
    expect(safeStorageKeyring(ss, 'win32').backend()).toBe('dpapi');
    expect(judgeKeyring('desktop', safeStorageKeyring({ ...ss, getSelectedStorageBackend: () => 'basic_text' }, 'linux')).cached).toBe(false);
  });
});

describe('the desktop app between launches', () => {
  it('with a real keyring: the next launch opens without the passphrase; the cache file alone opens nothing', async () => {
    const dataDir = await installation();
    const ring = fakeKeyring('gnome_libsecret');
    const first = desktop(dataDir, ring);
    expect(first.secrets.recall()).toBe(false); // nothing cached yet
    await first.ctx.stepUp.unlock(PASSPHRASE, CALLER);
    const key = first.secrets.get('local-kms.key');
    const logKey = first.secrets.get('audit-log.key');
    await first.close();
    const cache = fs.readFileSync(path.join(dataDir, UNLOCK_CACHE_FILE));
    for (const form of [...encodingsOf(key), ...encodingsOf(logKey)]) expect(cache.includes(form)).toBe(false);
    expect(JSON.parse(cache.toString('utf8'))).toMatchObject({ keywarden_unlock_cache: 1, backend: 'gnome_libsecret' });

    const second = desktop(dataDir, ring);
    try {
      expect(second.secrets.recall()).toBe(true);
      expect(second.secrets.get('local-kms.key').equals(key)).toBe(true);
      second.auditLog.checkpoint();
      expect(second.secrets.keyring()).toMatchObject({ cached: true, backend: 'gnome_libsecret', problem: null });
    } finally {
      await second.close();
    }

    // Another user's keyring cannot open it: locked, the cache dropped, the reason kept.
    const stranger = desktop(dataDir, fakeKeyring('gnome_libsecret'));
    try {
      expect(stranger.secrets.recall()).toBe(false);
      expect(stranger.secrets.unlocked()).toBe(false);
      expect(fs.existsSync(path.join(dataDir, UNLOCK_CACHE_FILE))).toBe(false);
      expect(stranger.secrets.keyring().problem).toMatch(/could not decrypt the cached unlock/);
    } finally {
      await stranger.close();
    }
  });

  it('under basic_text: nothing is cached, a cache left from before is removed, and status says so', async () => {
    const dataDir = await installation();
    const good = fakeKeyring('gnome_libsecret');
    const before = desktop(dataDir, good);
    await before.ctx.stepUp.unlock(PASSPHRASE, CALLER);
    await before.close();
    expect(fs.existsSync(path.join(dataDir, UNLOCK_CACHE_FILE))).toBe(true);

    // Next launch the secret service is gone: Chromium falls back to basic_text.
    const plain = fakeKeyring('basic_text', { userKey: good.userKey });
    const kw = desktop(dataDir, plain);
    try {
      expect(kw.secrets.recall()).toBe(false);
      expect(fs.existsSync(path.join(dataDir, UNLOCK_CACHE_FILE))).toBe(false);
      await kw.ctx.stepUp.unlock(PASSPHRASE, CALLER);
      expect(fs.existsSync(path.join(dataDir, UNLOCK_CACHE_FILE))).toBe(false);
      expect(plain.encrypted).toBe(0);
      expect(kw.secrets.keyring()).toMatchObject({ host: 'desktop', backend: 'basic_text', cached: false, note: expect.stringMatching(/^not cached: Linux basic_text fallback/) });
    } finally {
      await kw.close();
    }
  });

  it('a cache that no longer matches the sealed files (rewrapped since) is dropped, and the passphrase opens them', async () => {
    const dataDir = await installation();
    const ring = fakeKeyring('keychain');
    const first = desktop(dataDir, ring);
    await first.ctx.stepUp.unlock(PASSPHRASE, CALLER);
    await first.close();
    // A CLI at a higher cost rewraps the files with a new salt.
    const cli = openKeywarden({ dataDir, env: {}, passphrasePolicy: { cost: { N: 2 ** 11, r: 8, p: 1 }, floor: FAST_PASSPHRASE_POLICY.floor } });
    await cli.ctx.stepUp.unlock(PASSPHRASE, CALLER);
    await cli.close();
    const again = desktop(dataDir, ring);
    try {
      expect(again.secrets.recall()).toBe(false);
      expect(again.secrets.keyring().problem).toMatch(/no longer matches the sealed files/);
      expect(fs.existsSync(path.join(dataDir, UNLOCK_CACHE_FILE))).toBe(false);
    } finally {
      await again.close();
    }
  });
});
