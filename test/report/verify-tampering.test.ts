/**
 * The offline verifier catches every way a package can be changed after export: any
 * byte of any file, a removed file, an added file, a manifest re-signed with another
 * installation's key, a swapped public key. Each failure names the file and the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLogKeyPair, formatVerifierKey, publicKeyFingerprint } from '../../core/audit/tlog/log-key';
import { createNoteSigner } from '../../core/audit/tlog/signed-note';
import { manifestSchema, manifestText, signManifest } from '../../core/report/manifest';
import { verifyPackage } from '../../core/report/verify/verify-package';
import { copyPackage, flipByte, listFiles, scratchDir, zipOf } from './package-helpers';
import { QUARTER, quarterScenario } from './scenario';

let root: string;
let original: string;
let publicKey: string;

beforeAll(async () => {
  root = scratchDir();
  const fx = await quarterScenario({ kmsCalls: 300 });
  const result = await fx.call('report.export', { ...QUARTER, out: path.join(root, 'exported') });
  original = result.folder;
  publicKey = (await fx.call('audit.publicKey', {})).verifier_key;
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function freshCopy(): string {
  return copyPackage(original, scratchDir());
}

describe('an untouched package', () => {
  it('verifies as a folder and as a zip, pinned to the installation key', async () => {
    const folder = await verifyPackage(original, { publicKey });
    expect(folder.failures).toEqual([]);
    expect(folder.ok && folder.key_pinned).toBe(true);
    expect(folder.proofs_checked).toBeGreaterThan(5);
    const zip = await verifyPackage(`${original}.zip`, { publicKey });
    expect(zip.failures).toEqual([]);
    expect(zip.kind).toBe('zip');
    expect(zip.files_checked).toBe(folder.files_checked);
  });
});

describe('altering any byte of any file', () => {
  const files = () => listFiles(original);

  it('is caught for every file, naming it', async () => {
    expect(files().length).toBeGreaterThan(10);
    for (const file of files()) {
      const copy = freshCopy();
      flipByte(path.join(copy, file));
      const v = await verifyPackage(copy, { publicKey });
      expect(v.ok, `flipping a byte of ${file} went unnoticed`).toBe(false);
      if (file === 'manifest.json') expect(v.failures.join('\n')).toMatch(/manifest\.json (signature does not verify|is not valid JSON|is not a Keywarden evidence manifest)/);
      else expect(v.failures.some((f) => f.startsWith(`${file} was altered: its SHA-256 is `)), v.failures.join('\n')).toBe(true);
    }
  }, 120_000);

  it('is caught at the first and last byte too', async () => {
    for (const at of ['first', 'last'] as const) {
      const copy = freshCopy();
      const file = path.join(copy, 'report.pdf');
      flipByte(file, at === 'first' ? 0 : fs.statSync(file).size - 1);
      const v = await verifyPackage(copy, { publicKey });
      expect(v.failures.some((f) => f.startsWith('report.pdf was altered'))).toBe(true);
    }
  });

  it('is caught inside a zip', async () => {
    const copy = freshCopy();
    flipByte(path.join(copy, 'csv', 'kms_calls.csv'));
    const zip = path.join(scratchDir(), 'tampered.zip');
    await zipOf(copy, zip);
    const v = await verifyPackage(zip, { publicKey });
    expect(v.kind).toBe('zip');
    expect(v.failures).toEqual([expect.stringMatching(/^csv\/kms_calls\.csv was altered: its SHA-256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}$/)]);
  });
});

describe('a damaged zip', () => {
  // The zip is only a container: what is verified is the files in it. A flipped byte in
  // compressed data or in the zip's directory is reported, never a crash.
  it('is rejected with a reason when its compressed data or directory is damaged', async () => {
    const zip = `${original}.zip`;
    const size = fs.statSync(zip).size;
    for (const at of [Math.floor(size / 3), Math.floor(size / 2), Math.floor((size * 2) / 3), size - 12]) {
      const copy = path.join(scratchDir(), 'damaged.zip');
      fs.copyFileSync(zip, copy);
      flipByte(copy, at);
      const v = await verifyPackage(copy, { publicKey });
      expect(v.ok, `a flipped byte at ${at} of ${size} went unnoticed`).toBe(false);
      expect(v.failures.length).toBeGreaterThan(0);
      for (const f of v.failures) expect(f).toMatch(/was altered|cannot be read from the package|cannot open|is not valid JSON|signature does not verify|is not a Keywarden evidence manifest|missing|not listed|inclusion proof|checkpoint/);
    }
  });
});

describe('removing or adding a file', () => {
  it('names a removed file', async () => {
    const copy = freshCopy();
    fs.rmSync(path.join(copy, 'csv', 'revocations.csv'));
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures).toEqual(['csv/revocations.csv is listed in the manifest but missing from the package']);
  });

  it('says the checkpoint and proofs cannot be checked when their files are gone', async () => {
    const copy = freshCopy();
    fs.rmSync(path.join(copy, 'audit'), { recursive: true });
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures).toEqual(
      expect.arrayContaining([
        'audit/checkpoint.txt is listed in the manifest but missing from the package',
        'audit/checkpoint.txt is missing: the audit checkpoint cannot be checked',
        'audit/inclusion-proofs.json is missing: no inclusion proof can be checked',
      ]),
    );
  });

  it('refuses a package without its manifest', async () => {
    const copy = freshCopy();
    fs.rmSync(path.join(copy, 'manifest.json'));
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures).toEqual(['manifest.json is missing: without it nothing in the package can be checked']);
  });

  it('names an added file', async () => {
    const copy = freshCopy();
    fs.writeFileSync(path.join(copy, 'csv', 'extra.csv'), 'a,b\r\n');
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures).toEqual(['csv/extra.csv is in the package but not listed in the manifest (added after signing)']);
  });

  it('refuses a symbolic link', async () => {
    const copy = freshCopy();
    fs.symlinkSync('/etc/hostname', path.join(copy, 'hosts.txt'));
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures).toEqual(['hosts.txt (symbolic link) is not allowed in a package']);
  });
});

describe("another installation's key", () => {
  const other = () => {
    const { privateKey, publicKey: raw } = generateLogKeyPair();
    const name = 'keywarden.local/audit/0000000000000000';
    return { signer: createNoteSigner(name, privateKey), raw, vkey: formatVerifierKey(name, raw) };
  };

  function resign(copy: string, o: ReturnType<typeof other>) {
    const file = path.join(copy, 'manifest.json');
    const m = manifestSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    const { signature: _s, ...unsigned } = m;
    const swapped = { ...unsigned, signer: { algorithm: 'Ed25519' as const, key_name: o.signer.name, verifier_key: o.vkey, public_key: o.raw.toString('base64'), fingerprint: publicKeyFingerprint(o.raw) } };
    fs.writeFileSync(file, manifestText(signManifest(swapped, o.signer)));
  }

  it('is caught when the auditor pins the installation key', async () => {
    const copy = freshCopy();
    const o = other();
    resign(copy, o);
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures[0]).toBe(
      `the package is signed by a different key (fingerprint ${publicKeyFingerprint(o.raw)}) than the pinned public key (fingerprint ${v.signer?.fingerprint}): it does not come from that installation`,
    );
    expect(v.failures).toContain(`manifest.json signature does not verify with the key of fingerprint ${v.signer?.fingerprint}: the manifest was changed after signing, or signed by another key`);
  });

  it('is caught even unpinned: the audit checkpoint was not signed by the substituted key', async () => {
    const copy = freshCopy();
    resign(copy, other());
    const v = await verifyPackage(copy);
    expect(v.ok).toBe(false);
    expect(v.failures.some((f) => f.startsWith('audit/checkpoint.txt: note has no signature from keywarden.local/audit/0000000000000000'))).toBe(true);
    expect(v.failures.some((f) => /^inclusion proof of audit entry #\d+: /.test(f))).toBe(true);
  });

  it('is caught when only the public key in the manifest is swapped', async () => {
    const copy = freshCopy();
    const file = path.join(copy, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    const o = other();
    m.signer = { ...m.signer!, verifier_key: formatVerifierKey(m.signer!.key_name!, o.raw), public_key: o.raw.toString('base64'), fingerprint: publicKeyFingerprint(o.raw) };
    fs.writeFileSync(file, JSON.stringify(m, null, 2));
    const v = await verifyPackage(copy);
    expect(v.failures).toContain(`manifest.json signature does not verify with the key of fingerprint ${publicKeyFingerprint(o.raw)}: the manifest was changed after signing, or signed by another key`);
  });

  it('says plainly when the pinned key file is not a key', async () => {
    const v = await verifyPackage(original, { publicKey: 'hello' });
    expect(v.failures).toEqual(['--public-key: the public key is neither a verifier key (name+id+base64), the JSON of audit.publicKey, a PEM block, nor 32 bytes of base64']);
  });
});

describe('proofs that do not hold', () => {
  it('names the entry whose proof was tampered with, even when the manifest is re-signed by the same key', async () => {
    // Simulates an insider with the key file: hashes and signature are fine, the proof is not.
    const copy = freshCopy();
    const proofsFile = path.join(copy, 'audit', 'inclusion-proofs.json');
    const doc = JSON.parse(fs.readFileSync(proofsFile, 'utf8')) as { proofs: { seq: number; bundle: { entry: string } }[] };
    const victim = doc.proofs[1]!;
    victim.bundle.entry = victim.bundle.entry.replace('"actor":"tester@test-host"', '"actor":"someone@else"');
    fs.writeFileSync(proofsFile, JSON.stringify(doc));
    const v = await verifyPackage(copy, { publicKey });
    expect(v.failures).toEqual(expect.arrayContaining([expect.stringMatching(/^audit\/inclusion-proofs\.json was altered/)]));
    expect(v.failures).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^inclusion proof of audit entry #${victim.seq}: entry hashes to [0-9a-f]{8}…, not the bundle's leaf_hash`))]));
  });

  it('reports a package path that does not exist', async () => {
    const v = await verifyPackage(path.join(root, 'nope.zip'));
    expect(v.failures).toEqual([`cannot open ${path.join(root, 'nope.zip')} as a package folder or zip: ENOENT`]);
  });
});
