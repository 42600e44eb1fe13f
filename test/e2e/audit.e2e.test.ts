/**
 * The Audit trail screen's evidence, in a real chromium against the loopback host: the
 * Verify result with the current signed checkpoint beside it, an entry's inclusion proof
 * computed and checked by the engine, and a tampered log named in the Verify result.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, launchBrowser, openSession, type Session } from './support/browser';

let browser: Browser;
let s: Session;

/** Calls the engine through the host's own API, as the window does. */
async function call(method: string, input: unknown): Promise<unknown> {
  return callApi<never>(s.host, method, input);
}

beforeAll(async () => {
  browser = await launchBrowser();
  s = await openSession(browser, { rewrap: false });
  const passphrase = 'correct horse battery staple 42';
  await call('auth.init', { passphrase });
  await call('tenant.create', { slug: 'acme', wrap: 'local' });
  for (const name of ['db', 'queue', 'cache']) await call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name, value: `value-${name}` });
  const { token } = (await call('auth.stepUp', { passphrase, purpose: 'rotate', tenant: 'acme' })) as { token: string };
  await call('keys.rotate', { tenant: 'acme', step_up_token: token });
  await call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'webhook', value: 'hook' });
  await s.page.reload();
});

afterAll(async () => {
  await s?.close();
  await browser?.close();
});

describe('audit trail evidence in the window', () => {
  it('shows the signed checkpoint and verifies the log against it', async () => {
    const { page } = s;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Audit trail/ }).click();
    await page.getByTestId('audit-list').getByRole('option').first().waitFor();
    const card = page.getByTestId('audit-checkpoint');
    await expect.poll(() => card.textContent()).toMatch(/Tree of 6 entries, signed/);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Chain intact').waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/7 entries re-hashed.*1 signed checkpoint matches/);
    await page.getByRole('button', { name: 'Sign checkpoint now' }).click();
    await expect.poll(() => card.textContent()).toMatch(/Tree of 7 entries, signed/);
    await card.getByText('Signed note').click();
    const note = await page.getByTestId('audit-checkpoint-note').textContent();
    expect(note).toMatch(/^keywarden\.local\/audit\/[0-9a-f]{16}\n7\n[A-Za-z0-9+/]{43}=\n\n— keywarden\.local\/audit\/[0-9a-f]{16} \S+\n$/);
    await s.shot('audit-01-checkpoint-verified');
  });

  it("computes an entry's inclusion proof and shows its verdict", async () => {
    const { page } = s;
    await page.getByTestId('audit-list').getByRole('option').filter({ hasText: 'byok.kms.rotate' }).click();
    await page.getByRole('button', { name: 'Prove inclusion' }).click();
    const proof = page.getByTestId('audit-proof');
    await proof.getByText('Proof verifies').waitFor();
    expect(await proof.textContent()).toMatch(/Entry #6 is in the signed tree of 7 entries \(leaf index 5, 3 hashes on its path\)/);
    await proof.scrollIntoViewIfNeeded();
    await s.shot('audit-02-inclusion-proof');
  });

  it('names the entry an attacker edited in the database', async () => {
    const { page } = s;
    const db = new Database(path.join(s.dataDir, 'keywarden.db'));
    db.prepare("UPDATE audit_log SET payload = replace(payload, '\"queue\"', '\"qveue\"') WHERE seq = 4").run();
    db.close();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Chain broken at entry #4').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('entry 4 was altered');
    await page.mouse.wheel(0, -5000);
    await s.shot('audit-03-tampered');
  });

  it('logged no console error along the way', () => {
    expect(s.problems).toEqual([]);
  });
});
