/**
 * Running, storing, listing and cancelling drills. Parameters are checked and defaulted
 * here (from the tenant's cache TTL), every drill is stored with its timeline, chart
 * series and results, and audited as `drill.run` when it ends, whatever the outcome.
 */
import { randomUUID } from 'node:crypto';
import type { DrillScenario, DrillSummary, DrillView } from '../api/seal-types';
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import { sealedError } from '../engine/master-keys';
import { requireTenant, ttlFor } from '../engine/tenant-lookup';
import { needsLocalKey } from '../engine/context';
import { invalidInput, isKeywardenError, KeywardenError } from '../errors';
import type { Keywarden } from '../keywarden';
import { dbOf } from '../seal/db';
import { DrillStore, type DrillRow } from './drill-store';
import { parseDuration } from './durations';
import { realSleep, runRealDrill, type RealParams } from './real';
import { emitDrillProgress } from './progress';
import { DrillRecorder } from './recorder';
import { runSimulatedDrill, type SimulatedParams } from './simulate';
import { safeSink, type ProgressSink } from '../progress/operation-progress';

export interface DrillRunInput {
  tenant: string;
  scenario: DrillScenario;
  agents: number;
  kill_after?: number | string | undefined;
  restore_after?: number | string | undefined;
  duration?: number | string | undefined;
  real: boolean;
  poll_interval?: number | string | undefined;
  /** Real drills: wait for the end (CLI) or return at once and run on (window). */
  wait: boolean;
}

export const MAX_AGENTS = 1000;
export const MAX_SIMULATED_S = 48 * 3600;
export const MAX_REAL_S = 4 * 3600;
const BUCKET_MS = 30_000;
const HEARTBEAT_WALL_MS = 2_000;

export interface DrillOptions {
  /** Real drills: how to wait between polls (tests move a manual clock). */
  sleep?: (ms: number) => Promise<void>;
}

function summary(row: DrillRow, slug: string): DrillSummary {
  const r = row.result ? (JSON.parse(row.result) as DrillView['result']) : null;
  return {
    id: row.id,
    tenant: slug,
    kind: row.kind,
    scenario: row.scenario,
    state: row.state,
    agents: row.agents,
    started_at: row.started_at,
    finished_at: row.finished_at,
    time_to_seal_s: r?.time_to_seal_s ?? null,
    sealed_within_bound: r ? r.sealed_within_bound : null,
    sessions_refused: r?.sessions_refused ?? null,
    time_to_unseal_s: r?.time_to_unseal_s ?? null,
    records_checked: r?.records_checked ?? null,
    records_lost: r?.records_lost ?? null,
  };
}

export class DrillService {
  readonly store: DrillStore;
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly kw: Keywarden,
    private readonly options: DrillOptions = {},
  ) {
    this.store = new DrillStore(dbOf(kw.ctx));
  }

  private slugOf(tenantId: string): string {
    return this.kw.ctx.store.tenantById(tenantId)?.slug ?? tenantId;
  }

  view(row: DrillRow): DrillView {
    return {
      ...summary(row, this.slugOf(row.tenant_id)),
      params: JSON.parse(row.params) as Record<string, unknown>,
      result: row.result ? (JSON.parse(row.result) as DrillView['result']) : null,
      timeline: JSON.parse(row.timeline) as DrillView['timeline'],
      series: JSON.parse(row.series) as DrillView['series'],
      error: row.error,
    };
  }

  /** A running drill whose runner stopped beating is marked interrupted before it is shown. */
  private fresh(row: DrillRow): DrillRow {
    if (row.state !== 'running' || this.running.has(row.id)) return row;
    const params = JSON.parse(row.params) as { poll_interval_s?: number };
    const staleMs = Math.max(60_000, 3 * (params.poll_interval_s ?? 0) * 1000);
    const beat = Date.parse(row.heartbeat_at ?? row.started_at);
    if (this.kw.ctx.clock.now() - beat <= staleMs) return row;
    this.store.markInterrupted(row.id, isoAt(this.kw.ctx.clock));
    return this.store.get(row.id)!;
  }

  list(input: { tenant?: string | undefined; limit: number }): DrillSummary[] {
    const tenantId = input.tenant ? requireTenant(this.kw.ctx.store, input.tenant).id : undefined;
    return this.store.list({ tenantId, limit: input.limit }).map((r) => summary(this.fresh(r), this.slugOf(r.tenant_id)));
  }

  show(id: string): DrillView {
    const row = this.store.get(id);
    if (!row) throw new KeywardenError('not_found', `no drill "${id}"`, { field: 'id' });
    return this.view(this.fresh(row));
  }

  cancel(id: string): DrillView {
    const row = this.store.get(id);
    if (!row) throw new KeywardenError('not_found', `no drill "${id}"`, { field: 'id' });
    if (!this.store.requestCancel(id)) throw new KeywardenError('conflict', `drill ${id} is ${row.state}: only a running drill can be cancelled`, { state: row.state });
    return this.show(id);
  }

  /** Resolves when every drill this process started has ended (hosts call it on shutdown after cancelling). */
  async settle(): Promise<void> {
    for (const id of this.running.keys()) this.store.requestCancel(id);
    await Promise.allSettled([...this.running.values()]);
  }

  /** `onProgress` hears the drill's clock against its duration (virtual seconds when simulated). */
  async run(input: DrillRunInput, caller: Caller, onProgress?: ProgressSink): Promise<DrillView> {
    const ctx = this.kw.ctx;
    const tenant = requireTenant(ctx.store, input.tenant);
    if (!Number.isInteger(input.agents) || input.agents < 1 || input.agents > MAX_AGENTS) throw invalidInput('agents', `must be a whole number from 1 to ${MAX_AGENTS}`);
    if (tenant.sealed_since !== null) throw sealedError(tenant);
    if (!ctx.store.activeKeyVersion(tenant.id)) throw new KeywardenError('tenant_sealed', `tenant "${tenant.slug}" has no active master key version`, { tenant: tenant.slug });
    // A drill on local keys needs them open before it starts, or its integrity figures would read nothing.
    if (ctx.secrets && !ctx.secrets.unlocked() && needsLocalKey(ctx, tenant.id)) ctx.secrets.requireUnlocked('local-kms.key');
    const params = input.real ? this.realParams(input, tenant.slug) : this.simulatedParams(input, tenant.slug, ttlFor(tenant.wrap_method));
    const id = randomUUID();
    const startMs = ctx.clock.now();
    this.store.insert({
      id,
      tenant_id: tenant.id,
      kind: input.real ? 'real' : 'simulated',
      scenario: input.scenario,
      state: 'running',
      agents: input.agents,
      params: JSON.stringify(params),
      started_at: new Date(startMs).toISOString(),
      actor: caller.actor,
      heartbeat_at: new Date(startMs).toISOString(),
    });
    const live = (kind: string, detail: string, t_s: number) => emitDrillProgress({ drill_id: id, t_s, kind, detail });
    const recorder = new DrillRecorder(
      startMs,
      input.real ? Math.max(BUCKET_MS, (params as RealParams).poll_interval_s * 1000) : BUCKET_MS,
      input.real ? (e) => live(e.kind, e.detail, e.t_s) : undefined,
    );
    const report = safeSink(onProgress);
    const advanced = (elapsedS: number, detail: string) =>
      report({ operation: input.real ? 'drill (real)' : 'drill (simulated)', done: Math.min(params.duration_s, Math.max(0, Math.round(elapsedS))), total: params.duration_s, unit: input.real ? 's' : 'virtual s', detail });
    const agentPrefix = `drill-${id.slice(0, 8)}`;
    let lastBeat = performance.now();
    const beat = () => {
      if (performance.now() - lastBeat < HEARTBEAT_WALL_MS) return;
      lastBeat = performance.now();
      this.store.progress(id, { timeline: recorder.timeline, series: recorder.series(ctx.clock.now()), heartbeat_at: isoAt(ctx.clock) });
    };
    const execute = async (): Promise<void> => {
      let outcome: { state: 'done' | 'failed' | 'cancelled'; result: DrillView['result']; error: string | null };
      let endMs = ctx.clock.now();
      try {
        if (input.real) {
          const r = await runRealDrill(this.kw, params as RealParams, recorder, agentPrefix, {
            clock: ctx.clock,
            sleep: this.options.sleep ?? ((ms) => this.cancellableSleep(id, ms)),
            isCancelled: () => this.store.cancelRequested(id),
            onProgress: (status) => {
              this.store.progress(id, { timeline: recorder.timeline, series: recorder.series(ctx.clock.now()), heartbeat_at: isoAt(ctx.clock) });
              live('poll', status, recorder.seconds(ctx.clock.now()));
              advanced(recorder.seconds(ctx.clock.now()), status);
            },
          });
          endMs = ctx.clock.now();
          outcome = { state: r.cancelled ? 'cancelled' : 'done', result: r.result, error: null };
        } else {
          const result = await runSimulatedDrill(this.kw, params as SimulatedParams, recorder, agentPrefix, id, (elapsedS) => {
            beat();
            advanced(elapsedS, recorder.timeline.at(-1)?.kind ?? 'start');
            return this.store.cancelRequested(id);
          });
          endMs = startMs + result.duration_s * 1000;
          advanced(result.duration_s, recorder.timeline.at(-1)?.kind ?? 'done');
          outcome = { state: 'done', result, error: null };
        }
      } catch (e) {
        const cancelled = this.store.cancelRequested(id);
        outcome = { state: cancelled ? 'cancelled' : 'failed', result: null, error: isKeywardenError(e) ? e.message : `unexpected error: ${(e as Error)?.message ?? String(e)}` };
      }
      this.store.finish(id, { ...outcome, finished_at: isoAt(ctx.clock), timeline: recorder.timeline, series: recorder.series(endMs) });
      const r = outcome.result;
      ctx.audit.append(caller, 'drill.run', tenant.id, {
        tenant: tenant.slug,
        drill_id: id,
        kind: input.real ? 'real' : 'simulated',
        scenario: input.scenario,
        agents: input.agents,
        state: outcome.state,
        time_to_seal_s: r?.time_to_seal_s ?? null,
        sealed_within_bound: r?.sealed_within_bound ?? null,
        sessions_refused: r?.sessions_refused ?? null,
        time_to_unseal_s: r?.time_to_unseal_s ?? null,
        records_checked: r?.records_checked ?? null,
        records_lost: r?.records_lost ?? null,
      });
    };
    const job = execute().finally(() => this.running.delete(id));
    this.running.set(id, job);
    if (input.real && !input.wait) return this.show(id);
    await job;
    return this.show(id);
  }

  private simulatedParams(input: DrillRunInput, slug: string, ttlMs: number): SimulatedParams {
    if (input.poll_interval !== undefined) throw invalidInput('poll_interval', 'only a real drill polls; a simulated one moves its virtual clock event by event');
    const ttl = ttlMs / 1000;
    const kill = parseDuration('kill_after', input.kill_after) ?? 60;
    // Long enough by default to see the seal and the last pre-seal session run out.
    const restore = parseDuration('restore_after', input.restore_after) ?? 2 * ttl + 45;
    if (restore < 1) throw invalidInput('restore_after', 'must be at least 1 second after the kill');
    const minimum = kill + restore + 60;
    const duration = parseDuration('duration', input.duration) ?? kill + restore + 300;
    if (duration < minimum) throw invalidInput('duration', `must be at least kill_after + restore_after + 60 s (${minimum} s) so the unseal can be seen`);
    if (duration > MAX_SIMULATED_S) throw invalidInput('duration', `a simulated drill lasts at most ${MAX_SIMULATED_S} virtual seconds`);
    return { tenant: slug, scenario: input.scenario, agents: input.agents, kill_after_s: kill, restore_after_s: restore, duration_s: duration };
  }

  /** Checks a real drill's tenant and parameters (invalid_input, not_found) without starting anything. */
  checkReal(input: DrillRunInput): void {
    this.realParams(input, requireTenant(this.kw.ctx.store, input.tenant).slug);
  }

  private realParams(input: DrillRunInput, slug: string): RealParams {
    if (input.kill_after !== undefined) throw invalidInput('kill_after', 'a real drill does not kill anything: revoke the grant in the cloud console while it watches');
    if (input.restore_after !== undefined) throw invalidInput('restore_after', 'a real drill does not restore anything: re-grant access in the cloud console while it watches');
    const poll = parseDuration('poll_interval', input.poll_interval) ?? 10;
    if (poll < 1 || poll > 300) throw invalidInput('poll_interval', 'must be from 1 to 300 seconds');
    const duration = parseDuration('duration', input.duration) ?? 1800;
    if (duration < poll || duration > MAX_REAL_S) throw invalidInput('duration', `must be from the poll interval (${poll} s) to ${MAX_REAL_S} s`);
    return { tenant: slug, scenario: input.scenario, agents: input.agents, poll_interval_s: poll, duration_s: duration };
  }

  /** Real time, in slices, so a cancel takes effect within a second. */
  private async cancellableSleep(id: string, ms: number): Promise<void> {
    const until = performance.now() + ms;
    while (performance.now() < until && !this.store.cancelRequested(id)) await realSleep(Math.min(1000, until - performance.now()));
  }
}

const services = new WeakMap<Keywarden, DrillService>();

export function drillService(kw: Keywarden, options?: DrillOptions): DrillService {
  let s = services.get(kw);
  if (!s) services.set(kw, (s = new DrillService(kw, options)));
  return s;
}
