/**
 * The report commands as an operator and an auditor type them: export with progress on
 * stderr, then verify the zip offline, pinned to the key `audit public-key` printed;
 * exit code 1 with the failing file named when the package was changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../main/cli/run';
import { flipByte } from './package-helpers';
import { tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { KEYWARDEN_PASSPHRASE: 'correct horse battery staple', ...env }, passphrasePolicy: FAST_PASSPHRASE_POLICY };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('keywarden report', () => {
  it('exports, then verifies the zip offline against the pinned key, and rejects a changed copy', async () => {
    const dataDir = tempDir();
    const d = ['--data-dir', dataDir];
    expect(await runCli(['init', ...d], io().cli)).toBe(0);
    expect(await runCli(['tenant', 'create', '--slug', 'acme', ...d], io().cli)).toBe(0);
    const today = new Date().toISOString().slice(0, 10);

    const exp = io();
    expect(await runCli(['report', 'export', '--from', '2026-01-01', '--to', today, '--out', path.join(dataDir, 'out'), '--json', ...d], exp.cli)).toBe(0);
    const result = JSON.parse(exp.out()) as { zip: string; folder: string; manifest_sha256: string };
    expect(exp.err()).toMatch(/report: 100%  done/);

    const key = io();
    expect(await runCli(['audit', 'public-key', ...d], key.cli)).toBe(0);
    const keyFile = path.join(dataDir, 'installation.pub');
    fs.writeFileSync(keyFile, key.out());

    // The auditor's machine: no data dir at all.
    const ok = io();
    expect(await runCli(['report', 'verify', result.zip, '--public-key', keyFile], ok.cli)).toBe(0);
    expect(ok.out()).toMatch(/package verified against the pinned public key: \d+ files, \d+ inclusion proofs/);

    flipByte(path.join(result.folder, 'csv', 'inventory.csv'));
    const bad = io();
    expect(await runCli(['report', 'verify', result.folder, '--public-key', keyFile], bad.cli)).toBe(1);
    expect(bad.err()).toMatch(/FAIL  files      csv\/inventory\.csv was altered: its SHA-256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);
    expect(bad.err()).toMatch(/package REJECTED: 1 problem/);
  }, 60_000);

  it('says what is wrong with the arguments', async () => {
    const none = io();
    expect(await runCli(['report', 'verify'], none.cli)).toBe(1);
    expect(none.err()).toBe('error [invalid_input]: package: name exactly one package folder or zip\n');
    const missingKey = io();
    expect(await runCli(['report', 'verify', '/nonexistent', '--public-key', '/nonexistent.pub'], missingKey.cli)).toBe(1);
    expect(missingKey.err()).toBe('error [invalid_input]: public_key: cannot read /nonexistent.pub: ENOENT (and it is neither a verifier key nor a fingerprint)\n');
  });
});
