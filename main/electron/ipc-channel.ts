/**
 * IPC channel names, derived from the contract's method names: one channel per method,
 * `keywarden:<method>`. Shared by the main process and the preload; imports nothing, so
 * the preload bundle stays tiny.
 */
export const IPC_PREFIX = 'keywarden:';

export function channelFor(method: string): string {
  return IPC_PREFIX + method;
}
