/**
 * A real engine on a real SQLite file in a fresh temp dir, with a manual clock and an
 * in-memory cloud KMS, driven through the same dispatch every host uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { MethodInput, MethodName, MethodResult } from '../../core/api/contract';
import { dispatch } from '../../core/api/dispatch';
import { createHandlers, type Handlers } from '../../core/api/handlers';
import { ManualClock } from '../../core/clock';
import { KeywardenError, type ErrorData } from '../../core/errors';
import { openKeywarden, type Keywarden } from '../../core/keywarden';
import { defaultProviderFactories } from '../../core/providers/registry';
import type { ProviderFactory } from '../../core/providers/types';
import type { StepUpPurpose } from '../../core/engine/step-up-windows';
import { memoryKms, type MemoryKms } from './memory-kms';
import { FAST_PASSPHRASE_POLICY } from './fast-passphrase';
import { asOperator } from './operator';

export const PASSPHRASE = 'correct horse battery staple';
export const CALLER = { actor: 'tester@test-host', address: 'test' };

const open: Keywarden[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const kw of open.splice(0)) await kw.close().catch(() => {});
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'kw-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export interface Fixture {
  kw: Keywarden;
  clock: ManualClock;
  kms: MemoryKms;
  dataDir: string;
  handlers: Handlers;
  call<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodResult<K>>;
  /** Calls and expects failure; returns the error data. */
  fail<K extends MethodName>(method: K, input: unknown): Promise<ErrorData>;
  /** A step-up token for `purpose` on `tenant` (default `acme`), issued to CALLER. */
  stepUp(purpose: StepUpPurpose, tenant?: string): Promise<string>;
  reopen(): Fixture;
}

export function makeFixture(opts: { dataDir?: string; env?: Record<string, string | undefined>; kms?: MemoryKms; clock?: ManualClock; extraFactories?: ProviderFactory[] } = {}): Fixture {
  const dataDir = opts.dataDir ?? tempDir();
  const clock = opts.clock ?? new ManualClock('2026-03-01T12:00:00.000Z');
  const kms = opts.kms ?? memoryKms('aws');
  const kw = openKeywarden({
    dataDir,
    clock,
    env: opts.env ?? {},
    passphrasePolicy: FAST_PASSPHRASE_POLICY,
    providerFactories: [...defaultProviderFactories(), kms.factory, ...(opts.extraFactories ?? [])],
  });
  open.push(kw);
  const handlers = createHandlers(kw);
  const fx: Fixture = {
    kw,
    clock,
    kms,
    dataDir,
    handlers,
    async call(method, input) {
      const asked = await asOperator(dataDir, method, input, async (purpose, tenant) => {
        const t = await dispatch(handlers, 'auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant }, CALLER);
        return t.ok ? (t.value as { token: string }).token : null;
      });
      let out = await dispatch(handlers, method, asked, CALLER);
      // As the CLI does: a reopened installation is unlocked with the passphrase when a call needs its secrets.
      if (!out.ok && out.error.code === 'secrets_locked' && kw.ctx.stepUp.isInitialized()) {
        await unlockFixture(fx);
        out = await dispatch(handlers, method, asked, CALLER);
      }
      if (!out.ok) throw new KeywardenError(out.error.code, out.error.message, out.error.details);
      return out.value as never;
    },
    async fail(method, input) {
      const out = await dispatch(handlers, method, input, CALLER);
      if (out.ok) throw new Error(`${method} unexpectedly succeeded: ${JSON.stringify(out.value)}`);
      return out.error;
    },
    async stepUp(purpose, tenant = 'acme') {
      return (await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant })).token;
    },
    reopen() {
      return makeFixture({ dataDir, env: opts.env, kms, clock });
    },
  };
  return fx;
}

/** Opens the installation secrets of a fixture (a reopened data dir starts locked, as a new process does). */
export async function unlockFixture(fx: Fixture): Promise<Fixture> {
  const out = await dispatch(fx.handlers, 'auth.unlock', { passphrase: PASSPHRASE }, CALLER);
  if (!out.ok) throw new KeywardenError(out.error.code, out.error.message, out.error.details);
  return fx;
}

/** An installation with the passphrase set (secrets unlocked), no tenant and an empty audit log (no init entry). */
export async function unlockedFixture(opts: Parameters<typeof makeFixture>[0] = {}): Promise<Fixture> {
  const fx = makeFixture(opts);
  await fx.kw.ctx.stepUp.setPassphrase(PASSPHRASE);
  return fx;
}

/** An initialized installation with one local tenant `acme`. */
export async function initializedFixture(opts: Parameters<typeof makeFixture>[0] = {}): Promise<Fixture> {
  const fx = makeFixture(opts);
  await fx.call('auth.init', { passphrase: PASSPHRASE });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  return fx;
}

/** The raw database under a fixture, for tests that tamper with it as an attacker would. */
export function rawDb(fx: Fixture): Database {
  return (fx.kw.ctx.store as unknown as { db: Database }).db;
}
