/**
 * The preload exposes exactly one object, `window.keywarden`, whose only function `call`
 * reaches exactly the contract's methods over `keywarden:<method>` channels: no
 * ipcRenderer, no Node, nothing else. `electron` is a recording fake; the method list is
 * the one electron.vite.config.mts injects from the contract at build time.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contract, METHOD_NAMES } from '../../core/api/contract';
import { WINDOW_METHOD_NAMES } from '../../core/api/window-reach';
import { createBridge } from '../../preload/bridge';

const electron = vi.hoisted(() => {
  const exposed: { key: string; api: unknown }[] = [];
  const invoked: { channel: string; input: unknown }[] = [];
  let answer: (channel: string) => Promise<unknown> = async () => ({ ok: true, value: 'pong' });
  return {
    exposed,
    invoked,
    setAnswer: (f: typeof answer) => void (answer = f),
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.push({ key, api }) },
      ipcRenderer: {
        invoke: (channel: string, input: unknown) => {
          invoked.push({ channel, input });
          return answer(channel);
        },
      },
    },
  };
});
vi.mock('electron', () => electron.module);

type Exposed = { call(method: string, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: Record<string, unknown> }> };
let api: Exposed;

beforeAll(async () => {
  // What electron.vite.config.mts `define`s for the preload bundle.
  (globalThis as unknown as { __KEYWARDEN_METHODS__: readonly string[] }).__KEYWARDEN_METHODS__ = WINDOW_METHOD_NAMES;
  await import('../../preload/index');
  api = electron.exposed[0]!.api as Exposed;
});

describe('preload', () => {
  it('exposes one object, window.keywarden, with one function and nothing else', () => {
    expect(electron.exposed.map((e) => e.key)).toEqual(['keywarden']);
    expect(Object.keys(api)).toEqual(['call']);
    expect(typeof api.call).toBe('function');
    const text = JSON.stringify(Object.getOwnPropertyNames(api));
    expect(text).not.toMatch(/ipcRenderer|invoke|send|require|process/);
  });

  it('every window method goes to its own keywarden:<method> channel with the input as is', async () => {
    for (const method of WINDOW_METHOD_NAMES) {
      expect(await api.call(method, { probe: method })).toEqual({ ok: true, value: 'pong' });
    }
    expect(electron.invoked.map((i) => i.channel)).toEqual(WINDOW_METHOD_NAMES.map((m) => `keywarden:${m}`));
    expect(electron.invoked.every((i, n) => (i.input as { probe: string }).probe === WINDOW_METHOD_NAMES[n])).toBe(true);
  });

  it('a contract method the window does not use (record.get: plaintext out) never reaches IPC', async () => {
    const before = electron.invoked.length;
    const cliOnly = METHOD_NAMES.filter((m) => !(WINDOW_METHOD_NAMES as readonly string[]).includes(m));
    expect(cliOnly).toEqual(expect.arrayContaining(['record.get', 'record.delete', 'session.issue', 'fault.set']));
    for (const method of cliOnly) expect(await api.call(method, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(electron.invoked.length).toBe(before);
  });

  it('a name outside the contract never reaches IPC', async () => {
    const before = electron.invoked.length;
    for (const name of ['fs.readFile', 'constructor', '__proto__', 'tenant.list ', '', 'keywarden:tenant.list']) {
      expect(await api.call(name, {})).toEqual({ ok: false, error: { code: 'not_found', status: 404, message: `no method "${name}"` } });
    }
    expect(await api.call(42 as unknown as string, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(electron.invoked.length).toBe(before);
  });

  it('a failed delivery comes back as a shaped error, not a thrown stack', async () => {
    electron.setAnswer(() => Promise.reject(new Error('An object could not be cloned.\n    at foo (/secret/path.js:1:1)')));
    const out = await api.call('app.status', {});
    expect(out).toEqual({ ok: false, error: { code: 'internal', status: 500, message: 'the call could not be delivered to Keywarden' } });
  });

  it('the method list the build injects is the contract\'s window subset (flagged `window` in core/api/contract.ts)', async () => {
    type Built = { preload: { define: Record<string, string> }; main: { define: Record<string, string> } };
    const config = (await import('../../electron.vite.config.mjs' as string)) as { default: (env: { command: string; mode: string }) => Built };
    const production = config.default({ command: 'build', mode: 'production' });
    expect(JSON.parse(production.preload.define.__KEYWARDEN_METHODS__!)).toEqual(WINDOW_METHOD_NAMES);
    expect(WINDOW_METHOD_NAMES).toEqual(METHOD_NAMES.filter((m) => contract[m].window));
    expect(WINDOW_METHOD_NAMES).not.toContain('record.get');
    // Devtools and the dev server exist only in a development build.
    expect(JSON.parse(production.main.define.__KEYWARDEN_DEV__!)).toBe(false);
    expect(JSON.parse(config.default({ command: 'serve', mode: 'development' }).main.define.__KEYWARDEN_DEV__!)).toBe(true);
  });

  it('the bridge object is frozen', () => {
    const bridge = createBridge(async () => ({ ok: true }), ['app.status']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });
});
