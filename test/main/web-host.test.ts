import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../main/web-host/read-body';
import { startWebHost, type WebHost } from '../../main/web-host/server';
import { apiCall, rawRequest } from './http-request';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

let host: WebHost;
let dataDir: string;
let staticDir: string;
const logged: string[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-webhost-'));
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-static-'));
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>kw</title><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dataDir, '..', 'kw-outside-secret.txt'), 'outside');
  host = await startWebHost({ dataDir, staticDir, env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY, log: (l) => logged.push(l) });
  // The window's first run: setting the passphrase seals (and opens) the installation secrets.
  expect((await apiCall(host.port, 'auth.init', { passphrase: 'correct horse battery staple' }, host.token)).status).toBe(200);
});

afterAll(async () => {
  await host?.close();
});

const tenants = async () => (await apiCall(host.port, 'tenant.list', {}, host.token)).json().value as { slug: string }[];

describe('web host: address and URL', () => {
  it('prints a 127.0.0.1 URL with a 32-byte base64url token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is bound to 127.0.0.1 only (another loopback address on the same port is refused)', async () => {
    await expect(rawRequest({ host: '127.0.0.2', port: host.port, path: '/' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('uses a fresh random port and token per host', async () => {
    const other = await startWebHost({ dataDir, staticDir, env: {} });
    try {
      expect(other.port).not.toBe(host.port);
      expect(other.token).not.toBe(host.token);
    } finally {
      await other.close();
    }
  });
});

describe('web host: the guard', () => {
  it('refuses an API call without the token with 401 and changes nothing', async () => {
    const before = await tenants();
    const res = await apiCall(host.port, 'tenant.create', { slug: 'no-token' }, undefined);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized', status: 401 } });
    expect(await tenants()).toEqual(before);
  });

  it.each([
    ['a wrong token', 'x'.repeat(43)],
    ['a truncated token', () => host.token.slice(0, -1)],
    ['an empty token', ''],
  ])('refuses %s with 401', async (_label, token) => {
    const t = typeof token === 'function' ? token() : token;
    const res = await apiCall(host.port, 'tenant.create', { slug: 'bad-token' }, t);
    expect(res.status).toBe(401);
    expect(res.json().error?.code).toBe('unauthorized');
    expect((await tenants()).map((x) => x.slug)).not.toContain('bad-token');
  });

  it.each(['http://evil.example', 'null', `http://127.0.0.1:${1}`, 'https://127.0.0.1'])('refuses Origin %s with 403 even with the token', async (origin) => {
    const res = await apiCall(host.port, 'tenant.create', { slug: 'cross-origin' }, host.token, { origin });
    expect(res.status).toBe(403);
    expect(res.json().error?.code).toBe('forbidden');
    expect((await tenants()).map((x) => x.slug)).not.toContain('cross-origin');
  });

  it('accepts its own origin under either name', async () => {
    const res = await apiCall(host.port, 'tenant.list', {}, host.token, { origin: `http://localhost:${host.port}`, host: `localhost:${host.port}` });
    expect(res.status).toBe(200);
  });

  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1:1', '0.0.0.0:PORT', ''])('refuses Host "%s" (DNS rebinding) with 421, for the API and files', async (h) => {
    const hostHeader = h.replace('PORT', String(host.port));
    const api = await apiCall(host.port, 'tenant.list', {}, host.token, { host: hostHeader });
    expect(api.status).toBe(421);
    const page = await rawRequest({ port: host.port, path: '/', headers: { host: hostHeader } });
    expect(page.status).toBe(421);
  });
});

describe('web host: the API', () => {
  it('round-trips tenant.create then tenant.list, auditing the peer address', async () => {
    const created = await apiCall(host.port, 'tenant.create', { slug: 'acme' }, host.token);
    expect(created.status).toBe(200);
    expect(created.json()).toMatchObject({ ok: true, value: { slug: 'acme', wrap_method: 'local' } });
    expect((await tenants()).map((t) => t.slug)).toContain('acme');
    const audit = (await apiCall(host.port, 'audit.list', { action: 'tenant' }, host.token)).json().value as { address: string }[];
    expect(audit[0]?.address).toBe('127.0.0.1');
  });

  it('answers with no-store and nosniff headers', async () => {
    const res = await apiCall(host.port, 'tenant.list', {}, host.token);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers invalid JSON with 400 invalid_input', async () => {
    const res = await rawRequest({ port: host.port, method: 'POST', path: '/api/tenant.list', headers: { 'content-type': 'application/json', 'x-keywarden-token': host.token }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(res.json().error?.code).toBe('invalid_input');
  });

  it('answers an input the contract refuses with 400 naming the field', async () => {
    const res = await apiCall(host.port, 'tenant.create', { slug: '' }, host.token);
    expect(res.status).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('slug') });
  });

  it.each(['no.such', 'tenant.list/extra', '__proto__', 'constructor'])('answers unknown method %s with 404', async (m) => {
    const res = await apiCall(host.port, m, {}, host.token);
    expect(res.status).toBe(404);
    expect(res.json().error?.code).toBe('not_found');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const res = await apiCall(host.port, 'tenant.create', { slug: 'x'.repeat(MAX_BODY_BYTES) }, host.token);
    expect(res.status).toBe(413);
    expect(res.json().error?.code).toBe('invalid_input');
  });

  it('refuses the token in the query string, even a correct one, and changes nothing', async () => {
    const before = await tenants();
    const res = await rawRequest({ port: host.port, method: 'POST', path: `/api/tenant.create?token=${host.token}`, headers: { 'content-type': 'application/json', 'x-keywarden-token': host.token }, body: JSON.stringify({ slug: 'via-query' }) });
    expect(res.status).toBe(400);
    expect(res.json().error?.message).toMatch(/header, never in the URL/);
    const noHeader = await rawRequest({ port: host.port, method: 'POST', path: `/api/tenant.list?token=${host.token}`, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noHeader.status).toBe(400);
    expect(await tenants()).toEqual(before);
  });

  it.each(['record.get', 'record.delete', 'session.issue', 'fault.set'])('serves only the window subset: %s is 404 even with the token', async (m) => {
    const res = await apiCall(host.port, m, { tenant: 'acme', table: 'integration_configs', name: 'n' }, host.token);
    expect(res.status).toBe(404);
    expect(res.json().error?.code).toBe('not_found');
  });

  it('report.export from the window takes no path: `out` is refused, packages go under the data dir\'s reports/', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-export-outside-'));
    const res = await apiCall(host.port, 'report.export', { from: '2026-01-01', to: '2026-01-02', out: outside }, host.token);
    expect(res.status).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', details: { field: 'out' } });
    expect(fs.readdirSync(outside)).toEqual([]);
    const ok = await apiCall(host.port, 'report.export', { from: '2026-01-01', to: '2026-01-02' }, host.token);
    expect(ok.status).toBe(200);
    const written = (ok.json().value as { folder?: string; zip?: string; dir?: string }) ?? {};
    expect(JSON.stringify(written)).toContain(path.join(dataDir, 'reports'));
  });

  it('takes POST with application/json only', async () => {
    const get = await rawRequest({ port: host.port, path: '/api/tenant.list', headers: { 'x-keywarden-token': host.token } });
    expect(get.status).toBe(405);
    const form = await rawRequest({ port: host.port, method: 'POST', path: '/api/tenant.list', headers: { 'x-keywarden-token': host.token, 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
  });
});

describe('web host: the window files', () => {
  it('serves index.html without a token, with the strict CSP and security headers', async () => {
    const res = await rawRequest({ port: host.port, path: '/' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>kw</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their content type, and index.html for client routes', async () => {
    const js = await rawRequest({ port: host.port, path: '/assets/app.js' });
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    const route = await rawRequest({ port: host.port, path: '/tenants/acme' });
    expect(route.text).toContain('<title>kw</title>');
    expect((await rawRequest({ port: host.port, path: '/assets/missing.js' })).status).toBe(404);
  });

  it.each(['/../kw-outside-secret.txt', '/%2e%2e/kw-outside-secret.txt', '/assets/..%2f..%2fkw-outside-secret.txt', '/%00'])('refuses a path outside the build: %s', async (p) => {
    const res = await rawRequest({ port: host.port, path: p });
    expect([400, 404]).toContain(res.status);
    expect(res.text).not.toContain('outside');
  });

  it('says "run npm run build" with a 500 when the build is missing', async () => {
    const bare = await startWebHost({ dataDir, staticDir: path.join(staticDir, 'nope'), env: {} });
    try {
      const res = await rawRequest({ port: bare.port, path: '/' });
      expect(res.status).toBe(500);
      expect(res.text).toContain('npm run build');
      expect(res.headers['content-security-policy']).toBeDefined();
    } finally {
      await bare.close();
    }
  });
});

describe('web host: lifecycle', () => {
  it('refuses a port that is taken with a clear conflict', async () => {
    await expect(startWebHost({ dataDir, staticDir, port: host.port, env: {} })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('close() stops answering and is idempotent', async () => {
    const h = await startWebHost({ dataDir, staticDir, env: {} });
    await Promise.all([h.close(), h.close()]);
    await expect(rawRequest({ port: h.port, path: '/' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
