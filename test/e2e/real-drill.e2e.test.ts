/**
 * A real kill-switch drill started from the window, against the AWS fake through the real
 * SDK: the confirmation says what will happen (a real revocation of the customer's key,
 * the real tenant seals) before it asks for the step-up; the drill then watches the real
 * tenant, the window shows its progress as the "customer" revokes the grant (the fake
 * denies) and restores it, and Stop ends it with its result kept and audited.
 */
import { allowEndpoints } from '../support/allowed-endpoints';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillView } from '../../core/api/seal-types';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, stepUpToken, type Session } from './support/browser';

let browser: Browser;
let aws: AwsFake;
let key: FakeKeyInfo;
let s: Session;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'keywarden-real-drill' });
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv(), rewrap: false, checks: false });
  await api('auth.init', { passphrase: E2E_PASSPHRASE });
  await api('tenant.create', { slug: 'acme', wrap: 'local' });
  await api('tenant.create', { slug: 'sandbox', wrap: 'local' });
  allowEndpoints(s.dataDir, aws.endpoint, aws.sts.endpoint);
  await api('kms.onboard', {
    step_up_token: await stepUpToken(s.host, E2E_PASSPHRASE, 'onboard', 'acme'),
    tenant: 'acme',
    provider: 'aws',
    kms_key_ref: key.arn,
    config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint },
  });
  await api('record.seedSample', { tenant: 'acme', rows: 20 });
  await s.page.reload();
});

afterAll(async () => {
  aws?.setFault({ kind: 'pass' }, key.arn);
  await s?.close();
  await browser?.close();
  await aws?.close();
});

describe('a real drill from the window', () => {
  it('is not offered for a tenant on a platform key', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Drills/ }).click();
    const form = page.getByRole('region', { name: 'Run a drill' });
    await form.getByRole('combobox').first().selectOption('sandbox');
    await form.getByRole('radio', { name: 'Real' }).click();
    await form.getByRole('note').filter({ hasText: 'there is no customer grant to revoke' }).waitFor();
    expect(await form.getByRole('button', { name: 'Start real drill…' }).isDisabled()).toBe(true);
  });

  it('says what will happen, asks for the step-up, then watches the real tenant', async () => {
    const { page } = s;
    const form = page.getByRole('region', { name: 'Run a drill' });
    await form.getByRole('combobox').first().selectOption('acme');
    await form.getByLabel('Agents').fill('3');
    await form.getByLabel('Poll every').fill('1s');
    await form.getByLabel('Watch for up to').fill('5m');
    await s.shot('real-drill-01-form');
    await form.getByRole('button', { name: 'Start real drill…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a real drill on acme' });
    await dialog.waitFor();
    const facts = (await dialog.textContent()) ?? '';
    expect(facts).toContain('watches a real revocation of the customer’s key');
    expect(facts).toMatch(/Every 1s, for up to 5m/);
    expect(facts).toMatch(/revoke the grant .* in the cloud console/);
    expect(facts).toMatch(/real tenant then seals within one cache TTL \(5 min\)/);
    await s.shot('real-drill-02-confirm');
    // No passphrase: nothing starts.
    await dialog.getByRole('button', { name: 'Start watching' }).click();
    await dialog.getByText('Enter the passphrase to continue').waitFor();
    expect(await api<unknown[]>('drill.list', {})).toEqual([]);
    await dialog.getByLabel('Operator passphrase').fill('not the passphrase');
    await dialog.getByRole('button', { name: 'Start watching' }).click();
    await dialog.getByText(/Wrong passphrase|step_up_invalid|passphrase is wrong/i).first().waitFor();
    expect(await api<unknown[]>('drill.list', {})).toEqual([]);
    await dialog.getByLabel('Operator passphrase').fill(E2E_PASSPHRASE);
    await dialog.getByRole('button', { name: 'Start watching' }).click();
    await dialog.waitFor({ state: 'detached' });

    const status = page.getByTestId('real-drill-status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('Watching: revoke access in the cloud console now.');
    const [drill] = await api<DrillView[]>('drill.list', {});
    expect(drill).toMatchObject({ kind: 'real', state: 'running', tenant: 'acme', agents: 3 });
    await s.shot('real-drill-03-watching');

    // The customer revokes Keywarden's grant: the provider refuses, the drill records the kill.
    aws.setFault({ kind: 'deny' }, key.arn);
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('The provider refuses the key');
    await page.locator('.drill-timeline').getByText(/the provider refused the active master key: access_denied/).waitFor({ timeout: 10_000 });
    await s.shot('real-drill-04-kill');
    // And restores it: the drill records the restore.
    aws.setFault({ kind: 'pass' }, key.arn);
    await page.locator('.drill-timeline').getByText('the provider unwraps the active master key again').waitFor({ timeout: 20_000 });

    await status.getByRole('button', { name: 'Stop drill' }).click();
    const detail = page.getByRole('region', { name: 'Drill results' });
    await expect.poll(() => detail.locator('.card-header').textContent(), { timeout: 20_000 }).toContain('cancelled');
    expect(await page.getByTestId('real-drill-status').count()).toBe(0);
    await detail.getByText('cancelled by the operator').waitFor();
    const done = await api<DrillView>('drill.show', { id: drill!.id });
    expect(done).toMatchObject({ state: 'cancelled', kind: 'real' });
    expect(done.result).toMatchObject({ kill_at: expect.any(String), restore_at: expect.any(String), records_lost: 0 });
    const [entry] = await api<{ payload: Record<string, unknown> }[]>('audit.list', { action: 'drill.run' });
    expect(entry?.payload).toMatchObject({ drill_id: drill!.id, kind: 'real', state: 'cancelled' });
    await s.shot('real-drill-05-stopped');
  }, 120_000);

  it('fits at 1440x900 and 1024x700', async () => {
    const { page } = s;
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.mouse.wheel(0, -5000);
      const start = page.getByRole('button', { name: 'Start real drill…' });
      await start.scrollIntoViewIfNeeded();
      const box = await start.boundingBox();
      expect(box !== null && box.x + box.width <= w).toBe(true);
      await s.shot(`real-drill-06-form-${w}x${h}`);
    }
  });

  it('logged no console error along the way', () => {
    // The wrong passphrase is a 401 on purpose.
    expect(s.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
