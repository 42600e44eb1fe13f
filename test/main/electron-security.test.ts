/**
 * The Electron security decisions as small pure functions, table-tested: which URLs are
 * the app's own, which senders may call IPC, navigation / window.open / webview locks,
 * permissions, the CSP string, and what an error may look like when it crosses IPC.
 */
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../core/api/handlers';
import { KeywardenError } from '../../core/errors';
import { shapeError, shapeOutcome } from '../../main/electron/error-shape';
import { denyAllPermissions, lockNavigation } from '../../main/electron/harden';
import { handleCall } from '../../main/electron/ipc';
import { devServerOriginFrom, isTrustedRendererUrl, isTrustedSender } from '../../main/electron/trust';
import { contentSecurityPolicy } from '../../main/web-host/security-headers';
import { fakeWebContents } from './electron-fake';
import { mainWindowOptions } from '../../main/electron/window-options';
import { appMenuTemplate } from '../../main/electron/app-menu';
import { DEV_BUILD } from '../../main/electron/build-flags';
import { reportFolderFromSaveDialog } from '../../main/electron/report-save-dialog';

const caller = { actor: 'tester@host', address: 'local' };
const APP_FRAME = { url: 'app://keywarden/index.html', parent: null };

describe('trust: which renderer URLs are the app', () => {
  it.each([
    ['app://keywarden/', true],
    ['app://keywarden/index.html#/tenants', true],
    ['APP://KEYWARDEN/index.html', true],
    ['app://keywarden.evil/', false],
    ['app://other/', false],
    ['file:///work/main/out/renderer/index.html', false],
    ['https://keywarden/', false],
    ['http://127.0.0.1:5173/', false],
    ['data:text/html,<script>1</script>', false],
    ['about:blank', false],
    ['javascript:alert(1)', false],
    ['', false],
    ['not a url', false],
  ])('%s → %s', (url, trusted) => {
    expect(isTrustedRendererUrl(url)).toBe(trusted);
  });

  it('the dev server counts only in a development build, unpackaged, plain http on loopback', () => {
    const dev = { devBuild: true, isPackaged: false };
    expect(devServerOriginFrom('http://localhost:5173/', dev)).toBe('http://localhost:5173');
    expect(devServerOriginFrom('http://127.0.0.1:5173/index.html', dev)).toBe('http://127.0.0.1:5173');
    expect(devServerOriginFrom('http://localhost:5173/', { devBuild: true, isPackaged: true })).toBeUndefined();
    // A production build ignores ELECTRON_RENDERER_URL even unpackaged (npm start after a build).
    expect(devServerOriginFrom('http://localhost:5173/', { devBuild: false, isPackaged: false })).toBeUndefined();
    expect(DEV_BUILD).toBe(false);
    expect(devServerOriginFrom('https://localhost:5173/', dev)).toBeUndefined();
    expect(devServerOriginFrom('http://192.168.1.5:5173/', dev)).toBeUndefined();
    expect(devServerOriginFrom('http://localhost.evil.example:5173/', dev)).toBeUndefined();
    expect(devServerOriginFrom(undefined, dev)).toBeUndefined();
    const trust = { devServerOrigin: 'http://localhost:5173' };
    expect(isTrustedRendererUrl('http://localhost:5173/src/main.tsx', trust)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', trust)).toBe(false);
  });

  it('devtools: off in a production window and absent from its menu; present only in a development build', () => {
    expect(mainWindowOptions('/p.js').webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions('/p.js', { devTools: true }).webPreferences?.devTools).toBe(true);
    const roles = (devBuild: boolean, platform: NodeJS.Platform) =>
      JSON.stringify(appMenuTemplate(devBuild, platform)).match(/"role":"[a-zA-Z]+"/g) ?? [];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(roles(false, platform).join()).not.toMatch(/toggleDevTools|reload|forceReload/i);
      expect(roles(true, platform)).toContain('"role":"toggleDevTools"');
    }
  });

  it('only the top frame of an app page is a trusted sender', () => {
    expect(isTrustedSender(APP_FRAME)).toBe(true);
    expect(isTrustedSender({ url: 'app://keywarden/', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('harden: the window never leaves its page', () => {
  it('blocks navigation, redirects, webviews and window.open, and says so', () => {
    const contents = fakeWebContents();
    const log: string[] = [];
    // The fake has the two members lockNavigation uses; Electron's overloaded `on` type is not worth mirroring.
    lockNavigation(contents as unknown as Parameters<typeof lockNavigation>[0], (what, url) => log.push(`${what} ${url}`));
    expect(contents.emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-navigate', 'app://keywarden/other.html')).toBe(true);
    expect(contents.emit('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(contents.open('https://evil.example/')).toBe('deny');
    expect(contents.open('app://keywarden/')).toBe('deny');
    expect(log).toEqual([
      'blocked navigation https://evil.example/',
      'blocked navigation app://keywarden/other.html',
      'blocked redirect https://evil.example/',
      'blocked window.open https://evil.example/',
      'blocked window.open app://keywarden/',
    ]);
  });

  it('denies every permission request, check and device', () => {
    const seen: { request?: (c: unknown, p: string, cb: (ok: boolean) => void) => void; check?: () => boolean; device?: () => boolean } = {};
    denyAllPermissions({
      setPermissionRequestHandler: ((h: typeof seen.request) => void (seen.request = h)) as never,
      setPermissionCheckHandler: ((h: typeof seen.check) => void (seen.check = h)) as never,
      setDevicePermissionHandler: ((h: typeof seen.device) => void (seen.device = h)) as never,
    });
    const answers: boolean[] = [];
    for (const p of ['media', 'midi', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-sanitized-write']) seen.request!({}, p, (ok) => answers.push(ok));
    expect(answers.every((a) => a === false)).toBe(true);
    expect(seen.check!()).toBe(false);
    expect(seen.device!()).toBe(false);
  });
});

describe('CSP of the window', () => {
  const parse = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

  it('production: nothing but its own files, no inline or eval, no framing, no plugins', () => {
    const csp = contentSecurityPolicy();
    const d = parse(csp);
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['style-src']).toEqual(["'self'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['frame-src']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    expect(d['form-action']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:|ws:/);
  });

  it('development adds only the loopback dev server (inline preamble, HMR socket)', () => {
    const d = parse(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }));
    expect(d['script-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d['connect-src']).toEqual(["'self'", 'ws://localhost:5173']);
    expect(d['default-src']).toEqual(["'none'"]);
  });
});

describe('report.export from the window names no path', () => {
  const exportInput = { from: '2026-01-01', to: '2026-01-31' };
  const seen: unknown[] = [];
  const handlers = { 'report.export': (input: unknown) => (seen.push(input), Promise.resolve({ ok: true })) } as unknown as Handlers;

  it('an `out` sent by the window is refused before anything runs', async () => {
    const out = await handleCall(handlers, 'report.export', APP_FRAME, { ...exportInput, out: '/home/victim/.ssh' }, { caller });
    expect(out).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'out' } } });
    expect(seen).toEqual([]);
  });

  it('the main process asks with the save dialog and passes the folder chosen; cancel cancels', async () => {
    const asked: unknown[] = [];
    let answer = { canceled: false, filePath: '/home/me/evidence-q1' };
    const dialog = { showSaveDialog: (...args: unknown[]) => (asked.push(args.at(-1)), Promise.resolve(answer)) } as never;
    const windowInput = reportFolderFromSaveDialog(dialog, () => undefined);
    expect(await handleCall(handlers, 'report.export', APP_FRAME, exportInput, { caller, windowInput })).toMatchObject({ ok: true });
    expect(seen.at(-1)).toMatchObject({ ...exportInput, out: '/home/me/evidence-q1' });
    expect(asked).toHaveLength(1);
    answer = { canceled: true, filePath: '' };
    const before = seen.length;
    expect(await handleCall(handlers, 'report.export', APP_FRAME, exportInput, { caller, windowInput })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/cancelled/) } });
    expect(seen.length).toBe(before);
    // Other methods never open a dialog.
    await handleCall({ 'app.status': () => ({}) } as unknown as Handlers, 'app.status', APP_FRAME, {}, { caller, windowInput });
    expect(asked).toHaveLength(2);
  });
});

describe('errors crossing IPC', () => {
  const handlersThatThrow = (e: unknown) => ({ 'app.status': () => Promise.reject(e) }) as unknown as Handlers;

  it('an unexpected error becomes `internal` with a fixed message: no text, no stack, no secret', async () => {
    const secret = new Error('connect failed for AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG');
    const out = await handleCall(handlersThatThrow(secret), 'app.status', APP_FRAME, {}, { caller });
    expect(out).toEqual({ ok: false, error: { code: 'internal', status: 500, message: 'internal error (see the application log)' } });
  });

  it('a KeywardenError keeps its code, status and message; details are flattened to primitives', async () => {
    const e = new KeywardenError('probe_failed', 'probe failed at wrap: aws access_denied', {
      step: 'wrap',
      reason: 'access_denied',
      provider_code: 'AccessDeniedException',
      nested: { token: 'should not cross' },
      list: ['a'],
      huge: 'x'.repeat(5000),
    });
    const out = await handleCall(handlersThatThrow(e), 'app.status', APP_FRAME, {}, { caller });
    expect(out.ok).toBe(false);
    const error = (out as unknown as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ code: 'probe_failed', status: 424, message: 'probe failed at wrap: aws access_denied' });
    expect(error.details).toEqual({ step: 'wrap', reason: 'access_denied', provider_code: 'AccessDeniedException', huge: 'x'.repeat(300) });
    expect(JSON.stringify(out)).not.toContain('should not cross');
    expect(error).not.toHaveProperty('stack');
  });

  it('a method outside the contract is not_found; a bad input is invalid_input naming the field', async () => {
    const none = {} as Handlers;
    expect(await handleCall(none, 'fs.readFile', APP_FRAME, {}, { caller })).toMatchObject({ ok: false, error: { code: 'not_found', status: 404 } });
    // Outside the window's subset: no channel is registered, and the call path refuses it too.
    const reached: string[] = [];
    const spy = new Proxy({}, { get: (_t, name) => () => reached.push(String(name)) }) as Handlers;
    expect(await handleCall(spy, 'record.get', APP_FRAME, { tenant: 'a', table: 'integration_configs', name: 'n' }, { caller })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(reached).toEqual([]);
    expect(await handleCall(none, 'tenant.create', APP_FRAME, { slug: 7 }, { caller })).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'slug' } } });
  });

  it('a forged outcome cannot smuggle an unknown code, a stack or an object through', () => {
    expect(shapeOutcome({ ok: false, error: { code: 'EACCES' as never, status: 200, message: 'x' } })).toEqual({ ok: false, error: { code: 'internal', status: 500, message: 'internal error (see the application log)' } });
    const shaped = shapeOutcome({ ok: false, error: { code: 'conflict', status: 200, message: 'm', stack: 'at x.ts:1' } as never });
    expect(shaped).toEqual({ ok: false, error: { code: 'conflict', status: 409, message: 'm' } });
    expect(shapeError('a string thrown')).toEqual({ code: 'internal', status: 500, message: 'internal error (see the application log)' });
  });
});
