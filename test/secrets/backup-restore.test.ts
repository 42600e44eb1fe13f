/**
 * `keywarden backup` / `restore`: the archive holds the data dir with the secrets still
 * sealed; a restore into an empty folder gives an installation on which `audit verify`
 * and `record get` work with the passphrase; a non-empty target, a tampered, truncated
 * or foreign archive is refused with what is wrong, and nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { zipReader } from '../../core/report/verify/package-reader';
import { runCli } from '../../main/cli/run';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { PASSPHRASE, tempDir } from '../support/engine-fixture';
import { encodingsOf } from '../support/sealed-files';
import { plainFileInstallation } from './support';

async function kw(args: string[], env: NodeJS.ProcessEnv = { KEYWARDEN_PASSPHRASE: PASSPHRASE }) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

/** The archive's entries, rewritten by `edit` (name → bytes, or undefined to drop it). */
async function rewriteArchive(from: string, to: string, edit: (name: string, bytes: Buffer) => Buffer | undefined, extra: Record<string, Buffer> = {}): Promise<void> {
  const reader = await zipReader(from);
  const zip = new ZipFile();
  const out = fs.createWriteStream(to);
  zip.outputStream.pipe(out);
  for (const name of reader.files()) {
    const bytes = edit(name, await reader.read(name));
    if (bytes) zip.addBuffer(bytes, name);
  }
  for (const [name, bytes] of Object.entries(extra)) zip.addBuffer(bytes, name);
  reader.close();
  zip.end();
  await once(out, 'close');
}

describe('backup and restore', () => {
  it('a backup made from plain key files holds them sealed; restored into an empty folder, audit verify and record get work with the passphrase', async () => {
    const { fx, keys } = await plainFileInstallation();
    const archive = path.join(tempDir(), 'kw-backup.zip');
    const d = ['--data-dir', fx.dataDir];

    // Locked without a passphrase: the plain files must be sealed first, and the error says how.
    const locked = await kw(['backup', '--out', archive, ...d, '--json'], {});
    expect(locked.code).toBe(1);
    expect(JSON.parse(locked.err)).toMatchObject({ error: { code: 'secrets_locked', message: expect.stringContaining('local-kms.key and audit-log.key are still a plain file') } });
    expect(fs.existsSync(archive)).toBe(false);

    const made = await kw(['backup', '--out', archive, ...d, '--json']);
    expect(made.code).toBe(0);
    const result = JSON.parse(made.out) as { file: string; files: { path: string; sha256: string }[]; skipped: string[] };
    expect(result.file).toBe(archive);
    expect(result.files.map((f) => f.path)).toEqual(['audit-checkpoint.latest', 'audit-log.key.sealed', 'keywarden.db', 'local-kms.key.sealed']);
    const bytes = fs.readFileSync(archive);
    // Compressed entries could hide a key from a plain scan: read each entry back whole.
    const reader = await zipReader(archive);
    for (const name of reader.files()) {
      const entry = await reader.read(name);
      for (const k of Object.values(keys)) for (const form of encodingsOf(k)) expect(entry.includes(form), name).toBe(false);
    }
    reader.close();
    for (const k of Object.values(keys)) expect(bytes.includes(k)).toBe(false);

    const human = await kw(['status', ...d]);
    expect(human.out).toMatch(/^secrets: locked; local-kms\.key\.sealed wrapped by the passphrase; audit-log\.key\.sealed wrapped by the passphrase$/m);
    expect(human.out).toMatch(new RegExp(`^keyring: CLI: not cached .*; last backup .* \\(${archive.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`, 'm'));

    const target = path.join(tempDir(), 'restored');
    const restored = await kw(['restore', '--from', archive, '--data-dir', target]);
    expect(restored).toMatchObject({ code: 0, err: '' });
    expect(restored.out).toMatch(/^restored 4 files into .*restored \(backup of .*\); every SHA-256 matched the manifest$/m);
    if (process.platform !== 'win32') expect(fs.statSync(target).mode & 0o777).toBe(0o700);

    const t = ['--data-dir', target];
    const verify = await kw(['audit', 'verify', ...t]);
    expect(verify.code).toBe(0);
    const read = await kw(['record', 'get', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'b', ...t, '--json']);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.out)).toMatchObject({ value: 'value of b' });
    // Without the passphrase the restored secrets do not open: the backup alone reads nothing.
    const wrong = await kw(['record', 'get', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'b', ...t, '--json'], { KEYWARDEN_PASSPHRASE: 'some other passphrase' });
    expect(JSON.parse(wrong.err)).toMatchObject({ error: { code: 'step_up_invalid' } });
  });

  it('refuses a target that is not empty, and an archive that exists already', async () => {
    const { fx } = await plainFileInstallation();
    const archive = path.join(tempDir(), 'b.zip');
    expect((await kw(['backup', '--out', archive, '--data-dir', fx.dataDir])).code).toBe(0);
    const again = await kw(['backup', '--out', archive, '--data-dir', fx.dataDir, '--json']);
    expect(JSON.parse(again.err)).toMatchObject({ error: { code: 'conflict', message: expect.stringContaining('already exists') } });
    const inside = await kw(['backup', '--out', path.join(fx.dataDir, 'b.zip'), '--data-dir', fx.dataDir, '--json']);
    expect(JSON.parse(inside.err)).toMatchObject({ error: { code: 'invalid_input', details: { field: 'out' } } });

    const busy = tempDir();
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const r = await kw(['restore', '--from', archive, '--data-dir', busy, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toMatchObject({ error: { code: 'target_not_empty', message: expect.stringContaining('is not empty (it holds notes.txt)') } });
    expect(fs.readdirSync(busy)).toEqual(['notes.txt']);
    expect(fs.readdirSync(path.dirname(busy)).filter((n) => n.startsWith(path.basename(busy)) && n.endsWith('.restoring'))).toEqual([]);
  });

  it('says what is wrong with a tampered, truncated, padded or foreign archive, and writes nothing', async () => {
    const { fx } = await plainFileInstallation();
    const dir = tempDir();
    const archive = path.join(dir, 'good.zip');
    expect((await kw(['backup', '--out', archive, '--data-dir', fx.dataDir])).code).toBe(0);

    const altered = path.join(dir, 'altered.zip');
    await rewriteArchive(archive, altered, (name, b) => (name === 'data/audit-checkpoint.latest' ? Buffer.concat([b, Buffer.from(' ')]) : b));
    const flipped = path.join(dir, 'flipped.zip');
    await rewriteArchive(archive, flipped, (name, b) => {
      if (name !== 'data/keywarden.db') return b;
      const c = Buffer.from(b);
      c[200]! ^= 0xff;
      return c;
    });
    const missing = path.join(dir, 'missing.zip');
    await rewriteArchive(archive, missing, (name, b) => (name === 'data/local-kms.key.sealed' ? undefined : b));
    const added = path.join(dir, 'added.zip');
    await rewriteArchive(archive, added, (_n, b) => b, { 'data/extra.txt': Buffer.from('x') });
    const escape = path.join(dir, 'escape.zip');
    await rewriteArchive(archive, escape, (name, b) => {
      if (name !== 'manifest.json') return b;
      const m = JSON.parse(b.toString('utf8')) as { files: { path: string }[] };
      m.files[0]!.path = '../outside';
      return Buffer.from(JSON.stringify(m));
    });
    const truncated = path.join(dir, 'truncated.zip');
    const whole = fs.readFileSync(archive);
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const foreign = path.join(dir, 'foreign.zip');
    await rewriteArchive(archive, foreign, (name, b) => (name === 'manifest.json' ? undefined : b));
    const garbage = path.join(dir, 'garbage.zip');
    fs.writeFileSync(garbage, 'this is not a zip at all');

    const cases: Array<[string, RegExp]> = [
      [altered, /audit-checkpoint\.latest is \d+ bytes, the manifest says \d+ \(truncated or altered\)/],
      [flipped, /keywarden\.db was altered: its SHA-256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/],
      [missing, /local-kms\.key\.sealed is listed in the manifest but missing from the archive/],
      [added, /extra\.txt is in the archive but not in the manifest \(added after the backup\)/],
      [escape, /manifest\.json is not a Keywarden backup manifest \(files\.0\.path: is not a safe relative path\)/],
      [truncated, /it is not a readable zip archive, or it was truncated/],
      [foreign, /it has no manifest\.json: it is not a Keywarden backup/],
      [garbage, /it is not a readable zip archive, or it was truncated/],
    ];
    for (const [file, message] of cases) {
      const target = path.join(tempDir(), 'restored');
      const r = await kw(['restore', '--from', file, '--data-dir', target, '--json']);
      expect(r.code, file).toBe(1);
      const error = (JSON.parse(r.err) as { error: { code: string; message: string } }).error;
      expect(error.code, file).toBe('backup_invalid');
      expect(error.message, file).toMatch(message);
      expect(error.message, file).toMatch(/Nothing was written$/);
      expect(fs.existsSync(target), file).toBe(false);
      expect(fs.readdirSync(path.dirname(target)), file).toEqual([]);
    }
  });
});
