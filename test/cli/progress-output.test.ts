/**
 * Long commands show progress on stderr: a bar redrawn in place on a terminal, plain
 * lines anywhere else; stdout keeps only the result either way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
// Each command that needs the sealed secrets derives their key: at production cost the suite outlasts its timeout.
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { progressBar, progressLine } from '../../main/cli/progress-line';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-progress-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function kw(args: string[], tty: boolean) {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--data-dir', dir], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: 'correct horse battery staple' }, stderrIsTTY: tty, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

describe('progress of long commands', () => {
  it('draws a bar in place on a terminal and plain lines otherwise', async () => {
    expect((await kw(['init'], false)).code).toBe(0);
    await kw(['tenant', 'create', '--slug', 'acme'], false);
    await kw(['seed-sample', '--tenant', 'acme', '--rows', '300'], false);
    await kw(['rotate', '--tenant', 'acme'], false);
    const onTerminal = await kw(['rewrap', 'run', '--tenant', 'acme', '--batch-size', '50'], true);
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.err).toMatch(/^\r\x1b\[2K\[[#-]{24}\] +\d+%  rewrap job 1 → v2: /);
    expect(onTerminal.err).toContain('\r\x1b[2K[########################] 100%  rewrap job 1 → v2: done');
    expect(onTerminal.err.endsWith('\n')).toBe(true);
    expect(onTerminal.err.split('\n')).toHaveLength(2); // one redrawn line, then the newline that ends it
    expect(onTerminal.out).toMatch(/^done: job 1 → v2/);

    await kw(['rotate', '--tenant', 'acme'], false);
    const piped = await kw(['rewrap', 'run', '--tenant', 'acme', '--batch-size', '50'], false);
    expect(piped.err).not.toContain('\r');
    expect(piped.err).not.toContain('\x1b');
    const lines = piped.err.trim().split('\n');
    expect(lines.every((l) => l.startsWith('rewrap job 2 → v3: '))).toBe(true);
    expect(lines.at(-1)).toMatch(/done  300\/300 \(100\.0%\)/);
  });

  it('bars clamp and say so when the total is unknown', () => {
    expect(progressBar(0.5)).toBe('[############------------]  50%');
    expect(progressBar(7)).toBe('[########################] 100%');
    expect(progressBar(-1)).toBe('[------------------------]   0%');
    expect(progressBar(null)).toMatch(/^\[·{24}\]/);
    let text = '';
    const line = progressLine({ write: (t) => (text += t), tty: false });
    line.update('one', 0.1);
    line.end();
    expect(text).toBe('one\n');
  });
});
