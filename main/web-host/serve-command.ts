/**
 * `keywarden serve [--port P] [--data-dir D] [--static-dir DIR] [--json]`: runs the
 * loopback web host until SIGINT/SIGTERM, then closes it (and the database) cleanly.
 * With --json, stdout gets exactly one line `{"url","port","token"}` for scripts.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KeywardenError, toErrorData } from '../../core/errors';
import { resolveDataDir } from '../data-dir';
import { findAppRoot } from './app-root';
import { ensureWindowBuilt, type WindowBuilder } from './ensure-build';
import { readPassphrase } from '../cli/passphrase-prompt';
import { startWebHost } from './server';

export interface ServeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const SERVE_HELP = 'Serve the window and the API on 127.0.0.1 for a browser: [--port P] [--static-dir DIR] [--json]; runs until Ctrl+C.';

export function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new KeywardenError('invalid_input', `port: --port must be a whole number from 0 to 65535 (got "${raw}")`, { field: 'port' });
  }
  return n;
}

/** Resolves on the first SIGINT or SIGTERM; the listeners are removed afterwards. */
export function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export interface ServeOptions {
  /** Where the app's sources and out/ live; default: found from this file. */
  appRoot?: string;
  /** The window build to run when out/renderer is missing or stale. */
  build?: WindowBuilder;
}

export async function runServe(args: string[], io: ServeIo, stop: () => Promise<unknown> = untilSignalled, options: ServeOptions = {}): Promise<number> {
  const json = args.includes('--json');
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'static-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: false,
        strict: true,
      }));
    } catch (e) {
      throw new KeywardenError('invalid_input', `${(e as Error).message.split('\n')[0]} (see keywarden serve --help)`);
    }
    if (values.help) {
      io.stdout(`keywarden serve: ${SERVE_HELP}\n`);
      return 0;
    }
    const port = parsePort(values.port);
    const dataDir = resolveDataDir(values['data-dir'], io.env);
    // A --static-dir is the caller's own build: left as it is.
    let staticDir = values['static-dir'];
    if (!staticDir) {
      const appRoot = options.appRoot ?? findAppRoot();
      staticDir = path.join(appRoot, 'out', 'renderer');
      await ensureWindowBuilt({ appRoot, outDir: staticDir, stderr: io.stderr, ...(options.build ? { build: options.build } : {}) });
    }
    const stopped = stop();
    // On a terminal without KEYWARDEN_PASSPHRASE, ask once so local keys and signing work from the start.
    const passphrase = async () =>
      io.env.KEYWARDEN_PASSPHRASE || (process.stdin.isTTY ? (await readPassphrase('Operator passphrase (unlocks the installation secrets; Enter to start locked): ', io.env)) || undefined : undefined);
    const host = await startWebHost({ dataDir, port, env: io.env, staticDir, passphrase });
    if (json) io.stdout(JSON.stringify({ url: host.url, port: host.port, token: host.token }) + '\n');
    else io.stdout(`Keywarden is serving on 127.0.0.1:${host.port} (this machine only).\nOpen this URL in a browser (it carries the access token):\n\n  ${host.url}\n\nPress Ctrl+C to stop.\n`);
    await stopped;
    await host.close();
    if (!json) io.stderr('keywarden serve: stopped\n');
    return 0;
  } catch (e) {
    const error = toErrorData(e);
    if (error.code === 'internal' && !(e instanceof KeywardenError)) io.stderr(`internal error: ${e instanceof Error ? e.name : typeof e}\n`);
    if (json) io.stderr(JSON.stringify({ error }) + '\n');
    else io.stderr(`error [${error.code}]: ${error.message}\n`);
    return 1;
  }
}
