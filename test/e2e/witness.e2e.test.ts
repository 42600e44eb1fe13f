/**
 * The checkpoint witnesses in the window, in a real chromium against the loopback host and
 * the AWS fake: the Audit screen's strip shows the witness state, the gap and a timeline
 * of runs; a denied witness is a failure the strip and Settings name while the log keeps
 * working; "Check against witnesses" confirms the log, then raises the alarm with the
 * CloudTrail event id once the history is rewritten and re-signed.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/api/dispatch';
import { createHandlers } from '../../core/api/handlers';
import { openKeywarden } from '../../core/keywarden';
import { WITNESS_STEP_UP_SCOPE } from '../../core/witness/service';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { rewriteHistory } from '../witness/support/rewrite-history';
import { callApi, E2E_PASSPHRASE, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;
let aws: AwsFake;
let key: FakeKeyInfo;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

/** `keywarden witness add` with the witness's own config (the fake's default credential chain). */
async function addWitness(): Promise<void> {
  const kw = openKeywarden({ dataDir: s.dataDir, env: fakeAwsEnv(), passphrasePolicy: FAST_PASSPHRASE_POLICY, worker: null });
  try {
    const handlers = createHandlers(kw);
    const caller = { actor: 'e2e-cli', address: 'cli' };
    const t = await dispatch(handlers, 'auth.stepUp', { passphrase: E2E_PASSPHRASE, purpose: 'witness', tenant: WITNESS_STEP_UP_SCOPE }, caller);
    if (!t.ok) throw new Error(JSON.stringify(t.error));
    const added = await dispatch(handlers, 'witness.add', { kind: 'aws_kms', target_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint }, read_endpoint: aws.cloudtrail.endpoint, step_up_token: t.value.token }, caller);
    if (!added.ok) throw new Error(JSON.stringify(added.error));
  } finally {
    await kw.close();
  }
}

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'witness-e2e' });
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv(), checks: false });
  await api('auth.init', { passphrase: E2E_PASSPHRASE });
  await api('tenant.create', { slug: 'acme', wrap: 'local' });
  for (const name of ['db', 'queue', 'cache']) await api('record.put', { tenant: 'acme', table: 'secret_environment_configs', name, value: `value-${name}` });
  allowEndpoints(s.dataDir, aws.endpoint, aws.cloudtrail.endpoint);
  await addWitness();
  await s.page.reload();
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
});

describe('checkpoint witnesses in the window', () => {
  it('shows the witness strip, witnesses now and marks each run on the timeline', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).click();
    const strip = page.getByTestId('witness-strip');
    await expect.poll(() => strip.textContent()).toContain('no checkpoint witnessed yet');
    await strip.getByRole('button', { name: 'Witness now' }).click();
    await expect.poll(() => strip.getAttribute('data-state')).toBe('ok');
    await expect.poll(() => page.getByTestId('witness-summary').textContent()).toMatch(/^last witness .* at 6 entries; 0 entries since \(every 15 min when the log grows\)$/);
    expect(await page.getByTestId('witness-timeline').locator('li[data-state="ok"]').count()).toBe(1);
    await s.shot('witness-01-strip-ok');
  });

  it('names a denied witness in the strip and in Settings, and the log keeps working', async () => {
    const { page } = s;
    aws.setFault({ kind: 'deny' }, key.arn);
    const strip = page.getByTestId('witness-strip');
    await strip.getByRole('button', { name: 'Witness now' }).click();
    await expect.poll(() => strip.getAttribute('data-state')).toBe('failing');
    const failure = page.getByTestId('witness-failure');
    await expect.poll(() => failure.textContent()).toMatch(/aws_kms witness failed .*: access_denied: .*kms:Encrypt.*tried again at the next run/);
    expect(await page.getByTestId('witness-timeline').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['ok', 'failed']);
    await s.shot('witness-02-failing');
    // The log is unaffected.
    await api('record.put', { tenant: 'acme', table: 'integration_configs', name: 'hook', value: 'v' });
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Chain intact').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Settings/ }).click();
    const panel = page.getByTestId('witness-panel');
    await expect.poll(() => panel.textContent()).toContain('failing');
    expect(await panel.getByTestId('witness-last-failure').textContent()).toMatch(/access_denied: .*kms:Encrypt/);
    await panel.scrollIntoViewIfNeeded();
    await s.shot('witness-03-settings');
    aws.setFault({ kind: 'pass' }, key.arn);
  });

  it('checks the log against CloudTrail, then raises the alarm with the event id after a rewrite', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).click();
    const strip = page.getByTestId('witness-strip');
    await strip.getByRole('button', { name: 'Witness now' }).click();
    await expect.poll(() => strip.getAttribute('data-state')).toBe('ok');
    await strip.getByRole('button', { name: 'Check against witnesses' }).click();
    await expect.poll(() => page.getByTestId('witness-check').textContent()).toMatch(/^2 witnessed checkpoints consistent with the log/);

    await rewriteHistory(s.dataDir, E2E_PASSPHRASE, 2, (p) => ({ ...p, slug: 'acme-renamed' }));
    await strip.getByRole('button', { name: 'Check against witnesses' }).click();
    const alarm = page.getByTestId('witness-check').getByRole('alert');
    await alarm.waitFor();
    const first = aws.events({ eventName: 'Encrypt' }).find((e) => !e.errorCode)!;
    expect(await alarm.textContent()).toContain('History rewritten: a witnessed checkpoint no longer matches the log');
    expect(await alarm.textContent()).toContain(`event ${first.eventID}`);
    await s.shot('witness-04-alarm');
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
