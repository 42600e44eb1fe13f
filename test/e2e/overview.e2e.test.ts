/**
 * The Overview as the window's home, in a real chromium against the loopback host: a
 * sealed tenant is the first problem, its link opens that tenant, and the problem clears
 * once the tenant is unsealed. Screenshots at 1440×900 and 1024×700.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../core/api/handlers';
import { openKeywarden } from '../../core/keywarden';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { callApi, cliCall, launchBrowser, openSession, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
let browser: Browser;
let s: Session;

async function ok<T>(method: string, input: unknown): Promise<T> {
  return callApi<T>(s.host, method, input);
}

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { env: {}, rewrap: false });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('the Overview', () => {
  it('opens on the Overview and puts a sealed tenant first, linking to it', async () => {
    await ok('auth.init', { passphrase: PASSPHRASE });
    await ok('tenant.create', { slug: 'acme', wrap: 'local' });
    await ok('record.seedSample', { tenant: 'acme', rows: 50 });
    await ok('audit.verify', {});
    // Created by another process, so the host has never cached its key: the next session request reaches the KMS.
    const other = openKeywarden({ dataDir: s.dataDir, env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY });
    await other.ctx.stepUp.unlock(PASSPHRASE, { actor: 'e2e', address: 'test' }); // a new process starts locked
    await createHandlers(other)['tenant.create']({ slug: 'payments', wrap: 'local' }, { actor: 'e2e', address: 'test' });
    await other.close();
    await ok('fault.set', { tenant: 'payments', mode: 'deny' });
    // An agent asks for a session the CLI's way (session.issue is not the window's): the tenant seals.
    expect(await cliCall(s.dataDir, 'session.issue', { tenant: 'payments', agent: 'billing-agent' }, { passphrase: PASSPHRASE, purpose: 'session' })).toMatchObject({ ok: false, error: { code: 'tenant_sealed' } });
    s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !/status of 503/.test(p)));

    const { page } = s;
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('button', { name: /Overview/ }).getAttribute('aria-current')).toBe('page');
    const problems = page.getByRole('region', { name: 'Problems' });
    const first = problems.locator('li.ov-problem').first();
    await expect.poll(() => first.getAttribute('data-severity')).toBe('critical');
    expect(await first.textContent()).toMatch(/Tenant payments is sealed: its master key could not be unwrapped/);
    expect(await first.textContent()).toContain('keywarden unseal --tenant payments');
    // The KMS error is stored as JSON; the problem quotes its message, not the JSON.
    expect(await first.textContent()).toMatch(/unwrapped \(drill fault injection \(deny\) on local: access denied/);
    expect(await first.textContent()).not.toContain('{');
    const tenantsCard = page.getByRole('region', { name: 'Tenants' });
    await expect.poll(() => tenantsCard.getAttribute('data-state')).toBe('critical');
    expect(await tenantsCard.textContent()).toContain('1 tenant sealed of 2.');
    for (const area of ['Key versions', 'Audit log', 'Evidence', 'Drills', 'Reports']) await page.getByRole('region', { name: area }).waitFor();

    await page.setViewportSize({ width: 1440, height: 900 });
    await s.shot('overview-1440x900');
    await page.setViewportSize({ width: 1024, height: 700 });
    await s.shot('overview-1024x700');
    await page.setViewportSize({ width: 1360, height: 860 });

    await first.getByRole('button', { name: /Open Tenants for payments/ }).click();
    await page.getByRole('region', { name: 'Tenant payments' }).waitFor();
    expect(await nav.getByRole('button', { name: /Tenants/ }).getAttribute('aria-current')).toBe('page');
  });

  it('clears the sealed problem once the tenant is unsealed', async () => {
    const { page } = s;
    await ok('fault.set', { tenant: 'payments', mode: 'pass' });
    const { token } = await ok<{ token: string }>('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'unseal', tenant: 'payments' });
    await ok('tenant.unseal', { tenant: 'payments', step_up_token: token });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Overview/ }).click();
    const tenantsCard = page.getByRole('region', { name: 'Tenants' });
    await expect.poll(() => tenantsCard.getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    expect(await page.getByRole('region', { name: 'Problems' }).textContent()).not.toMatch(/sealed/);
    // The sidebar's sealed count and the fault banner refresh with the overview.
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByText(/sealed/).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByText('Drill fault injection active').count()).toBe(0);
    await s.shot('overview-after-unseal');
    expect(s.problems).toEqual([]);
  });
});
