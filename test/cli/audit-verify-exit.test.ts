/**
 * `audit verify` from the CLI: exit 0 with ok lines on an intact log, and exit 1 with a
 * FAIL line, the first bad entry and what to do when the log was changed behind
 * Keywarden's back (it used to print "ok": false and exit 0). --json keeps the result
 * for machines and the same exit code.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { tempDir } from '../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

async function kw(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: 'correct horse battery staple' }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

async function logWithEntries(): Promise<string[]> {
  const dir = tempDir();
  const d = ['--data-dir', dir];
  expect((await kw(['init', ...d])).code).toBe(0);
  expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).code).toBe(0);
  expect((await kw(['tenant', 'create', '--slug', 'globex', ...d])).code).toBe(0);
  expect((await kw(['audit', 'checkpoint', ...d])).code).toBe(0);
  return d;
}

function tamper(d: string[], sql: string): void {
  const db = new Database(path.join(d[1]!, 'keywarden.db'));
  try {
    db.prepare(sql).run();
  } finally {
    db.close();
  }
}

describe('audit verify exit codes and rendering', () => {
  it('exits 0 on an intact log with ok lines', async () => {
    const d = await logWithEntries();
    const r = await kw(['audit', 'verify', ...d]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^ok    chain       \d+ entries re-hashed, each linked to the one before\n/);
    expect(r.out).toMatch(/ok    checkpoints 1 signed checkpoint match the tree/);
    expect(r.out).toMatch(/audit log verified: \d+ entries, head [0-9a-f]{16}…\n$/);
  });

  it('exits 1 on an edited entry, naming it and saying what to do', async () => {
    const d = await logWithEntries();
    tamper(d, `UPDATE audit_log SET payload = replace(payload, 'globex', 'globez') WHERE seq = 3`);
    const r = await kw(['audit', 'verify', ...d]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^FAIL  chain       entry #3: /);
    expect(r.err).toMatch(/\nfirst bad entry: #3 of \d+/);
    expect(r.err).toMatch(/\nwhat to do: the log was changed outside Keywarden/);
    expect(r.err).toMatch(/audit log REJECTED\n$/);
  });

  it('exits 1 with --json too, and through `call audit.verify`', async () => {
    const d = await logWithEntries();
    tamper(d, 'DELETE FROM audit_log WHERE seq = 2');
    const j = await kw(['audit', 'verify', '--json', ...d]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, first_bad_seq: 2 });
    const c = await kw(['call', 'audit.verify', '--json', ...d]);
    expect(c.code).toBe(1);
    expect(JSON.parse(c.out)).toMatchObject({ ok: false });
  });
});
