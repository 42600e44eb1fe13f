/**
 * `report verify` must not trust the key a package carries: without --public-key a valid
 * package exits 3 ("valid but the signer's key is not pinned"), pinned by a file, the
 * verifier key text or the fingerprint it exits 0, and a package signed by another
 * installation exits 1 whichever way the key was pinned.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../main/cli/run';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

// The installations live for the whole file (the fixture's temp dirs end with each test).
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { KEYWARDEN_PASSPHRASE: 'correct horse battery staple' }, passphrasePolicy: FAST_PASSPHRASE_POLICY };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

async function installation(): Promise<{ dir: string; zip: string; vkey: string; fingerprint: string; keyFile: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-pin-'));
  dirs.push(dir);
  const d = ['--data-dir', dir];
  expect(await runCli(['init', ...d], io().cli)).toBe(0);
  const today = new Date().toISOString().slice(0, 10);
  const exp = io();
  expect(await runCli(['report', 'export', '--from', '2026-01-01', '--to', today, '--out', path.join(dir, 'out'), '--json', ...d], exp.cli)).toBe(0);
  const { zip } = JSON.parse(exp.out()) as { zip: string };
  const key = io();
  expect(await runCli(['audit', 'public-key', '--json', ...d], key.cli)).toBe(0);
  const { verifier_key: vkey, fingerprint } = JSON.parse(key.out()) as { verifier_key: string; fingerprint: string };
  const keyFile = path.join(dir, 'installation.pub');
  fs.writeFileSync(keyFile, `${vkey}\n`);
  return { dir, zip, vkey, fingerprint, keyFile };
}

describe('report verify pins the signer key', () => {
  let a: Awaited<ReturnType<typeof installation>>;
  let b: Awaited<ReturnType<typeof installation>>;
  beforeAll(async () => {
    a = await installation();
    b = await installation();
  }, 120_000);

  it('exits 3 with one line saying the key is not pinned when --public-key is missing', async () => {
    const r = io();
    expect(await runCli(['report', 'verify', a.zip], r.cli)).toBe(3);
    const lines = r.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`package valid but the signer's key is NOT pinned (fingerprint ${a.fingerprint}): pass --public-key with the key or fingerprint the entity gave you (exit 3)`);
    expect(r.out()).not.toMatch(/package verified/);
  });

  it('says the same in --json', async () => {
    const r = io();
    expect(await runCli(['report', 'verify', a.zip, '--json'], r.cli)).toBe(3);
    expect(JSON.parse(r.out())).toMatchObject({ ok: true, key_pinned: false, exit_code: 3 });
  });

  it('exits 0 pinned by a key file, the verifier key text, the fingerprint, or a file holding the fingerprint', async () => {
    const fpFile = path.join(a.dir, 'fingerprint.txt');
    fs.writeFileSync(fpFile, `${a.fingerprint}\n`);
    for (const pin of [a.keyFile, a.vkey, a.fingerprint, a.fingerprint.replace(/ /g, ''), a.fingerprint.toUpperCase(), fpFile]) {
      const r = io();
      expect(await runCli(['report', 'verify', a.zip, '--public-key', pin], r.cli), pin).toBe(0);
      expect(r.out()).toMatch(/package verified against the pinned public key/);
    }
  });

  it("exits 1 when pinned to another installation's key, by file, text or fingerprint", async () => {
    for (const pin of [b.keyFile, b.vkey, b.fingerprint]) {
      const r = io();
      expect(await runCli(['report', 'verify', a.zip, '--public-key', pin], r.cli), pin).toBe(1);
      expect(r.err()).toMatch(/FAIL  public_key +the package is signed by a different key/);
      expect(r.err()).toMatch(/package REJECTED/);
    }
  });

  it('exits 1 on a fingerprint one digit off, and on something that is neither key nor fingerprint', async () => {
    const last = a.fingerprint.slice(-1);
    const off = a.fingerprint.slice(0, -1) + (last === '0' ? '1' : '0');
    const r = io();
    expect(await runCli(['report', 'verify', a.zip, '--public-key', off], r.cli)).toBe(1);
    const junk = io();
    expect(await runCli(['report', 'verify', a.zip, '--public-key', 'not-a-key'], junk.cli)).toBe(1);
    expect(junk.err()).toMatch(/error \[invalid_input\]: public_key: cannot read not-a-key/);
  });
});
