/**
 * The engine's KMS calls of a cross-check period, read into columns: typed arrays for the
 * numbers, one joined string for the correlation ids, principals interned. Columns are
 * what a worker thread can hand back cheaply (the arrays move, they are not copied), so a
 * large cross-check reads its calls on one thread while this one loads the provider
 * records (crosscheck-parallel.ts); small runs read them here in the same shape.
 */
import type { Database } from 'better-sqlite3';
import { Interner, opCode } from './matcher';
import { REVIEW_OPERATIONS } from '../access-review/operations';
import { appOperation, type EvidenceOperation } from './types';

export interface CallPeriod {
  fromMs: number;
  toMs: number;
  /**
   * One tenant's run. Other tenants' calls on the keys this tenant uses (its calls or its
   * log sources) are read too: a provider record belongs to the call that made it, so
   * they claim their own records, and the run reports only this tenant's calls.
   */
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
  principals: string[];
  /** The AWS access key ids the calls were signed with (public identifiers, not secrets). */
  accessKeys: string[];
  /** Total calls: the chunks' sizes added up. */
  n: number;
  /**
   * The calls in read order, a fixed number per chunk: no column is ever copied to grow,
   * so a million calls cost their own size and one chunk more, not twice theirs.
   */
  chunks: CallChunk[];
}

export interface CallChunk {
  n: number;
  /** Index into CallColumns.keys. */
  key: Int32Array;
  id: Float64Array;
  atMs: Float64Array;
  /** The matcher's operation code, in the comparison's vocabulary (see appOperation). */
  op: Uint8Array;
  ok: Uint8Array;
  /** Index into CallColumns.principals, -1 when the engine did not know it. */
  principal: Int32Array;
  /** Index into CallColumns.accessKeys, -1 when none was recorded. */
  accessKey: Int32Array;
  /** The chunk's correlation ids back to back in UTF-8; call i's ends at byte cidEnd[i]. */
  cids: Uint8Array;
  cidEnd: Int32Array;
  /** The provider's request id by index in the chunk, for the calls that have one (Key Vault). */
  requestIds: Map<number, string>;
}

/** Calls per chunk. */
export const CALL_CHUNK = 65_536;

/** `at` (UTC ISO text) as epoch milliseconds, computed by SQLite. */
export const MS_OF_AT = 'CAST(round((julianday(at) - 2440587.5) * 86400000) AS INTEGER)';

export const opCaseSql = (column: string, pairs: [string, EvidenceOperation][]): string =>
  `CASE ${column} ${pairs.map(([name, op]) => `WHEN '${name}' THEN ${opCode(op)}`).join(' ')} ELSE ${opCode('use')} END`;
/** kms_calls.operation in the comparison's vocabulary, as a code. */
const APP_OP_CODE_SQL = opCaseSql('operation', ['wrap', 'probe_wrap', 'witness', 'unwrap', 'probe_unwrap', 'describe', ...REVIEW_OPERATIONS].map((o) => [o, appOperation(o)]));

/**
 * A checkpoint witness's write (operation 'witness') is compared only on a key whose log
 * is read (a tenant's key reused as the witness key): there CloudTrail shows it like any
 * Encrypt. On a key read by no source it would wait forever as "missing"; the witness
 * read-back (`audit verify --witnesses`) reconciles those writes instead.
 */
const WITNESS_ON_READ_KEYS = "(operation <> 'witness' OR (provider, key_ref) IN (SELECT provider, key_ref FROM evidence_sources))";

type CallRow = [number, number, number, number, string | null, string, string | null, string | null];

/**
 * One query per (tenant, key) on the (tenant_id, at) index, in a stable order, so the
 * results come out in the same order whichever thread read them.
 */
export function readCallColumns(db: Database, period: CallPeriod, chunkSize = CALL_CHUNK): CallColumns {
  const fromIso = new Date(period.fromMs).toISOString();
  const toIso = new Date(period.toMs).toISOString();
  const tenantClause = period.tenantId
    ? ` AND (provider, key_ref) IN (SELECT provider, key_ref FROM kms_calls WHERE tenant_id = @tenant AND at >= @from AND at < @to
         UNION SELECT provider, key_ref FROM evidence_sources WHERE tenant_id = @tenant)`
    : '';
  const keys = db
    .prepare(`SELECT DISTINCT tenant_id, provider, key_ref FROM kms_calls WHERE at >= @from AND at < @to AND provider IN ('aws', 'gcp', 'azure') AND ${WITNESS_ON_READ_KEYS}${tenantClause} ORDER BY tenant_id, provider, key_ref`)
    .all({ from: fromIso, to: toIso, ...(period.tenantId ? { tenant: period.tenantId } : {}) }) as CallKey[];
  const calls = db
    .prepare(
      `SELECT id, ${MS_OF_AT}, ${APP_OP_CODE_SQL}, outcome = 'ok', principal, correlation_id, provider_request_id, access_key_id FROM kms_calls
       WHERE tenant_id = ? AND at >= ? AND at < ? AND provider = ? AND key_ref = ? AND ${WITNESS_ON_READ_KEYS}`,
    )
    .raw(true);
  const out = new ColumnWriter(keys, chunkSize);
  keys.forEach((k, keyIndex) => {
    for (const row of calls.iterate(k.tenant_id, fromIso, toIso, k.provider, k.key_ref) as Iterable<CallRow>) out.push(keyIndex, row);
  });
  return out.done();
}

/** The ArrayBuffers a worker can transfer instead of copying. */
export function columnBuffers(c: CallColumns): ArrayBuffer[] {
  return c.chunks.flatMap((k) => [k.key, k.id, k.atMs, k.op, k.ok, k.principal, k.accessKey, k.cids, k.cidEnd].map((a) => a.buffer as ArrayBuffer));
}

class ColumnWriter {
  readonly #chunks: CallChunk[] = [];
  #chunk: CallChunk;
  /** Correlation ids as UTF-8 bytes: a million strings kept alive would double the peak. */
  #cids: Buffer;
  #cidLength = 0;
  #n = 0;
  readonly #principals = new Interner();
  readonly #accessKeys = new Interner();

  constructor(
    readonly keys: CallKey[],
    readonly chunkSize: number,
  ) {
    this.#chunk = newChunk(chunkSize);
    this.#cids = Buffer.allocUnsafe(chunkSize * 40);
  }

  push(keyIndex: number, [id, atMs, op, ok, principal, cid, requestId, accessKey]: CallRow): void {
    let c = this.#chunk;
    if (c.n === this.chunkSize) c = this.#seal();
    const i = c.n++;
    c.key[i] = keyIndex;
    c.id[i] = id;
    c.atMs[i] = atMs;
    c.op[i] = op;
    c.ok[i] = ok;
    c.principal[i] = this.#principals.id(principal);
    c.accessKey[i] = this.#accessKeys.id(accessKey);
    if (this.#cidLength + cid.length * 3 > this.#cids.length) {
      const more = Buffer.allocUnsafe(Math.max(this.#cids.length * 2, this.#cidLength + cid.length * 3));
      this.#cids.copy(more, 0, 0, this.#cidLength);
      this.#cids = more;
    }
    this.#cidLength += this.#cids.write(cid, this.#cidLength, 'utf8');
    c.cidEnd[i] = this.#cidLength;
    if (requestId !== null) c.requestIds.set(i, requestId);
    this.#n++;
  }

  done(): CallColumns {
    if (this.#chunk.n > 0) this.#seal();
    return { keys: this.keys, principals: this.#principals.values, accessKeys: this.#accessKeys.values, n: this.#n, chunks: this.#chunks };
  }

  /** Closes the current chunk (its columns trimmed to size) and starts the next. */
  #seal(): CallChunk {
    const c = this.#chunk;
    const n = c.n;
    this.#chunks.push(
      n === this.chunkSize
        ? { ...c, cids: new Uint8Array(this.#cids.subarray(0, this.#cidLength)) }
        : {
            ...c,
            key: c.key.slice(0, n),
            id: c.id.slice(0, n),
            atMs: c.atMs.slice(0, n),
            op: c.op.slice(0, n),
            ok: c.ok.slice(0, n),
            principal: c.principal.slice(0, n),
            accessKey: c.accessKey.slice(0, n),
            cidEnd: c.cidEnd.slice(0, n),
            cids: new Uint8Array(this.#cids.subarray(0, this.#cidLength)),
          },
    );
    this.#cidLength = 0;
    this.#chunk = newChunk(this.chunkSize);
    return this.#chunk;
  }
}

function newChunk(size: number): CallChunk {
  return {
    n: 0,
    key: new Int32Array(size),
    id: new Float64Array(size),
    atMs: new Float64Array(size),
    op: new Uint8Array(size),
    ok: new Uint8Array(size),
    principal: new Int32Array(size),
    accessKey: new Int32Array(size),
    cids: new Uint8Array(0),
    cidEnd: new Int32Array(size),
    requestIds: new Map(),
  };
}
