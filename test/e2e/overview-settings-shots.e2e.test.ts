/**
 * The Overview and Settings at 1440×900 and 1024×700, light and dark, with a live host
 * running the checks on its own intervals (so Settings shows them) and a problem on the
 * Overview: screenshots to look at, and no part of either screen wider than the window.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { env: {}, rewrap: false, checks: { tickMs: 60_000, firstTickMs: 200, intervals: { evidence_crosscheck: 900_000, drill_cadence: 6 * 3_600_000 } } });
  await callApi(s.host, 'auth.init', { passphrase: E2E_PASSPHRASE });
  await callApi(s.host, 'tenant.create', { slug: 'acme', wrap: 'local' });
  await callApi(s.host, 'tenant.create', { slug: 'payments-eu-west', wrap: 'local' });
  await callApi(s.host, 'record.seedSample', { tenant: 'acme', rows: 40 });
  await callApi(s.host, 'drill.run', { tenant: 'acme', scenario: 'deny', agents: 2, real: false, wait: true });
  await callApi(s.host, 'checks.settings', { audit_verify_interval_s: 43_200 });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('Overview and Settings at two window sizes', () => {
  it('fit the window in light and dark, with the checks host and its intervals shown', async () => {
    const { page } = s;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [w, h] of [
        [1440, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.reload();
        await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await s.shot(`overview-${scheme}-${w}x${h}`);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Settings/ }).click();
        const panel = page.getByRole('region', { name: 'Continuous checks' });
        await expect.poll(() => panel.getByTestId('checks-host').textContent().catch(() => '')).toMatch(/Running in the web host/);
        expect(await panel.locator('tr[data-check="evidence_crosscheck"] [data-testid="check-interval"]').textContent()).toMatch(/^every 15 minset by the running host/);
        expect(await panel.locator('tr[data-check="audit_verify"] [data-testid="check-interval"]').textContent()).toMatch(/^every 12 hyour setting/);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await s.shot(`settings-${scheme}-${w}x${h}`);
      }
    }
    expect(s.problems).toEqual([]);
  });
});
