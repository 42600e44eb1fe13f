/**
 * Continuous checks through the web host, in a real chromium: the host's scheduler
 * (on fast intervals) fetches CloudTrail from the AWS fake and cross-checks; a rogue
 * Decrypt by someone else becomes a provider_only record, which raises an in-page notice
 * and a badge in the sidebar; "Open Evidence" goes there and clears the badge. A key
 * policy that lets another account use the key is a new high finding of the scheduled
 * access review: the same notice, "Open Key access". Settings shows each check's last
 * and next run.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossAccountKeyPolicy, FAKE_USER_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
let browser: Browser;
let s: Session;
let aws: AwsFake;
let key: FakeKeyInfo;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'checks-e2e' });
  browser = await launchBrowser();
  // Days of checks in seconds: a tick every 300 ms, the cross-check and the access review due every second.
  s = await openSession(browser, { env: fakeAwsEnv(), rewrap: false, checks: { tickMs: 300, firstTickMs: 300, intervals: { evidence_crosscheck: 1000, access_review: 1000 } } });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

describe('alerts from the continuous checks', () => {
  it('a provider_only record raises an in-page notice and a sidebar badge', async () => {
    await api('auth.init', { passphrase: PASSPHRASE });
    await api('tenant.create', { slug: 'acme', wrap: 'local' });
    await api('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
    await api('kms.onboard', { tenant: 'acme', provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } });
    const { page } = s;
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    // Someone else decrypts with the customer's key: CloudTrail has it, the engine never made it.
    aws.cloudtrail.inject(key.arn);
    const notice = page.getByRole('alert', { name: 'Check alert' }).filter({ hasText: 'used outside Keywarden' });
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.getAttribute('data-kind')).toBe('provider_only');
    expect(await notice.textContent()).toMatch(/Key of acme used outside Keywarden.*aws logged \w+ at .* a call Keywarden did not make\./);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const badge = nav.getByRole('button', { name: /Overview/ }).locator('.nav-pill');
    await expect.poll(() => badge.textContent()).toMatch(/^\d+ new$/);
    await s.shot('check-alert-notice');

    await notice.getByRole('button', { name: 'Open Evidence' }).click();
    expect(await nav.getByRole('button', { name: /Evidence/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByRole('alert', { name: 'Check alert' }).filter({ hasText: 'used outside Keywarden' }).count()).toBe(0);
    // It is also on the Overview, as a critical problem from the cross-check the check ran.
    await nav.getByRole('button', { name: /Overview/ }).click();
    const problems = page.getByRole('region', { name: 'Problems' });
    await expect.poll(() => problems.textContent()).toMatch(/use of a customer key that Keywarden did not make/);
  });

  it('a new high finding of the scheduled access review raises the same notice, which opens Key access', async () => {
    const { page } = s;
    aws.review(key.arn).policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_USER_ARN);
    const notice = page.getByRole('alert', { name: 'Check alert' }).filter({ hasText: 'key access finding' });
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.getAttribute('data-kind')).toBe('access_finding');
    expect(await notice.textContent()).toMatch(/New high key access finding for acme.*account 444455556666/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.getByRole('button', { name: /Overview/ }).locator('.nav-pill').textContent()).toMatch(/^\d+ new$/);
    await notice.getByRole('button', { name: 'Open Key access' }).click();
    expect(await nav.getByRole('button', { name: /Key access/ }).getAttribute('aria-current')).toBe('page');
    await page.getByTestId('access-acme').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByRole('alert', { name: 'Check alert' }).filter({ hasText: 'key access finding' }).count()).toBe(0);
  });

  it('Settings shows each check with its last and next run', async () => {
    const { page } = s;
    // Acknowledge whatever else the checks raised (the drill reminder) so the notice is gone for the shot.
    await api('checks.ack', {});
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Settings/ }).click();
    const panel = page.getByRole('region', { name: 'Continuous checks' });
    await panel.waitFor();
    for (const name of ['audit_verify', 'evidence_crosscheck', 'drill_cadence', 'rotation_age', 'access_review']) {
      await expect.poll(() => panel.locator(`tr[data-check="${name}"]`).textContent()).not.toContain('never');
    }
    expect(await panel.locator('tr[data-check="evidence_crosscheck"]').textContent()).toMatch(/problem/);
    // The host's own interval (1 s here), not the hourly default, and who runs the checks.
    expect(await panel.locator('tr[data-check="evidence_crosscheck"] [data-testid="check-interval"]').textContent()).toBe('every 1 sset by the running host (default hourly)');
    expect(await panel.locator('tr[data-check="audit_verify"] [data-testid="check-interval"]').textContent()).toBe('dailydefault');
    expect(await panel.getByTestId('checks-host').textContent()).toMatch(/^Running in the web host \(pid \d+\) since .*, looking for due checks every 0\.3 s\.$/);
    await s.shot('settings-checks');
    expect(s.problems).toEqual([]);
  });
});
