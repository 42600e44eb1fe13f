/**
 * Onboarding a customer's AWS KMS key from the window, end to end: the web host runs the
 * real AWS SDK against the wire-level fake (KMS + STS on 127.0.0.1, reached through the
 * form's Advanced endpoints), the probe's result shows before anything is saved, the
 * tenant moves to AWS KMS / customer-controlled, and a revoked grant shows up in the
 * probe result as access_denied with AWS's own code while the saved config stays as it was.
 * Last, the tenant goes back to a platform key with step-up.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
let browser: Browser;
let aws: AwsFake;
let key: FakeKeyInfo;
let otherKey: FakeKeyInfo;
let s: Session;

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'keywarden-e2e' });
  otherKey = aws.createKey({ alias: 'keywarden-e2e-next' });
  browser = await launchBrowser();
  // The default credential chain finds the fake operator's keys in this environment only.
  s = await openSession(browser, { env: fakeAwsEnv() });
  // The operator's allow-list names the loopback fakes (production allows only AWS's own hosts).
  allowEndpoints(s.dataDir, aws.endpoint, aws.sts.endpoint);
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

async function fillAwsForm(page: Page, keyArn: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Onboard customer KMS' });
  await form.getByRole('tab', { name: 'AWS KMS' }).click();
  await form.getByLabel('Key ARN', { exact: true }).fill(keyArn);
  await form.getByLabel(/^Region/).fill(aws.region);
  await form.getByLabel(/^Role ARN/).fill(FAKE_ROLE_ARN);
  await form.getByLabel(/^External ID/).fill(FAKE_EXTERNAL_ID);
  const advanced = form.locator('details.onboard-advanced');
  if ((await advanced.getAttribute('open')) === null) await advanced.locator('summary').click();
  await form.getByLabel(/^KMS endpoint/).fill(aws.endpoint);
  await form.getByLabel(/^STS endpoint/).fill(aws.sts.endpoint);
  // A custom endpoint and saving both need step-up (onboard).
  await form.getByLabel('Operator passphrase').fill(PASSPHRASE);
}

describe('onboarding a fake AWS KMS key from the window', () => {
  it('starts from a sandbox tenant on the embedded KMS', async () => {
    const { page } = s;
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Set passphrase' }).click();
    await page.getByRole('button', { name: /Create sandbox/ }).click();
    await page.getByRole('button', { name: 'Open the sandbox key versions' }).click({ timeout: 45_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Tenants/ }).click();
    const detail = page.locator('section.tenant-detail');
    await detail.getByText('Not customer-controlled').first().waitFor();
    await detail.getByRole('button', { name: 'Onboard customer KMS' }).click();
    await page.getByRole('form', { name: 'Onboard customer KMS' }).waitFor();
  });

  it('folds the endpoints under Advanced and shows them on demand', async () => {
    const { page } = s;
    const form = page.getByRole('form', { name: 'Onboard customer KMS' });
    await expect.poll(() => form.getByLabel(/^KMS endpoint/).isVisible()).toBe(false);
    await form.locator('details.onboard-advanced summary').click();
    await expect.poll(() => form.getByLabel(/^KMS endpoint/).isVisible()).toBe(true);
    await expect.poll(() => form.getByLabel(/^STS endpoint/).isVisible()).toBe(true);
    await s.shot('onboard-aws-01-advanced');
    // Azure: Private Link keeps the vault's host name, so Advanced says so and offers the sovereign-cloud authority.
    await form.getByRole('tab', { name: 'Azure Key Vault' }).click();
    await form.locator('details.onboard-advanced summary').click();
    await form.getByText(/Private Link keeps the vault/).waitFor();
    await expect.poll(() => form.getByLabel(/^Authority host/).isVisible()).toBe(true);
    await form.locator('details.onboard-advanced').scrollIntoViewIfNeeded();
    await s.shot('onboard-aws-01b-azure-advanced');
  });

  it('runs the probe through STS AssumeRole and shows its result before saving', async () => {
    const { page } = s;
    await fillAwsForm(page, key.arn);
    const form = page.getByRole('form', { name: 'Onboard customer KMS' });
    await form.getByRole('button', { name: 'Verify', exact: true }).click();
    const result = form.getByRole('status').filter({ hasText: 'Probe passed' });
    await result.waitFor({ timeout: 20_000 });
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('AWS KMS wrapped and unwrapped 32 bytes');
    expect(text).toContain(key.arn.slice(-12));
    expect(text).toMatch(/assumed-role\/KeywardenKMSAccess\//);
    await result.scrollIntoViewIfNeeded();
    await s.shot('onboard-aws-02-probe-passed');
    // The probe really reached the fake KMS, as the role, through the configured endpoints.
    const kmsCalls = aws.events({ eventSource: 'kms.amazonaws.com' });
    expect(kmsCalls.map((e) => e.eventName)).toEqual(expect.arrayContaining(['Encrypt', 'Decrypt']));
    expect(kmsCalls.every((e) => e.userIdentity.type === 'AssumedRole')).toBe(true);
    expect(aws.events({ eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' }).length).toBeGreaterThan(0);
  });

  it('saves: the tenant is now on AWS KMS and customer-controlled', async () => {
    const { page } = s;
    const form = page.getByRole('form', { name: 'Onboard customer KMS' });
    await form.getByRole('button', { name: 'Verify and save' }).click();
    const detail = page.locator('section.tenant-detail');
    // The form collapses to the tenant's new state, which says what was saved.
    await detail.getByText(/Saved: AWS KMS now wraps version 2/).waitFor({ timeout: 20_000 });
    expect(await form.count()).toBe(0);
    await expect.poll(() => detail.locator('dl.tenant-kv').textContent()).toContain('AWS KMS');
    await expect.poll(() => detail.locator('dl.tenant-kv').textContent()).toContain(key.arn);
    await detail.getByText('Customer-controlled', { exact: true }).first().waitFor();
    const row = page.locator('table.tenant-table tbody tr').first();
    expect(await row.textContent()).toContain('AWS KMS');
    await page.mouse.wheel(0, -5000);
    await s.shot('onboard-aws-03-saved');
  });

  it('a revoked grant: the probe result shows access_denied with AWS’s code, and nothing changes', async () => {
    const { page } = s;
    aws.setFault({ kind: 'deny' }, otherKey.arn);
    await page.locator('section.tenant-detail').getByRole('button', { name: 'Replace KMS key' }).click();
    await fillAwsForm(page, otherKey.arn);
    const form = page.getByRole('form', { name: 'Onboard customer KMS' });
    await form.getByRole('button', { name: 'Verify', exact: true }).click();
    const refused = form.locator('.probe-failed');
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.getAttribute('data-reason')).toBe('access_denied');
    const text = (await refused.textContent()) ?? '';
    expect(text).toContain('access_denied');
    expect(text).toContain('AccessDeniedException');
    expect(text).toContain('Nothing was saved');
    expect(text).not.toMatch(/fakeSecret|AKIA[A-Z0-9]{16}/);
    await refused.scrollIntoViewIfNeeded();
    await s.shot('onboard-aws-04-probe-refused');
    // Saving is refused the same way and the tenant keeps its working key.
    await form.getByRole('button', { name: 'Verify and save' }).click();
    await refused.waitFor();
    const detail = page.locator('section.tenant-detail');
    await expect.poll(() => detail.locator('dl.tenant-kv').textContent()).toContain(key.arn);
    expect(await detail.locator('dl.tenant-kv').textContent()).not.toContain(otherKey.arn);
    // The refused probe was a 424 on purpose; the browser logs it as a failed resource.
    s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !p.includes('status of 424')));
  });

  it('moves the tenant back to a platform key with step-up, audited as tenant-kms.disabled', async () => {
    const { page } = s;
    const detail = page.locator('section.tenant-detail');
    await detail.getByRole('button', { name: 'Back to platform key…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Operator passphrase').fill(PASSPHRASE);
    await s.shot('offboard-01-dialog');
    await dialog.getByRole('button', { name: 'Move to the local key' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => detail.locator('dl.tenant-kv').textContent()).toContain('Local KMS');
    await detail.getByText('Not customer-controlled').first().waitFor();
    expect(await detail.getByRole('button', { name: 'Back to platform key…' }).count()).toBe(0);
    const [entry] = await callApi<{ payload: Record<string, unknown> }[]>(s.host, 'audit.list', { action: 'tenant-kms.disabled' });
    expect(entry?.payload).toMatchObject({ provider: 'aws', wrap_method: 'local', new_version: 3 });
    await page.mouse.wheel(0, -5000);
    await s.shot('offboard-02-done');
  });

  it('a wrong external id: the failure is named as STS AssumeRole, not as a KMS call', async () => {
    const { page } = s;
    aws.setFault({ kind: 'pass' }, otherKey.arn);
    await fillAwsForm(page, otherKey.arn);
    const form = page.getByRole('form', { name: 'Onboard customer KMS' });
    await form.getByLabel(/^External ID/).fill('not-the-external-id-the-trust-policy-wants');
    await form.getByRole('button', { name: 'Verify', exact: true }).click();
    const refused = form.locator('.probe-failed');
    await expect.poll(() => refused.getAttribute('data-step'), { timeout: 20_000 }).toBe('assume_role');
    const text = (await refused.textContent()) ?? '';
    expect(text).toContain('Probe refused at STS AssumeRole (before any KMS call)');
    expect(text).toMatch(/external id/);
    // The headline names STS, and so does the engine's own message quoted under it.
    expect(await refused.locator('.probe-result-title').textContent()).not.toContain('Encrypt');
    expect(await refused.locator('.probe-message').textContent()).toMatch(/AWS STS AssumeRole failed: access denied \(AccessDenied\)/);
    expect(text).not.toContain('KMS Encrypt');
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await refused.scrollIntoViewIfNeeded();
      await s.shot(`onboard-aws-06-assume-role-refused-${w}x${h}`);
    }
    await page.setViewportSize({ width: 1360, height: 860 });
    s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !p.includes('status of 424')));
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
