/**
 * The command palette in a real chromium: Ctrl+K opens it with focus in the search
 * field, typing filters, the arrows move a visible selection, Enter runs "Verify audit
 * log" (the Audit trail shows the chain intact, and the Overview then shows the verify),
 * Escape closes and focus returns where it was. It lists the main actions (rotate, verify,
 * cross-check, export, run a drill) and each runs from the keyboard alone, focus landing
 * on the form it leads to.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? ''}` : 'none';
});

/** Ctrl+K, type, Enter: the palette closes and the chosen action runs. */
async function runFromPalette(page: Page, query: string, expected: RegExp) {
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.waitFor();
  await page.keyboard.type(query);
  expect(await palette.getByRole('option', { selected: true }).textContent()).toMatch(expected);
  await page.keyboard.press('Enter');
  await palette.waitFor({ state: 'detached' });
}

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

  it('lists rotate, verify, cross-check, export and run drill, and runs each from the keyboard', async () => {
    const { page } = s;
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    const labels = await palette.getByRole('option').allTextContents();
    for (const want of [/^Rotate master key/, /^Verify audit log/, /^Cross-check provider logs/, /^Export evidence package/, /^Run a drill/]) expect(labels.some((l) => want.test(l)), String(want)).toBe(true);
    await page.keyboard.press('Escape');
    const nav = page.getByRole('navigation', { name: 'Main' });

    // Rotate: the step-up dialog opens with focus in the passphrase; Enter rotates.
    await runFromPalette(page, 'rotate', /^Rotate master key/);
    const dialog = page.getByRole('dialog', { name: /Rotate the master key of acme/ });
    await dialog.waitFor();
    expect(await focused(page)).toMatch(/^input/);
    await page.keyboard.type('correct horse battery staple 42');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await nav.getByRole('button', { name: /Key versions/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => ok('keys.versions', { tenant: 'acme' }).then((v) => (v as { version: number; status: string }[]).find((x) => x.status === 'active')?.version)).toBe(2);
    expect(await focused(page)).not.toBe('none');

    // Cross-check: the Evidence screen runs one and says so.
    await runFromPalette(page, 'cross-check', /^Cross-check provider logs/);
    expect(await nav.getByRole('button', { name: /Evidence/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.locator('main').textContent(), { timeout: 20_000 }).toMatch(/Cross-check #\d+ of/);

    // Export: Reports, focus in the period's first field; Tab on to Export package, Enter writes it.
    await runFromPalette(page, 'export', /^Export evidence package/);
    expect(await nav.getByRole('button', { name: /Reports/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => focused(page)).toMatch(/^input#report-from/);
    for (let i = 0; i < 20 && !/Export package/.test(await focused(page)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('report-result').waitFor({ timeout: 60_000 });

    // Run a drill: Drills, focus on the tenant; Tab on to Run drill, Enter runs it.
    await runFromPalette(page, 'drill', /^Run a drill/);
    expect(await nav.getByRole('button', { name: /Drills/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => focused(page)).toMatch(/^select/);
    for (let i = 0; i < 20 && !/^button.*Run drill/.test(await focused(page)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const detail = page.getByRole('region', { name: 'Drill results' });
    await expect.poll(() => detail.textContent(), { timeout: 30_000 }).toMatch(/acme/);
    expect(s.problems).toEqual([]);
  });
});
