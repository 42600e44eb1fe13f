/**
 * The cross-check's core, in memory and columnar so a million records each side fit well
 * under 500 MiB: provider records go in first (typed arrays, strings interned), then each
 * engine call is matched as it streams past, then whatever record nobody claimed is
 * classed.
 *
 * The rules, strongest first (a verdict an auditor relies on must never be a false
 * "matched"):
 * 1. the correlation id the call carried (`keywarden-cid/<id>` in the record's user agent);
 * 2. the provider's request id (Key Vault's x-ms-request-id);
 * 3. a weak time-window match, reported apart as `matched_weak`: same key and operation,
 *    close in time, the same outcome, never another principal (or, when the engine's
 *    principal is unknown, another access key), and only a record with no usable user
 *    agent (absent, or cut before its marker ended). A record with another client's user
 *    agent is never claimed by a time window: it is someone else's call.
 * A strong match whose records all failed while the call succeeded is no record of that
 * success. Records nobody claimed: a complete marker that a call of this installation
 * made (another tenant's, or just outside the period) is not this run's; one that no call
 * made is `foreign_correlation`; the rest is key use the engine did not make (the alarm)
 * or a key event.
 */
import { KEY_USE_OPERATIONS, type EvidenceClass, type EvidenceOperation } from './types';
import type { UserAgentKind } from './user-agent';
import { reasonCode, type VerdictReason } from './verdict-reasons';

export const OPERATION_CODES: readonly EvidenceOperation[] = ['wrap', 'unwrap', 'describe', 'generate_data_key', 'use', 'read', 'key_state', 'auth'];
const OP_CODE = new Map(OPERATION_CODES.map((o, i) => [o, i]));
const KEY_USE = new Uint8Array(OPERATION_CODES.map((o) => (KEY_USE_OPERATIONS.has(o) ? 1 : 0)));

export function opCode(op: string): number {
  return OP_CODE.get(op as EvidenceOperation) ?? OP_CODE.get('use')!;
}

export type MatchedBy = 'correlation_id' | 'request_id' | 'fallback';

/** A record's flags: its outcome and what its user agent says (see user-agent.ts). */
export const RECORD_FAILED = 1;
export const UA_ABSENT = 2;
export const UA_TRUNCATED = 4;
export const UA_FOREIGN = 8;
const WEAK_CLAIMABLE = UA_ABSENT | UA_TRUNCATED;

export function recordFlags(failed: boolean, ua: UserAgentKind): number {
  return (failed ? RECORD_FAILED : 0) | (ua === 'absent' ? UA_ABSENT : ua === 'truncated' ? UA_TRUNCATED : ua === 'foreign' ? UA_FOREIGN : 0);
}

export interface RecordInput {
  atMs: number;
  group: number;
  op: number;
  /** Interned principal, -1 when the record names none. */
  principal: number;
  /** Interned access key id, -1 when none. */
  accessKey: number;
  /** A complete correlation id, or what is left of a cut one (with UA_TRUNCATED). */
  cid: string | null;
  requestId: string | null;
  flags: number;
}

export interface CallInput {
  atMs: number;
  group: number;
  op: number;
  ok: boolean;
  /** Interned principal, -1 when the engine does not know it. */
  principal: number;
  /** Interned access key id the call was signed with, -1 when none or unknown. */
  accessKey: number;
  cid: string;
  requestId: string | null;
}

export interface CallVerdict {
  cls: EvidenceClass;
  /** Index of the provider record it was matched to, or -1. */
  event: number;
  matchedBy: MatchedBy | null;
  reason: number;
  /** Record time minus call time (ms) when a record stands for the call, else NaN. */
  gapMs: number;
}

export interface RecordVerdict {
  event: number;
  cls: EvidenceClass;
  reason: number;
}

/** A group is one source: tenant + provider + key. */
export interface GroupInfo {
  delayMs: number;
  /** Weak matching: how far apart in time a call and its record may be. */
  windowMs: number;
  /** The provider log is read completely up to here (ms), NaN when never. */
  readUntilMs: number;
}

/** Whether a correlation id (or, `partial`, the start of one) is a call of this installation. */
export type CidOwner = (cid: string, partial: boolean) => boolean;

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

const R = {
  cid: reasonCode('correlation_id'),
  requestId: reasonCode('request_id'),
  window: reasonCode('time_window'),
  principal: reasonCode('principal_differs'),
  accessKey: reasonCode('access_key_differs'),
  delay: reasonCode('within_delivery_delay'),
  notRead: reasonCode('log_not_read_that_far'),
  noRecord: reasonCode('no_record'),
  failedRecords: reasonCode('records_show_failure'),
  engineFailed: reasonCode('engine_call_failed'),
} satisfies Record<string, number>;

function unclaimedReason(flags: number): VerdictReason {
  if (flags & UA_FOREIGN) return 'foreign_user_agent';
  if (flags & UA_TRUNCATED) return 'truncated_marker';
  return 'no_user_agent';
}

export class Matcher {
  private n = 0;
  private at = new Float64Array(1024);
  private group = new Int32Array(1024);
  private op = new Uint8Array(1024);
  private principal = new Int32Array(1024);
  private accessKey = new Int32Array(1024);
  private flags = new Uint8Array(1024);
  private consumed = new Uint8Array(1024);
  private hasCid = new Uint8Array(1024);
  /** Next record with the same correlation id (-1: none); most ids have one record. */
  private sameCid = new Int32Array(1024);
  private readonly byCid = new Map<string, number>();
  private readonly byRequestId = new Map<string, number>();
  /** What is left of a cut marker, by record, for the few records that have one. */
  private readonly partialCid = new Map<number, string>();
  /** Copies of one provider record kept under several sources (tenants sharing a key). */
  private readonly copies = new Map<number, number[]>();
  /** (group, op) → weakly claimable record indexes sorted by time. */
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

  addEvent(r: RecordInput): number {
    const i = this.n++;
    if (i >= this.at.length) {
      const size = i + 1;
      this.at = grow(this.at, size);
      this.group = grow(this.group, size);
      this.op = grow(this.op, size);
      this.principal = grow(this.principal, size);
      this.accessKey = grow(this.accessKey, size);
      this.flags = grow(this.flags, size);
      this.consumed = grow(this.consumed, size);
      this.hasCid = grow(this.hasCid, size);
      this.sameCid = grow(this.sameCid, size);
    }
    this.at[i] = r.atMs;
    this.group[i] = r.group;
    this.op[i] = r.op;
    this.principal[i] = r.principal;
    this.accessKey[i] = r.accessKey;
    this.flags[i] = r.flags;
    this.sameCid[i] = -1;
    if (r.cid !== null && r.flags & UA_TRUNCATED) this.partialCid.set(i, r.cid);
    else if (r.cid !== null) {
      this.hasCid[i] = 1;
      const first = this.byCid.get(r.cid);
      if (first === undefined) this.byCid.set(r.cid, i);
      else {
        this.sameCid[i] = this.sameCid[first]!;
        this.sameCid[first] = i;
      }
    }
    if (r.requestId !== null && !this.byRequestId.has(r.requestId)) this.byRequestId.set(r.requestId, i);
    return i;
  }

  /** Records `a` and `b` are one provider record stored twice: claiming one claims both. */
  linkCopies(a: number, b: number): void {
    const list = this.copies.get(a) ?? this.copies.get(b) ?? [];
    for (const i of [a, b]) {
      if (!list.includes(i)) list.push(i);
      this.copies.set(i, list);
    }
  }

  private consume(i: number): void {
    this.consumed[i] = 1;
    const list = this.copies.get(i);
    if (list) for (const j of list) this.consumed[j] = 1;
  }

  private buildBuckets(): Map<number, Int32Array> {
    const lists = new Map<number, number[]>();
    for (let i = 0; i < this.n; i++) {
      if (this.hasCid[i] || !(this.flags[i]! & WEAK_CLAIMABLE)) continue;
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
   * Another identity than the call's, where both sides name one: the principal, else the
   * access key the request was signed with (what still tells callers apart when the
   * engine could not learn its own principal).
   */
  private stranger(call: CallInput, i: number): number {
    const p = this.principal[i]!;
    if (call.principal >= 0 && p >= 0 && p !== call.principal) return R.principal;
    const k = this.accessKey[i]!;
    return call.accessKey >= 0 && k >= 0 && k !== call.accessKey ? R.accessKey : 0;
  }

  /**
   * Claims every record carrying this id (one engine call can be several requests: Key
   * Vault's challenge round trip, a key read before a wrap, an SDK retry). Returns the
   * record that best stands for the call: one naming another identity if any does (that
   * is what counts), else one of the call's operation and outcome.
   */
  private claimChain(first: number, call: CallInput): number {
    let best = -1;
    let bestScore = -1;
    let stranger = -1;
    for (let i = first; i !== -1; i = this.sameCid[i]!) {
      this.consume(i);
      const recordOk = (this.flags[i]! & RECORD_FAILED) === 0;
      const score = (this.op[i] === call.op ? 2 : 0) + (recordOk === call.ok ? 1 : 0);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
      if (stranger === -1 && this.stranger(call, i)) stranger = i;
    }
    return stranger >= 0 ? stranger : best;
  }

  private weak(call: CallInput): number {
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
      if (this.consumed[i] || this.flags[i]! & RECORD_FAILED || this.stranger(call, i)) continue;
      const partial = this.partialCid.get(i);
      if (partial !== undefined && !call.cid.startsWith(partial)) continue;
      const gap = Math.abs(t - call.atMs);
      if (gap < bestGap) {
        best = i;
        bestGap = gap;
      }
    }
    if (best >= 0) this.consume(best);
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
        this.consume(r);
        event = r;
        matchedBy = 'request_id';
      }
    }
    if (!call.ok) return { cls: 'failed_call', event, matchedBy, reason: R.engineFailed, gapMs: event >= 0 ? this.at[event]! - call.atMs : Number.NaN };
    if (event >= 0) {
      const gapMs = this.at[event]! - call.atMs;
      const stranger = this.stranger(call, event);
      if (stranger) return { cls: 'principal_mismatch', event, matchedBy, reason: stranger, gapMs };
      // The provider saw this call's requests fail while the engine got its answer: the
      // record of the success is not there.
      if (!(this.flags[event]! & RECORD_FAILED)) return { cls: 'matched', event, matchedBy, reason: matchedBy === 'request_id' ? R.requestId : R.cid, gapMs };
      return this.unmatched(call, event, matchedBy, R.failedRecords);
    }
    event = this.weak(call);
    if (event >= 0) return { cls: 'matched_weak', event, matchedBy: 'fallback', reason: R.window, gapMs: this.at[event]! - call.atMs };
    return this.unmatched(call, -1, null, R.noRecord);
  }

  private unmatched(call: CallInput, event: number, matchedBy: MatchedBy | null, missingReason: number): CallVerdict {
    const g = this.groups[call.group]!;
    const due = call.atMs + g.delayMs;
    const gapMs = event >= 0 ? this.at[event]! - call.atMs : Number.NaN;
    if (this.nowMs < due) return { cls: 'app_only_pending', event, matchedBy, reason: R.delay, gapMs };
    if (!(g.readUntilMs >= due)) return { cls: 'app_only_pending', event, matchedBy, reason: R.notRead, gapMs };
    return { cls: 'app_only_missing', event, matchedBy, reason: missingReason, gapMs };
  }

  /**
   * Records nobody claimed inside [fromMs, toMs). A marker that a call of this
   * installation made (`owns`) belongs to that call's own run, whatever side of the
   * period's edge or whichever tenant it falls on; one that no call made is a foreign
   * correlation id; the rest is key use the engine did not make, or a key event.
   */
  *unclaimed(fromMs: number, toMs: number, owns: CidOwner = () => false): Generator<RecordVerdict> {
    const cidOf = new Map<number, string>();
    for (const [cid, first] of this.byCid) {
      for (let i = first; i !== -1; i = this.sameCid[i]!) if (!this.consumed[i]) cidOf.set(i, cid);
    }
    const ownedCid = new Map<string, boolean>();
    const isOwned = (cid: string, partial: boolean): boolean => {
      const key = (partial ? 'p:' : 'c:') + cid;
      let v = ownedCid.get(key);
      if (v === undefined) ownedCid.set(key, (v = owns(cid, partial)));
      return v;
    };
    for (let i = 0; i < this.n; i++) {
      if (this.consumed[i]) continue;
      const t = this.at[i]!;
      if (t < fromMs || t >= toMs) continue;
      // One record stored under several sources is reported once.
      this.consume(i);
      const cid = cidOf.get(i);
      if (cid !== undefined) {
        if (isOwned(cid, false)) continue;
        yield { event: i, cls: 'foreign_correlation', reason: reasonCode('unknown_correlation_id') };
        continue;
      }
      const partial = this.partialCid.get(i);
      // A cut marker is ours only when enough of it is left to tell calls apart.
      if (partial !== undefined && partial.length >= 8 && isOwned(partial, true)) continue;
      yield { event: i, cls: KEY_USE[this.op[i]!] ? 'provider_only' : 'key_event', reason: reasonCode(unclaimedReason(this.flags[i]!)) };
    }
  }
}
