/**
 * The command palette in a real chromium: Ctrl+K opens it with focus in the search
 * field, typing filters, the arrows move a visible selection, Enter runs "Verify audit
 * log" (the Audit trail shows the chain intact, and the Overview then shows the verify),
 * Escape closes and focus returns where it was.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;

async function ok(method: string, input: unknown): Promise<unknown> {
  return callApi<never>(s.host, method, input);
}

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { env: {}, rewrap: false });
  await ok('auth.init', { passphrase: 'correct horse battery staple 42' });
  await ok('tenant.create', { slug: 'acme', wrap: 'local' });
  await ok('record.seedSample', { tenant: 'acme', rows: 20 });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('the command palette', () => {
  it('opens with Ctrl+K, filters, moves with the arrows and closes with Escape, focus restored', async () => {
    const { page } = s;
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const refresh = page.getByRole('button', { name: 'Refresh' });
    await refresh.focus();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    const search = palette.getByRole('combobox', { name: 'Action' });
    expect(await search.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    const options = palette.getByRole('option');
    expect(await options.count()).toBeGreaterThanOrEqual(6);
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    await search.fill('cross');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringMatching(/^Cross-check provider logs/), expect.stringMatching(/^Go to Evidence/)]);
    await search.fill('zzz nothing');
    await palette.getByText(/No action matches/).waitFor();
    await search.fill('');
    await s.shot('palette-open');
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    expect(await refresh.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('runs "Verify audit log" from the keyboard', async () => {
    const { page } = s;
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('combobox', { name: 'Action' }).fill('verify audit');
    expect(await palette.getByRole('option', { selected: true }).textContent()).toMatch(/^Verify audit log/);
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'detached' });
    const intact = page.getByRole('status').filter({ hasText: 'Chain intact' });
    await intact.waitFor({ timeout: 20_000 });
    expect(await intact.textContent()).toMatch(/\d+ entries re-hashed/);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).getAttribute('aria-current')).toBe('page');
    await s.shot('palette-verified');
    // The verify is recorded: the Overview's audit card now says when.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Overview/ }).click();
    const audit = page.getByRole('region', { name: 'Audit log' });
    await expect.poll(() => audit.textContent()).toMatch(/intact at the last verify/);
    expect(s.problems).toEqual([]);
  });
});
