/**
 * No dead end: with no tenant on a customer KMS key, Evidence → Log settings says what
 * the settings are for and what to do first (onboard a customer KMS key), with a way to
 * the Tenants screen, instead of a form with a Save that cannot be used.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { rewrap: false, checks: false });
  await callApi(s.host, 'auth.init', { passphrase: E2E_PASSPHRASE });
  await callApi(s.host, 'tenant.create', { slug: 'acme', wrap: 'local' });
  await s.page.reload();
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('log settings with no cloud tenant', () => {
  it('explains, offers the way to onboard, and has no Save', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Evidence/ }).click();
    await page.getByRole('button', { name: 'Log settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Provider log settings' });
    const none = dialog.getByTestId('log-settings-none');
    await none.waitFor();
    expect(await none.textContent()).toMatch(/No tenant uses a customer KMS key yet.*onboard a customer KMS key/s);
    expect(await dialog.getByRole('button', { name: 'Save' }).count()).toBe(0);
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      const go = await dialog.getByRole('button', { name: 'Go to Tenants to onboard a key' }).boundingBox();
      expect(go !== null && go.x + go.width <= w && go.y + go.height <= h).toBe(true);
      await s.shot(`log-settings-01-no-cloud-tenant-${w}x${h}`);
    }
    await dialog.getByRole('button', { name: 'Go to Tenants to onboard a key' }).click();
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
