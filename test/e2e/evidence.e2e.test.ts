/**
 * The Evidence screen in a real chromium against the loopback host, whose engine calls the
 * AWS fake (KMS + STS-free default chain + CloudTrail): fetch the trail, cross-check, see
 * every call matched; inject a rogue Decrypt, fetch and cross-check again, see the
 * provider_only alarm, filter to it and read its raw CloudTrail record.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { callApi, launchBrowser, openSession, stepUpToken, type Session } from './support/browser';
import { allowEndpoints } from '../support/allowed-endpoints';

const PASSPHRASE = 'correct horse battery staple 42';
let browser: Browser;
let s: Session;
let aws: AwsFake;
let key: FakeKeyInfo;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'evidence-e2e' });
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv() });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

describe('evidence cross-check in the window', () => {
  it('fetches CloudTrail, cross-checks and shows every engine call matched', async () => {
    await api('auth.init', { passphrase: PASSPHRASE });
    await api('tenant.create', { slug: 'acme', wrap: 'local' });
    allowEndpoints(s.dataDir, aws.endpoint, aws.cloudtrail.endpoint);
    await api('kms.onboard', { step_up_token: await stepUpToken(s.host, PASSPHRASE, 'onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } });
    for (let i = 0; i < 3; i++) {
      const { token } = await api<{ token: string }>('auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'acme' });
      await api('keys.rotate', { tenant: 'acme', step_up_token: token });
    }
    await api('evidence.settings', { step_up_token: await stepUpToken(s.host, PASSPHRASE, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });

    const { page } = s;
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Evidence/ }).click();
    await page.getByText('No cross-check yet').waitFor();
    await s.shot('evidence-00-empty');
    await page.getByRole('button', { name: 'Fetch provider logs' }).click();
    await page.getByText('Provider logs read').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cross-check', exact: true }).click();
    const matched = page.locator('.ev-count[data-class="matched"] .ev-count-n');
    await matched.waitFor({ timeout: 20_000 });
    expect(Number(await matched.textContent())).toBeGreaterThanOrEqual(5);
    expect(await page.locator('.ev-count[data-class="provider_only"] .ev-count-n').textContent()).toBe('0');
    await expect.poll(() => page.getByTestId('evidence-rows').getByRole('option').count()).toBeGreaterThan(0);
    await page.locator('.ev-cov-item[data-health="good"]').waitFor();
    await s.shot('evidence-01-matched');
  });

  it('raises the provider_only alarm for a rogue Decrypt and shows its raw record', async () => {
    const { page } = s;
    aws.cloudtrail.inject(key.arn);
    await page.getByRole('button', { name: 'Fetch provider logs' }).click();
    await page.getByText('Provider logs read').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cross-check', exact: true }).click();
    const alarm = page.getByRole('alert').filter({ hasText: 'the engine did not make' });
    await alarm.waitFor({ timeout: 20_000 });
    expect(await page.locator('.ev-count[data-class="provider_only"] .ev-count-n').textContent()).toBe('1');
    await s.shot('evidence-02-alarm');

    await alarm.getByRole('button', { name: 'Show them' }).click();
    const rows = page.getByTestId('evidence-rows').getByRole('option');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-class')).toBe('provider_only');
    await rows.first().click();
    await expect.poll(() => page.getByTestId('evidence-raw').textContent(), { timeout: 10_000 }).toContain('SomeoneElse');
    // The verdict says why: another client's user agent, no engine call claims it.
    expect(await page.getByTestId('evidence-reason').textContent()).toMatch(/client that is not Keywarden.*aws-cli/);
    await page.getByTestId('evidence-raw').scrollIntoViewIfNeeded();
    await s.shot('evidence-03-raw-record');

    await page.getByLabel('Class', { exact: true }).selectOption('matched');
    await expect.poll(async () => (await rows.count()) > 0 && (await rows.first().getAttribute('data-class')) === 'matched').toBe(true);
  });

  it('edits where the log is read in Log settings, refusing a bad value on its field', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Log settings' }).click();
    const dialog = page.getByRole('dialog');
    const endpoint = dialog.getByLabel('CloudTrail endpoint');
    await expect.poll(() => endpoint.inputValue()).toBe(aws.cloudtrail.endpoint);
    // Changing where evidence is read from needs step-up.
    await dialog.getByLabel('Operator passphrase').fill(PASSPHRASE);
    await dialog.getByLabel('Delivery delay (minutes)').fill('-5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.locator('.field-invalid').count()).toBe(1);
    await s.shot('evidence-04-settings-refused');
    // The refused save was a 400 on purpose; the browser logs it as a failed resource.
    s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !p.includes('status of 400')));
    await dialog.getByLabel('Delivery delay (minutes)').fill('20');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await api('evidence.settings', { tenant: 'acme' })).toMatchObject({ aws_delivery_delay_minutes: 20, aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
