/**
 * The rewrap hot path: open a record's wrapped DEK under the master key of the version it
 * names and seal it under the target version, byte-compatible with core/crypto/aead.ts
 * (0x01 || iv || tag || ciphertext) and core/crypto/bindings.ts's DEK binding. Written
 * for a loop over hundreds of thousands of rows: the binding is built in a reused
 * buffer, IVs come from one random fill per batch, and the output is one allocation.
 * The payload is never touched (its binding has no version). The DEK plaintext is
 * zeroed as soon as it is sealed again.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { AeadOpenError, KEY_BYTES } from '../crypto/aead';
import type { RecordTable } from '../crypto/bindings';

const FORMAT_V1 = 0x01;
const IV = 12;
const TAG = 16;
const HEADER = 1 + IV + TAG;
const IV_POOL_ROWS = 512;

export class DekCodec {
  private readonly aadBuf = Buffer.allocUnsafe(1024);
  private readonly prefixLen: Record<RecordTable, number>;
  private readonly prefixes: Record<RecordTable, Buffer>;
  private ivPool = Buffer.allocUnsafe(IV * IV_POOL_ROWS);
  private ivNext = IV_POOL_ROWS;

  constructor(tenantId: string) {
    const prefix = (t: RecordTable) => Buffer.from(`keywarden/dek/v1\n${tenantId}\n${t}\n`, 'utf8');
    this.prefixes = { secret_environment_configs: prefix('secret_environment_configs'), integration_configs: prefix('integration_configs') };
    this.prefixLen = { secret_environment_configs: this.prefixes.secret_environment_configs.length, integration_configs: this.prefixes.integration_configs.length };
  }

  /** dekBinding(tenant, table, id, version), in a reused buffer valid until the next call. */
  binding(table: RecordTable, id: string, version: number): Buffer {
    const p = this.prefixes[table];
    const need = this.prefixLen[table] + Buffer.byteLength(id, 'utf8') + 24;
    const buf = need <= this.aadBuf.length ? this.aadBuf : Buffer.allocUnsafe(need);
    p.copy(buf, 0);
    let at = p.length;
    at += buf.write(id, at, 'utf8');
    buf[at++] = 0x0a;
    at += buf.write(String(version), at, 'latin1');
    return buf.subarray(0, at);
  }

  private nextIv(): Buffer {
    if (this.ivNext >= IV_POOL_ROWS) {
      // IVs are copied into each output, so the pool is refilled in place.
      randomFillSync(this.ivPool);
      this.ivNext = 0;
    }
    const iv = this.ivPool.subarray(this.ivNext * IV, this.ivNext * IV + IV);
    this.ivNext++;
    return iv;
  }

  /** Opens a wrapped DEK; throws AeadOpenError when it does not open. The caller zeroes the result. */
  open(key: Buffer, table: RecordTable, id: string, version: number, sealed: Buffer): Buffer {
    if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
    if (sealed.length < HEADER || sealed[0] !== FORMAT_V1) throw new AeadOpenError('wrapped DEK is too short or of an unknown format');
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV));
    d.setAAD(this.binding(table, id, version));
    d.setAuthTag(sealed.subarray(1 + IV, HEADER));
    const body = d.update(sealed.subarray(HEADER));
    try {
      d.final();
    } catch {
      body.fill(0);
      throw new AeadOpenError('authentication failed (wrong key, wrong binding, or altered ciphertext)');
    }
    return body;
  }

  /** Seals a DEK under `key` for (table, id, version) in one output allocation. */
  seal(key: Buffer, table: RecordTable, id: string, version: number, dek: Buffer): Buffer {
    if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
    const iv = this.nextIv();
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(this.binding(table, id, version));
    const out = Buffer.allocUnsafe(HEADER + dek.length);
    out[0] = FORMAT_V1;
    iv.copy(out, 1);
    const body = c.update(dek);
    body.copy(out, HEADER);
    c.final();
    c.getAuthTag().copy(out, 1 + IV);
    return out;
  }

  /** Re-wraps one DEK from `fromKey`/`from` to `toKey`/`to`. */
  rewrap(fromKey: Buffer, toKey: Buffer, table: RecordTable, id: string, from: number, to: number, wrapped: Buffer): Buffer {
    const dek = this.open(fromKey, table, id, from, wrapped);
    try {
      return this.seal(toKey, table, id, to, dek);
    } finally {
      dek.fill(0);
    }
  }
}
