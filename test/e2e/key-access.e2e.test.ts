/**
 * The Key access screen in a real chromium against the loopback host, whose engine reads
 * the AWS fake: review a key with a cross-account statement and a grant for another role,
 * see the principals and findings with the raw fragment, change the key (rotation off, a
 * new grant), review again and see the drift first, then accept a finding with a reason;
 * allow the grant's role with a note (audited), see the next review stop raising it, and
 * remove it again.
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
  key = aws.createKey({ alias: 'key-access-e2e' });
  const data = aws.review(key.arn);
  data.policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_USER_ARN);
  data.rotationEnabled = true;
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv() });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

describe('key access in the window', () => {
  it('reviews, shows principals and findings with the raw fragment, then drift first and an accepted finding', async () => {
    await api('auth.init', { passphrase: PASSPHRASE });
    await api('tenant.create', { slug: 'acme', wrap: 'local' });
    await api('kms.onboard', { tenant: 'acme', provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } });

    const { page } = s;
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Key access/ }).click();
    await page.getByText('No access review yet').waitFor();
    await page.getByRole('button', { name: 'Review now' }).click();
    const card = page.getByTestId('access-acme');
    await card.waitFor({ timeout: 20_000 });
    await expect.poll(() => card.locator('.ka-finding').count()).toBe(1);
    expect(await card.locator('.ka-finding').first().getAttribute('data-severity')).toBe('high');
    expect(await card.getByTestId('access-principals').textContent()).toContain('arn:aws:iam::444455556666:root');
    expect(await card.getByTestId('access-principals').textContent()).toContain('Allow use of the key');
    await card.getByRole('button', { name: 'Show fragment' }).first().click();
    expect(await card.getByTestId('access-fragment').textContent()).toContain('"Sid": "Allow use of the key"');
    await s.shot('key-access-01-review');

    aws.review(key.arn).rotationEnabled = false;
    aws.addGrant(key.arn, { GranteePrincipal: 'arn:aws:iam::111122223333:role/BatchExport', Operations: ['Decrypt'] });
    await page.getByRole('button', { name: 'Review now' }).click();
    const drift = card.getByTestId('access-drift');
    await drift.waitFor({ timeout: 20_000 });
    const driftText = await drift.textContent();
    expect(driftText).toMatch(/new: arn:aws:iam::111122223333:role\/BatchExport can use/);
    expect(driftText).toMatch(/rotation enabled: true → false/);
    // Drift comes before the findings in the card.
    const order = await card.evaluate((el) => [...el.querySelectorAll('[data-testid="access-drift"], .ka-findings')].map((n) => n.className || n.getAttribute('data-testid')));
    expect(order[0]).toBe('ka-drift');

    const rotation = card.locator('.ka-finding', { hasText: 'automatic key rotation is off' });
    await rotation.getByRole('button', { name: 'Accept…' }).click();
    await rotation.getByLabel('Reason').fill('Key material rotated by the platform team every quarter');
    await rotation.getByRole('button', { name: 'Mark as accepted' }).click();
    await card.locator('.ka-finding[data-accepted="yes"]').waitFor({ timeout: 10_000 });
    expect(await card.locator('.ka-finding[data-accepted="yes"]').textContent()).toContain('rotated by the platform team');
    await s.shot('key-access-02-drift-accepted');
    expect(s.problems).toEqual([]);
  });

  it('allows a principal with a note on the screen, the next review no longer raises it, and removes it again', async () => {
    const { page } = s;
    const card = page.getByTestId('access-acme');
    const panel = card.getByTestId('access-allow-list');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Allowed besides Keywarden (0)');
    const role = 'arn:aws:iam::111122223333:role/BatchExport';
    await panel.getByLabel('Principal to allow').fill(role);
    await panel.getByLabel('Why it is allowed').fill('ok');
    expect(await panel.getByRole('button', { name: 'Allow', exact: true }).isDisabled()).toBe(true);
    await panel.getByLabel('Why it is allowed').fill('Nightly export job, change ticket CHG-2291');
    await panel.getByRole('button', { name: 'Allow', exact: true }).click();
    await panel.locator(`li[data-entry="${role}"]`).waitFor();
    expect(await panel.locator(`li[data-entry="${role}"]`).textContent()).toContain('Nightly export job, change ticket CHG-2291');
    expect(await panel.getByLabel('Principal to allow').inputValue()).toBe('');
    const audit = await api<{ action: string; payload: Record<string, unknown> }[]>('audit.list', { action: 'access.allow_list.added', limit: 1 });
    expect(audit[0]!.payload).toMatchObject({ note: 'Nightly export job, change ticket CHG-2291' });

    await page.getByRole('button', { name: 'Review now' }).click();
    await expect.poll(() => card.getByTestId('access-drift').textContent(), { timeout: 20_000 }).toMatch(/resolved: grant .*role\/BatchExport/);
    expect(await card.locator('.ka-finding', { hasText: 'BatchExport' }).count()).toBe(0);
    await panel.scrollIntoViewIfNeeded();
    await s.shot('key-access-03-allow-list');

    // A bad entry is refused with the reason, and nothing is lost.
    await panel.getByLabel('Principal to allow').fill('has space');
    await panel.getByLabel('Why it is allowed').fill('typo in the entry');
    await panel.getByRole('button', { name: 'Allow', exact: true }).click();
    await panel.getByRole('alert').waitFor();
    expect(await panel.getByRole('alert').textContent()).toMatch(/spaces/);
    expect(await panel.locator('li[data-entry]').count()).toBe(1);

    await panel.getByRole('button', { name: `Remove ${role} from the allow-list` }).click();
    await expect.poll(() => panel.locator('li[data-entry]').count()).toBe(0);
    expect((await api<{ allow_list: string[] }>('access.settings', { tenant: 'acme' })).allow_list).toEqual([]);
    // The refused entry's 400 is the one console line the browser writes.
    expect(s.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });
});
