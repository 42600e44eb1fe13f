/**
 * One cross-check run over [from, to): loads the provider records around the period into
 * the matcher, passes the engine's calls of the period (call-columns.ts) through it,
 * classes what is left, then stores the run (summary + one slim row per call or record)
 * in one transaction. The calls can be read on another thread meanwhile
 * (runCrosscheckWith): they are the other half of the reading.
 */
import type { Database } from 'better-sqlite3';
import type { EvidenceCoverageView } from '../api/evidence-types';
import { keySuffix } from '../engine/redact';
import { diagnose, healthOf, type CoverageTally } from './coverage';
import { MS_OF_AT, opCaseSql, readCallColumns, type CallColumns } from './call-columns';
import { Interner, Matcher, OPERATION_CODES, RECORD_FAILED, UA_ABSENT, UA_FOREIGN, recordFlags, type CidOwner, type GroupInfo, type MatchedBy } from './matcher';
import { ClockOffset, clockWarning } from './clock-offset';
import { userAgentFacts } from './user-agent';
import { deliveryDelayMs, type EvidenceSettings } from './settings';
import { MATCHED_BY_CODES, type EvidenceStore, type SourceRow } from './store';
import { Timeline } from './timeline';
import { EVIDENCE_CLASSES, isCloudProvider, type EvidenceClass } from './types';

export interface CrosscheckInput {
  fromMs: number;
  toMs: number;
  tenantId?: string | undefined;
  nowMs: number;
  settingsOf: (tenantId: string) => EvidenceSettings;
  slugOf: (tenantId: string) => string;
}

export interface CrosscheckOutcome {
  runId: number;
  counts: Record<EvidenceClass, number>;
  coverage: EvidenceCoverageView[];
  timeline: ReturnType<Timeline['view']>;
}

const CLASS_CODE = new Map(EVIDENCE_CLASSES.map((c, i) => [c, i]));
const MATCHED_BY: readonly (MatchedBy | null)[] = MATCHED_BY_CODES;

/** provider_events.operation (already normalized) as the matcher's code. */
const OP_CODE_SQL = opCaseSql('operation', OPERATION_CODES.map((o) => [o, o]));

/**
 * What SQLite can tell of a record's user agent without handing it over: absent, a
 * complete engine id (a UUID), plainly foreign (short, no `key` in it); anything else
 * (a cut marker, a 1 KB value) is read and classed here (user-agent.ts).
 */
const UA_SQL = `CASE
  WHEN user_agent IS NULL OR trim(user_agent) = '' THEN ${UA_ABSENT}
  WHEN correlation_id IS NOT NULL AND length(correlation_id) = 36 THEN 0
  WHEN correlation_id IS NULL AND length(user_agent) < 1000 AND instr(user_agent, 'key') = 0 THEN ${UA_FOREIGN}
  ELSE -1 END`;

type EventRow = [number, number, number, string | null, string | null, string | null, number, number, string | null, string | null];

interface GroupMeta {
  tenantId: string;
  provider: string;
  keyRef: string;
  source: SourceRow | undefined;
  tally: CoverageTally;
  /** Weak (time-window) matches: not counted as seen. */
  weak: number;
  clock: ClockOffset;
}

class ResultBuffer {
  n = 0;
  cls = new Uint8Array(4096);
  call = new Float64Array(4096);
  event = new Int32Array(4096);
  by = new Uint8Array(4096);
  reason = new Uint8Array(4096);
  gap = new Float64Array(4096);
  push(cls: EvidenceClass, callId: number, event: number, by: MatchedBy | null, reason: number, gapMs: number): void {
    if (this.n === this.cls.length) {
      const size = this.n * 2;
      const g = <T extends Uint8Array | Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(size);
        b.set(a);
        return b;
      };
      this.cls = g(this.cls);
      this.call = g(this.call);
      this.event = g(this.event);
      this.by = g(this.by);
      this.reason = g(this.reason);
      this.gap = g(this.gap);
    }
    const i = this.n++;
    this.cls[i] = CLASS_CODE.get(cls)!;
    this.call[i] = callId;
    this.event[i] = event;
    this.by[i] = MATCHED_BY.indexOf(by);
    this.reason[i] = reason;
    this.gap[i] = gapMs;
  }
}

/** The whole run in this thread. */
export function runCrosscheck(db: Database, store: EvidenceStore, input: CrosscheckInput): CrosscheckOutcome {
  return new CrosscheckRun(db, store, input).finish(readCallColumns(db, input));
}

/**
 * The run with the calls read by `readCalls`, which starts first (on a worker thread)
 * and is awaited once the provider records are loaded here; when it answers null, the
 * calls are read here after all.
 */
export async function runCrosscheckWith(db: Database, store: EvidenceStore, input: CrosscheckInput, readCalls: () => Promise<CallColumns | null>): Promise<CrosscheckOutcome> {
  const calls = readCalls();
  const run = new CrosscheckRun(db, store, input);
  return run.finish((await calls) ?? readCallColumns(db, input));
}

/** A run's provider records, loaded into the matcher as it is built; `finish` does the rest. */
class CrosscheckRun {
  readonly #groups: GroupInfo[] = [];
  readonly #meta: GroupMeta[] = [];
  readonly #groupOf = new Map<string, number>();
  readonly #principals = new Interner();
  readonly #accessKeys = new Interner();
  readonly #matcher: Matcher;
  /** provider_events.id of each matcher record. */
  #eventRows = new Float64Array(1024);

  constructor(
    private readonly db: Database,
    private readonly store: EvidenceStore,
    private readonly input: CrosscheckInput,
  ) {
    const sourceGroup = new Map<string, number>();
    for (const s of store.sources(input.tenantId)) sourceGroup.set(s.source_id, this.#groupFor(s.tenant_id, s.provider, s.key_ref, s));
    this.#matcher = new Matcher(this.#groups, input.nowMs);
    const maxWindow = Math.max(60_000, ...this.#groups.map((g) => g.windowMs));
    // One query per source on the (tenant_id, at) index; times and operation codes
    // computed by SQLite, so a million rows cost few JavaScript strings.
    const events = db
      .prepare(
        `SELECT id, ${MS_OF_AT}, ${OP_CODE_SQL}, principal, correlation_id, CASE WHEN provider = 'azure' THEN request_id END,
           outcome = 'failed', ${UA_SQL} AS ua, access_key_id, NULL
         FROM provider_events WHERE tenant_id = ? AND source_id = ? AND at >= ? AND at < ?`,
      )
      .raw(true);
    const userAgentOf = db.prepare('SELECT user_agent FROM provider_events WHERE id = ?').pluck();
    const from = new Date(input.fromMs - maxWindow).toISOString();
    const to = new Date(input.toMs + maxWindow).toISOString();
    for (const [sourceId, g] of sourceGroup) {
      for (const row of events.iterate(this.#meta[g]!.tenantId, sourceId, from, to) as Iterable<EventRow>) {
        const [id, atMs, op, principal, storedCid, requestId, failed, ua, accessKey] = row;
        let cid = storedCid;
        let flags = ua >= 0 ? ua | (failed ? RECORD_FAILED : 0) : 0;
        if (ua < 0) {
          const facts = userAgentFacts(userAgentOf.get(id) as string | null);
          cid = facts.cid;
          flags = recordFlags(failed === 1, facts.kind);
        }
        const i = this.#matcher.addEvent({ atMs, group: g, op, principal: this.#principals.id(principal), accessKey: this.#accessKeys.id(accessKey), cid, requestId, flags });
        if (i >= this.#eventRows.length) {
          const b = new Float64Array(this.#eventRows.length * 2);
          b.set(this.#eventRows);
          this.#eventRows = b;
        }
        this.#eventRows[i] = id;
      }
    }
    this.#linkCopies(sourceGroup, from, to);
  }

  /**
   * One provider record stored under several sources is one event: tenants sharing a
   * customer key each keep a copy, and a ReEncrypt is kept under both its keys. Linked
   * copies are claimed, and reported, together.
   */
  #linkCopies(sourceGroup: Map<string, number>, from: string, to: string): void {
    const sources = [...sourceGroup.keys()].map((id) => ({ id, meta: this.#meta[sourceGroup.get(id)!]! }));
    let indexOf: Map<number, number> | undefined;
    for (let a = 0; a < sources.length; a++) {
      for (let b = a + 1; b < sources.length; b++) {
        const [sa, sb] = [sources[a]!, sources[b]!];
        if (sa.meta.provider !== sb.meta.provider) continue;
        const sameKey = sa.meta.keyRef === sb.meta.keyRef;
        const pairs = this.db
          .prepare(
            `SELECT x.id, y.id FROM provider_events x JOIN provider_events y ON y.source_id = ? AND y.event_id = x.event_id
             WHERE x.source_id = ? AND x.at >= ? AND x.at < ?${sameKey ? '' : " AND x.provider_operation LIKE 'ReEncrypt%'"}`,
          )
          .raw(true)
          .all(sb.id, sa.id, from, to) as [number, number][];
        if (pairs.length === 0) continue;
        if (!indexOf) {
          indexOf = new Map();
          for (let i = 0; i < this.#matcher.eventCount; i++) indexOf.set(this.#eventRows[i]!, i);
        }
        for (const [x, y] of pairs) {
          const ix = indexOf.get(x);
          const iy = indexOf.get(y);
          if (ix !== undefined && iy !== undefined) this.#matcher.linkCopies(ix, iy);
        }
      }
    }
  }

  /** Matches the calls, classes the records nobody claimed, and stores the run. */
  finish(calls: CallColumns): CrosscheckOutcome {
    const { input } = this;
    const results = new ResultBuffer();
    const timeline = new Timeline(input.fromMs, input.toMs);
    const counts = Object.fromEntries(EVIDENCE_CLASSES.map((c) => [c, 0])) as Record<EvidenceClass, number>;
    // Another tenant's calls on this tenant's keys (a one-tenant run) claim their own
    // records in this tenant's source, after this tenant's calls, and are not reported.
    const inScope = calls.keys.map((k) => !input.tenantId || k.tenant_id === input.tenantId);
    const keyGroup = calls.keys.map((k, i) =>
      inScope[i] ? this.#groupFor(k.tenant_id, k.provider, k.key_ref) : (this.#groupOf.get(`${input.tenantId}\n${k.provider}\n${k.key_ref}`) ?? -1),
    );
    // The reader interned its principals on its own: the matcher compares this run's ids.
    const principalOf = Int32Array.from(calls.principals, (p) => this.#principals.id(p));
    const accessKeyOf = Int32Array.from(calls.accessKeys, (k) => this.#accessKeys.id(k));
    for (const pass of [true, false]) {
      for (const chunk of calls.chunks) {
        const cids = Buffer.from(chunk.cids.buffer, chunk.cids.byteOffset, chunk.cids.byteLength);
        for (let i = 0, cidStart = 0; i < chunk.n; i++) {
          const key = chunk.key[i]!;
          const g = keyGroup[key]!;
          if (inScope[key] !== pass || g < 0) {
            cidStart = chunk.cidEnd[i]!;
            continue;
          }
          const atMs = chunk.atMs[i]!;
          const p = chunk.principal[i]!;
          const k = chunk.accessKey[i]!;
          const cidEnd = chunk.cidEnd[i]!;
          const v = this.#matcher.matchCall({
            atMs,
            group: g,
            op: chunk.op[i]!,
            ok: chunk.ok[i] === 1,
            principal: p >= 0 ? principalOf[p]! : -1,
            accessKey: k >= 0 ? accessKeyOf[k]! : -1,
            cid: cids.toString('utf8', cidStart, cidEnd),
            requestId: chunk.requestIds.get(i) ?? null,
          });
          cidStart = cidEnd;
          if (!pass) continue;
          const meta = this.#meta[g]!;
          const tally = meta.tally;
          if (v.cls === 'matched' || v.cls === 'principal_mismatch') {
            tally.expected++;
            tally.seen++;
            if (v.cls === 'matched') meta.clock.add(v.gapMs);
          } else if (v.cls === 'app_only_missing' || v.cls === 'matched_weak') {
            // A weak match is likely, not proven: coverage counts only what the log proves.
            tally.expected++;
            if (v.cls === 'matched_weak') meta.weak++;
          } else if (v.cls === 'app_only_pending') tally.pending++;
          results.push(v.cls, chunk.id[i]!, v.event, v.matchedBy, v.reason, v.gapMs);
          counts[v.cls]++;
          timeline.add(atMs, v.cls);
        }
      }
    }
    for (const { event, cls, reason } of this.#matcher.unclaimed(input.fromMs, input.toMs, this.#cidOwner())) {
      results.push(cls, -1, event, null, reason, Number.NaN);
      counts[cls]++;
      timeline.add(this.#matcher.eventAt(event), cls);
    }
    const coverage = this.#coverage();
    const timelineView = timeline.view();
    const runId = this.#store(results, counts, coverage, timelineView);
    return { runId, counts, coverage, timeline: timelineView };
  }

  /** Correlation ids made by any call of this installation, any tenant, any time. */
  #cidOwner(): CidOwner {
    const exact = this.db.prepare('SELECT 1 FROM kms_calls WHERE correlation_id = ?').pluck();
    // The engine's ids use only [A-Za-z0-9._:-], all below '~': [p, p~) holds every id starting with p.
    const prefix = this.db.prepare('SELECT 1 FROM kms_calls WHERE correlation_id >= ? AND correlation_id < ? LIMIT 1').pluck();
    return (cid, partial) => (partial ? prefix.get(cid, `${cid}~`) : exact.get(cid)) !== undefined;
  }

  #groupFor(tenantId: string, provider: string, keyRef: string, source?: SourceRow): number {
    const k = `${tenantId}\n${provider}\n${keyRef}`;
    let g = this.#groupOf.get(k);
    if (g === undefined) {
      const s = this.input.settingsOf(tenantId);
      g = this.#groups.length;
      this.#groupOf.set(k, g);
      this.#groups.push({
        delayMs: isCloudProvider(provider) ? deliveryDelayMs(s, provider) : 0,
        windowMs: s.match_window_seconds * 1000,
        readUntilMs: source?.read_until ? Date.parse(source.read_until) : Number.NaN,
      });
      this.#meta.push({ tenantId, provider, keyRef, source, tally: { expected: 0, seen: 0, pending: 0 }, weak: 0, clock: new ClockOffset() });
    }
    return g;
  }

  #coverage(): EvidenceCoverageView[] {
    return this.#meta
      .filter((m) => isCloudProvider(m.provider))
      .map((m) => {
        const fraction = m.tally.expected > 0 ? m.tally.seen / m.tally.expected : null;
        return {
          tenant: this.input.slugOf(m.tenantId),
          provider: m.provider,
          source_id: m.source?.source_id ?? '',
          key_ref_suffix: keySuffix(m.keyRef),
          expected: m.tally.expected,
          seen: m.tally.seen,
          fraction,
          health: m.source?.read_until ? healthOf(fraction, m.source) : 'unknown',
          read_until: m.source?.read_until ?? null,
          diagnosis: [clockWarning(m.provider, m.clock.medianMs()), diagnose(m.provider, m.source, m.tally)].filter(Boolean).join(' ') || null,
          weak: m.weak,
          clock_offset_ms: m.clock.medianMs(),
          clock_offset_pairs: m.clock.pairs,
          last_fetch_state: m.source?.last_fetch_state ?? null,
          last_error_kind: m.source?.last_error_kind ?? null,
          unreadable: m.source?.unreadable_records ?? 0,
          other_key_records: m.source?.other_key_records ?? 0,
          reread_from: m.source?.reread_from ?? null,
        };
      });
  }

  /** The run's summary and every result row, in one transaction. */
  #store(results: ResultBuffer, counts: Record<EvidenceClass, number>, coverage: EvidenceCoverageView[], timeline: CrosscheckOutcome['timeline']): number {
    const { input, store } = this;
    const eventRows = this.#eventRows;
    return this.db.transaction(() => {
      const id = store.createRun({
        at: new Date(input.nowMs).toISOString(),
        tenant_id: input.tenantId ?? null,
        period_from: new Date(input.fromMs).toISOString(),
        period_to: new Date(input.toMs).toISOString(),
        counts: JSON.stringify(counts),
        coverage: JSON.stringify(coverage),
        timeline: JSON.stringify(timeline),
      });
      store.insertResults(id, results.n, (i, row) => {
        const callId = results.call[i]!;
        const ev = results.event[i]!;
        row.seq = i + 1;
        row.cls = results.cls[i]!;
        row.callId = callId >= 0 ? callId : null;
        row.eventRow = ev >= 0 ? eventRows[ev]! : null;
        row.matchedBy = results.by[i]!;
        const gap = results.gap[i]!;
        row.gapMs = Number.isNaN(gap) ? null : Math.round(gap);
        row.reason = results.reason[i]!;
      });
      store.pruneOldResults();
      return id;
    })();
  }
}
