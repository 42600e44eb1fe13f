/**
 * bootDesktop, the process's life, against a recording `electron` fake: one instance,
 * the app:// scheme registered as privileged before ready, renderer sandboxing on for
 * every window, the data dir pinned, and the navigation lock on every web contents ever
 * created (devtools and popups included).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fakeWebContents } from './electron-fake';

const fake = await vi.hoisted(async () => (await import('./electron-fake')).createElectronFake());
vi.mock('electron', () => fake.module);

const { bootDesktop, dataDirArg } = await import('../../main/electron/desktop');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-boot-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('bootDesktop', () => {
  it('a second instance quits at once and touches nothing else', () => {
    fake.state.singleInstance = false;
    bootDesktop(['electron', '.', '--data-dir', dataDir], {});
    expect(fake.state.calls).toEqual(['setName:Keywarden', 'quit']);
    expect(fake.state.privilegedSchemes).toEqual([]);
    fake.state.singleInstance = true;
    fake.state.calls.length = 0;
  });

  it('registers app:// as privileged and enables the sandbox before the app is ready', () => {
    bootDesktop(['electron', '.', `--data-dir=${dataDir}`], {});
    const calls = fake.state.calls;
    expect(calls.indexOf('registerSchemesAsPrivileged')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(calls.indexOf('whenReady'));
    expect(calls.indexOf('enableSandbox')).toBeLessThan(calls.indexOf('whenReady'));
    expect(calls).toContain(`setPath:userData=${dataDir}`);
    expect(fake.state.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false }) },
    ]);
  });

  it('locks navigation, redirects, webviews and window.open on every web contents created', () => {
    const created = fake.state.appListeners.get('web-contents-created') ?? [];
    expect(created).toHaveLength(1);
    const contents = fakeWebContents();
    created[0]!({}, contents);
    expect(contents.emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(contents.open('https://evil.example/')).toBe('deny');
  });

  it('quits when the window closes', () => {
    expect(fake.state.appListeners.get('window-all-closed')).toHaveLength(1);
    fake.state.appListeners.get('window-all-closed')![0]!();
    expect(fake.state.calls.at(-1)).toBe('quit');
  });
});

describe('dataDirArg', () => {
  it.each([
    [['electron', '.', '--data-dir', '/d'], '/d'],
    [['electron', '.', '--data-dir=/d'], '/d'],
    [['electron', '.', '--data-dir='], undefined],
    [['electron', '.'], undefined],
  ])('%j → %s', (argv, want) => {
    expect(dataDirArg(argv)).toBe(want);
  });
});
