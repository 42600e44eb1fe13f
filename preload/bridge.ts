/**
 * The object the preload exposes as `window.keywarden`: one function, `call`. A method
 * name outside the contract is refused here, before anything is sent; the main process
 * checks again (it has no channel for it, and it checks the sender frame).
 */
import { channelFor } from '../main/electron/ipc-channel';

export interface BridgeOutcome {
  ok: boolean;
  value?: unknown;
  error?: { code: string; status: number; message: string; details?: Record<string, unknown> };
}

export type Invoke = (channel: string, input: unknown) => Promise<unknown>;

export interface KeywardenBridge {
  call(method: string, input: unknown): Promise<BridgeOutcome>;
}

export function createBridge(invoke: Invoke, methodNames: readonly string[]): KeywardenBridge {
  const allowed = new Set(methodNames);
  const bridge: KeywardenBridge = {
    async call(method, input) {
      if (typeof method !== 'string' || !allowed.has(method)) {
        return { ok: false, error: { code: 'not_found', status: 404, message: `no method "${String(method)}"` } };
      }
      try {
        return (await invoke(channelFor(method), input ?? {})) as BridgeOutcome;
      } catch {
        // Structured-clone failure or a torn-down main process: no stack crosses back.
        return { ok: false, error: { code: 'internal', status: 500, message: 'the call could not be delivered to Keywarden' } };
      }
    },
  };
  return Object.freeze(bridge);
}
