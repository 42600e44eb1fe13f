/**
 * The Electron composition root with the `electron` module replaced by a recording fake
 * (the binary cannot run here): the one window's webPreferences, the app:// origin and
 * its CSP, one IPC handler per contract method, sender-frame checks on every call, error
 * shaping at the boundary, permissions denied, and a clean shutdown. The engine behind
 * it is real (a SQLite file in a temp dir, Node's better-sqlite3 build).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../core/api/contract';
import { WINDOW_METHOD_NAMES } from '../../core/api/window-reach';
import type { Desktop } from '../../main/electron/desktop';
import { channelFor } from '../../main/electron/ipc-channel';
import { contentSecurityPolicy } from '../../main/web-host/security-headers';

const fake = await vi.hoisted(async () => (await import('./electron-fake')).createElectronFake());
vi.mock('electron', () => fake.module);

const { startDesktop } = await import('../../main/electron/desktop');

const PRELOAD = '/app/out/preload/index.js';
const APP_FRAME = { url: 'app://keywarden/index.html', parent: null };
let dataDir: string;
let rendererDir: string;
let desktop: Desktop;
const logged: string[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-desktop-'));
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-desktop-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Keywarden</title>');
  desktop = await startDesktop({ dataDir, rendererDir, preloadPath: PRELOAD, appRoot: dataDir, env: {}, log: (l) => logged.push(l) });
});

afterAll(async () => {
  await desktop?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(rendererDir, { recursive: true, force: true });
});

/** Invokes a registered IPC handler the way ipcMain would, with `frame` as the sender. */
async function invoke(method: string, input: unknown, frame: { url: string; parent: unknown } | null = APP_FRAME) {
  const handler = fake.state.ipcHandlers.get(channelFor(method));
  if (!handler) throw new Error(`no handler for ${method}`);
  return (await handler({ senderFrame: frame }, input)) as { ok: boolean; value?: unknown; error?: Record<string, unknown> };
}

describe('the one window', () => {
  it('is created once, hidden until ready, with the security checklist in webPreferences', () => {
    expect(fake.state.windows).toHaveLength(1);
    const { options } = fake.state.windows[0]!;
    expect(options.show).toBe(false);
    expect(options.webPreferences).toEqual({
      preload: PRELOAD,
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
  });

  it("loads the app's own files from app://keywarden, not a remote or file: URL", () => {
    expect(fake.state.windows[0]!.loadedUrl).toBe('app://keywarden/');
  });

  it('serves the window over app:// with the strict CSP and security headers', async () => {
    const handler = fake.state.protocolHandlers.get('app')!;
    const res = await handler(new Request('app://keywarden/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Keywarden</title>');
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
    expect((await handler(new Request('app://keywarden/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    // Dot segments are resolved inside the origin: the answer is the window, never a file outside it.
    for (const escape of ['app://keywarden/../../etc/passwd', 'app://keywarden/%2e%2e/%2e%2e/etc/passwd', 'app://keywarden/..%2f..%2fetc%2fpasswd']) {
      const r = await handler(new Request(escape));
      expect(await r.text()).not.toMatch(/root:/);
    }
  });

  it('denies every permission request and check', () => {
    const asked: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      fake.state.permissionRequestHandler!({}, permission, (granted: boolean) => asked.push(granted));
    }
    expect(asked).toEqual([false, false, false, false, false]);
    expect(fake.state.permissionCheckHandler!({}, 'media', 'app://keywarden', {})).toBe(false);
    expect(fake.state.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);
  });
});

describe('IPC: registered by looping over the contract\'s window subset', () => {
  it('one handler per window method, on keywarden:<method>, and nothing else (no channel for record.get)', () => {
    expect(fake.state.ipcHandleCalls).toHaveLength(WINDOW_METHOD_NAMES.length);
    expect([...fake.state.ipcHandleCalls].sort()).toEqual(WINDOW_METHOD_NAMES.map(channelFor).sort());
    expect(fake.state.ipcHandleCalls.every((c) => c.startsWith('keywarden:'))).toBe(true);
    expect(WINDOW_METHOD_NAMES.length).toBeLessThan(METHOD_NAMES.length);
    expect(fake.state.ipcHandlers.has(channelFor('record.get'))).toBe(false);
  });

  it('the production window has devtools off and a menu without Toggle DevTools', () => {
    expect((fake.state.windows[0]!.options.webPreferences as { devTools?: boolean }).devTools).toBe(false);
    expect(JSON.stringify(fake.state.menus)).not.toMatch(/toggleDevTools/i);
    expect(fake.state.menus).toHaveLength(1);
  });

  it('answers a call from the app frame through the real engine', async () => {
    const out = await invoke('app.status', {});
    expect(out.ok).toBe(true);
    expect(out.value).toMatchObject({ initialized: false });
  });

  it('refuses a foreign or nested sender frame before touching the engine', async () => {
    const foreign = [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'http://localhost:5173/', parent: null }, // a dev server this run did not configure
      { url: 'app://keywarden.evil/index.html', parent: null },
      { url: 'app://keywarden/index.html', parent: { url: 'app://keywarden/' } }, // a subframe
      { url: 'about:blank', parent: null },
      null, // a destroyed frame
    ];
    for (const frame of foreign) {
      const out = await invoke('auth.init', { passphrase: 'a passphrase long enough 42' }, frame);
      expect(out).toEqual({ ok: false, error: { code: 'forbidden', status: 403, message: 'this page may not call Keywarden' } });
    }
    // None of the refused calls reached the engine: the installation is still uninitialized.
    expect((await invoke('app.status', {})).value).toMatchObject({ initialized: false });
    expect(logged.some((l) => l.includes('refused IPC auth.init from https://evil.example'))).toBe(true);
    expect(logged.join('\n')).not.toContain('a passphrase long enough');
  });

  it('validates input with the contract and shapes errors as { code, status, message } with no stack', async () => {
    const out = await invoke('tenant.create', { slug: 'acme', colour: 'red' });
    expect(out.ok).toBe(false);
    expect(out.error).toEqual({ code: 'invalid_input', status: 400, message: 'colour: unknown field', details: { field: 'colour', reason: 'unknown field' } });
    const missing = await invoke('keys.versions', { tenant: 'ghost' });
    expect(missing.ok).toBe(false);
    expect(missing.error).toMatchObject({ code: 'not_found', status: 404, message: expect.stringContaining('ghost') });
    expect(Object.keys(missing.error ?? {}).every((k) => ['code', 'status', 'message', 'details'].includes(k))).toBe(true);
    expect(JSON.stringify(missing)).not.toMatch(/\bat .*\.ts:\d+|stack/);
  });

  it('after an export, report.reveal shows the package folder in the file manager (Electron shell), and nothing else', async () => {
    expect((await invoke('auth.init', { passphrase: 'correct horse battery staple 42' })).ok).toBe(true);
    expect((await invoke('tenant.create', { slug: 'reveal-me' })).ok).toBe(true);
    const out = path.join(dataDir, 'chosen-in-the-save-dialog');
    fake.state.saveDialogAnswer = out;
    const today = new Date().toISOString().slice(0, 10);
    const exported = await invoke('report.export', { from: today, to: today });
    expect(exported.ok).toBe(true);
    const { folder, audit_seq } = exported.value as { folder: string; audit_seq: number };
    expect(path.dirname(folder)).toBe(out);
    const shown = await invoke('report.reveal', { audit_seq, folder });
    expect(shown).toEqual({ ok: true, value: { revealed: true, folder: fs.realpathSync(folder) } });
    expect(fake.state.calls.filter((c) => c.startsWith('showItemInFolder:'))).toEqual([`showItemInFolder:${fs.realpathSync(folder)}`]);
    // A folder that is not the export's is refused before the shell is asked.
    expect((await invoke('report.reveal', { audit_seq, folder: dataDir })).error).toMatchObject({ code: 'invalid_input' });
    expect(fake.state.calls.filter((c) => c.startsWith('showItemInFolder:'))).toHaveLength(1);
  });

  it('close() removes every channel and the protocol handler', async () => {
    const other = fake.state.ipcHandleCalls.length;
    await desktop.close();
    expect(fake.state.removedChannels).toHaveLength(other);
    expect(fake.state.ipcHandlers.size).toBe(0);
    expect(fake.state.unhandled).toEqual(['app']);
  });
});
