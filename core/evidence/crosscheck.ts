/**
 * One cross-check run over [from, to): loads the provider records around the period into
 * the matcher, streams the engine's calls of the period past it, classes what is left,
 * then stores the run (summary + one slim row per call or record) in one transaction.
 */
import type { Database } from 'better-sqlite3';
import type { EvidenceCoverageView } from '../api/evidence-types';
import { keySuffix } from '../engine/redact';
import { diagnose, healthOf, type CoverageTally } from './coverage';
import { Interner, Matcher, OPERATION_CODES, opCode, type GroupInfo, type MatchedBy } from './matcher';
import { deliveryDelayMs, type EvidenceSettings } from './settings';
import { MATCHED_BY_CODES, type EvidenceStore, type SourceRow } from './store';
import { Timeline } from './timeline';
import { appOperation, EVIDENCE_CLASSES, isCloudProvider, type EvidenceClass, type EvidenceOperation } from './types';

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

/** `at` (UTC ISO text) as epoch milliseconds, computed by SQLite. */
const MS_OF_AT = 'CAST(round((julianday(at) - 2440587.5) * 86400000) AS INTEGER)';
const opCase = (column: string, pairs: [string, EvidenceOperation][]) =>
  `CASE ${column} ${pairs.map(([name, op]) => `WHEN '${name}' THEN ${opCode(op)}`).join(' ')} ELSE ${opCode('use')} END`;
/** provider_events.operation (already normalized) as the matcher's code. */
const OP_CODE_SQL = opCase('operation', OPERATION_CODES.map((o) => [o, o]));
/** kms_calls.operation in the comparison's vocabulary (see appOperation), as a code. */
const APP_OP_CODE_SQL = opCase('operation', ['wrap', 'probe_wrap', 'unwrap', 'probe_unwrap', 'describe'].map((o) => [o, appOperation(o)]));

interface GroupMeta {
  tenantId: string;
  provider: string;
  keyRef: string;
  source: SourceRow | undefined;
  tally: CoverageTally;
}

class ResultBuffer {
  n = 0;
  cls = new Uint8Array(4096);
  call = new Float64Array(4096);
  event = new Int32Array(4096);
  by = new Uint8Array(4096);
  push(cls: EvidenceClass, callId: number, event: number, by: MatchedBy | null): void {
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
    }
    const i = this.n++;
    this.cls[i] = CLASS_CODE.get(cls)!;
    this.call[i] = callId;
    this.event[i] = event;
    this.by[i] = MATCHED_BY.indexOf(by);
  }
}

export function runCrosscheck(db: Database, store: EvidenceStore, input: CrosscheckInput): CrosscheckOutcome {
  const groups: GroupInfo[] = [];
  const meta: GroupMeta[] = [];
  const groupOf = new Map<string, number>();
  const groupFor = (tenantId: string, provider: string, keyRef: string, source?: SourceRow): number => {
    const k = `${tenantId}\n${provider}\n${keyRef}`;
    let g = groupOf.get(k);
    if (g === undefined) {
      const s = input.settingsOf(tenantId);
      g = groups.length;
      groupOf.set(k, g);
      groups.push({
        delayMs: isCloudProvider(provider) ? deliveryDelayMs(s, provider) : 0,
        windowMs: s.match_window_seconds * 1000,
        readUntilMs: source?.read_until ? Date.parse(source.read_until) : Number.NaN,
      });
      meta.push({ tenantId, provider, keyRef, source, tally: { expected: 0, seen: 0, pending: 0 } });
    }
    return g;
  };
  const sourceGroup = new Map<string, number>();
  for (const s of store.sources(input.tenantId)) sourceGroup.set(s.source_id, groupFor(s.tenant_id, s.provider, s.key_ref, s));

  const fromIso = new Date(input.fromMs).toISOString();
  const toIso = new Date(input.toMs).toISOString();
  const maxWindow = Math.max(60_000, ...groups.map((g) => g.windowMs));
  const matcher = new Matcher(groups, input.nowMs);
  const principals = new Interner();
  let eventRows = new Float64Array(1024);

  // One query per source and per (tenant, key) on the (tenant_id, at) indexes; times and
  // operation codes computed by SQLite, so a million rows cost few JavaScript strings.
  const events = db
    .prepare(
      `SELECT id, ${MS_OF_AT}, ${OP_CODE_SQL}, principal, correlation_id, CASE WHEN provider = 'azure' THEN request_id END
       FROM provider_events WHERE tenant_id = ? AND source_id = ? AND at >= ? AND at < ?`,
    )
    .raw(true);
  const eventsFrom = new Date(input.fromMs - maxWindow).toISOString();
  const eventsTo = new Date(input.toMs + maxWindow).toISOString();
  for (const [sourceId, g] of sourceGroup) {
    for (const row of events.iterate(meta[g]!.tenantId, sourceId, eventsFrom, eventsTo) as Iterable<unknown[]>) {
      const [id, atMs, op, principal, cid, requestId] = row as [number, number, number, string | null, string | null, string | null];
      const i = matcher.addEvent(atMs, g, op, principals.id(principal), cid, requestId);
      if (i >= eventRows.length) {
        const b = new Float64Array(eventRows.length * 2);
        b.set(eventRows);
        eventRows = b;
      }
      eventRows[i] = id;
    }
  }

  const results = new ResultBuffer();
  const timeline = new Timeline(input.fromMs, input.toMs);
  const counts = Object.fromEntries(EVIDENCE_CLASSES.map((c) => [c, 0])) as Record<EvidenceClass, number>;
  const tenantClause = input.tenantId ? ' AND tenant_id = ?' : '';
  const keys = db
    .prepare(`SELECT DISTINCT tenant_id, provider, key_ref FROM kms_calls WHERE at >= ? AND at < ? AND provider IN ('aws', 'gcp', 'azure')${tenantClause}`)
    .all(...(input.tenantId ? [fromIso, toIso, input.tenantId] : [fromIso, toIso])) as { tenant_id: string; provider: string; key_ref: string }[];
  const calls = db
    .prepare(
      `SELECT id, ${MS_OF_AT}, ${APP_OP_CODE_SQL}, outcome = 'ok', principal, correlation_id, provider_request_id FROM kms_calls
       WHERE tenant_id = ? AND at >= ? AND at < ? AND provider = ? AND key_ref = ?`,
    )
    .raw(true);
  for (const k of keys) {
    const g = groupFor(k.tenant_id, k.provider, k.key_ref);
    const tally = meta[g]!.tally;
    for (const row of calls.iterate(k.tenant_id, fromIso, toIso, k.provider, k.key_ref) as Iterable<unknown[]>) {
      const [id, atMs, op, ok, principal, cid, requestId] = row as [number, number, number, number, string | null, string, string | null];
      const v = matcher.matchCall({ atMs, group: g, op, ok: ok === 1, principal: principals.id(principal), cid, requestId });
      if (v.cls === 'matched' || v.cls === 'principal_mismatch') {
        tally.expected++;
        tally.seen++;
      } else if (v.cls === 'app_only_missing') tally.expected++;
      else if (v.cls === 'app_only_pending') tally.pending++;
      results.push(v.cls, id, v.event, v.matchedBy);
      counts[v.cls]++;
      timeline.add(atMs, v.cls);
    }
  }
  for (const { event, cls } of matcher.unclaimed(input.fromMs, input.toMs)) {
    const atMs = matcher.eventAt(event);
    results.push(cls, -1, event, null);
    counts[cls]++;
    timeline.add(atMs, cls);
  }

  const coverage: EvidenceCoverageView[] = meta
    .filter((m) => isCloudProvider(m.provider))
    .map((m) => {
      const fraction = m.tally.expected > 0 ? m.tally.seen / m.tally.expected : null;
      return {
        tenant: input.slugOf(m.tenantId),
        provider: m.provider,
        source_id: m.source?.source_id ?? '',
        key_ref_suffix: keySuffix(m.keyRef),
        expected: m.tally.expected,
        seen: m.tally.seen,
        fraction,
        health: m.source?.read_until ? healthOf(fraction) : 'unknown',
        read_until: m.source?.read_until ?? null,
        diagnosis: diagnose(m.provider, m.source, m.tally),
      };
    });
  const timelineView = timeline.view();

  const runId = db.transaction(() => {
    const id = store.createRun({
      at: new Date(input.nowMs).toISOString(),
      tenant_id: input.tenantId ?? null,
      period_from: fromIso,
      period_to: toIso,
      counts: JSON.stringify(counts),
      coverage: JSON.stringify(coverage),
      timeline: JSON.stringify(timelineView),
    });
    store.insertResults(id, results.n, (i, row) => {
      const callId = results.call[i]!;
      const ev = results.event[i]!;
      row.seq = i + 1;
      row.cls = results.cls[i]!;
      row.callId = callId >= 0 ? callId : null;
      row.eventRow = ev >= 0 ? eventRows[ev]! : null;
      row.matchedBy = results.by[i]!;
    });
    store.pruneOldResults();
    return id;
  })();
  return { runId, counts, coverage, timeline: timelineView };
}
