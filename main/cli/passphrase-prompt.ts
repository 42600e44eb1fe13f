/**
 * The operator passphrase for the CLI: KEYWARDEN_PASSPHRASE, or a prompt on the terminal
 * with echo off. Never printed, never logged.
 */
import { KeywardenError } from '../../core/errors';

export async function readPassphrase(prompt: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.KEYWARDEN_PASSPHRASE;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new KeywardenError('step_up_required', 'no passphrase: set KEYWARDEN_PASSPHRASE or run the command in a terminal to be prompted');
  }
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new KeywardenError('invalid_input', 'cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
