/**
 * `local`: the embedded software KMS, so the app works with no cloud account. Its
 * 256-bit key lives in the data dir (owner-only). It is not customer-controlled: whoever
 * holds the data dir holds the key, and there is no kill switch.
 */
import path from 'node:path';
import { z } from 'zod';
import { open, seal, AeadOpenError, KEY_BYTES } from '../crypto/aead';
import { masterKeyBinding } from '../crypto/bindings';
import { readOrCreateSecretFile } from '../crypto/secret-file';
import { parseStrict } from './parse-config';
import { KmsError, type KmsCallContext, type KmsProvider, type ProviderFactory } from './types';

export const LOCAL_KEY_FILE = 'local-kms.key';
export const LOCAL_KEY_REF = 'local:data-dir/local-kms.key';

const localConfig = z.object({}).strict();

class LocalProvider implements KmsProvider {
  readonly name = 'local' as const;
  readonly keyRef = LOCAL_KEY_REF;
  readonly customerControlled = false;
  private key: Buffer | undefined;
  constructor(private readonly file: string) {}

  private loadKey(): Buffer {
    this.key ??= readOrCreateSecretFile(this.file, KEY_BYTES);
    return this.key;
  }

  async wrap(plaintext: Buffer, ctx: KmsCallContext) {
    return { ciphertext: seal(this.loadKey(), plaintext, masterKeyBinding(ctx.tenantId, ctx.keyVersion)), keyId: this.keyRef };
  }

  async unwrap(ciphertext: Buffer, ctx: KmsCallContext) {
    try {
      return { plaintext: open(this.loadKey(), ciphertext, masterKeyBinding(ctx.tenantId, ctx.keyVersion)), keyId: this.keyRef };
    } catch (e) {
      if (e instanceof AeadOpenError) throw new KmsError('local', 'invalid_key', `local KMS could not unwrap: ${e.message}`, 'InvalidCiphertext');
      throw e;
    }
  }

  async describe() {
    this.loadKey();
    return { keyRef: this.keyRef, enabled: true, state: 'Enabled', algorithm: 'AES-256-GCM' };
  }
}

export const localProviderFactory: ProviderFactory = {
  name: 'local',
  parseConfig(input) {
    parseStrict(localConfig, input.config ?? {}, 'config');
    return { kms_key_ref: LOCAL_KEY_REF, config: {} };
  },
  create(_parsed, deps) {
    return new LocalProvider(path.join(deps.dataDir, LOCAL_KEY_FILE));
  },
};
