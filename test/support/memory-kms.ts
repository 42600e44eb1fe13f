/**
 * An in-memory key provider for engine tests: real AES-GCM under keys it holds per key
 * reference, switchable to fail like a cloud KMS (deny, unreachable, disabled), counting
 * its calls. It registers under a cloud provider's name so onboarding accepts it.
 */
import { randomBytes } from 'node:crypto';
import { open, seal } from '../../core/crypto/aead';
import { masterKeyBinding } from '../../core/crypto/bindings';
import { invalidInput } from '../../core/errors';
import { KmsError, type KmsFailureReason, type ProviderFactory, type ProviderName } from '../../core/providers/types';

export interface MemoryKms {
  factory: ProviderFactory;
  fail(reason: KmsFailureReason | null): void;
  calls: { wrap: number; unwrap: number };
  /** Delay every call by this many ms (real time), to widen races. */
  delayMs: number;
}

export function memoryKms(name: ProviderName = 'aws'): MemoryKms {
  const keys = new Map<string, Buffer>();
  const state: MemoryKms = {
    calls: { wrap: 0, unwrap: 0 },
    delayMs: 0,
    fail: (reason) => {
      failure = reason;
    },
    factory: undefined as unknown as ProviderFactory,
  };
  let failure: KmsFailureReason | null = null;
  const keyFor = (ref: string) => {
    let k = keys.get(ref);
    if (!k) keys.set(ref, (k = randomBytes(32)));
    return k;
  };
  const gate = async () => {
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    if (failure) throw new KmsError(name, failure, `memory KMS says ${failure}`, `Memory${failure}`);
  };
  state.factory = {
    name,
    parseConfig(input) {
      if (!input.kms_key_ref.startsWith('mem:')) throw invalidInput('kms_key_ref', 'must start with mem:');
      const cfg = input.config ?? {};
      for (const k of Object.keys(cfg)) if (k !== 'region') throw invalidInput(`config.${k}`, 'unknown field');
      return { kms_key_ref: input.kms_key_ref, config: cfg };
    },
    create(parsed) {
      const ref = parsed.kms_key_ref;
      return {
        name,
        keyRef: ref,
        customerControlled: true,
        async wrap(plaintext, ctx) {
          state.calls.wrap++;
          await gate();
          return { ciphertext: seal(keyFor(ref), plaintext, masterKeyBinding(ctx.tenantId, ctx.keyVersion)), keyId: ref, principal: 'arn:aws:sts::111122223333:assumed-role/Keywarden/test' };
        },
        async unwrap(ciphertext, ctx) {
          state.calls.unwrap++;
          await gate();
          try {
            return { plaintext: open(keyFor(ref), ciphertext, masterKeyBinding(ctx.tenantId, ctx.keyVersion)), keyId: ref };
          } catch {
            throw new KmsError(name, 'invalid_key', 'memory KMS cannot unwrap this ciphertext', 'InvalidCiphertextException');
          }
        },
        async describe() {
          await gate();
          return { keyRef: ref, enabled: true, state: 'Enabled' };
        },
      };
    },
  };
  return state;
}
