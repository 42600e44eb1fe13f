/**
 * The fake's Cloud KMS key material: CryptoKeys with versions of real AES-256-GCM keys.
 * Ciphertext = 'K' | version (u32 BE) | iv (12) | tag (16) | data; the GCM AAD is the
 * CryptoKey path, a NUL, and the caller's additional authenticated data, so ciphertext
 * only opens under the same key and the same AAD.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED' | 'DESTROY_SCHEDULED';

export const STATE_NUMBER: Record<VersionState, number> = { ENABLED: 1, DISABLED: 2, DESTROYED: 3, DESTROY_SCHEDULED: 4 };

interface Version {
  id: number;
  key: Buffer;
  state: VersionState;
  createTime: number;
}

export interface FakeCryptoKey {
  path: string;
  createTime: number;
  primary: number;
  versions: Map<number, Version>;
  /** Principals whose grant on this key was revoked (the real kill switch). */
  revoked: Set<string>;
}

/** A KMS-side failure with the google.rpc code, HTTP status and status word it is sent as. */
export class KmsFailure extends Error {
  constructor(
    readonly http: number,
    readonly status: string,
    readonly grpc: number,
    message: string,
  ) {
    super(message);
  }
}

export const invalidCiphertext = () => new KmsFailure(400, 'INVALID_ARGUMENT', 3, "Decryption failed: verify that 'name' refers to the correct CryptoKey.");
export const notEnabled = (versionName: string, state: string) =>
  new KmsFailure(400, 'FAILED_PRECONDITION', 9, `${versionName} is not enabled, current state is: ${state}.`);

const KEY_PATH_RE = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

export class KmsKeyStore {
  private readonly keys = new Map<string, FakeCryptoKey>();

  constructor(private readonly now: () => number) {}

  create(path: string): FakeCryptoKey {
    if (!KEY_PATH_RE.test(path)) throw new Error(`not a CryptoKey path: ${path}`);
    const existing = this.keys.get(path);
    if (existing) return existing;
    const key: FakeCryptoKey = { path, createTime: this.now(), primary: 1, versions: new Map(), revoked: new Set() };
    key.versions.set(1, { id: 1, key: randomBytes(32), state: 'ENABLED', createTime: this.now() });
    this.keys.set(path, key);
    return key;
  }

  get(path: string): FakeCryptoKey | undefined {
    return this.keys.get(path);
  }

  require(path: string): FakeCryptoKey {
    const k = this.keys.get(path);
    if (!k) throw new Error(`fake has no CryptoKey ${path}`);
    return k;
  }

  /** Adds a version and makes it primary (Cloud KMS rotation); returns its number. */
  rotate(path: string): number {
    const k = this.require(path);
    const id = Math.max(...k.versions.keys()) + 1;
    k.versions.set(id, { id, key: randomBytes(32), state: 'ENABLED', createTime: this.now() });
    k.primary = id;
    return id;
  }

  setState(path: string, state: VersionState, version?: number): void {
    const k = this.require(path);
    const v = k.versions.get(version ?? k.primary);
    if (!v) throw new Error(`fake has no version ${version} of ${path}`);
    v.state = state;
    if (state === 'DESTROYED') v.key.fill(0);
  }

  encrypt(k: FakeCryptoKey, plaintext: Buffer, aad: Buffer): { ciphertext: Buffer; versionName: string } {
    const v = k.versions.get(k.primary)!;
    const versionName = `${k.path}/cryptoKeyVersions/${v.id}`;
    if (v.state !== 'ENABLED') throw notEnabled(versionName, v.state);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', v.key, iv);
    cipher.setAAD(Buffer.concat([Buffer.from(k.path), Buffer.from([0]), aad]));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const head = Buffer.alloc(5);
    head.write('K', 0, 'latin1');
    head.writeUInt32BE(v.id, 1);
    return { ciphertext: Buffer.concat([head, iv, cipher.getAuthTag(), data]), versionName };
  }

  decrypt(k: FakeCryptoKey, ciphertext: Buffer, aad: Buffer): { plaintext: Buffer; usedPrimary: boolean } {
    if (ciphertext.length < 33 || ciphertext.toString('latin1', 0, 1) !== 'K') throw invalidCiphertext();
    const v = k.versions.get(ciphertext.readUInt32BE(1));
    if (!v) throw invalidCiphertext();
    if (v.state !== 'ENABLED') throw notEnabled(`${k.path}/cryptoKeyVersions/${v.id}`, v.state);
    try {
      const decipher = createDecipheriv('aes-256-gcm', v.key, ciphertext.subarray(5, 17));
      decipher.setAuthTag(ciphertext.subarray(17, 33));
      decipher.setAAD(Buffer.concat([Buffer.from(k.path), Buffer.from([0]), aad]));
      const plaintext = Buffer.concat([decipher.update(ciphertext.subarray(33)), decipher.final()]);
      return { plaintext, usedPrimary: v.id === k.primary };
    } catch {
      throw invalidCiphertext();
    }
  }
}
