/**
 * The rewrap worker: moves every record of a tenant to the job's pinned target version
 * by re-wrapping its DEK (the payload is untouched). It walks each record table in seq
 * order (the rowid: the order rows sit on disk), so a batch's rows share a few
 * neighbouring pages; batches are sized by time (~20 ms each, see batch-sizer.ts) unless
 * a size is given, and interleave the two tables (50/50 by default). Each batch commits
 * in ONE transaction together with the job's counters, cursors and heartbeat, fenced by
 * the lease owner, so a crash loses at most the batch in flight and a row is never
 * half-written. Rows on the target (or on a newer version) are skipped and counted
 * complete; rows whose DEK cannot be opened or whose version was revoked are counted
 * failed and left as they are.
 */
import { isoAt } from '../clock';
import { AeadOpenError } from '../crypto/aead';
import type { Caller } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { KeywardenError } from '../errors';
import type { RewrapCandidate, RewrapJobFields, RewrapJobRecord, RewrapPauseReason, RewrapUpdate } from '../store/keyring-store';
import type { RecordTable, TenantRow } from '../store/rows';
import { claimJob, jobPayload, requireJob, supersedeOlderJobs } from './control';
import { DekCodec } from './dek-codec';
import { JobKeys, StopRequested } from './keys';
import { newOwnerId } from './lease';
import { rewrapProgressOf } from './view';
import { BatchSizer } from './batch-sizer';
import { DEFAULT_RETRY, HEARTBEAT_MS, LEASE_STALE_MS, realTimer, type RewrapOptions, type RewrapRunResult } from './types';

const SECRET: RecordTable = 'secret_environment_configs';
const INTEGRATION: RecordTable = 'integration_configs';

/** Thrown inside a batch when the worker no longer holds the lease: the batch rolls back. */
class Fenced extends Error {}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function runRewrapJob(ctx: EngineContext, leaseId: number, options: RewrapOptions = {}): Promise<RewrapRunResult> {
  return new RewrapWorker(ctx, leaseId, options).run();
}

class RewrapWorker {
  private readonly owner: string;
  private readonly caller: Caller;
  private readonly sizer: BatchSizer;
  private readonly secretShare: number;
  private readonly timer;
  private job!: RewrapJobRecord;
  private tenant!: TenantRow;
  private pace: number | null = null;
  private runStart = 0;
  private runRows = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly leaseId: number,
    private readonly opts: RewrapOptions,
  ) {
    this.owner = opts.owner ?? newOwnerId();
    this.caller = opts.caller ?? ctx.system;
    this.sizer = new BatchSizer(opts.batchSize);
    this.secretShare = Math.min(1, Math.max(0, opts.secretShare ?? 0.5));
    this.timer = opts.timer ?? realTimer;
  }

  async run(): Promise<RewrapRunResult> {
    const { ctx } = this;
    const claim = claimJob(ctx, this.leaseId, this.owner, {
      staleAfterMs: this.opts.staleAfterMs ?? LEASE_STALE_MS,
      batchSize: this.sizer.size,
      pace: this.opts.paceRowsPerSecond,
      caller: this.caller,
    });
    if (!claim.claimed) return { job: claim.job, outcome: 'expired' };
    this.job = claim.job;
    this.tenant = ctx.store.tenantById(this.job.tenant_id)!;
    this.pace = this.job.pace_rows_s;
    const keys = new JobKeys(ctx, this.tenant, this.opts.retry ?? DEFAULT_RETRY, (ms) => this.idle(ms), this.caller, () => this.opts.signal?.aborted === true);
    const codec = new DekCodec(this.tenant.id);
    try {
      const j = this.job;
      const remaining =
        ctx.store.countRecordsAfter(SECRET, j.tenant_id, j.cursor_secret_seq, j.cursor_secret) +
        ctx.store.countRecordsAfter(INTEGRATION, j.tenant_id, j.cursor_integration_seq, j.cursor_integration);
      this.commit({ total: j.processed + j.skipped + j.failed + remaining });
      this.runStart = this.timer.now();
      for (;;) {
        if (this.opts.signal?.aborted) return this.pause('shutdown', null);
        if (ctx.clock.now() >= Date.parse(this.job.lease_expires_at)) return this.end('expired', 'rewrap.expired', { lease_expires_at: this.job.lease_expires_at });
        const sealed = ctx.store.tenantById(this.tenant.id)!;
        if (sealed.sealed_since !== null) return this.pause('sealed', `tenant "${sealed.slug}" is sealed since ${sealed.sealed_since}`);
        if (this.newerJobQueued()) {
          supersedeOlderJobs(ctx, this.tenant.id, this.caller);
          return this.fenced();
        }
        const batchStart = this.timer.now();
        const size = this.sizer.size;
        // Interleaved: a share from each table; when one runs short the other fills the batch.
        const share = Math.round(size * this.secretShare);
        const secret = this.fetch(SECRET, this.job.cursor_secret_seq, this.job.cursor_secret, share);
        const integration = this.fetch(INTEGRATION, this.job.cursor_integration_seq, this.job.cursor_integration, size - secret.length);
        if (secret.length === share && secret.length + integration.length < size) {
          secret.push(...this.fetch(SECRET, secret[secret.length - 1]?.seq ?? this.job.cursor_secret_seq, this.job.cursor_secret, size - secret.length - integration.length));
        }
        if (secret.length === 0 && integration.length === 0) return this.finish();
        const versions = new Set<number>([this.job.target_version]);
        for (const r of secret) if (r.key_version < this.job.target_version) versions.add(r.key_version);
        for (const r of integration) if (r.key_version < this.job.target_version) versions.add(r.key_version);
        try {
          await keys.ensure(versions);
        } catch (e) {
          if (e instanceof StopRequested) return this.pause('shutdown', null);
          if (e instanceof KeywardenError && e.code === 'tenant_sealed') return this.pause('sealed', e.message, e.code);
          // Locked installation secrets: resumable like a shutdown once they are unlocked.
          if (e instanceof KeywardenError && e.code === 'secrets_locked') return this.pause('shutdown', e.message, e.code);
          if (e instanceof KeywardenError && e.code === 'kms_error') return this.pause('kms_error', e.message, e.code);
          if (e instanceof KeywardenError && e.code === 'key_version_revoked') return this.end('failed', 'rewrap.finished', { outcome: 'failed' }, e.message);
          throw e;
        }
        const target = keys.failure(this.job.target_version);
        if (target) return this.end('failed', 'rewrap.finished', { outcome: 'failed' }, `target version ${this.job.target_version} is unusable: ${target.message}`);
        if (!this.applyBatch(codec, keys, secret, integration)) continue; // a key was evicted meanwhile: load it again
        this.sizer.observe(secret.length + integration.length, this.timer.now() - batchStart);
        await this.progress();
        await this.paceOrYield();
      }
    } catch (e) {
      if (e instanceof Fenced) return this.fenced();
      throw e;
    }
  }

  /** A later rotation queued a job with a newer target: this one hands over (see control.ts). */
  private newerJobQueued(): boolean {
    const newest = this.ctx.store.rewrapJobs(this.tenant.id)[0];
    return newest !== undefined && newest.lease_id !== this.leaseId && newest.target_version > this.job.target_version;
  }

  private fetch(table: RecordTable, afterSeq: number, idFloor: string, limit: number): RewrapCandidate[] {
    return limit > 0 ? this.ctx.store.rewrapCandidates(table, this.job.tenant_id, afterSeq, idFloor, limit) : [];
  }

  /** Re-wraps one batch and commits it; false if a needed key is no longer cached. */
  private applyBatch(codec: DekCodec, keys: JobKeys, secret: RewrapCandidate[], integration: RewrapCandidate[]): boolean {
    const target = this.job.target_version;
    const toKey = keys.peek(target);
    if (!toKey) return false;
    let skipped = 0;
    let failed = 0;
    let lastFailure: string | null = null;
    const prepare = (table: RecordTable, rows: RewrapCandidate[]): RewrapUpdate[] | undefined => {
      const updates: RewrapUpdate[] = [];
      for (const r of rows) {
        if (r.key_version >= target) {
          skipped++;
          continue;
        }
        const unusable = keys.failure(r.key_version);
        if (unusable) {
          failed++;
          lastFailure = `${table}/${r.id}: ${unusable.message}`;
          continue;
        }
        const fromKey = keys.peek(r.key_version);
        if (!fromKey) return undefined;
        try {
          updates.push({ seq: r.seq, from: r.key_version, wrapped_dek: codec.rewrap(fromKey, toKey, table, r.id, r.key_version, target, r.wrapped_dek) });
        } catch (e) {
          if (!(e instanceof AeadOpenError)) throw e;
          failed++;
          lastFailure = `${table}/${r.id}: its DEK does not open under version ${r.key_version} (altered or moved); left as it is`;
        }
      }
      return updates;
    };
    const su = prepare(SECRET, secret);
    const iu = su && prepare(INTEGRATION, integration);
    if (!su || !iu) return false;
    const attempted = su.length + iu.length;
    this.ctx.store.transaction(() => {
      const moved = this.ctx.store.rewrapRecords(SECRET, target, su) + this.ctx.store.rewrapRecords(INTEGRATION, target, iu);
      const j = this.job;
      this.runRows += secret.length + integration.length;
      const elapsed = this.timer.now() - this.runStart;
      this.commit({
        processed: j.processed + moved,
        // A row rewritten or deleted since it was read moved by itself: nothing left to do.
        skipped: j.skipped + skipped + (attempted - moved),
        failed: j.failed + failed,
        cursor_secret_seq: secret.length ? secret[secret.length - 1]!.seq : j.cursor_secret_seq,
        cursor_integration_seq: integration.length ? integration[integration.length - 1]!.seq : j.cursor_integration_seq,
        batch_size: this.sizer.size,
        rate_rows_s: elapsed > 0 ? (this.runRows * 1000) / elapsed : null,
        ...(lastFailure !== null ? { last_error: lastFailure } : {}),
      });
    });
    return true;
  }

  /** Writes job fields (plus heartbeat) if this worker still holds the lease; else Fenced. */
  private commit(fields: RewrapJobFields): void {
    const at = isoAt(this.ctx.clock);
    const all: RewrapJobFields = { ...fields, heartbeat_at: at, updated_at: at };
    if (!this.ctx.store.updateOwnedRewrapJob(this.leaseId, this.owner, all)) throw new Fenced();
    this.job = { ...this.job, ...all } as RewrapJobRecord;
  }

  /** Waits `ms` of real time, heartbeating at least every HEARTBEAT_MS; stops early on abort. */
  private async idle(ms: number): Promise<void> {
    const beat = this.opts.heartbeatMs ?? HEARTBEAT_MS;
    while (ms > 0 && !this.opts.signal?.aborted) {
      const step = Math.min(ms, beat);
      await this.timer.sleep(step, this.opts.signal);
      ms -= step;
      this.commit({});
    }
  }

  private async paceOrYield(): Promise<void> {
    if (this.pace === null || this.pace <= 0) return yieldTurn();
    const ahead = (this.runRows / this.pace) * 1000 - (this.timer.now() - this.runStart);
    if (ahead > 0) await this.idle(ahead);
    else await yieldTurn();
  }

  private async progress(): Promise<void> {
    if (this.opts.onProgress) await this.opts.onProgress(rewrapProgressOf(this.job));
  }

  private pause(reason: RewrapPauseReason, message: string | null, code?: string): Promise<RewrapRunResult> {
    return this.end('paused', 'rewrap.paused', { reason, ...(code ? { error_code: code } : {}) }, message, reason);
  }

  private finish(): Promise<RewrapRunResult> {
    const j = this.job;
    const state = j.failed > 0 ? 'failed' : 'done';
    return this.end(state, 'rewrap.finished', { outcome: state }, j.failed > 0 ? j.last_error : null);
  }

  /** Leaves the job in `state`, releases the lease and audits `action`, in one transaction. */
  private async end(
    state: 'done' | 'failed' | 'paused' | 'expired',
    action: string,
    extra: Record<string, unknown>,
    lastError: string | null = null,
    pauseReason: RewrapPauseReason | null = null,
  ): Promise<RewrapRunResult> {
    const { ctx } = this;
    const finished = state === 'done' || state === 'failed';
    try {
      ctx.store.transaction(() => {
        const j = this.job;
        this.commit({
          state,
          lease_owner: null,
          pause_reason: pauseReason,
          last_error: lastError,
          ...(finished ? { finished_at: isoAt(ctx.clock), total: j.processed + j.skipped + j.failed } : {}),
        });
        ctx.audit.append(this.caller, action, j.tenant_id, { ...jobPayload(ctx, this.job), ...extra });
      });
    } catch (e) {
      if (e instanceof Fenced) return this.fenced();
      throw e;
    }
    await this.progress();
    return { job: requireJob(ctx, this.leaseId), outcome: state };
  }

  /** The lease was taken from this worker (paused, superseded, taken over): leave the job as it is. */
  private fenced(): RewrapRunResult {
    const job = requireJob(this.ctx, this.leaseId);
    const outcome = job.state === 'superseded' ? 'superseded' : job.state === 'paused' ? 'paused' : 'lost_lease';
    return { job, outcome };
  }
}
