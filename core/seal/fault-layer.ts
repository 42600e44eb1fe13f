/**
 * The fault-injection layer: wraps any provider so a drill (or an operator rehearsing)
 * can make it answer as a cloud KMS does when the grant is revoked (`deny`), the network
 * is cut (`partition`), the key is disabled, it is slow (`latency`) or unreliable
 * (`flaky`). Every message says it is a drill, so nobody mistakes it for an outage.
 */
import { markInjected } from '../drills/simulated-calls';
import { KmsError, type KmsProvider } from '../providers/types';
import type { FaultRow } from './fault-store';

export interface FaultDeps {
  /** A number in [0, 1): `flaky` fails when it is below the probability. */
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realFaultDeps: FaultDeps = {
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type Fault = Pick<FaultRow, 'mode' | 'latency_ms' | 'probability'>;

function injected(provider: KmsProvider, fault: Fault): KmsError | undefined {
  const tag = `drill fault injection (${fault.mode}) on ${provider.name}`;
  switch (fault.mode) {
    case 'deny':
      return new KmsError(provider.name, 'access_denied', `${tag}: access denied, as when the IAM grant is revoked`, 'DrillAccessDenied');
    case 'partition':
      return new KmsError(provider.name, 'unreachable', `${tag}: the KMS endpoint cannot be reached (network partition)`, 'DrillPartition');
    case 'key_disabled':
      return new KmsError(provider.name, 'key_disabled', `${tag}: the KMS key is disabled`, 'DrillKeyDisabled');
    default:
      return undefined;
  }
}

/** `provider` with `fault` in front of each call. */
export function faultyProvider(provider: KmsProvider, fault: Fault, deps: FaultDeps = realFaultDeps): KmsProvider {
  const gate = async (): Promise<void> => {
    if (fault.mode === 'latency') {
      await deps.sleep(fault.latency_ms ?? 0);
      return;
    }
    if (fault.mode === 'flaky') {
      if (deps.random() < (fault.probability ?? 0)) {
        throw markInjected(new KmsError(provider.name, 'unreachable', `drill fault injection (flaky) on ${provider.name}: this call was made to fail (probability ${fault.probability})`, 'DrillFlaky'));
      }
      return;
    }
    const err = injected(provider, fault);
    if (err) throw markInjected(err);
  };
  return {
    name: provider.name,
    keyRef: provider.keyRef,
    customerControlled: provider.customerControlled,
    async wrap(plaintext, ctx) {
      await gate();
      return provider.wrap(plaintext, ctx);
    },
    async unwrap(ciphertext, ctx) {
      await gate();
      return provider.unwrap(ciphertext, ctx);
    },
    async describe(ctx) {
      await gate();
      return provider.describe(ctx);
    },
    ...(provider.close ? { close: () => provider.close!() } : {}),
  };
}
