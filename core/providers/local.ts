/**
 * `local`: the embedded software KMS, so the app works with no cloud account. Its
 * 256-bit key lives in the data dir, sealed under the operator passphrase
 * (core/secrets): it opens once the installation is unlocked. It is not
 * customer-controlled: whoever holds the data dir and the passphrase holds the key, and
 * there is no kill switch.
 */
import { z } from 'zod';
import { open, seal, AeadOpenError } from '../crypto/aead';
import { masterKeyBinding } from '../crypto/bindings';
import { KeywardenError } from '../errors';
import type { SecretSource } from '../secrets/installation-secrets';
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
  constructor(private readonly secrets: SecretSource) {}

  // Throws `secrets_locked` before an unlock; the gateway passes that through unrecorded.
  private loadKey(): Buffer {
    this.key ??= this.secrets.get(LOCAL_KEY_FILE);
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
    if (!deps.secrets) throw new KeywardenError('internal', 'the local provider needs the installation secrets');
    return new LocalProvider(deps.secrets);
  },
};
