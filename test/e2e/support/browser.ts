/**
 * Debian's chromium driven by playwright-core against a web host on 127.0.0.1. The
 * browser's own resolver maps every name except 127.0.0.1 to nothing, so the window can
 * reach only the host under test (the Node-side loopback guard cannot see into chromium).
 */
import { openKeywarden } from '../../../core/keywarden';
import type { StepUpPurpose } from '../../../core/engine/step-up-windows';
import type { MethodName } from '../../../core/api/contract';
import { createHandlers } from '../../../core/api/handlers';
import { dispatch, type Outcome } from '../../../core/api/dispatch';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiCall } from '../../main/http-request';
import { startWebHost, type WebHost, type WebHostOptions } from '../../../main/web-host/server';
import { FAST_PASSPHRASE_POLICY } from '../../support/fast-passphrase';
import { isWindowMethod } from '../../../core/api/window-reach';
import { asOperator, OPERATOR_STEP_UP } from '../../support/operator';

export const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/screenshots');
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

export function chromiumPath(): string {
  const found = CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`No chromium found (tried ${CHROMIUM_CANDIDATES.join(', ')}); install Debian's chromium package or set CHROMIUM_PATH.`);
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

export interface Session {
  host: WebHost;
  dataDir: string;
  page: Page;
  /** Console errors and failed requests the page produced; a test fails on any. */
  problems: string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openSession(browser: Browser, options: { env?: NodeJS.ProcessEnv; rewrap?: WebHostOptions['rewrap']; checks?: WebHostOptions['checks']; dataDir?: string } = {}): Promise<Session> {
  // An existing data dir (prepared by the suite) is served as it is, and removed with the session.
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kw-e2e-'));
  const staticDir = path.resolve(__dirname, '../../../out/renderer');
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first (npm test does).');
  const host = await startWebHost({ dataDir, staticDir, env: options.env ?? {}, log: () => {}, passphrasePolicy: FAST_PASSPHRASE_POLICY, ...(options.rewrap !== undefined ? { rewrap: options.rewrap } : {}), ...(options.checks !== undefined ? { checks: options.checks } : {}) });
  dataDirOf.set(host, dataDir);
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto(host.url);
  return {
    host,
    dataDir,
    page,
    problems,
    async shot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
    async close() {
      await context.close();
      await host.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sets up state through the host's API (what the window would do), failing loudly on a refusal. */
/** Each session's data dir, for setup calls made as the operator (see callApi). */
const dataDirOf = new WeakMap<WebHost, string>();

/** The passphrase every browser suite sets with auth.init. */
export const E2E_PASSPHRASE = 'correct horse battery staple 42';

/**
 * A setup call made as the operator would (the suites test the window, not step-up or
 * the allow-list): a loopback fake in the input is listed in the data dir's allow-list,
 * a call that needs a step-up gets a token, and a CLI-only method runs the CLI's way.
 */
export async function callApi<T>(host: WebHost, method: string, input: unknown): Promise<T> {
  const dataDir = dataDirOf.get(host);
  if (dataDir) {
    const issue = async (purpose: StepUpPurpose, tenant: string) => {
      const t = (await apiCall(host.port, 'auth.stepUp', { passphrase: E2E_PASSPHRASE, purpose, tenant }, host.token)).json() as { ok: boolean; value?: { token: string } };
      return t.ok && t.value ? t.value.token : null;
    };
    if (!isWindowMethod(method)) {
      const prepared = (await asOperator(dataDir, method as MethodName, input, async () => null)) as Record<string, unknown>;
      const purpose = OPERATOR_STEP_UP[method as MethodName];
      const out = await cliCall(dataDir, method as MethodName, prepared, purpose ? { passphrase: E2E_PASSPHRASE, purpose } : undefined);
      if (!out.ok) throw new Error(`${method}: ${JSON.stringify(out.error)}`);
      return out.value as T;
    }
    input = await asOperator(dataDir, method as MethodName, input, issue);
  }
  const body = (await apiCall(host.port, method, input, host.token)).json() as { ok: boolean; value: T; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** A step-up token the way the window gets one: `auth.stepUp` over the host's API (bound to this caller). */
export async function stepUpToken(host: WebHost, passphrase: string, purpose: string, tenant: string): Promise<string> {
  return (await callApi<{ token: string }>(host, 'auth.stepUp', { passphrase, purpose, tenant })).token;
}

/**
 * A CLI-only method (fault.set, session.issue: not reachable from the window) run the
 * way the CLI runs it: its own engine on the same data dir, with its own step-up.
 */
export async function cliCall(dataDir: string, method: MethodName, input: Record<string, unknown>, stepUp?: { passphrase: string; purpose: StepUpPurpose }): Promise<Outcome<unknown>> {
  const kw = openKeywarden({ dataDir, env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  try {
    const handlers = createHandlers(kw);
    const caller = { actor: 'e2e-cli', address: 'cli' };
    let token: string | undefined;
    if (stepUp) {
      const t = await dispatch(handlers, 'auth.stepUp', { passphrase: stepUp.passphrase, purpose: stepUp.purpose, tenant: input.tenant }, caller);
      if (!t.ok) throw new Error(`auth.stepUp: ${JSON.stringify(t.error)}`);
      token = t.value.token;
    }
    const run = () => dispatch(handlers, method, token ? { ...input, step_up_token: token } : input, caller);
    const out = await run();
    // As the CLI does: a new process starts locked, and opens the secrets with the passphrase when a call needs them.
    if (out.ok || out.error.code !== 'secrets_locked') return out;
    const unlocked = await dispatch(handlers, 'auth.unlock', { passphrase: stepUp?.passphrase ?? E2E_PASSPHRASE }, caller);
    return unlocked.ok ? await run() : unlocked;
  } finally {
    await kw.close();
  }
}
