/**
 * Settings → Installation secrets, in a real chromium against the loopback host, on an
 * installation an older version left with plain key files: the panel shows them as
 * awaiting migration and the host as locked, a wrong passphrase is refused in place, the
 * right one seals both files, and the last backup appears once one is written. No key
 * material ever reaches the page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { PASSPHRASE, tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { encodingsOf } from '../support/sealed-files';
import { plainFileInstallation, type PlainKeys } from '../secrets/support';
import { launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;
let keys: PlainKeys;

beforeAll(async () => {
  const old = await plainFileInstallation();
  keys = old.keys;
  // A copy the session owns: the fixture's own folder is removed after each test.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-e2e-secrets-'));
  fs.cpSync(old.fx.dataDir, dataDir, { recursive: true });
  browser = await launchBrowser();
  // No KEYWARDEN_PASSPHRASE: the host starts locked, as `serve` does without one.
  s = await openSession(browser, { env: {}, rewrap: false, checks: false, dataDir });
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

async function pageHoldsNoKey(): Promise<void> {
  const html = await s.page.content();
  for (const k of Object.values(keys)) for (const form of encodingsOf(k)) expect(html.includes(form.toString('utf8'))).toBe(false);
}

describe('Settings: installation secrets', () => {
  it('shows the data folder, plain files awaiting migration, the locked state and the web host keyring', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Settings/ }).click();
    const panel = page.getByRole('region', { name: 'Installation secrets' });
    await panel.waitFor();
    await expect.poll(() => panel.getByText('Locked', { exact: true }).count()).toBe(1);
    expect(await panel.getByTestId('secrets-facts').textContent()).toContain(s.dataDir);
    expect(await panel.getByTestId('secret-local-kms.key').textContent()).toBe('Plain file: sealed at the next unlock local-kms.key');
    expect(await panel.getByTestId('secret-audit-log.key').textContent()).toBe('Plain file: sealed at the next unlock audit-log.key');
    expect(await panel.getByTestId('keyring-note').textContent()).toMatch(/^web host: not cached/);
    expect(await panel.getByTestId('last-backup').textContent()).toBe('None yet: keywarden backup --out FILE');
    expect(await panel.textContent()).toContain('If the passphrase is lost, nothing can be recovered');
    expect(await page.getByText('Coming here').count()).toBe(0);
    await pageHoldsNoKey();
    await s.shot('settings-secrets-locked');
  });

  it('refuses a wrong passphrase in place, then unlocks and seals both files', async () => {
    const { page } = s;
    const panel = page.getByRole('region', { name: 'Installation secrets' });
    const form = panel.getByRole('form', { name: 'Unlock the installation secrets' });
    await form.getByLabel('Operator passphrase').fill('not the passphrase');
    await form.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/Wrong passphrase/);
    s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !p.includes('status of 401')));
    await form.getByLabel('Operator passphrase').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => panel.getByText('Unlocked', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    expect(await panel.getByTestId('secret-local-kms.key').textContent()).toBe('Wrapped by the passphrase local-kms.key.sealed');
    expect(await panel.getByTestId('secret-audit-log.key').textContent()).toBe('Wrapped by the passphrase audit-log.key.sealed');
    expect(await form.count()).toBe(0);
    await pageHoldsNoKey();
    await s.shot('settings-secrets-unlocked');
  });

  it('shows the last backup once one is written', async () => {
    const { page } = s;
    const archive = path.join(tempDir(), 'keywarden-backup.zip');
    const code = await runCli(['backup', '--out', archive, '--data-dir', s.dataDir], { stdout: () => {}, stderr: () => {}, env: { KEYWARDEN_PASSPHRASE: PASSPHRASE }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
    expect(code).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Overview/ }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Settings/ }).click();
    const panel = page.getByRole('region', { name: 'Installation secrets' });
    await expect.poll(() => panel.getByTestId('last-backup').textContent()).toContain(archive);
    expect(s.problems).toEqual([]);
  });
});
