/// <reference lib="dom" />
/**
 * The window at 1024×700 (and 1440×900 for comparison): on Tenants, Key versions, Drills,
 * Reports (and Evidence) every primary action is inside the viewport and no table pushes
 * its state column off-screen: tables scroll inside their card. Modal dialogs keep focus
 * inside (a Tab from the Rotate dialog's last button stays in it) and give it back to the
 * button that opened them. Screenshots of every screen at both sizes go to test-artifacts.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, callApi, launchBrowser, openSession, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
let browser: Browser;
let s: Session;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

async function open(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
}

/**
 * The element is wholly visible: inside the viewport and inside every ancestor that clips
 * (overflow not visible). Scrolling down to it is fine; scrolling sideways is not, so
 * every horizontal scroll position is put back before measuring.
 */
async function inViewport(_page: Page, target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const lefts: [Element, number][] = [];
    for (let a = el.parentElement; a; a = a.parentElement) lefts.push([a, a.scrollLeft]);
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    for (const [a, left] of lefts) a.scrollLeft = left;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.left < 0 || r.top < 0 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5) return false;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) return false;
    }
    return true;
  });
}

/** Every header cell of the table is visible without scrolling the table sideways: the state column included. */
async function columnsVisible(page: Page, table: Locator, names: RegExp[]): Promise<void> {
  for (const name of names) expect(await inViewport(page, table.getByRole('columnheader', { name })), String(name)).toBe(true);
}

/** Nothing on the page is wider than the window: tables scroll inside their card instead. */
async function pageOverflowsSideways(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { rewrap: false });
  await api('auth.init', { passphrase: PASSPHRASE });
  await api('tenant.create', { slug: 'acme-payments-eu-west-production', wrap: 'local' });
  await api('tenant.create', { slug: 'globex', wrap: 'local' });
  await api('record.seedSample', { tenant: 'globex', rows: 120 });
  const { token } = await api<{ token: string }>('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'globex' });
  await api('keys.rotate', { tenant: 'globex', step_up_token: token });
  await api('drill.run', { tenant: 'globex', scenario: 'deny', agents: 5 });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

describe.each(SIZES)('the window at $width×$height', (size) => {
  const tag = `${size.width}x${size.height}`;

  it('Tenants: the create action and the selected tenant’s actions are on screen', async () => {
    const { page } = s;
    await page.setViewportSize(size);
    await page.reload();
    await open(page, /Tenants/);
    await page.getByRole('row', { name: /globex/ }).first().click();
    await s.shot(`narrow-${tag}-tenants`);
    expect(await pageOverflowsSideways(page)).toBeLessThanOrEqual(0);
    for (const name of [/New tenant/, /Onboard customer KMS/, /Key versions/]) expect(await inViewport(page, page.locator('main').getByRole('button', { name }).first()), String(name)).toBe(true);
    await columnsVisible(page, page.locator('table.tenant-table'), [/Tenant/, /Active/, /Records/, /State/]);
  });

  it('Key versions: Rotate and every version’s state are on screen', async () => {
    const { page } = s;
    await open(page, /Key versions/);
    await page.getByRole('button', { name: /^Rotate/ }).first().waitFor();
    await s.shot(`narrow-${tag}-keys`);
    expect(await pageOverflowsSideways(page)).toBeLessThanOrEqual(0);
    expect(await inViewport(page, page.getByRole('button', { name: /^Rotate/ }).first())).toBe(true);
  });

  it('Drills: Run drill is on screen', async () => {
    const { page } = s;
    await open(page, /Drills/);
    const run = page.getByRole('button', { name: /Run drill/ }).first();
    await run.waitFor();
    await s.shot(`narrow-${tag}-drills`);
    expect(await pageOverflowsSideways(page)).toBeLessThanOrEqual(0);
    expect(await inViewport(page, run)).toBe(true);
    await columnsVisible(page, page.locator('table').first(), [/Started/, /To seal/, /State/]);
  });

  it('Reports: Export is on screen', async () => {
    const { page } = s;
    await open(page, /Reports/);
    const exp = page.getByRole('button', { name: /^Export/ }).first();
    await exp.waitFor();
    await s.shot(`narrow-${tag}-reports`);
    expect(await pageOverflowsSideways(page)).toBeLessThanOrEqual(0);
    expect(await inViewport(page, exp)).toBe(true);
  });

  it('Audit trail and Evidence: screenshots (Cross-check is the lead’s; checked when present)', async () => {
    const { page } = s;
    await open(page, /Audit trail/);
    await page.waitForTimeout(300);
    await s.shot(`narrow-${tag}-audit`);
    await open(page, /Evidence/);
    await page.waitForTimeout(300);
    await s.shot(`narrow-${tag}-evidence`);
    const cc = page.getByRole('button', { name: /Cross-check/ }).first();
    if ((await cc.count()) > 0) expect(await inViewport(page, cc)).toBe(true);
  });
});

describe('modal dialogs', () => {
  it('keep Tab inside the Rotate dialog, make the window behind inert, and give focus back to Rotate', async () => {
    const { page } = s;
    await page.setViewportSize({ width: 1024, height: 700 });
    await open(page, /Key versions/);
    const rotate = page.locator('main').getByRole('button', { name: /^Rotate/ }).first();
    await rotate.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel(/passphrase/i).fill('not the passphrase but enough');
    const buttons = dialog.getByRole('button');
    const last = buttons.last();
    await last.focus();
    expect(await last.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    }
    expect(await page.evaluate(() => (document.getElementById('root') as HTMLElement & { inert: boolean }).inert)).toBe(true);
    await s.shot('narrow-1024x700-rotate-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (document.getElementById('root') as HTMLElement & { inert: boolean }).inert)).toBe(false);
    expect(await rotate.evaluate((el) => el === document.activeElement)).toBe(true);
  });
});

/** Contrast of muted text, labels and placeholders against the background they sit on (WCAG AA: 4.5:1). */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const background = (el: Element | null): number[] => {
      for (let a = el; a; a = a.parentElement) {
        const c = rgb(getComputedStyle(a).backgroundColor);
        if (c.length === 3 || (c[3] ?? 0) > 0.9) return c;
      }
      return [255, 255, 255];
    };
    const ratio = (fg: number[], bg: number[]) => {
      const [x, y] = [lum(fg), lum(bg)];
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    };
    const bad: string[] = [];
    const muted = document.querySelectorAll('.page-description, .cell-sub, .field-hint, .field-label, .stat-label, .stat-sub, .card-subtitle, .table th, .muted, .nav-group-label, .sidebar-footer *');
    for (const el of muted) {
      if (!el.textContent?.trim() || el.getClientRects().length === 0) continue;
      const r = ratio(rgb(getComputedStyle(el).color), background(el));
      if (r < 4.5) bad.push(`${el.className}: ${r.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
    }
    for (const el of document.querySelectorAll('input[placeholder]')) {
      const r = ratio(rgb(getComputedStyle(el, '::placeholder').color), background(el));
      if (r < 4.5) bad.push(`placeholder ${(el as HTMLInputElement).placeholder}: ${r.toFixed(2)}`);
    }
    return bad;
  });
}

describe.each(['light', 'dark'] as const)('contrast in the %s theme', (scheme) => {
  it('muted text, labels and placeholders meet 4.5:1 on every screen', async () => {
    const { page } = s;
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    const problems: string[] = [];
    for (const [name, screen] of [
      ['tenants', /Tenants/],
      ['keys', /Key versions/],
      ['audit', /Audit trail/],
      ['drills', /Drills/],
      ['reports', /Reports/],
    ] as const) {
      await open(page, screen);
      await page.waitForTimeout(250);
      if (scheme === 'dark') await s.shot(`dark-1440x900-${name}`);
      problems.push(...(await lowContrast(page)).map((p) => `${name}: ${p}`));
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(problems).toEqual([]);
  });
});

describe('no dead ends', () => {
  it('a refused token shows the way to the new address, without backticks or a Try again that cannot work', async () => {
    const page = await s.page.context().newPage();
    try {
      await page.goto(s.host.url.replace(/#token=.*/, '#token=not-the-token'));
      await page.getByRole('heading', { name: /token is no longer accepted/ }).waitFor();
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toContain('`');
      expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
      expect(text).toContain('npm run keywarden -- serve');
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.screenshot({ path: `${ARTIFACTS}/narrow-1024x700-wrong-token.png` });
    } finally {
      await page.close();
    }
    s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !p.includes('status of 401')));
  });

  it('Reports opens on a period that has data, with ISO dates', async () => {
    const { page } = s;
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.reload();
    await open(page, /Reports/);
    const from = page.getByLabel('From');
    await expect.poll(() => from.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect.poll(async () => Number((await page.getByText('Audit entries', { exact: true }).locator('..').textContent())?.match(/\d[\d,]*/)?.[0]?.replace(/,/g, '') ?? 0)).toBeGreaterThan(0);
    await s.shot('narrow-1024x700-reports-on-data');
  });
});

describe('records and KMS calls from the window', () => {
  it('lists a tenant’s records (never a value) and its KMS calls, drill failures marked as simulated', async () => {
    const { page } = s;
    await page.setViewportSize({ width: 1440, height: 900 });
    await open(page, /Tenants/);
    await page.getByRole('row', { name: /globex/ }).first().click();
    const activity = page.getByRole('region', { name: /Records and KMS calls of globex/ });
    await activity.getByRole('row').nth(1).waitFor();
    expect(await activity.getByRole('row').count()).toBeGreaterThan(10);
    expect(await activity.textContent()).not.toMatch(/sample value|secret-value|"value"/i);
    await activity.getByRole('tab', { name: 'KMS calls' }).click();
    await expect.poll(() => activity.getByRole('row').count()).toBeGreaterThan(1);
    await activity.getByRole('button', { name: 'Load more' }).click().catch(() => {});
    await expect.poll(() => activity.getByText(/^simulated \(drill [0-9a-f]{8}\): /).count()).toBeGreaterThan(0);
    await activity.scrollIntoViewIfNeeded();
    await s.shot('tenants-kms-calls');
  });
});
