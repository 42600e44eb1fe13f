/**
 * The CLI prints one line for an error (code and what to do) and a stack trace only
 * when KEYWARDEN_DEBUG=1 asks for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERNAL_HINT, printThrown } from '../../main/cli/cli-errors';
import { runCli } from '../../main/cli/run';
import { KeywardenError } from '../../core/errors';
import { tempDir } from '../support/engine-fixture';

function capture(env: NodeJS.ProcessEnv = {}) {
  let err = '';
  return { io: { stderr: (t: string) => (err += t), env }, err: () => err };
}

describe('CLI errors', () => {
  it('prints an unexpected error as one line with no stack and says how to see it', () => {
    const c = capture();
    const boom = new TypeError("Cannot read properties of undefined (reading 'x') at /home/op/secret-path");
    expect(printThrown(c.io, false, boom)).toBe(1);
    expect(c.err()).toBe(`error [internal]: ${INTERNAL_HINT}\n`);
    expect(c.err()).not.toMatch(/\n\s+at |secret-path|TypeError/);
  });

  it('prints the stack only with KEYWARDEN_DEBUG=1', () => {
    const c = capture({ KEYWARDEN_DEBUG: '1' });
    printThrown(c.io, false, new Error('boom'));
    expect(c.err()).toMatch(/^Error: boom\n\s+at /);
    expect(c.err()).toMatch(/error \[internal\]: internal error: rerun with KEYWARDEN_DEBUG=1/);
    const other = capture({ KEYWARDEN_DEBUG: 'true' });
    printThrown(other.io, false, new Error('boom'));
    expect(other.err()).not.toMatch(/\n\s+at /);
  });

  it('keeps a KeywardenError code and message, and JSON stays one document', () => {
    const c = capture();
    printThrown(c.io, true, new KeywardenError('not_found', 'no tenant "x"'));
    expect(JSON.parse(c.err())).toEqual({ error: { code: 'not_found', status: 404, message: 'no tenant "x"' } });
  });

  it('a real failure from the CLI (a data dir under a regular file) shows no stack', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    let err = '';
    const code = await runCli(['tenant', 'list', '--data-dir', path.join(file, 'data')], { stdout: () => {}, stderr: (t) => (err += t), env: {} });
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^error \[[a-z_]+\]: /);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
