/**
 * The web host hands back an export's zip and PDF at GET /download/report/<seq>/<zip|pdf>:
 * same token guard as the API, as an attachment, and only files an export wrote. Paths
 * that try to climb out, entries that are not exports, a folder whose manifest changed,
 * and links planted in place of the files are all refused. report.reveal is the desktop's
 * (the web host says to download instead) and only reveals an export's own folder.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportExportResult } from '../../core/api/report-types';
import { createHandlers } from '../../core/api/handlers';
import { dispatch } from '../../core/api/dispatch';
import { openKeywarden } from '../../core/keywarden';
import { startWebHost, type WebHost } from '../../main/web-host/server';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { apiCall, rawRequest } from './http-request';

let dataDir: string;
let host: WebHost;
let exported: ReportExportResult;

const get = (p: string, headers: Record<string, string> = { 'x-keywarden-token': host.token }, method = 'GET') => rawRequest({ port: host.port, method, path: p, headers });

async function call<T>(method: string, input: unknown): Promise<T> {
  const body = (await apiCall(host.port, method, input, host.token)).json();
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value as T;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-download-'));
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-download-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>k</title>');
  host = await startWebHost({ dataDir, staticDir, env: {}, log: () => {}, passphrasePolicy: FAST_PASSPHRASE_POLICY, rewrap: false, checks: false });
  await call('auth.init', { passphrase: 'correct horse battery staple 42' });
  await call('tenant.create', { slug: 'acme', wrap: 'local' });
  const today = new Date().toISOString().slice(0, 10);
  exported = await call<ReportExportResult>('report.export', { from: today, to: today });
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('downloading an export from the web host', () => {
  it('serves the zip and the PDF as attachments, byte for byte', async () => {
    const zip = await rawRequest({ port: host.port, path: `/download/report/${exported.audit_seq}/zip`, headers: { 'x-keywarden-token': host.token } });
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers['content-disposition']).toBe(`attachment; filename="${path.basename(exported.zip)}"`);
    expect(zip.headers['x-content-type-options']).toBe('nosniff');
    expect(zip.headers['cache-control']).toBe('no-store');
    expect(Number(zip.headers['content-length'])).toBe(fs.statSync(exported.zip).size);
    const pdf = await get(`/download/report/${exported.audit_seq}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${path.basename(exported.folder)}.pdf"`);
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    const head = await get(`/download/report/${exported.audit_seq}/zip`, undefined, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('needs the token in the header, never in the URL', async () => {
    expect((await get(`/download/report/${exported.audit_seq}/zip`, {})).status).toBe(401);
    expect((await get(`/download/report/${exported.audit_seq}/zip`, { 'x-keywarden-token': 'wrong' })).status).toBe(401);
    expect((await get(`/download/report/${exported.audit_seq}/zip?token=${host.token}`, {})).status).toBe(400);
    expect((await get(`/download/report/${exported.audit_seq}/zip`, { 'x-keywarden-token': host.token, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/download/report/${exported.audit_seq}/zip`, { 'x-keywarden-token': host.token, host: 'evil.example' })).status).toBe(421);
    expect((await get(`/download/report/${exported.audit_seq}/zip`, undefined, 'POST')).status).toBe(405);
  });

  it('answers only an export entry and a file kind: no path reaches anything else', async () => {
    fs.writeFileSync(path.join(dataDir, 'outside.txt'), 'not yours');
    const attempts = [
      `/download/report/${exported.audit_seq}/../../keywarden.db`,
      `/download/report/${exported.audit_seq}/%2e%2e%2f%2e%2e%2fkeywarden.db`,
      `/download/report/${exported.audit_seq}/..%2f..%2foutside.txt`,
      `/download/report/${exported.audit_seq}/manifest.json`,
      `/download/report/${exported.audit_seq}/zip/`,
      `/download/report/${exported.audit_seq}/ZIP`,
      `/download/report/0${exported.audit_seq}/zip`,
      `/download/report/-1/zip`,
      `/download/report/1e3/zip`,
      `/download/report/99999999999999999999/zip`,
      `/download/../keywarden.db`,
      `/download/report/${exported.audit_seq}%2fzip`,
      `/download/report/${encodeURIComponent(exported.folder)}/zip`,
    ];
    for (const p of attempts) {
      const r = await get(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.text, p).not.toContain('not yours');
      expect(r.headers['content-disposition'], p).toBeUndefined();
    }
    // An audit entry that is not an export (tenant.created is #2), and one that does not exist.
    expect((await get('/download/report/2/zip')).json().error).toMatchObject({ code: 'not_found', message: 'audit entry #2 is not a report export' });
    expect((await get('/download/report/999999/zip')).status).toBe(404);
  });

  it('refuses a package whose manifest changed, and a link planted in place of the zip', async () => {
    const manifest = path.join(exported.folder, 'manifest.json');
    const original = fs.readFileSync(manifest);
    fs.writeFileSync(manifest, Buffer.concat([original, Buffer.from(' ')]));
    try {
      const r = await get(`/download/report/${exported.audit_seq}/zip`);
      expect(r.status).toBe(409);
      expect(r.json().error?.message).toMatch(/no longer holds export/);
    } finally {
      fs.writeFileSync(manifest, original);
    }
    expect(createHash('sha256').update(fs.readFileSync(manifest)).digest('hex')).toBe(exported.manifest_sha256);
    const kept = `${exported.zip}.kept`;
    fs.renameSync(exported.zip, kept);
    fs.symlinkSync(path.join(dataDir, 'keywarden.db'), exported.zip);
    try {
      const r = await get(`/download/report/${exported.audit_seq}/zip`);
      expect(r.status).toBe(404);
      expect(r.headers['content-disposition']).toBeUndefined();
    } finally {
      fs.rmSync(exported.zip);
      fs.renameSync(kept, exported.zip);
    }
    expect((await get(`/download/report/${exported.audit_seq}/zip`)).status).toBe(200);
  });

  it('report.reveal is the desktop app’s: the web host says to download instead', async () => {
    const r = (await apiCall(host.port, 'report.reveal', { audit_seq: exported.audit_seq, folder: exported.folder }, host.token)).json();
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/download the package instead/) });
  });
});

describe('report.reveal with a host that can show folders', () => {
  it('shows only the export’s own folder', async () => {
    const shown: string[] = [];
    const kw = openKeywarden({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kw-reveal-')), env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY });
    try {
      const handlers = createHandlers(kw, { revealInFolder: (f) => shown.push(f) });
      const caller = { actor: 'tester', address: 'test' };
      // The passphrase set: the audit signing key (the export signs a checkpoint) opens with it.
      await dispatch(handlers, 'auth.init', { passphrase: 'correct horse battery staple 42' }, caller);
      await dispatch(handlers, 'tenant.create', { slug: 'acme' }, caller);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-reveal-out-'));
      const today = new Date().toISOString().slice(0, 10);
      const e = await dispatch(handlers, 'report.export', { from: today, to: today, out }, caller);
      if (!e.ok) throw new Error(JSON.stringify(e.error));
      const ok = await dispatch(handlers, 'report.reveal', { audit_seq: e.value.audit_seq, folder: e.value.folder }, caller);
      expect(ok).toEqual({ ok: true, value: { revealed: true, folder: fs.realpathSync(e.value.folder) } });
      expect(shown).toEqual([fs.realpathSync(e.value.folder)]);
      // Another folder, a different name, or an entry that is not an export: refused, nothing shown.
      const elsewhere = path.join(out, 'elsewhere', path.basename(e.value.folder));
      fs.mkdirSync(elsewhere, { recursive: true });
      fs.writeFileSync(path.join(elsewhere, 'manifest.json'), '{}');
      expect(await dispatch(handlers, 'report.reveal', { audit_seq: e.value.audit_seq, folder: elsewhere }, caller)).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await dispatch(handlers, 'report.reveal', { audit_seq: e.value.audit_seq, folder: os.homedir() }, caller)).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'folder' } } });
      expect(await dispatch(handlers, 'report.reveal', { audit_seq: 1, folder: e.value.folder }, caller)).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(shown).toHaveLength(1);
    } finally {
      await kw.close();
    }
  });
});
