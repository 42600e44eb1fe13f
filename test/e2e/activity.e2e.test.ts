/**
 * Records and KMS calls have their own screens, across tenants (the embedded local KMS
 * included), with a tenant filter: the records browser lists names and key versions
 * (never a value), and the KMS calls list marks the failures a drill's fault injection
 * made up as "simulated (drill xxxxxxxx)", apart from real ones.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillView } from '../../core/api/seal-types';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;
let drill: DrillView;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { rewrap: false, checks: false });
  await api('auth.init', { passphrase: E2E_PASSPHRASE });
  await api('tenant.create', { slug: 'acme', wrap: 'local' });
  await api('tenant.create', { slug: 'globex', wrap: 'local' });
  await api('record.seedSample', { tenant: 'acme', rows: 12 });
  await api('record.put', { tenant: 'globex', table: 'integration_configs', name: 'globex-webhook', value: 'never shown in the window' });
  drill = await api<DrillView>('drill.run', { tenant: 'acme', scenario: 'deny', agents: 3 });
  await s.page.reload();
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('records and KMS calls screens', () => {
  it('lists every tenant’s KMS calls newest first, the drill’s injected failures as simulated with its id', async () => {
    const { page } = s;
    expect(drill.state).toBe('done');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /KMS calls/ }).click();
    await page.getByRole('heading', { name: 'KMS calls' }).waitFor();
    const table = page.getByRole('table', { name: 'KMS calls' });
    await table.locator('tbody tr').first().waitFor();
    const simulated = table.getByText(`simulated (drill ${drill.id.slice(0, 8)}): access denied`);
    await expect.poll(() => simulated.count()).toBeGreaterThan(0);
    // Every failure in the list is one the drill made up: none reads as a real refusal.
    const outcomes = await table.locator('tbody tr td:nth-child(5)').allTextContents();
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o.startsWith(`simulated (drill ${drill.id.slice(0, 8)})`))).toBe(true);
    // Every tenant (the newest page is the drill's, on acme), with a tenant column.
    expect(await table.locator('thead th').nth(1).textContent()).toBe('Tenant');
    expect(await table.locator('tbody tr td:nth-child(2)').allTextContents()).toContain('acme');
    // Newest first.
    const ids = (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-call-id')))));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    await s.shot('activity-01-kms-calls-1360');

    await page.getByRole('combobox', { name: /^Tenant/ }).selectOption('globex');
    await expect.poll(() => table.getByText(/simulated/).count()).toBe(0);
    await expect.poll(async () => (await table.locator('thead th').allTextContents()).includes('Tenant')).toBe(false);
    const [globexCalls, allCalls] = await Promise.all([api<unknown[]>('kms.calls', { tenant: 'globex', limit: 5000 }), api<unknown[]>('kms.calls', { limit: 5000 })]);
    expect(await table.locator('tbody tr').count()).toBe(Math.min(100, globexCalls.length));
    expect(allCalls.length).toBeGreaterThan(globexCalls.length);
  });

  it('browses any tenant’s records by name and key version, never a value', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Records/ }).click();
    await page.getByRole('heading', { name: 'Records' }).waitFor();
    await page.getByRole('combobox', { name: /^Tenant/ }).selectOption('globex');
    await page.getByLabel('Table').selectOption('integration_configs');
    const table = page.getByRole('table', { name: 'Records of globex' });
    await table.getByText('globex-webhook').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toContain('never shown in the window');
    await page.getByRole('combobox', { name: /^Tenant/ }).selectOption('acme');
    await page.getByRole('table', { name: 'Records of acme' }).locator('tbody tr').first().waitFor();
    await s.shot('activity-02-records-1360');
  });

  it('fits at 1440x900 and 1024x700', async () => {
    const { page } = s;
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /KMS calls/ }).click();
      await page.getByRole('table', { name: 'KMS calls' }).locator('tbody tr').first().waitFor();
      const box = await page.getByRole('combobox', { name: /^Tenant/ }).boundingBox();
      expect(box && box.x + box.width <= w).toBe(true);
      await s.shot(`activity-03-kms-calls-${w}x${h}`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Records/ }).click();
      await page.getByRole('table', { name: /Records of/ }).locator('tbody tr').first().waitFor();
      await s.shot(`activity-04-records-${w}x${h}`);
    }
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
