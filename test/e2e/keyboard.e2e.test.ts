/**
 * Every screen by keyboard alone, in a real chromium against the web host, in the light
 * and the dark theme: the sidebar is reached and operated with Tab and Enter, Tab walks
 * each screen and comes back round (no trap), every stop shows a focus indicator (a
 * computed outline or box-shadow) at 3:1 or more against what is behind it, no visible
 * control is skipped, and each screen's main actions are among the stops. The skip link
 * jumps past the sidebar; rows that open details open with Enter; the modal dialogs keep
 * Tab inside on purpose and give focus back on Escape; first run and onboarding too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, type Session } from './support/browser';
import { installFocusHelpers, walkFocus, type FocusWalk } from './support/focus-walk';

let browser: Browser;
let s: Session;

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { env: {}, rewrap: false, checks: false });
  await installFocusHelpers(s.page);
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

const active = (page: Page) => page.evaluate(() => (window as unknown as { __kwLabel(e: Element | null): string }).__kwLabel(document.activeElement));

/** Every stop visible and at 3:1; round and back; nothing skipped. */
function expectSound(where: string, w: FocusWalk) {
  expect(w.cycled, `${where}: Tab never came back round`).toBe(true);
  expect(w.unreached, `${where}: controls Tab never reached`).toEqual([]);
  const weak = w.stops.filter((st) => !st.indicator || st.contrast === null || st.contrast < 3).map((st) => `${st.label} (${st.contrast?.toFixed(2) ?? 'none'})`);
  expect(weak, `${where}: stops without a visible 3:1 focus indicator`).toEqual([]);
}

/** Into the sidebar by keyboard (from the skip link, the first stop) and Enter on the item. */
async function goTo(page: Page, label: string) {
  await page.locator('.skip-link').focus();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if ((await active(page)).startsWith(`button "${label}`)) {
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      return;
    }
  }
  throw new Error(`the sidebar's "${label}" was not reachable by Tab`);
}

/** Tab until the focused element's label matches, or fail. */
async function tabTo(page: Page, label: RegExp, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (label.test(await active(page))) return;
  }
  throw new Error(`no Tab stop matching ${label}`);
}

const SCREENS: { nav: string; actions: RegExp[] }[] = [
  { nav: 'Overview', actions: [/^button "Refresh"/, /^button "Open Tenants"/, /^button "Open Drills"/] },
  { nav: 'Tenants', actions: [/^button "New tenant"/, /^tr "acme/, /^button "Onboard customer KMS"/, /^button\[tab\] "KMS calls"/] },
  { nav: 'Key versions', actions: [/^select "Tenant/, /^button "Rotate key"/, /^button "Revoke active/] },
  { nav: 'Audit trail', actions: [/^button "Verify chain"/, /^button "Sign checkpoint now"/, /^div\[option\]/, /^button "Prove inclusion"/] },
  { nav: 'Evidence', actions: [/^button "Fetch provider logs"/, /^button "Cross-check"/, /^button "Log settings"/] },
  { nav: 'Key access', actions: [/^button "Review now"/] },
  { nav: 'Drills', actions: [/^button "Run drill"/, /^tr "/] },
  { nav: 'Reports', actions: [/^input\[text\] "From"/, /^button "Export package"/] },
  { nav: 'Settings', actions: [/^input\[checkbox\] "Pause the checks/] },
];

describe('keyboard', () => {
  it('first run: the passphrase form by Tab alone, each field visibly focused', async () => {
    const { page } = s;
    await page.reload();
    await page.getByRole('button', { name: 'Set passphrase' }).waitFor();
    const w = await walkFocus(page);
    expectSound('first run', w);
    expect(w.stops.map((st) => st.label)).toEqual(['input[password] "Passphrase"', 'input[password] "Confirm passphrase"', 'button "Set passphrase"']);
  });

  it('every screen, light and dark: sidebar by keyboard, Tab round each screen, visible 3:1 focus, main actions reachable', async () => {
    await callApi(s.host, 'auth.init', { passphrase: E2E_PASSPHRASE });
    await callApi(s.host, 'tenant.create', { slug: 'acme', wrap: 'local' });
    await callApi(s.host, 'tenant.create', { slug: 'beta', wrap: 'local' });
    await callApi(s.host, 'record.seedSample', { tenant: 'acme', rows: 20 });
    await callApi(s.host, 'drill.run', { tenant: 'acme', scenario: 'deny', agents: 2, real: false, wait: true });
    await callApi(s.host, 'drill.run', { tenant: 'beta', scenario: 'partition', agents: 2, real: false, wait: true });
    const { page } = s;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.reload();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      for (const screen of SCREENS) {
        await goTo(page, screen.nav);
        expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${screen.nav}`) }).getAttribute('aria-current')).toBe('page');
        // Let the screen's data arrive: its controls are what the walk must reach.
        await page.waitForLoadState('networkidle');
        const w = await walkFocus(page);
        expectSound(`${scheme} ${screen.nav}`, w);
        const labels = w.stops.map((st) => st.label);
        expect(labels, `${scheme} ${screen.nav}`).toContain('a "Skip to content"');
        for (const action of screen.actions) expect(labels.some((l) => action.test(l)), `${scheme} ${screen.nav}: ${action}`).toBe(true);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(s.problems).toEqual([]);
  });

  it('the skip link is the first stop, shows itself, and jumps past the sidebar', async () => {
    const { page } = s;
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await active(page)).toBe('a "Skip to content"');
    const box = await page.locator('.skip-link').boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.evaluate(() => location.hash)).not.toContain('main'); // the token's fragment stays
    await page.keyboard.press('Tab');
    expect(await active(page)).toBe('button "Refresh"');
  });

  it('rows that open details open with Enter: a tenant, a drill', async () => {
    const { page } = s;
    await goTo(page, 'Tenants');
    await tabTo(page, /^tr "beta/);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Tenant beta' }).waitFor();

    await goTo(page, 'Drills');
    const detail = page.getByRole('region', { name: 'Drill results' });
    await tabTo(page, /^tr ".*acme/);
    await page.keyboard.press('Enter');
    await expect.poll(() => detail.textContent()).toMatch(/deny/);
    await tabTo(page, /^tr ".*beta/);
    await page.keyboard.press(' ');
    await expect.poll(() => detail.textContent()).toMatch(/partition/);
  });

  it('audit entries: the arrows move the selection and keyboard focus with it', async () => {
    const { page } = s;
    await goTo(page, 'Audit trail');
    await tabTo(page, /^div\[option\]/);
    const selectedSeq = () => page.evaluate(() => {
      const focusedRow = document.activeElement?.closest('[role=option]');
      const selected = document.querySelector('[role=option][aria-selected=true]');
      return { focused: focusedRow === selected, seq: selected?.querySelector('span')?.textContent ?? null };
    });
    const start = await selectedSeq();
    expect(start.focused).toBe(true);
    const seen = [start.seq];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('ArrowDown');
      await expect.poll(selectedSeq).toMatchObject({ focused: true, seq: expect.not.stringMatching(`^${seen.at(-1)}$`) });
      seen.push((await selectedSeq()).seq);
    }
    expect(new Set(seen).size).toBe(4);
    await page.keyboard.press('ArrowUp');
    await expect.poll(selectedSeq).toMatchObject({ focused: true, seq: seen[2] });
  });

  it('a modal dialog keeps Tab inside on purpose and gives focus back on Escape', async () => {
    const { page } = s;
    await goTo(page, 'Key versions');
    await tabTo(page, /^button "Rotate key"/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const w = await walkFocus(page, '[role=dialog]', 30);
    expectSound('rotate dialog', w);
    expect(w.stops.every((st) => st.inside), 'Tab left the dialog').toBe(true);
    expect(w.stops.map((st) => st.label)).toEqual(expect.arrayContaining(['input[password] "Operator passphrase"', 'button "Cancel"', 'button "Close"']));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await active(page)).toBe('button "Rotate key"');

    await tabTo(page, /^button "Revoke active/);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    const revoke = await walkFocus(page, '[role=dialog]', 30);
    expectSound('revoke dialog', revoke);
    expect(revoke.stops.every((st) => st.inside)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await active(page)).toMatch(/^button "Revoke active/);
  });

  it('onboarding a customer KMS key: every field by Tab, provider tabs by Enter', async () => {
    const { page } = s;
    await goTo(page, 'Tenants');
    await tabTo(page, /^button "Onboard customer KMS"/);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Verify and save' }).waitFor();
    const w = await walkFocus(page);
    expectSound('onboarding', w);
    const labels = w.stops.map((st) => st.label);
    for (const want of [/^button\[tab\] "AWS KMS"/, /^input\[text\] "Key ARN"/, /^input\[password\] "Operator passphrase"/, /^button "Verify and save"/, /^summary "Advanced/]) expect(labels.some((l) => want.test(l)), String(want)).toBe(true);
    await tabTo(page, /^button\[tab\] "GCP Cloud KMS"/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^input\[text\] ".*(CryptoKey|Key name|key)/i);
    expect(s.problems).toEqual([]);
  });
});
