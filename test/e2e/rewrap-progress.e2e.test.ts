/**
 * The rewrap job on the key-versions screen, in a real chromium against the loopback host:
 * a paced background job shows a live bar with rows/s and ETA; pausing it from the API
 * shows why it paused; resuming it runs it to the end.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
const ROWS = 12_000;
let browser: Browser;
let s: Session;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

beforeAll(async () => {
  browser = await launchBrowser();
  // Paced, so the job is still running while the window looks at it.
  s = await openSession(browser, { rewrap: { job: { paceRowsPerSecond: 1500, batchSize: 100 } } });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('rewrap progress in the window', () => {
  let leaseId = 0;

  it('shows the running job with a live bar, rows/s and an ETA', async () => {
    await api('auth.init', { passphrase: PASSPHRASE });
    await api('tenant.create', { slug: 'acme', wrap: 'local' });
    await api('record.seedSample', { tenant: 'acme', rows: ROWS });
    const { token } = await api<{ token: string }>('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' });
    leaseId = (await api<{ rewrap_lease_id: number }>('keys.rotate', { tenant: 'acme', step_up_token: token })).rewrap_lease_id;

    const { page } = s;
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Key versions/ }).click();
    const job = page.locator(`.job[data-state="running"]`);
    await job.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('rewrap-rate').textContent(), { timeout: 10_000 }).toMatch(/rows\/s · about \d+ (s|min) left/);
    await s.shot('rewrap-01-running');
  });

  it('shows why a paused job paused, and runs it to the end once resumed', async () => {
    const { page } = s;
    await api('rewrap.pause', { lease_id: leaseId });
    await page.locator('.job[data-state="paused"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.job').first().textContent()).toMatch(/paused · operator.*resume it to continue/s);
    await s.shot('rewrap-02-paused');

    await api('rewrap.resume', { lease_id: leaseId });
    await page.locator('.job[data-state="done"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.job').first().textContent()).toMatch(new RegExp(`${ROWS.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')}`));
    await s.shot('rewrap-03-done');
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
