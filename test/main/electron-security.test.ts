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

  it('the dev server counts only when configured, unpackaged, plain http on loopback', () => {
    expect(devServerOriginFrom('http://localhost:5173/', false)).toBe('http://localhost:5173');
    expect(devServerOriginFrom('http://127.0.0.1:5173/index.html', false)).toBe('http://127.0.0.1:5173');
    expect(devServerOriginFrom('http://localhost:5173/', true)).toBeUndefined();
    expect(devServerOriginFrom('https://localhost:5173/', false)).toBeUndefined();
    expect(devServerOriginFrom('http://192.168.1.5:5173/', false)).toBeUndefined();
    expect(devServerOriginFrom('http://localhost.evil.example:5173/', false)).toBeUndefined();
    expect(devServerOriginFrom(undefined, false)).toBeUndefined();
    const dev = { devServerOrigin: 'http://localhost:5173' };
    expect(isTrustedRendererUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false);
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
    expect(await handleCall(none, 'tenant.create', APP_FRAME, { slug: 7 }, { caller })).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'slug' } } });
  });

  it('a forged outcome cannot smuggle an unknown code, a stack or an object through', () => {
    expect(shapeOutcome({ ok: false, error: { code: 'EACCES' as never, status: 200, message: 'x' } })).toEqual({ ok: false, error: { code: 'internal', status: 500, message: 'internal error (see the application log)' } });
    const shaped = shapeOutcome({ ok: false, error: { code: 'conflict', status: 200, message: 'm', stack: 'at x.ts:1' } as never });
    expect(shaped).toEqual({ ok: false, error: { code: 'conflict', status: 409, message: 'm' } });
    expect(shapeError('a string thrown')).toEqual({ code: 'internal', status: 500, message: 'internal error (see the application log)' });
  });
});
