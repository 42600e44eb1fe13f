/**
 * The Audit trail screen's evidence, in a real chromium against the loopback host: the
 * Verify result with the current signed checkpoint beside it, an entry's inclusion proof
 * computed and checked by the engine, and a tampered log named in the Verify result.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { openKeywarden } from '../../core/keywarden';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;

/** Calls the engine through the host's own API, as the window does. */
async function call(method: string, input: unknown): Promise<unknown> {
  return callApi<never>(s.host, method, input);
}

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { rewrap: false });
  const passphrase = 'correct horse battery staple 42';
  await call('auth.init', { passphrase });
  await call('tenant.create', { slug: 'acme', wrap: 'local' });
  for (const name of ['db', 'queue', 'cache']) await call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name, value: `value-${name}` });
  const { token } = (await call('auth.stepUp', { passphrase, purpose: 'rotate', tenant: 'acme' })) as { token: string };
  await call('keys.rotate', { tenant: 'acme', step_up_token: token });
  await call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'webhook', value: 'hook' });
  await s.page.reload();
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('audit trail evidence in the window', () => {
  it('shows the signed checkpoint and verifies the log against it', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).click();
    await page.getByTestId('audit-list').getByRole('option').first().waitFor();
    const card = page.getByTestId('audit-checkpoint');
    await expect.poll(() => card.textContent()).toMatch(/Tree of 6 entries, signed/);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Chain intact').waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/7 entries re-hashed.*1 signed checkpoint matches/);
    await page.getByRole('button', { name: 'Sign checkpoint now' }).click();
    await expect.poll(() => card.textContent()).toMatch(/Tree of 7 entries, signed/);
    await card.getByText('Signed note').click();
    const note = await page.getByTestId('audit-checkpoint-note').textContent();
    expect(note).toMatch(/^keywarden\.local\/audit\/[0-9a-f]{16}\n7\n[A-Za-z0-9+/]{43}=\n\n— keywarden\.local\/audit\/[0-9a-f]{16} \S+\n$/);
    await s.shot('audit-01-checkpoint-verified');
  });

  it("computes an entry's inclusion proof and shows its verdict", async () => {
    const { page } = s;
    await page.getByTestId('audit-list').getByRole('option').filter({ hasText: 'byok.kms.rotate' }).click();
    await page.getByRole('button', { name: 'Prove inclusion' }).click();
    const proof = page.getByTestId('audit-proof');
    await proof.getByText('Proof verifies').waitFor();
    expect(await proof.textContent()).toMatch(/Entry #6 is in the signed tree of 7 entries \(leaf index 5, 3 hashes on its path\)/);
    await proof.scrollIntoViewIfNeeded();
    await s.shot('audit-02-inclusion-proof');
  });

  it('filters by actor and date range in the engine: matches beyond the loaded page, paged by scrolling', async () => {
    const { page } = s;
    // 300 entries by an auditor in January, then 300 by ops in February (both older than
    // today, newer in the log): the 200 newest loaded are all ops, so only a filter the
    // engine applies can find the auditor's.
    const kw = openKeywarden({ dataDir: s.dataDir, env: {}, clock: new ManualClock('2026-01-10T09:00:00.000Z') });
    try {
      const acme = kw.ctx.store.tenantBySlug('acme')!.id;
      for (let i = 0; i < 300; i++) kw.ctx.audit.append({ actor: 'auditor@review-box', address: 'e2e' }, 'e2e.review', acme, { tenant: 'acme', n: i });
      (kw.ctx.clock as ManualClock).set(Date.parse('2026-02-15T10:00:00.000Z'));
      for (let i = 0; i < 300; i++) kw.ctx.audit.append({ actor: 'ops@build-box', address: 'e2e' }, 'e2e.deploy', acme, { tenant: 'acme', n: i });
    } finally {
      await kw.close();
    }
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).click();
    const list = page.getByTestId('audit-list');
    await list.getByRole('option').first().waitFor();
    const foot = page.locator('.audit-foot');
    await expect.poll(() => foot.textContent()).toMatch(/^200 loaded · scroll for more/);
    expect(await list.getByRole('option').filter({ hasText: 'auditor@review-box' }).count()).toBe(0);

    await page.getByLabel('Actor').fill('AUDITOR');
    await page.getByLabel('Actor').press('Enter');
    await expect.poll(() => foot.textContent()).toMatch(/^200 loaded · scroll for more/);
    await expect.poll(async () => (await list.getByRole('option').allTextContents()).every((t) => t.includes('auditor@review-box'))).toBe(true);
    await s.shot('audit-04-actor-filter');
    // The virtualized list pages through the matches only: 300, then the end.
    await expect
      .poll(async () => {
        await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        return foot.textContent();
      }, { timeout: 15_000 })
      .toMatch(/^300 loaded · end of trail/);

    // A day range (UTC, `to` included) with no actor: February's 300.
    await page.getByLabel('Actor').fill('');
    await page.getByLabel('From (UTC)').fill('2026-02-15');
    await page.getByLabel('To (UTC, included)').fill('2026-02-15');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect.poll(async () => (await list.getByRole('option').allTextContents()).every((t) => t.includes('ops@build-box'))).toBe(true);
    await expect
      .poll(async () => {
        await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        return foot.textContent();
      }, { timeout: 15_000 })
      .toMatch(/^300 loaded · end of trail/);
    // Both together match nothing; a day off the calendar is refused before it is sent.
    await page.getByLabel('Actor').fill('auditor');
    await page.getByLabel('Actor').press('Enter');
    await page.getByText('No entry matches').waitFor();
    await page.getByLabel('From (UTC)').fill('2026-02-30');
    await page.getByText('Not a date: use YYYY-MM-DD').waitFor();
    expect(await page.getByRole('button', { name: 'Filter', exact: true }).isDisabled()).toBe(true);
    await page.getByLabel('From (UTC)').fill('2026-01-10');
    await page.getByLabel('To (UTC, included)').fill('2026-01-10');
    await page.getByLabel('Actor').press('Enter');
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByTestId('audit-list').scrollIntoViewIfNeeded();
      const filter = await page.getByRole('button', { name: 'Filter', exact: true }).boundingBox();
      expect(filter !== null && filter.x + filter.width <= w).toBe(true);
      await s.shot(`audit-05-filters-${w}x${h}`);
    }
    await page.setViewportSize({ width: 1360, height: 860 });
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => foot.textContent()).toMatch(/^200 loaded · scroll for more/);
  });

  it('names the entry an attacker edited in the database', async () => {
    const { page } = s;
    const db = new Database(path.join(s.dataDir, 'keywarden.db'));
    db.prepare("UPDATE audit_log SET payload = replace(payload, '\"queue\"', '\"qveue\"') WHERE seq = 4").run();
    db.close();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Chain broken at entry #4').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('entry 4 was altered');
    await page.mouse.wheel(0, -5000);
    await s.shot('audit-03-tampered');
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
