/**
 * The Drills screen in a real chromium against the loopback host: a tenant on a (fake)
 * AWS KMS key runs a simulated kill-switch drill and shows its figures, chart and
 * timeline; another tenant, sealed by injected faults, shows the drill banner, refuses a
 * manual unseal while access is denied, and unseals with step-up once it is restored.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../core/api/handlers';
import { openKeywarden } from '../../core/keywarden';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake } from '../fakes/aws';
import { callApi, cliCall, launchBrowser, openSession, stepUpToken, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
let browser: Browser;
let aws: AwsFake;
let s: Session;

async function ok<T>(method: string, input: unknown): Promise<T> {
  return callApi<T>(s.host, method, input);
}

/** Refused calls (502/503 on purpose) show up as failed resources in the console. */
function dropExpectedHttpErrors(): void {
  s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !/status of (502|503)/.test(p)));
}

beforeAll(async () => {
  aws = await startAwsFake();
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv(), rewrap: false });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

describe('kill-switch drills in the window', () => {
  it('prepares a customer-KMS tenant with records and a tenant sealed by drill fault injection', async () => {
    const key = aws.createKey({ alias: 'keywarden-drill' });
    await ok('auth.init', { passphrase: PASSPHRASE });
    await ok('tenant.create', { slug: 'acme', wrap: 'local' });
    await ok('record.seedSample', { tenant: 'acme', rows: 240 });
    allowEndpoints(s.dataDir, aws.endpoint, aws.sts.endpoint);
    await ok('kms.onboard', {
      step_up_token: await stepUpToken(s.host, PASSPHRASE, 'onboard', 'acme'),
      tenant: 'acme',
      provider: 'aws',
      kms_key_ref: key.arn,
      config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint },
    });
    await ok('record.seedSample', { tenant: 'acme', rows: 60, prefix: 'after-onboard' });
    // Created by another process, so the host has never cached its key: its next session request reaches the KMS.
    const other = openKeywarden({ dataDir: s.dataDir, env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY });
    await other.ctx.stepUp.unlock(PASSPHRASE, { actor: 'e2e', address: 'test' }); // a new process starts locked
    await createHandlers(other)['tenant.create']({ slug: 'payments', wrap: 'local' }, { actor: 'e2e', address: 'test' });
    await other.close();
    // Fault injection and agent sessions are CLI-only (not in the window's subset).
    expect(await cliCall(s.dataDir, 'fault.set', { tenant: 'payments', mode: 'deny' }, { passphrase: PASSPHRASE, purpose: 'fault' })).toMatchObject({ ok: true });
    const refused = await cliCall(s.dataDir, 'session.issue', { tenant: 'payments', agent: 'billing-agent' }, { passphrase: PASSPHRASE, purpose: 'session' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'tenant_sealed', status: 503 } });
  });

  it('shows the drill banner, the sealed tenant and the run form', async () => {
    const { page } = s;
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Drills/ }).click();
    await page.getByRole('status').filter({ hasText: 'Drill fault injection active' }).waitFor();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'payments' }).count()).toBe(1);
    await page.getByRole('region', { name: 'Run a drill' }).waitFor();
    await expect.poll(() => page.getByText('No drills yet').count()).toBe(1);
    await s.shot('drills-01-screen');
  });

  it('offers Unseal in the sealed banner of the Key versions screen too', async () => {
    const { page } = s;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: /Key versions/ }).click();
    await page.getByLabel('Tenant').selectOption('payments');
    const banner = page.getByRole('alert').filter({ hasText: 'payments' });
    await expect.poll(() => banner.getByRole('button', { name: 'Unseal…' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Rotate key' }).isDisabled()).toBe(true);
    await s.shot('keys-sealed-unseal');
    await nav.getByRole('button', { name: /Drills/ }).click();
    await page.getByRole('region', { name: 'Run a drill' }).waitFor();
  });

  it('runs a simulated deny drill and shows time to seal against its bound, refusals and zero records lost', async () => {
    const { page } = s;
    const form = page.getByRole('region', { name: 'Run a drill' });
    await form.locator('select').first().selectOption('acme');
    await form.getByLabel('Agents').fill('12');
    await form.getByRole('button', { name: 'Run drill' }).click();
    const detail = page.getByRole('region', { name: 'Drill results' });
    await detail.waitFor({ timeout: 45_000 });
    await expect.poll(() => detail.getByRole('meter', { name: 'Time to seal after the kill' }).count()).toBe(1);
    const text = (await detail.textContent()) ?? '';
    expect(text).toMatch(/Simulated deny drill on acme/);
    expect(text).toMatch(/within bound/);
    expect(text).not.toMatch(/OVER the bound/);
    expect(text).toMatch(/bound 5 min/); // 300 s, in the same human units as the PDF
    expect(text).toMatch(/every record decrypts: nothing lost/);
    expect(text).toMatch(/300 \/ 300/);
    await expect.poll(() => detail.locator('.chart-refused').count()).toBeGreaterThan(0);
    await expect.poll(() => detail.locator('.chart-accepted').count()).toBeGreaterThan(0);
    await detail.scrollIntoViewIfNeeded();
    await s.shot('drills-02-results');
    await detail.locator('.session-chart').scrollIntoViewIfNeeded();
    await s.shot('drills-03-chart');
    // The real tenant was never sealed by the simulation.
    const acme = await ok<{ sealed_since: string | null }>('tenant.show', { tenant: 'acme' });
    expect(acme.sealed_since).toBeNull();
  });

  it('lists a second drill, a partition with an early restore', async () => {
    const { page } = s;
    const form = page.getByRole('region', { name: 'Run a drill' });
    await form.locator('select').nth(1).selectOption('partition');
    await form.getByLabel('Restore after').fill('8m');
    await form.getByRole('button', { name: 'Run drill' }).click();
    await expect.poll(() => page.locator('table.drill-table tbody tr').count(), { timeout: 45_000 }).toBe(2);
    await expect.poll(() => page.getByRole('region', { name: 'Drill results' }).textContent()).toMatch(/Simulated partition drill/);
    await page.locator('table.drill-table').scrollIntoViewIfNeeded();
    await s.shot('drills-04-list');
  });

  it('refuses a manual unseal while access is denied, then unseals with step-up once it is restored', async () => {
    const { page } = s;
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByRole('alert').filter({ hasText: 'payments' }).getByRole('button', { name: 'Unseal…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Operator passphrase').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Unseal now' }).click();
    await expect.poll(() => dialog.getByText('unseal_failed').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => dialog.getByText(/grant is still missing/).count()).toBe(1);
    await s.shot('drills-05-unseal-refused');
    dropExpectedHttpErrors();
    expect(await cliCall(s.dataDir, 'fault.set', { tenant: 'payments', mode: 'pass' }, { passphrase: PASSPHRASE, purpose: 'fault' })).toMatchObject({ ok: true });
    await dialog.getByRole('button', { name: 'Unseal now' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'payments' }).count()).toBe(0);
    await expect.poll(() => page.getByText('Drill fault injection active').count()).toBe(0);
    await s.shot('drills-06-unsealed');
    const unseal = await ok<{ payload: Record<string, unknown> }[]>('audit.list', { action: 'byok.kms.unseal' });
    expect(unseal[0]!.payload).toMatchObject({ tenant: 'payments', method: 'manual' });
    dropExpectedHttpErrors();
    expect(s.problems).toEqual([]);
  });
});
