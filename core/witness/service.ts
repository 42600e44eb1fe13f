/**
 * Checkpoint witnesses for one installation: settings (which witnesses, the interval),
 * runs (sign a checkpoint of the log as it is, write it to every witness, one kms_calls
 * row per write), status, and the verification against what the providers recorded.
 *
 * Never on the audit append path: runs happen on the continuous checks' timer, at a
 * report export and on demand, and a failing provider only leaves a failed run behind
 * (retried at the next run); the log and the engine carry on.
 */
import type { Database } from 'better-sqlite3';
import { WITNESS_STEP_UP_SCOPE } from '../api/witness-contract';
import type { WitnessListView, WitnessNowView, WitnessRunView, WitnessStatusView, WitnessVerificationView, WitnessView } from '../api/witness-types';
import type { AuditLedger } from '../audit/audit-ledger';
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { keySuffix } from '../engine/redact';
import { endpointHost } from '../engine/allowed-endpoints';
import { scrubErrorMessage } from '../engine/scrub-error';
import { invalidInput, isKeywardenError, KeywardenError } from '../errors';
import { KmsError, type KmsProvider } from '../providers/types';
import { judgeRecords, uniqueRecords } from './check-records';
import { assertEndpoints, buildWitnessRow, configOf, type AddWitnessInput } from './configure';
import './kinds';
import { localRootsAt } from './local-roots';
import { witnessKind } from './registry';
import { WitnessStore, type WitnessConfigRow, type WitnessRunRow, type WitnessTrigger } from './store';
import type { WitnessCheckpoint, WitnessDeps, WitnessKindSpec, WitnessRecord, WitnessTarget, WitnessWriter } from './types';

export const DEFAULT_INTERVAL_MINUTES = 15;
export const INTERVAL_META = 'witness_interval_minutes';
/** How long a provider may take to show a write in its log before it counts as overdue (CloudTrail: up to ~15 min). */
export const DELIVERY_GRACE_MS = 30 * 60_000;
/** How far back a read-back goes at most (CloudTrail LookupEvents keeps 90 days). */
export const READ_BACK_MS = 90 * 24 * 3_600_000;
// Declared with the contract so the window asks for the same scope.
export { WITNESS_STEP_UP_SCOPE };

export interface WitnessServiceDeps {
  db: Database;
  ctx: EngineContext;
  ledger: AuditLedger;
  deps: WitnessDeps;
}

function runView(r: WitnessRunRow): WitnessRunView {
  return { ...r };
}

/** A KmsProvider face for the gateway's bookkeeping: the write goes through the writer, not wrap/unwrap. */
function gatewayFace(spec: WitnessKindSpec, targetRef: string, writer: WitnessWriter): KmsProvider {
  const refuse = (): never => {
    throw new KmsError(spec.provider, 'invalid_key', 'a witness target only records checkpoints', 'WitnessOnly');
  };
  return {
    name: spec.provider,
    keyRef: targetRef,
    customerControlled: true,
    wrap: refuse,
    unwrap: refuse,
    describe: refuse,
    ...(writer.callerIdentity ? { callerIdentity: () => writer.callerIdentity!() } : {}),
  };
}

export class WitnessService {
  readonly store: WitnessStore;
  #inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly s: WitnessServiceDeps) {
    this.store = new WitnessStore(s.db);
  }

  get #ctx(): EngineContext {
    return this.s.ctx;
  }

  intervalMinutes(): number {
    const v = Number(this.#ctx.store.getMeta(INTERVAL_META));
    return Number.isInteger(v) && v >= 1 ? v : DEFAULT_INTERVAL_MINUTES;
  }

  setInterval(minutes: number, caller: Caller): WitnessStatusView {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw invalidInput('interval_minutes', 'must be a whole number of minutes from 1 to 1440');
    const before = this.intervalMinutes();
    this.#ctx.store.transaction(() => {
      this.#ctx.store.setMeta(INTERVAL_META, String(minutes));
      this.#ctx.audit.append(caller, 'witness.settings', null, { interval_minutes: minutes, previous_interval_minutes: before });
    });
    return this.status();
  }

  /** Adds a witness; the kind may look at its target first (Azure: purge protection) and warn, never refuse. */
  async add(input: AddWitnessInput, caller: Caller): Promise<WitnessView> {
    const row = buildWitnessRow(this.#ctx, input, isoAt(this.#ctx.clock));
    if (this.store.configs().some((c) => c.kind === row.kind && c.target_ref === row.target_ref)) {
      throw new KeywardenError('conflict', `a ${row.kind} witness for …${row.target_ref.slice(-12)} exists already`, { kind: row.kind });
    }
    const spec = witnessKind(row.kind);
    let warnings: string[] = [];
    if (spec.describeTarget) {
      try {
        warnings = await spec.describeTarget(this.#target(row, spec), this.s.deps);
      } catch (e) {
        warnings = [`the target could not be checked: ${scrubErrorMessage(e instanceof Error ? e.message : 'error')}`];
      }
    }
    this.#ctx.store.transaction(() => {
      this.store.addConfig(row);
      this.#ctx.audit.append(caller, 'witness.added', row.tenant_id, {
        witness_id: row.id,
        kind: row.kind,
        target: keySuffix(row.target_ref),
        uses: row.tenant_id ? 'tenant config' : 'own config',
        read_host: endpointHost(row.read_endpoint),
        warnings: warnings.length,
      });
    });
    return { ...this.#view(row), warnings };
  }

  remove(id: string, caller: Caller): { removed: true; id: string } {
    const row = this.store.config(id);
    if (!row) throw new KeywardenError('not_found', `no witness "${id}" (keywarden witness list shows them)`, { id });
    this.#ctx.store.transaction(() => {
      this.store.removeConfig(id);
      this.#ctx.audit.append(caller, 'witness.removed', row.tenant_id, { witness_id: id, kind: row.kind, target: keySuffix(row.target_ref) });
    });
    return { removed: true, id };
  }

  list(): WitnessListView {
    return {
      status: this.status(),
      witnesses: this.store.configs().map((c) => this.#view(c)),
      recent_runs: this.store.recentRuns(50).map(runView),
    };
  }

  #view(c: WitnessConfigRow): WitnessView {
    const spec = witnessKind(c.kind);
    const last = this.store.lastRun(c.id);
    return {
      id: c.id,
      kind: c.kind,
      label: spec.label,
      target_ref: c.target_ref,
      tenant: c.tenant_id ? (this.#ctx.store.tenantById(c.tenant_id)?.slug ?? c.tenant_id) : null,
      config: c.config ? (JSON.parse(c.config) as Record<string, unknown>) : null,
      read_endpoint: c.read_endpoint,
      permission: spec.permission,
      created_at: c.created_at,
      state: !last ? 'never_run' : last.state === 'ok' ? 'ok' : 'failing',
      last_run: last ? runView(last) : null,
      last_ok: ((r) => (r ? runView(r) : null))(this.store.lastOk(c.id)),
      last_failure: ((r) => (r ? runView(r) : null))(this.store.lastFailure(c.id)),
      warnings: [],
    };
  }

  /** The newest checkpoint any witness recorded (by the write's success). */
  #lastWitnessed(): WitnessRunRow | undefined {
    const ok = this.store.okRuns();
    return ok.reduce<WitnessRunRow | undefined>((best, r) => (!best || r.tree_size > best.tree_size || (r.tree_size === best.tree_size && r.finished_at > best.finished_at) ? r : best), undefined);
  }

  status(): WitnessStatusView {
    const configs = this.store.configs();
    const interval = this.intervalMinutes();
    const size = this.s.ledger.tree.size();
    const last = this.#lastWitnessed();
    const failing = configs.flatMap((c) => {
      const r = this.store.lastRun(c.id);
      return r && r.state === 'failed' ? [{ id: c.id, kind: c.kind, reason: r.failure_reason ?? 'error', message: r.failure_message ?? '', at: r.finished_at }] : [];
    });
    const entriesSince = Math.max(0, size - (last?.tree_size ?? 0));
    const age = last ? this.#ctx.clock.now() - Date.parse(last.finished_at) : Infinity;
    const behind = entriesSince > 0 && age > interval * 60_000;
    const state: WitnessStatusView['state'] = configs.length === 0 ? 'none' : failing.length > 0 ? 'failing' : behind ? 'behind' : 'ok';
    const summary =
      state === 'none'
        ? 'no witness configured: the log’s history rests on this machine alone (keywarden witness add)'
        : state === 'failing'
          ? `${failing.length} witness${failing.length === 1 ? '' : 'es'} failing (${failing.map((f) => `${f.kind}: ${f.reason}`).join('; ')}); retried at the next run`
          : !last
            ? 'no checkpoint witnessed yet'
            : `last witnessed ${last.finished_at} at ${last.tree_size} entries${entriesSince ? `; ${entriesSince} entr${entriesSince === 1 ? 'y' : 'ies'} since` : ''}`;
    return {
      interval_minutes: interval,
      witnesses: configs.length,
      state,
      last_witnessed_at: last?.finished_at ?? null,
      last_witnessed_size: last?.tree_size ?? null,
      entries_since: entriesSince,
      failing,
      summary,
    };
  }

  /** Witnesses the log now, whatever the interval (`audit witness`, report export). */
  witnessNow(trigger: Exclude<WitnessTrigger, 'interval'>): Promise<WitnessNowView> {
    return this.#serial(() => this.#run(trigger, this.store.configs()));
  }

  /**
   * The timer's run: each witness whose log has grown since it last witnessed, and whose
   * last attempt is older than the interval. A failed witness is tried again then.
   */
  witnessIfDue(): Promise<WitnessNowView> {
    return this.#serial(() => {
      const configs = this.store.configs();
      if (configs.length === 0) return Promise.resolve({ checkpoint: null, runs: [], skipped: 'no witness configured' });
      const size = this.s.ledger.tree.size();
      const intervalMs = this.intervalMinutes() * 60_000;
      const now = this.#ctx.clock.now();
      const due = configs.filter((c) => {
        const last = this.store.lastRun(c.id);
        if (!last) return true;
        if (now - Date.parse(last.finished_at) < intervalMs) return false;
        const ok = this.store.lastOk(c.id);
        return last.state === 'failed' || !ok || size > ok.tree_size;
      });
      if (due.length === 0) return Promise.resolve({ checkpoint: null, runs: [], skipped: `not due: the log has not grown, or every witness ran within ${this.intervalMinutes()} min` });
      return this.#run('interval', due);
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#inFlight.then(fn, fn);
    this.#inFlight = next.catch(() => undefined);
    return next;
  }

  async #run(trigger: WitnessTrigger, configs: WitnessConfigRow[]): Promise<WitnessNowView> {
    if (configs.length === 0) return { checkpoint: null, runs: [], skipped: 'no witness configured (keywarden witness add)' };
    const view = this.s.ledger.checkpoint();
    const cp: WitnessCheckpoint = { origin: view.origin, treeSize: view.tree_size, rootHash: Buffer.from(view.root_hash, 'base64'), note: view.note };
    const runs: WitnessRunView[] = [];
    for (const c of configs) runs.push(runView(await this.#writeOne(c, cp, trigger)));
    return { checkpoint: { tree_size: cp.treeSize, root_hash: view.root_hash, origin: cp.origin }, runs, skipped: null };
  }

  #target(c: WitnessConfigRow, spec: WitnessKindSpec): WitnessTarget {
    const config = spec.parseConfig(configOf(this.#ctx, c, spec), c.target_ref);
    const target: WitnessTarget = { id: c.id, kind: c.kind, target_ref: c.target_ref, config, tenant_id: c.tenant_id, read_endpoint: c.read_endpoint };
    // The allow-list may have changed since the witness was added: checked before each use.
    assertEndpoints(this.#ctx, spec, target);
    return target;
  }

  async #writeOne(c: WitnessConfigRow, cp: WitnessCheckpoint, trigger: WitnessTrigger): Promise<WitnessRunRow> {
    const started = isoAt(this.#ctx.clock);
    const base = { witness_id: c.id, started_at: started, trigger, tree_size: cp.treeSize, root_hash: cp.rootHash.toString('base64') };
    let writer: WitnessWriter | undefined;
    let correlationId: string | null = null;
    try {
      const spec = witnessKind(c.kind);
      const target = this.#target(c, spec);
      writer = spec.createWriter(target, this.s.deps);
      const w = writer;
      const ref = { provider: spec.provider, kms_key_ref: c.target_ref, kms_config: JSON.stringify(target.config) };
      const result = await this.#ctx.gateway.call(
        ref,
        c.tenant_id ?? WITNESS_STEP_UP_SCOPE,
        0,
        'witness',
        (_p, callCtx) => {
          correlationId = callCtx.correlationId;
          return w.write(cp, { correlationId: callCtx.correlationId });
        },
        gatewayFace(spec, c.target_ref, w),
      );
      return this.store.addRun({
        ...base,
        finished_at: isoAt(this.#ctx.clock),
        state: 'ok',
        failure_reason: null,
        failure_message: null,
        correlation_id: correlationId,
        provider_event_id: result.providerEventId ?? null,
        provider_time: result.providerTime ?? null,
      });
    } catch (e) {
      const reason = e instanceof KmsError ? e.reason : isKeywardenError(e) ? e.code : 'error';
      const message = e instanceof KmsError || isKeywardenError(e) ? scrubErrorMessage(e.message) : 'the witness write failed unexpectedly';
      return this.store.addRun({ ...base, finished_at: isoAt(this.#ctx.clock), state: 'failed', failure_reason: reason, failure_message: message, correlation_id: correlationId, provider_event_id: null, provider_time: null });
    } finally {
      await writer?.close?.();
    }
  }

  /** Reads every witness's records back from its provider's log and keeps them (a cache for screens and reports). */
  async readBack(signal?: AbortSignal): Promise<{ records: WitnessRecord[]; errors: { witness_id: string; kind: WitnessConfigRow['kind']; message: string }[] }> {
    const configs = this.store.configs();
    const { origin, verifier_key: verifierKey } = this.s.ledger.publicKey();
    const now = this.#ctx.clock.now();
    const records: WitnessRecord[] = [];
    const errors: { witness_id: string; kind: WitnessConfigRow['kind']; message: string }[] = [];
    for (const c of configs) {
      let reader;
      try {
        const spec = witnessKind(c.kind);
        reader = spec.createReader(this.#target(c, spec), this.s.deps);
        const fromMs = Math.max(now - READ_BACK_MS, Date.parse(c.created_at) - 3_600_000);
        records.push(...(await reader.readBack({ fromMs, toMs: now + 60_000 }, { expectedOrigin: origin, verifierKey, ...(signal ? { signal } : {}) })));
      } catch (e) {
        errors.push({ witness_id: c.id, kind: c.kind, message: scrubErrorMessage(e instanceof Error ? e.message : 'the read failed') });
      } finally {
        await reader?.close?.();
      }
    }
    const unique = uniqueRecords(records);
    this.store.saveRecords(unique, isoAt(this.#ctx.clock));
    return { records: unique, errors };
  }

  /**
   * `audit verify --witnesses`: the ordinary verification, then every record the
   * providers hold, read afresh (the local cache could have been rewritten along with the
   * log), against the roots recomputed from the entries.
   */
  async verify(): Promise<WitnessVerificationView> {
    const log = await this.s.ledger.verify();
    const { records, errors } = await this.readBack();
    const sizes = records.flatMap((r) => (r.state === 'ok' && r.tree_size !== null ? [r.tree_size] : []));
    const local = localRootsAt(this.s.db, sizes);
    const verdicts = judgeRecords(records, local);
    const now = this.#ctx.clock.now();
    const kinds = new Map(this.store.configs().map((c) => [c.id, c.kind]));
    const seen = new Set(records.filter((r) => r.state === 'ok').map((r) => `${r.witness_id}\n${r.tree_size}\n${r.root_hash}`));
    const unconfirmed = this.store
      .okRuns()
      // Only writes the read-back window still covers: older ones are past the provider's lookup history.
      .filter((r) => kinds.has(r.witness_id) && Date.parse(r.finished_at) >= now - READ_BACK_MS && !seen.has(`${r.witness_id}\n${r.tree_size}\n${r.root_hash}`))
      .map((r) => ({ ...runView(r), kind: kinds.get(r.witness_id)!, overdue: now - Date.parse(r.finished_at) > DELIVERY_GRACE_MS }));
    const confirmed = verdicts.witnessed.filter((w) => w.verdict === 'consistent');
    const last = confirmed.reduce<(typeof confirmed)[number] | undefined>((b, w) => (!b || (w.tree_size ?? 0) > (b.tree_size ?? 0) ? w : b), undefined);
    const lastAt = last?.provider_time ?? null;
    return {
      ok: log.ok && verdicts.first_inconsistent === null,
      log,
      entries: local.entries,
      ...verdicts,
      unconfirmed,
      read_errors: errors,
      gap: {
        last_witnessed_at: lastAt,
        last_witnessed_size: last?.tree_size ?? null,
        entries_since: Math.max(0, local.entries - (last?.tree_size ?? 0)),
        minutes_since: lastAt ? Math.max(0, Math.round((now - Date.parse(lastAt)) / 60_000)) : null,
      },
      read_at: new Date(now).toISOString(),
    };
  }
}
