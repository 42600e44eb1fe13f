/**
 * The Evidence screen's Import panel and coverage calendar in a real chromium against the
 * loopback host: import a local copy of a trail's archive with validation (one log file
 * altered after delivery), read the result in words (files, bytes, events, the rejected
 * file by name), then the year's calendar: the imported days coloured as archive evidence,
 * the altered file's day as an integrity problem, today from the live API, the rest as
 * no evidence; the days are one tab stop, arrow keys move and the tooltip follows.
 * Screenshots at 1440x900 and 1024x700.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';
import { folderSink, kmsRecord, testTrailKey, writeTrailArchive } from '../support/cloudtrail-archive';
import { callApi, launchBrowser, openSession, stepUpToken, type Session } from './support/browser';

const PASSPHRASE = 'correct horse battery staple 42';
const DAY_MS = 86_400_000;
// Two whole days, a week ago: inside the calendar's year, in the past.
const DAY0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 7 * DAY_MS;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
let browser: Browser;
let s: Session;
let aws: AwsFake;
let key: FakeKeyInfo;
let copy: string;
let altered: string;

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(s.host, method, input);

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'archive-e2e' });
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-e2e-trail-'));
  const w = await writeTrailArchive(
    {
      bucket: 'trail',
      account: aws.accountId,
      region: aws.region,
      fromMs: DAY0,
      hours: 48,
      fillerPerFile: 5,
      kms: (h) => [kmsRecord({ eventID: `e2e-${h}`, eventTime: new Date(DAY0 + h * 3_600_000 + 60_000).toISOString(), keyArn: key.arn })],
      key: testTrailKey(),
    },
    folderSink(copy),
  );
  // One log file of the second day altered after delivery.
  altered = w.logKeys[30]!;
  fs.writeFileSync(path.join(copy, ...altered.split('/')), gzipSync(JSON.stringify({ Records: [] })));
  browser = await launchBrowser();
  s = await openSession(browser, { env: fakeAwsEnv() });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
  await aws?.close();
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

describe('archive import and coverage calendar in the window', () => {
  it('imports a local trail copy with validation and names the altered file', async () => {
    await api('auth.init', { passphrase: PASSPHRASE });
    await api('tenant.create', { slug: 'acme', wrap: 'local' });
    allowEndpoints(s.dataDir, aws.endpoint, aws.cloudtrail.endpoint);
    await api('kms.onboard', { step_up_token: await stepUpToken(s.host, PASSPHRASE, 'onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } });
    await api('evidence.settings', { step_up_token: await stepUpToken(s.host, PASSPHRASE, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
    await api('evidence.fetch', {}); // today's engine calls, from the live API

    const { page } = s;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Evidence/ }).click();
    const panel = page.getByRole('region', { name: 'Import a log archive' });
    await panel.waitFor();
    expect(await panel.getByLabel('Tenant').inputValue()).toBe('acme');
    await panel.getByLabel('Archive location').fill(copy);
    await panel.getByLabel('From').fill(isoDay(DAY0));
    await panel.getByLabel('To (included)').fill(isoDay(DAY0 + DAY_MS));
    expect(await panel.getByLabel(/Validate integrity/).isChecked()).toBe(true);
    await panel.getByRole('button', { name: 'Import', exact: true }).click();

    const summary = panel.getByTestId('import-summary');
    await summary.waitFor({ timeout: 30_000 });
    expect(await panel.getByTestId('import-progress').getAttribute('data-state')).toBe('done');
    expect(await summary.textContent()).toMatch(/47 files imported, 0 files already in, 1 file rejected; 47 new provider events/);
    const rejected = panel.getByRole('list', { name: 'Rejected files' });
    expect(await rejected.textContent()).toContain('modified');
    expect(await rejected.textContent()).toContain(altered);
    expect(await panel.getByTestId('import-integrity').textContent()).toMatch(/hashes only.*47 files match their digests, 1 file modified/);
    expect(await panel.getByRole('progressbar', { name: 'Archive import progress' }).getAttribute('aria-valuenow')).toBe(await panel.getByRole('progressbar').getAttribute('aria-valuemax'));
    expect(await panel.locator('.ev-import-figures').textContent()).toMatch(/Files48 \/ 48/);
  });

  it('colours the year by origin and integrity, with a legend in words and keyboard-reachable days', async () => {
    const { page } = s;
    const calendar = page.getByRole('region', { name: 'Evidence coverage calendar' });
    const legend = calendar.getByRole('list', { name: 'Legend' });
    for (const words of ['Archive, validated', 'Archive, not validated', 'Live API only', 'No evidence', 'Integrity problem']) expect(await legend.textContent()).toContain(words);
    const strip = calendar.locator('.cal-provider[data-provider="aws"]');
    await expect.poll(() => strip.locator(`.cal-day[data-day="${isoDay(DAY0)}"]`).getAttribute('data-status'), { timeout: 10_000 }).toBe('archive_unvalidated');
    expect(await strip.locator(`.cal-day[data-day="${isoDay(DAY0 + DAY_MS)}"]`).getAttribute('data-status')).toBe('integrity_failure');
    expect(await strip.locator(`.cal-day[data-day="${isoDay(Date.now())}"]`).getAttribute('data-status')).toBe('api');
    expect(await strip.locator(`.cal-day[data-day="${isoDay(DAY0 - DAY_MS)}"]`).getAttribute('data-status')).toBe('none');
    expect(await strip.locator('.cal-day').count()).toBe(365);
    expect(await strip.textContent()).toMatch(/\d+ days without evidence/);

    // One tab stop: the last day; arrows move by week and by day, the tooltip follows.
    const tabbable = strip.locator('.cal-day[tabindex="0"]');
    expect(await tabbable.count()).toBe(1);
    expect(await tabbable.getAttribute('data-day')).toBe(isoDay(Date.now()));
    await strip.locator(`.cal-day[data-day="${isoDay(DAY0 + 2 * DAY_MS)}"]`).focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    const focused = page.locator('.cal-day:focus');
    expect(await focused.getAttribute('data-day')).toBe(isoDay(DAY0 + DAY_MS));
    const tip = strip.getByRole('tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(new RegExp(`^${isoDay(DAY0 + DAY_MS)}, AWS KMS: Integrity problem\\..*from archives \\(not validated\\).*a file was rejected or altered`));
    expect(await focused.getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
    expect(await focused.getAttribute('aria-label')).toBe(await tip.textContent());
    await calendar.scrollIntoViewIfNeeded();
    await s.shot('evidence-archive-1440x900');

    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByRole('region', { name: 'Import a log archive' }).scrollIntoViewIfNeeded();
    await s.shot('evidence-archive-import-1024x700');
    await strip.locator(`.cal-day[data-day="${isoDay(DAY0)}"]`).focus();
    await calendar.scrollIntoViewIfNeeded();
    await s.shot('evidence-archive-calendar-1024x700');
    expect(s.problems).toEqual([]);
  });
});
