/**
 * The cross-check's core, in memory and columnar so a million records each side fit well
 * under 500 MiB: provider records go in first (typed arrays, strings interned), then each
 * engine call is matched as it streams past, then whatever record nobody claimed is
 * classed. Order of preference: the correlation id the call carried, then the provider's
 * request id (Key Vault), then key + operation + time window + principal.
 */
import { KEY_USE_OPERATIONS, type EvidenceClass, type EvidenceOperation } from './types';

export const OPERATION_CODES: readonly EvidenceOperation[] = ['wrap', 'unwrap', 'describe', 'generate_data_key', 'use', 'read', 'key_state', 'auth'];
const OP_CODE = new Map(OPERATION_CODES.map((o, i) => [o, i]));
const KEY_USE = new Uint8Array(OPERATION_CODES.map((o) => (KEY_USE_OPERATIONS.has(o) ? 1 : 0)));

export function opCode(op: string): number {
  return OP_CODE.get(op as EvidenceOperation) ?? OP_CODE.get('use')!;
}

export type MatchedBy = 'correlation_id' | 'request_id' | 'fallback';

export interface CallInput {
  atMs: number;
  group: number;
  op: number;
  ok: boolean;
  /** Interned principal, -1 when the engine does not know it. */
  principal: number;
  cid: string;
  requestId: string | null;
}

export interface CallVerdict {
  cls: EvidenceClass;
  /** Index of the provider record it was matched to, or -1. */
  event: number;
  matchedBy: MatchedBy | null;
}

/** A group is one source: tenant + provider + key. */
export interface GroupInfo {
  delayMs: number;
  /** Fallback matching: how far apart in time a call and its record may be. */
  windowMs: number;
  /** The provider log is read completely up to here (ms), NaN when never. */
  readUntilMs: number;
}

export class Interner {
  private readonly map = new Map<string, number>();
  readonly values: string[] = [];
  private last: string | null = null;
  private lastId = -1;
  id(s: string | null): number {
    if (s === null) return -1;
    // Rows come in runs of the same principal: comparing with the last one is cheaper
    // than hashing a fresh string for the map.
    if (s === this.last) return this.lastId;
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.map.set(s, i);
      this.values.push(s);
    }
    this.last = s;
    this.lastId = i;
    return i;
  }
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (len: number) => T)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export class Matcher {
  private n = 0;
  private at = new Float64Array(1024);
  private group = new Int32Array(1024);
  private op = new Uint8Array(1024);
  private principal = new Int32Array(1024);
  private consumed = new Uint8Array(1024);
  private hasCid = new Uint8Array(1024);
  /** Next record with the same correlation id (-1: none); most ids have one record. */
  private sameCid = new Int32Array(1024);
  private readonly byCid = new Map<string, number>();
  private readonly byRequestId = new Map<string, number>();
  /** (group, op) → record indexes sorted by time, records without a correlation id only. */
  private buckets: Map<number, Int32Array> | undefined;

  constructor(
    private readonly groups: GroupInfo[],
    private readonly nowMs: number,
  ) {}

  get eventCount(): number {
    return this.n;
  }

  eventAt(i: number): number {
    return this.at[i]!;
  }

  eventGroup(i: number): number {
    return this.group[i]!;
  }

  addEvent(atMs: number, group: number, op: number, principal: number, cid: string | null, requestId: string | null): number {
    const i = this.n++;
    if (i >= this.at.length) {
      const size = i + 1;
      this.at = grow(this.at, size);
      this.group = grow(this.group, size);
      this.op = grow(this.op, size);
      this.principal = grow(this.principal, size);
      this.consumed = grow(this.consumed, size);
      this.hasCid = grow(this.hasCid, size);
      this.sameCid = grow(this.sameCid, size);
    }
    this.at[i] = atMs;
    this.group[i] = group;
    this.op[i] = op;
    this.principal[i] = principal;
    this.sameCid[i] = -1;
    if (cid !== null) {
      this.hasCid[i] = 1;
      const first = this.byCid.get(cid);
      if (first === undefined) this.byCid.set(cid, i);
      else {
        this.sameCid[i] = this.sameCid[first]!;
        this.sameCid[first] = i;
      }
    }
    if (requestId !== null && !this.byRequestId.has(requestId)) this.byRequestId.set(requestId, i);
    return i;
  }

  private buildBuckets(): Map<number, Int32Array> {
    const lists = new Map<number, number[]>();
    for (let i = 0; i < this.n; i++) {
      if (this.hasCid[i]) continue;
      const k = this.group[i]! * 16 + this.op[i]!;
      let l = lists.get(k);
      if (!l) lists.set(k, (l = []));
      l.push(i);
    }
    const out = new Map<number, Int32Array>();
    for (const [k, l] of lists) out.set(k, Int32Array.from(l.sort((a, b) => this.at[a]! - this.at[b]!)));
    return out;
  }

  /**
   * Claims every record carrying this id (one engine call can be several requests: Key
   * Vault's challenge round trip, a key read before a wrap). Returns the record that best
   * stands for the call, or one naming another principal if any does: that is what counts.
   */
  private claimChain(first: number, call: CallInput): number {
    let best = -1;
    let stranger = -1;
    for (let i = first; i !== -1; i = this.sameCid[i]!) {
      this.consumed[i] = 1;
      if (best === -1 || (this.op[i] === call.op && this.op[best] !== call.op)) best = i;
      const p = this.principal[i]!;
      if (stranger === -1 && call.principal >= 0 && p >= 0 && p !== call.principal) stranger = i;
    }
    return stranger >= 0 ? stranger : best;
  }

  private fallback(call: CallInput): number {
    this.buckets ??= this.buildBuckets();
    const list = this.buckets.get(call.group * 16 + call.op);
    if (!list) return -1;
    let lo = 0;
    let hi = list.length;
    const windowMs = this.groups[call.group]!.windowMs;
    const from = call.atMs - windowMs;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[list[mid]!]! < from) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    let bestGap = Infinity;
    for (let j = lo; j < list.length; j++) {
      const i = list[j]!;
      const t = this.at[i]!;
      if (t > call.atMs + windowMs) break;
      if (this.consumed[i]) continue;
      if (call.principal >= 0 && this.principal[i]! >= 0 && this.principal[i] !== call.principal) continue;
      const gap = Math.abs(t - call.atMs);
      if (gap < bestGap) {
        best = i;
        bestGap = gap;
      }
    }
    if (best >= 0) this.consumed[best] = 1;
    return best;
  }

  matchCall(call: CallInput): CallVerdict {
    let event = -1;
    let matchedBy: MatchedBy | null = null;
    const first = this.byCid.get(call.cid);
    if (first !== undefined) {
      event = this.claimChain(first, call);
      matchedBy = 'correlation_id';
    } else if (call.requestId !== null) {
      const r = this.byRequestId.get(call.requestId);
      if (r !== undefined && !this.consumed[r]) {
        this.consumed[r] = 1;
        event = r;
        matchedBy = 'request_id';
      }
    }
    if (!call.ok) return { cls: 'failed_call', event, matchedBy };
    if (event === -1) {
      event = this.fallback(call);
      if (event >= 0) matchedBy = 'fallback';
    }
    if (event >= 0) {
      const p = this.principal[event]!;
      const mismatch = call.principal >= 0 && p >= 0 && p !== call.principal;
      return { cls: mismatch ? 'principal_mismatch' : 'matched', event, matchedBy };
    }
    const g = this.groups[call.group]!;
    const due = call.atMs + g.delayMs;
    const missing = this.nowMs >= due && g.readUntilMs >= due;
    return { cls: missing ? 'app_only_missing' : 'app_only_pending', event: -1, matchedBy: null };
  }

  /** Records nobody claimed inside [fromMs, toMs): key use is the alarm, the rest key events. */
  *unclaimed(fromMs: number, toMs: number): Generator<{ event: number; cls: EvidenceClass }> {
    for (let i = 0; i < this.n; i++) {
      if (this.consumed[i]) continue;
      const t = this.at[i]!;
      if (t < fromMs || t >= toMs) continue;
      yield { event: i, cls: KEY_USE[this.op[i]!] ? 'provider_only' : 'key_event' };
    }
  }
}
