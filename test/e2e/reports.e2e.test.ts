/**
 * The Reports screen in a real chromium against the loopback host: pick a period, read
 * the preview's section counts, export with the progress bar moving, get the folder and
 * the manifest hash, and check the package it wrote with the offline verifier.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '../../core/report/verify/verify-package';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
const CALLS = 60_000;
let browser: Browser;
let s: Session;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

/** KMS calls over the last few days, written straight into the host's database (WAL: safe beside it). */
function seedCalls(dataDir: string, slug: string, n: number): void {
  const db = new Database(path.join(dataDir, 'keywarden.db'));
  try {
    const { id } = db.prepare('SELECT id FROM tenants WHERE slug = ?').get(slug) as { id: string };
    const insert = db.prepare(
      `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, outcome, error_message, duration_ms)
       VALUES (?, ?, 'local', 'local-kms.key', 1, 'unwrap', ?, NULL, ?, NULL, 3)`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(new Date(now - 3 * 86_400_000 + Math.floor((i * 3 * 86_400_000) / n)).toISOString(), id, `e2e-${i}`, i % 500 === 0 ? 'unreachable' : 'ok');
    })();
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser);
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('reports in the window', () => {
  it('previews the period, exports with progress, and shows a package that verifies offline', async () => {
    await api('auth.init', { passphrase: PASSPHRASE });
    await api('tenant.create', { slug: 'acme', wrap: 'local' });
    await api('tenant.create', { slug: 'globex', wrap: 'local' });
    await api('record.seedSample', { tenant: 'acme', rows: 300 });
    const { token } = await api<{ token: string }>('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' });
    await api('keys.rotate', { tenant: 'acme', step_up_token: token });
    seedCalls(s.dataDir, 'acme', CALLS);

    const { page } = s;
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Reports/ }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    // The default is last quarter; this installation's activity is this quarter.
    await page.getByRole('button', { name: 'Quarter to date' }).click();
    const kms = page.locator('.report-count[data-section="kms_calls"] .report-count-value');
    await expect.poll(async () => Number((await kms.textContent())?.replace(/,/g, '')), { timeout: 15_000 }).toBeGreaterThanOrEqual(CALLS);
    expect(await page.locator('.report-count[data-section="tenants"] .report-count-value').textContent()).toBe('2');
    expect(await page.locator('.report-count[data-section="rotations"] .report-count-value').textContent()).toBe('1');
    await page.getByText('No drill has been run in this period.').waitFor();
    await s.shot('reports-01-preview');

    await page.getByLabel('Tenant').selectOption('acme');
    await expect.poll(() => page.locator('.report-count[data-section="tenants"] .report-count-value').textContent()).toBe('1');

    await page.getByRole('button', { name: 'Export package' }).click();
    const bar = page.getByRole('progressbar', { name: 'Export progress' });
    await bar.waitFor({ timeout: 10_000 });
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(5);
    await s.shot('reports-02-exporting');

    const result = page.getByTestId('report-result');
    await result.waitFor({ timeout: 90_000 });
    // The screen scrolls the result into view (box relative to the viewport): its head is
    // on screen (the card, with its copy buttons and the pinning note, can be taller than it).
    await expect.poll(async () => {
      const box = await result.boundingBox();
      return box !== null && box.y >= 0 && box.y + Math.min(box.height, 120) <= (page.viewportSize()?.height ?? 0);
    }).toBe(true);
    await s.shot('reports-03-exported');
    const folder = (await page.getByTestId('report-folder').textContent())!.trim();
    const hash = (await page.getByTestId('report-manifest-hash').textContent())!.trim();
    expect(path.dirname(folder)).toBe(path.join(s.dataDir, 'reports'));
    expect(path.basename(folder)).toMatch(/-acme-/);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    const [entry] = await api<{ payload: { manifest_sha256: string } }[]>('audit.list', { action: 'report.exported', limit: 1 });
    expect(entry?.payload.manifest_sha256).toBe(hash);
    const { verifier_key } = await api<{ verifier_key: string }>('audit.publicKey', {});
    const verdict = await verifyPackage(`${folder}.zip`, { publicKey: verifier_key });
    expect(verdict.failures).toEqual([]);
    expect(fs.existsSync(path.join(folder, 'report.pdf'))).toBe(true);

    // The web host offers downloads (the desktop app offers "Open folder" instead).
    expect(await result.getByRole('button', { name: 'Open folder' }).count()).toBe(0);
    const [zipDownload] = await Promise.all([page.waitForEvent('download'), result.getByRole('button', { name: 'Download package (.zip)' }).click()]);
    expect(zipDownload.suggestedFilename()).toBe(`${path.basename(folder)}.zip`);
    const savedZip = path.join(s.dataDir, 'downloaded.zip');
    await zipDownload.saveAs(savedZip);
    expect(fs.readFileSync(savedZip).equals(fs.readFileSync(`${folder}.zip`))).toBe(true);
    expect((await verifyPackage(savedZip, { publicKey: verifier_key })).failures).toEqual([]);
    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), result.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(pdfDownload.suggestedFilename()).toBe(`${path.basename(folder)}.pdf`);
    const savedPdf = path.join(s.dataDir, 'downloaded.pdf');
    await pdfDownload.saveAs(savedPdf);
    expect(fs.readFileSync(savedPdf).equals(fs.readFileSync(path.join(folder, 'report.pdf')))).toBe(true);
    await s.shot('reports-04-downloads');
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await result.getByRole('button', { name: 'Download package (.zip)' }).scrollIntoViewIfNeeded();
      const box = await result.getByRole('button', { name: 'Download PDF' }).boundingBox();
      expect(box !== null && box.x + box.width <= w && box.y + box.height <= h).toBe(true);
      await s.shot(`reports-05-downloads-${w}x${h}`);
    }
  }, 180_000);

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
