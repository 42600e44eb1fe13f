/**
 * `global`: a platform key from the env var MASTER_KEY_B64 (the seeds' default wrap).
 * The variable must decode to exactly 32 bytes; anything else is refused with the reason.
 * Not customer-controlled.
 */
import { z } from 'zod';
import { open, seal, AeadOpenError, KEY_BYTES } from '../crypto/aead';
import { masterKeyBinding } from '../crypto/bindings';
import { KeywardenError } from '../errors';
import { parseStrict } from './parse-config';
import { KmsError, type KmsCallContext, type KmsProvider, type ProviderFactory } from './types';

export const GLOBAL_KEY_ENV = 'MASTER_KEY_B64';
export const GLOBAL_KEY_REF = `env:${GLOBAL_KEY_ENV}`;

/** Decodes MASTER_KEY_B64 or says exactly why it cannot be used. Never echoes the value. */
export function decodeGlobalKey(env: Record<string, string | undefined>): Buffer {
  const raw = env[GLOBAL_KEY_ENV];
  if (raw === undefined || raw.trim() === '') {
    throw new KeywardenError('invalid_input', `${GLOBAL_KEY_ENV} is not set: the global wrap method needs a 32-byte key in base64`, {
      field: GLOBAL_KEY_ENV,
      reason: 'not set',
    });
  }
  const text = raw.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new KeywardenError('invalid_input', `${GLOBAL_KEY_ENV} is not valid base64`, { field: GLOBAL_KEY_ENV, reason: 'not base64' });
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new KeywardenError('invalid_input', `${GLOBAL_KEY_ENV} decodes to ${key.length} bytes; it must decode to exactly 32`, {
      field: GLOBAL_KEY_ENV,
      reason: 'wrong length',
    });
  }
  return key;
}

class GlobalProvider implements KmsProvider {
  readonly name = 'global' as const;
  readonly keyRef = GLOBAL_KEY_REF;
  readonly customerControlled = false;
  constructor(private readonly env: Record<string, string | undefined>) {}

  private key(): Buffer {
    try {
      return decodeGlobalKey(this.env);
    } catch (e) {
      throw new KmsError('global', 'invalid_key', (e as Error).message, 'MasterKeyUnavailable');
    }
  }

  async wrap(plaintext: Buffer, ctx: KmsCallContext) {
    return { ciphertext: seal(this.key(), plaintext, masterKeyBinding(ctx.tenantId, ctx.keyVersion)), keyId: this.keyRef };
  }

  async unwrap(ciphertext: Buffer, ctx: KmsCallContext) {
    try {
      return { plaintext: open(this.key(), ciphertext, masterKeyBinding(ctx.tenantId, ctx.keyVersion)), keyId: this.keyRef };
    } catch (e) {
      if (e instanceof AeadOpenError) {
        throw new KmsError('global', 'invalid_key', `${GLOBAL_KEY_ENV} does not unwrap this key (was the variable changed?)`, 'InvalidCiphertext');
      }
      throw e;
    }
  }

  async describe() {
    this.key();
    return { keyRef: this.keyRef, enabled: true, state: 'Enabled', algorithm: 'AES-256-GCM' };
  }
}

export const globalProviderFactory: ProviderFactory = {
  name: 'global',
  parseConfig(input) {
    parseStrict(z.object({}).strict(), input.config ?? {}, 'config');
    return { kms_key_ref: GLOBAL_KEY_REF, config: {} };
  },
  create(_parsed, deps) {
    return new GlobalProvider(deps.env);
  },
};
