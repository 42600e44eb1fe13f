/**
 * The fake KMS's keys, with real cryptography: each KMS key holds its own AES-256 key;
 * a ciphertext blob is the fake's own format — magic, the key id, IV, GCM tag,
 * ciphertext — and is bound (as GCM additional data) to the key ARN and the encryption
 * context, so Decrypt under another context fails as AWS's does (InvalidCiphertextException).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface FakeKey {
  keyId: string;
  arn: string;
  material: Buffer;
  state: KeyState;
  createdMs: number;
  description: string;
  deletionDateMs?: number;
}

export interface FakeKeyInfo {
  keyId: string;
  arn: string;
  aliasArn?: string;
}

export type Resolved = { ok: true; key: FakeKey } | { ok: false; code: string; message: string };

const MAGIC = Buffer.from('KWF\x01', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/;

function contextAad(arn: string, context: Record<string, string>): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(`${arn}\n${JSON.stringify(entries)}`, 'utf8');
}

export class KeyStore {
  private readonly keys = new Map<string, FakeKey>();
  private readonly aliases = new Map<string, string>();
  readonly arnPrefix: string;

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly clock: Clock,
    readonly partition = 'aws',
  ) {
    this.arnPrefix = `arn:${partition}:kms:${region}:${accountId}:`;
  }

  create(opts: { alias?: string; keyId?: string; description?: string; state?: KeyState } = {}): FakeKeyInfo {
    const keyId = opts.keyId ?? randomUUID();
    if (!KEY_ID.test(keyId)) throw new Error(`fake KMS: '${keyId}' is not a key id`);
    const arn = `${this.arnPrefix}key/${keyId}`;
    this.keys.set(keyId, {
      keyId,
      arn,
      material: randomBytes(32),
      state: opts.state ?? 'Enabled',
      createdMs: this.clock.now(),
      description: opts.description ?? '',
    });
    if (opts.alias === undefined) return { keyId, arn };
    const name = opts.alias.replace(/^alias\//, '');
    this.aliases.set(name, keyId);
    return { keyId, arn, aliasArn: `${this.arnPrefix}alias/${name}` };
  }

  /** Points an existing alias at another key (as UpdateAlias does). */
  retargetAlias(alias: string, keyRef: string): void {
    const r = this.resolve(keyRef);
    if (!r.ok) throw new Error(r.message);
    this.aliases.set(alias.replace(/^alias\//, ''), r.key.keyId);
  }

  /** Accepts a key id, key ARN, alias name (`alias/x`) or alias ARN, as KMS does. */
  resolve(ref: unknown): Resolved {
    if (typeof ref !== 'string' || ref.length === 0) {
      return { ok: false, code: 'ValidationException', message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null" };
    }
    let local = ref;
    if (ref.startsWith('arn:')) {
      if (!ref.startsWith(this.arnPrefix)) return { ok: false, code: 'NotFoundException', message: `Invalid arn ${ref.split(':')[3] ?? ''}` };
      local = ref.slice(this.arnPrefix.length);
    }
    if (local.startsWith('alias/')) {
      const keyId = this.aliases.get(local.slice('alias/'.length));
      const key = keyId ? this.keys.get(keyId) : undefined;
      if (!key) return { ok: false, code: 'NotFoundException', message: `Alias ${this.arnPrefix}${local} is not found.` };
      return { ok: true, key };
    }
    const keyId = local.startsWith('key/') ? local.slice(4) : local;
    const key = this.keys.get(keyId);
    if (!key) {
      if (!KEY_ID.test(keyId)) return { ok: false, code: 'NotFoundException', message: `Invalid keyId '${ref}'` };
      return { ok: false, code: 'NotFoundException', message: `Key '${this.arnPrefix}key/${keyId}' does not exist` };
    }
    return { ok: true, key };
  }

  encrypt(key: FakeKey, plaintext: Buffer, context: Record<string, string>): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv);
    cipher.setAAD(contextAad(key.arn, context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(key.keyId, 'utf8');
    return Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, cipher.getAuthTag(), ct]);
  }

  /** The key a blob names, or undefined when the blob is not one of ours. */
  keyOfBlob(blob: Buffer): FakeKey | undefined {
    if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const idLen = blob[MAGIC.length]!;
    const id = blob.subarray(MAGIC.length + 1, MAGIC.length + 1 + idLen).toString('utf8');
    return this.keys.get(id);
  }

  /** Undefined when the blob or the context does not check out (InvalidCiphertextException). */
  decrypt(key: FakeKey, blob: Buffer, context: Record<string, string>): Buffer | undefined {
    if (this.keyOfBlob(blob) !== key) return undefined;
    const start = MAGIC.length + 1 + blob[MAGIC.length]!;
    if (blob.length < start + IV_BYTES + TAG_BYTES) return undefined;
    const iv = blob.subarray(start, start + IV_BYTES);
    const tag = blob.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, iv);
      decipher.setAAD(contextAad(key.arn, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(blob.subarray(start + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}
