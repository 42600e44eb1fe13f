/**
 * The engine's KMS calls of a cross-check period, read into columns: typed arrays for the
 * numbers, one joined string for the correlation ids, principals interned. Columns are
 * what a worker thread can hand back cheaply (the arrays move, they are not copied), so a
 * large cross-check reads its calls on one thread while this one loads the provider
 * records (crosscheck-parallel.ts); small runs read them here in the same shape.
 */
import type { Database } from 'better-sqlite3';
import { Interner, opCode } from './matcher';
import { appOperation, type EvidenceOperation } from './types';

export interface CallPeriod {
  fromMs: number;
  toMs: number;
  tenantId?: string | undefined;
}

export interface CallKey {
  tenant_id: string;
  provider: string;
  key_ref: string;
}

export interface CallColumns {
  /** The (tenant, provider, key) of each run of calls, in the order they were read. */
  keys: CallKey[];
  n: number;
  /** Index into `keys`. */
  key: Int32Array;
  id: Float64Array;
  atMs: Float64Array;
  /** The matcher's operation code, in the comparison's vocabulary (see appOperation). */
  op: Uint8Array;
  ok: Uint8Array;
  /** Index into `principals`, -1 when the engine did not know it. */
  principal: Int32Array;
  principals: string[];
  /** Every correlation id back to back in UTF-8; call i's ends at byte cidEnd[i]. */
  cids: Uint8Array;
  cidEnd: Int32Array;
  /** The provider's request id by call index, for the calls that have one (Key Vault). */
  requestIds: Map<number, string>;
}

/** `at` (UTC ISO text) as epoch milliseconds, computed by SQLite. */
export const MS_OF_AT = 'CAST(round((julianday(at) - 2440587.5) * 86400000) AS INTEGER)';

export const opCaseSql = (column: string, pairs: [string, EvidenceOperation][]): string =>
  `CASE ${column} ${pairs.map(([name, op]) => `WHEN '${name}' THEN ${opCode(op)}`).join(' ')} ELSE ${opCode('use')} END`;
/** kms_calls.operation in the comparison's vocabulary, as a code. */
const APP_OP_CODE_SQL = opCaseSql('operation', ['wrap', 'probe_wrap', 'unwrap', 'probe_unwrap', 'describe'].map((o) => [o, appOperation(o)]));

type CallRow = [number, number, number, number, string | null, string, string | null];

/**
 * One query per (tenant, key) on the (tenant_id, at) index, in a stable order, so the
 * results come out in the same order whichever thread read them.
 */
export function readCallColumns(db: Database, period: CallPeriod): CallColumns {
  const fromIso = new Date(period.fromMs).toISOString();
  const toIso = new Date(period.toMs).toISOString();
  const tenantClause = period.tenantId ? ' AND tenant_id = ?' : '';
  const keys = db
    .prepare(`SELECT DISTINCT tenant_id, provider, key_ref FROM kms_calls WHERE at >= ? AND at < ? AND provider IN ('aws', 'gcp', 'azure')${tenantClause}`)
    .all(...(period.tenantId ? [fromIso, toIso, period.tenantId] : [fromIso, toIso])) as CallKey[];
  const calls = db
    .prepare(
      `SELECT id, ${MS_OF_AT}, ${APP_OP_CODE_SQL}, outcome = 'ok', principal, correlation_id, provider_request_id FROM kms_calls
       WHERE tenant_id = ? AND at >= ? AND at < ? AND provider = ? AND key_ref = ?`,
    )
    .raw(true);
  const out = new ColumnWriter(keys);
  keys.forEach((k, keyIndex) => {
    for (const row of calls.iterate(k.tenant_id, fromIso, toIso, k.provider, k.key_ref) as Iterable<CallRow>) out.push(keyIndex, row);
  });
  return out.done();
}

/** The ArrayBuffers a worker can transfer instead of copying. */
export function columnBuffers(c: CallColumns): ArrayBuffer[] {
  return [c.key, c.id, c.atMs, c.op, c.ok, c.principal, c.cids, c.cidEnd].map((a) => a.buffer as ArrayBuffer);
}

class ColumnWriter {
  n = 0;
  key = new Int32Array(1024);
  id = new Float64Array(1024);
  atMs = new Float64Array(1024);
  op = new Uint8Array(1024);
  ok = new Uint8Array(1024);
  principal = new Int32Array(1024);
  cidEnd = new Int32Array(1024);
  /** Correlation ids as UTF-8 bytes: a million strings kept alive would double the peak. */
  cids = Buffer.allocUnsafe(64 * 1024);
  cidLength = 0;
  readonly requestIds = new Map<number, string>();
  readonly principals = new Interner();

  constructor(readonly keys: CallKey[]) {}

  push(keyIndex: number, [id, atMs, op, ok, principal, cid, requestId]: CallRow): void {
    const i = this.n++;
    if (i === this.id.length) this.#grow();
    this.key[i] = keyIndex;
    this.id[i] = id;
    this.atMs[i] = atMs;
    this.op[i] = op;
    this.ok[i] = ok;
    this.principal[i] = this.principals.id(principal);
    if (this.cidLength + cid.length * 3 > this.cids.length) {
      const more = Buffer.allocUnsafe(Math.max(this.cids.length * 2, this.cidLength + cid.length * 3));
      this.cids.copy(more, 0, 0, this.cidLength);
      this.cids = more;
    }
    this.cidLength += this.cids.write(cid, this.cidLength, 'utf8');
    this.cidEnd[i] = this.cidLength;
    if (requestId !== null) this.requestIds.set(i, requestId);
  }

  done(): CallColumns {
    const n = this.n;
    return {
      keys: this.keys,
      n,
      key: this.key.slice(0, n),
      id: this.id.slice(0, n),
      atMs: this.atMs.slice(0, n),
      op: this.op.slice(0, n),
      ok: this.ok.slice(0, n),
      principal: this.principal.slice(0, n),
      principals: this.principals.values,
      cids: new Uint8Array(this.cids.subarray(0, this.cidLength)),
      cidEnd: this.cidEnd.slice(0, n),
      requestIds: this.requestIds,
    };
  }

  #grow(): void {
    const size = this.id.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (len: number) => T)(size);
      b.set(a);
      return b;
    };
    this.key = g(this.key);
    this.id = g(this.id);
    this.atMs = g(this.atMs);
    this.op = g(this.op);
    this.ok = g(this.ok);
    this.principal = g(this.principal);
    this.cidEnd = g(this.cidEnd);
  }
}
