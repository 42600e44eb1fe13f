/**
 * Adding and removing checkpoint witnesses from the window's Settings, in a real chromium
 * against the loopback host and the AWS fake: the Add witness form offers only the AWS
 * customer-KMS tenants, asks for the operator passphrase (step-up `witness`), shows the
 * engine's own message next to a bad ARN while keeping what was typed, then adds the
 * witness, which witnesses the log, and Remove takes it away again.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WitnessListView } from '../../core/api/witness-types';
import { WITNESS_STEP_UP_SCOPE } from '../../core/witness/service';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, stepUpToken, type Session } from './support/browser';

let browser: Browser;
let s: Session;
let aws: AwsFake;
let tenantKey: FakeKeyInfo;
let witnessKey: FakeKeyInfo;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);
const BAD_ARN = 'arn:aws:kms:us-east-1:12345:key/not a key';

beforeAll(async () => {
  aws = await startAwsFake();
  tenantKey = aws.createKey({ alias: 'acme-master' });
  witnessKey = aws.createKey({ alias: 'witness-settings' });
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv(), rewrap: false, checks: false });
  await s.page.setViewportSize({ width: 1440, height: 900 });
  await api('auth.init', { passphrase: E2E_PASSPHRASE });
  await api('tenant.create', { slug: 'acme', wrap: 'local' });
  await api('tenant.create', { slug: 'plainco', wrap: 'local' });
  allowEndpoints(s.dataDir, aws.endpoint, aws.sts.endpoint);
  await api('kms.onboard', {
    step_up_token: await stepUpToken(s.host, E2E_PASSPHRASE, 'onboard', 'acme'),
    tenant: 'acme',
    provider: 'aws',
    kms_key_ref: tenantKey.arn,
    config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint },
  });
  await s.page.reload();
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

/** Forgets the console lines of a refusal the test provoked on purpose (and no other). */
function dropExpected(status: string): void {
  s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !p.includes(status)));
}

async function openSettings() {
  await s.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Settings/ }).click();
  const panel = s.page.getByTestId('witness-panel');
  await panel.waitFor();
  return panel;
}

describe('checkpoint witnesses from Settings', () => {
  it('shows the engine’s message next to a bad ARN and keeps the form', async () => {
    const { page } = s;
    const panel = await openSettings();
    await expect.poll(() => panel.textContent()).toContain('No witness');
    await panel.getByRole('button', { name: 'Add witness' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a checkpoint witness' });
    await dialog.waitFor();
    // Only the AWS customer-KMS tenant lends its credentials; the local one is not offered.
    expect(await dialog.getByLabel('Credentials of').locator('option').allTextContents()).toEqual(['acme']);
    await dialog.getByLabel('KMS key ARN').fill(BAD_ARN);
    await dialog.getByLabel('Operator passphrase').fill(E2E_PASSPHRASE);
    await s.shot('witness-settings-01-form');
    await dialog.getByRole('button', { name: 'Add witness' }).click();

    // The same call made directly: the window must show exactly the engine's reason.
    const engine = await api('witness.add', { kind: 'aws_kms', tenant: 'acme', target_ref: BAD_ARN, step_up_token: await stepUpToken(s.host, E2E_PASSPHRASE, 'witness', WITNESS_STEP_UP_SCOPE) }).then(
      () => null,
      (e: Error) => JSON.parse(e.message.slice(e.message.indexOf('{'))) as { code: string; details: { field: string; reason: string } },
    );
    expect(engine?.code).toBe('invalid_input');
    expect(engine?.details.field).toBe('target_ref');
    const fieldError = dialog.locator('.field-invalid .field-error');
    await expect.poll(() => fieldError.textContent()).toBe(engine!.details.reason);
    expect(await dialog.getByLabel('KMS key ARN').inputValue()).toBe(BAD_ARN);
    expect(await dialog.getByLabel('Credentials of').inputValue()).toBe('acme');
    await s.shot('witness-settings-02-bad-arn');
    // The refused add is a 400 the browser logs as a failed resource: expected here.
    dropExpected('status of 400');
  });

  it('refuses a wrong passphrase under the field, then adds the witness, which witnesses the log', async () => {
    const { page } = s;
    const dialog = page.getByRole('dialog', { name: 'Add a checkpoint witness' });
    await dialog.getByLabel('KMS key ARN').fill(witnessKey.arn);
    await dialog.getByLabel('Operator passphrase').fill('not the passphrase');
    await dialog.getByRole('button', { name: 'Add witness' }).click();
    await expect.poll(() => dialog.textContent()).toContain('Wrong passphrase (step_up_invalid)');
    expect(await dialog.getByLabel('KMS key ARN').inputValue()).toBe(witnessKey.arn);
    dropExpected('status of 401');

    await dialog.getByLabel('Operator passphrase').fill(E2E_PASSPHRASE);
    await dialog.getByRole('button', { name: 'Add witness' }).click();
    await dialog.waitFor({ state: 'detached' });
    const list = await api<WitnessListView>('witness.list', {});
    expect(list.witnesses.map((w) => [w.kind, w.target_ref, w.tenant])).toEqual([['aws_kms', witnessKey.arn, 'acme']]);
    const id = list.witnesses[0]!.id;
    const row = page.getByTestId('witness-panel').locator(`tr[data-witness="${id}"]`);
    await expect.poll(() => row.textContent()).toContain('uses acme’s credentials');
    await s.shot('witness-settings-03-added');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).click();
    const strip = page.getByTestId('witness-strip');
    await strip.getByRole('button', { name: 'Witness now' }).click();
    await expect.poll(() => strip.getAttribute('data-state')).toBe('ok');
    const encrypts = aws.events({ eventName: 'Encrypt' }).filter((e) => !e.errorCode && JSON.stringify(e).includes(witnessKey.arn));
    expect(encrypts.length).toBe(1);
  });

  it('removes the witness behind the step-up', async () => {
    const { page } = s;
    const panel = await openSettings();
    const { witnesses } = await api<WitnessListView>('witness.list', {});
    await panel.getByRole('button', { name: `Remove witness ${witnesses[0]!.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove witness ${witnesses[0]!.id}` });
    await dialog.getByLabel('Operator passphrase').fill(E2E_PASSPHRASE);
    await dialog.getByRole('button', { name: 'Remove witness' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => panel.textContent()).toContain('No witness');
    expect((await api<WitnessListView>('witness.list', {})).witnesses).toEqual([]);
  });

  it('sets the interval behind the step-up; an out-of-range value shows the engine’s rule in place', async () => {
    const { page } = s;
    const panel = await openSettings();
    await panel.getByRole('button', { name: 'Interval…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Witness interval' });
    await dialog.getByLabel('Minutes').fill('0');
    await dialog.getByLabel('Operator passphrase').fill(E2E_PASSPHRASE);
    await dialog.getByRole('button', { name: 'Save interval' }).click();
    await expect.poll(() => dialog.locator('.field-invalid .field-error').textContent()).toBe('must be 1 or more');
    expect(await dialog.getByLabel('Minutes').inputValue()).toBe('0');
    dropExpected('status of 400');
    await dialog.getByLabel('Minutes').fill('30');
    await dialog.getByRole('button', { name: 'Save interval' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await api<WitnessListView>('witness.list', {})).status.interval_minutes).toBe(30);
    await expect.poll(() => panel.textContent()).toContain('every 30 min');
  });

  it('refuses a witness’s own config from the window (it may only borrow a tenant’s)', async () => {
    const token = await stepUpToken(s.host, E2E_PASSPHRASE, 'witness', WITNESS_STEP_UP_SCOPE);
    const refused = await api('witness.add', { kind: 'aws_kms', target_ref: witnessKey.arn, config: { region: aws.region, endpoint: aws.endpoint }, step_up_token: token }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/"code":"invalid_input".*config: the window does not choose this/);
    expect((await api<WitnessListView>('witness.list', {})).witnesses).toEqual([]);
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
