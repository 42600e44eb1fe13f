/**
 * Registers one IPC handler per window method by looping over the contract's renderer
 * subset (one channel each: a method outside it, such as record.get, has no channel at
 * all, and every channel is named after a method a reader can look up). Each call's sender frame is checked first; inputs are
 * validated by dispatch against the contract's schema; the answer is always an Outcome
 * whose error has the allowed shape, so nothing is thrown across the boundary.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { dispatchFromWindow, WINDOW_METHOD_NAMES, type WindowInputHook } from '../../core/api/window-reach';
import type { Handlers } from '../../core/api/handlers';
import type { Caller } from '../../core/engine/audit-trail';
import { KeywardenError } from '../../core/errors';
import { shapeError, shapeOutcome, type IpcOutcome } from './error-shape';
import { channelFor } from './ipc-channel';
import { isTrustedSender, type SenderFrameLike, type TrustOptions } from './trust';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions extends TrustOptions {
  caller: Caller;
  /** Told about refused senders (origin only, never the input). */
  log?: (line: string) => void;
  /** Fills what the window may not send itself (report.export's folder, from a save dialog). */
  windowInput?: WindowInputHook;
}

function originForLog(url: string | undefined): string {
  try {
    const u = new URL(url ?? '');
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(no url)';
  }
}

export async function handleCall(handlers: Handlers, method: string, frame: SenderFrameLike | null, input: unknown, options: IpcOptions): Promise<IpcOutcome> {
  if (!isTrustedSender(frame, options)) {
    options.log?.(`keywarden: refused IPC ${method} from ${originForLog(frame?.url)}`);
    return { ok: false, error: shapeError(new KeywardenError('forbidden', 'this page may not call Keywarden')) };
  }
  try {
    return shapeOutcome(await dispatchFromWindow(handlers, method, input, options.caller, options.windowInput));
  } catch (e) {
    return { ok: false, error: shapeError(e) };
  }
}

/** Returns the channels registered, and a function that removes them. */
export function registerContractIpc(ipcMain: IpcMainLike, handlers: Handlers, options: IpcOptions): { channels: string[]; dispose(): void } {
  const channels: string[] = [];
  for (const method of WINDOW_METHOD_NAMES) {
    const channel = channelFor(method);
    ipcMain.handle(channel, (event, input) => handleCall(handlers, method, event.senderFrame, input, options));
    channels.push(channel);
  }
  return { channels, dispose: () => channels.forEach((c) => ipcMain.removeHandler(c)) };
}
