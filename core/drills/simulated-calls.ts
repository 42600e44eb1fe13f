/**
 * Which KMS failures a drill's fault layer made up. The fault layer marks the errors it
 * throws; the gateway, recording the call, writes the drill's id into kms_calls.drill_id,
 * so reports can count those calls apart and never as real failures.
 */
const injected = new WeakSet<object>();

/** kms_calls.drill_id of a failure injected by a fault an operator set by hand (`kw fault set`), not by a drill. */
export const MANUAL_FAULT = 'manual-fault';

export function markInjected<E extends object>(err: E): E {
  injected.add(err);
  return err;
}

export function wasInjected(err: unknown): boolean {
  return typeof err === 'object' && err !== null && injected.has(err);
}
