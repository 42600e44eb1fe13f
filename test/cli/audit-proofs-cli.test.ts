/**
 * The auditor's path from the CLI: sign a checkpoint, export a proof and the public key,
 * then verify the proof with `audit verify-proof`, which opens no database at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';

async function kw(args: string[], env: NodeJS.ProcessEnv = { KEYWARDEN_PASSPHRASE: PASS }) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

describe('audit checkpoint, prove, public-key and verify-proof', () => {
  it('exports a proof an auditor verifies offline, and rejects a tampered one with the reason', async () => {
    const dir = tempDir();
    const d = ['--data-dir', dir];
    await kw(['init', ...d]);
    await kw(['tenant', 'create', '--slug', 'acme', ...d]);
    await kw(['rotate', '--tenant', 'acme', ...d]);

    const cp = await kw(['audit', 'checkpoint', ...d]);
    expect(cp.code).toBe(0);
    expect(cp.out).toMatch(/^keywarden\.local\/audit\/[0-9a-f]{16}\n3\n[A-Za-z0-9+/]{43}=\n\n— keywarden\.local\/audit\/[0-9a-f]{16} \S+\n\nverifier key: \S+\n$/);
    const noteFile = path.join(dir, 'checkpoint.txt');
    fs.writeFileSync(noteFile, cp.out.slice(0, cp.out.indexOf('\nverifier key:')));

    const key = JSON.parse((await kw(['audit', 'public-key', '--json', ...d])).out) as { verifier_key: string };
    const keyFile = path.join(dir, 'log.vkey');
    fs.writeFileSync(keyFile, `${key.verifier_key}\n`);

    const proved = await kw(['audit', 'prove', '--seq', '2', '--checkpoint', noteFile, '--json', ...d]);
    expect(proved.code).toBe(0);
    const proofFile = path.join(dir, 'proof.json');
    fs.writeFileSync(proofFile, proved.out);
    expect(JSON.parse(proved.out)).toMatchObject({ seq: 2, verdict: { ok: true }, bundle: { kind: 'inclusion', index: 1, tree_size: 3 } });

    // Offline: a data dir that does not exist stays that way.
    const nowhere = path.join(dir, 'no-such-dir');
    const ok = await kw(['audit', 'verify-proof', proofFile, '--key', keyFile, '--data-dir', nowhere], {});
    expect(ok).toEqual({ code: 0, out: "proof holds: entry #2 is in the log's signed tree of 3 entries\n", err: '' });
    expect(fs.existsSync(nowhere)).toBe(false);
    const okJson = await kw(['audit', 'verify-proof', proofFile, '--key', key.verifier_key, '--json'], {});
    expect(JSON.parse(okJson.out)).toEqual({ kind: 'inclusion', tree_size: 3, index: 1, verdict: { ok: true } });

    const bundle = (JSON.parse(proved.out) as { bundle: { entry: string } }).bundle;
    fs.writeFileSync(proofFile, JSON.stringify({ ...bundle, entry: bundle.entry.replace('"acme"', '"evil"') }));
    const bad = await kw(['audit', 'verify-proof', proofFile, '--key', keyFile], {});
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^FAIL  proof       entry hashes to [0-9a-f]{8}…, not the bundle's leaf_hash [0-9a-f]{8}…\nwhat to do: .*\nproof rejected\n$/);
  });

  it('says what is missing: the key, the file, or a checkpoint file', async () => {
    const dir = tempDir();
    const noKey = await kw(['audit', 'verify-proof', path.join(dir, 'p.json')], {});
    expect(noKey).toMatchObject({ code: 1, err: expect.stringContaining('error [invalid_input]: key: --key is required') });
    const noFile = await kw(['audit', 'verify-proof', path.join(dir, 'p.json'), '--key', 'x+00000000+AQ=='], {});
    expect(noFile).toMatchObject({ code: 1, err: expect.stringMatching(/error \[invalid_input\]: file: cannot read .*p\.json: ENOENT/) });
    await kw(['init', '--data-dir', dir]);
    const noCp = await kw(['audit', 'prove', '--seq', '1', '--checkpoint', path.join(dir, 'missing.txt'), '--data-dir', dir]);
    expect(noCp).toMatchObject({ code: 1, err: expect.stringMatching(/error \[invalid_input\]: checkpoint: cannot read .*missing\.txt: ENOENT/) });
  });
});
