/**
 * `keywarden watch`: --once runs every due check and prints one line per run and per
 * alert (a JSON document per line with --json); without --once it keeps checking until
 * stopped; a bad --tick-seconds is one error line with its code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { runWatch } from '../../main/cli/watch-command';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-watch-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const env = { KEYWARDEN_PASSPHRASE: 'correct horse battery staple', TZ: 'UTC' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env } };
}

describe('keywarden watch', () => {
  it('--once runs the due checks and prints each run and alert', async () => {
    const setup = capture();
    expect(await runCli(['init', '--data-dir', dir], setup.io)).toBe(0);
    expect(await runCli(['tenant', 'create', '--slug', 'acme', '--data-dir', dir], setup.io)).toBe(0);
    const c = capture();
    expect(await runWatch(['--once', '--data-dir', dir, '--utc'], c.io)).toBe(0);
    const lines = c.out.join('').trim().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ \S+ UTC  /, ''))).toEqual([
      expect.stringMatching(/^audit_verify +ok +\d+ entries intact/),
      'evidence_crosscheck ok      no customer-KMS tenant: nothing to cross-check',
      'drill_cadence       problem drill due for acme',
      'ALERT  Drill due for acme: acme has never had a kill-switch drill. (see drills, tenant acme)',
      'rotation_age        ok      every active key within 365 days',
      'access_review       ok      no customer-KMS tenant: no key to review',
    ]);
    // Nothing is due a second time, and the alert is not raised again.
    const again = capture();
    expect(await runWatch(['--once', '--data-dir', dir, '--json'], again.io)).toBe(0);
    expect(again.out.join('')).toBe('');
    // The runs are what status and Settings show.
    const status = capture();
    await runCli(['call', 'checks.status', '--data-dir', dir, '--json'], status.io);
    const view = JSON.parse(status.out.join('')) as { checks: { last_run: unknown }[]; unseen: number };
    expect(view.checks.every((ch) => ch.last_run !== null)).toBe(true);
    expect(view.unseen).toBe(1);
  });

  it('keeps checking until stopped, one JSON document per line', async () => {
    const other = path.join(dir, 'other');
    const setup = capture();
    await runCli(['init', '--data-dir', other], setup.io);
    const c = capture();
    let release!: () => void;
    const stopped = new Promise<void>((r) => (release = r));
    const done = runWatch(['--data-dir', other, '--tick-seconds', '1', '--json'], c.io, () => stopped);
    await expect.poll(() => c.out.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    release();
    expect(await done).toBe(0);
    const docs = c.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { type: string; check?: string });
    expect(docs.filter((d) => d.type === 'run').map((d) => d.check)).toEqual(['audit_verify', 'evidence_crosscheck', 'drill_cadence', 'rotation_age', 'access_review']);
  });

  it('refuses a bad tick in one line with the code', async () => {
    const c = capture();
    expect(await runWatch(['--tick-seconds', '0', '--data-dir', dir], c.io)).toBe(1);
    expect(c.err.join('')).toBe('error [invalid_input]: tick-seconds: must be a number of seconds from 1 to 86400 (got "0")\n');
  });
});
