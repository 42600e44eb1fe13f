/**
 * The implementation of every contract method, keyed by the contract's names: the type
 * below makes a missing or extra method a compile error, so the list lives only in the
 * contract.
 */
import { auditListQuery } from '../audit/list-filter';
import type { HostActions } from './host-actions';
import { checkProofDocument } from '../audit/offline-verify';
import { isoAt } from '../clock';
import { rowToEntry, type Caller } from '../engine/audit-trail';
import { onboard, probeWithAudit } from '../engine/onboarding';
import { offboard } from '../engine/offboarding';
import { deleteRecord, getRecord, listRecords, putRecord } from '../engine/records';
import { keySuffix } from '../engine/redact';
import { listVersions, revoke, revokePreview, rotate } from '../engine/rotation';
import { seedSample } from '../engine/seed-sample';
import { pauseJob, resumeJob } from '../rewrap/control';
import { rewrapProgressEvents, runRewraps } from '../rewrap/runner';
import { rewrapJobView } from '../rewrap/view';
import { requireTenant } from '../engine/tenant-lookup';
import { accessHandlers } from '../access-review/handlers';
import { witnessHandlers } from '../witness/handlers';
import { evidenceHandlers } from '../evidence/handlers';
import { faultStatus } from '../seal/faults';
import { sealHandlers } from '../seal/handlers';
import { secretsHandlers } from '../secrets/handlers';
import { secretsView } from '../secrets/status';
import { reportHandlers } from '../report/handlers';
import { overviewHandlers } from '../overview/handlers';
import { verifyAndRecord } from '../overview/verify-record';
import { dbOf } from '../seal/db';
import { sealServices } from '../seal/services';
import { createTenant, listTenants, showTenant } from '../engine/tenants';
import { KeywardenError } from '../errors';
import { PRODUCT_VERSION, type Keywarden } from '../keywarden';
import { SCHEMA_VERSION } from '../store/database';
import type { MethodName, MethodResult, ParsedInput } from './contract';
import type { ProgressSink } from '../progress/operation-progress';

export type Handler<K extends MethodName> = (input: ParsedInput<K>, caller: Caller) => Promise<MethodResult<K>> | MethodResult<K>;
export type Handlers = { [K in MethodName]: Handler<K> };

/** What only the calling host can do (the desktop's file manager) and what it draws (the CLI's progress). */
export interface HandlerHooks extends HostActions {
  /** Told the progress of long operations (seed-sample, drill.run, evidence.fetch): the CLI draws it. */
  onProgress?: ProgressSink;
}

export function createHandlers(kw: Keywarden, hooks: HandlerHooks = {}): Handlers {
  const ctx = kw.ctx;
  const tenantIdOf = (slug: string | undefined) => (slug ? requireTenant(ctx.store, slug).id : undefined);
  return {
    'app.status': () => {
      const tenants = ctx.store.listTenants();
      return {
        initialized: ctx.stepUp.isInitialized(),
        version: PRODUCT_VERSION,
        data_dir: kw.dataDir,
        schema_version: SCHEMA_VERSION,
        tenants: tenants.length,
        sealed_tenants: tenants.filter((t) => t.sealed_since !== null).map((t) => t.slug),
        audit_entries: ctx.store.auditCount(),
        drill_faults: faultStatus(ctx, sealServices(ctx).faults, undefined),
        witness: kw.witness.status(),
        secrets: secretsView(kw.dataDir, kw.secrets, ctx.store),
      };
    },
    'auth.init': async ({ passphrase }, caller) => {
      await ctx.stepUp.setPassphrase(passphrase);
      ctx.audit.append(caller, 'operator.initialized', null, { at: isoAt(ctx.clock) });
      return { initialized: true };
    },
    'auth.stepUp': ({ passphrase, purpose, tenant }, caller) => ctx.stepUp.issue(passphrase, purpose, tenant, caller),
    'tenant.create': (input, caller) => createTenant(ctx, caller, input),
    'tenant.list': () => listTenants(ctx),
    'tenant.show': ({ tenant }) => showTenant(ctx, tenant),
    'kms.probe': ({ tenant, step_up_token, ...config }, caller) => probeWithAudit(ctx, caller, tenant, config, step_up_token),
    'kms.onboard': ({ tenant, step_up_token, ...config }, caller) => {
      ctx.stepUp.require(step_up_token, 'onboard', tenant, caller);
      return onboard(ctx, caller, tenant, config);
    },
    'kms.offboard': ({ tenant, to, step_up_token }, caller) => offboard(ctx, caller, tenant, to, step_up_token),
    'kms.calls': (input) =>
      ctx.store
        .listKmsCalls({ tenantId: tenantIdOf(input.tenant), from: input.from, to: input.to, afterId: input.after_id, beforeId: input.before_id, newestFirst: input.order === 'newest_first', limit: input.limit })
        .map((c) => ({
          id: c.id,
          at: c.at,
          tenant_id: c.tenant_id,
          provider: c.provider,
          key_ref_suffix: keySuffix(c.key_ref),
          key_version: c.key_version,
          operation: c.operation,
          correlation_id: c.correlation_id,
          principal: c.principal,
          principal_note: c.principal_note ?? null,
          access_key_id: c.access_key_id ?? null,
          outcome: c.outcome,
          error_message: c.error_message,
          drill_id: c.drill_id ?? null,
          duration_ms: c.duration_ms,
        })),
    'keys.versions': ({ tenant }) => listVersions(ctx, tenant),
    'keys.rotate': ({ tenant, step_up_token }, caller) => rotate(ctx, caller, tenant, step_up_token),
    'keys.revokePreview': ({ tenant, version }) => revokePreview(ctx, tenant, version),
    'keys.revoke': (input, caller) => revoke(ctx, caller, input),
    'record.put': (input, caller) => putRecord(ctx, caller, input),
    'record.get': ({ step_up_token, ...input }, caller) => {
      ctx.stepUp.require(step_up_token, 'record_read', input.tenant, caller);
      return getRecord(ctx, input);
    },
    'record.list': (input) => listRecords(ctx, input),
    'record.delete': ({ step_up_token, ...input }, caller) => {
      ctx.stepUp.require(step_up_token, 'record_delete', input.tenant, caller);
      return deleteRecord(ctx, caller, input);
    },
    'record.seedSample': (input, caller) => seedSample(ctx, caller, input, hooks.onProgress),
    'audit.list': (input) =>
      ctx.store
        .listAudit(auditListQuery(input, tenantIdOf(input.tenant)))
        .map((r) => ({ ...rowToEntry(r), entry_hash: r.entry_hash.toString('hex') })),
    'audit.verify': async () => (await verifyAndRecord(dbOf(ctx), ctx.clock, () => kw.auditLog.verify())).result,
    'audit.checkpoint': () => kw.auditLog.checkpoint(),
    'audit.latestCheckpoint': () => kw.auditLog.latestCheckpoint(),
    'audit.prove': ({ seq, checkpoint }) => kw.auditLog.proveInclusion(seq, checkpoint),
    'audit.proveConsistency': ({ old_size, new_size }) => kw.auditLog.proveConsistency(old_size, new_size),
    'audit.publicKey': () => kw.auditLog.publicKey(),
    'audit.verifyProof': ({ proof, verifier_key }) => checkProofDocument(proof, verifier_key),
    'rewrap.status': ({ tenant }) => ctx.store.rewrapJobs(tenantIdOf(tenant)).map((j) => rewrapJobView(j, ctx.clock.now())),
    'rewrap.run': async (input, caller) => {
      const results = await runRewraps(ctx, caller, input, { onProgress: (p) => void rewrapProgressEvents.emit('progress', p) });
      return results.map((r) => ({ lease_id: r.job.lease_id, outcome: r.outcome, job: rewrapJobView(r.job, ctx.clock.now()) }));
    },
    'rewrap.pause': ({ lease_id }, caller) => rewrapJobView(pauseJob(ctx, caller, lease_id), ctx.clock.now()),
    'rewrap.resume': ({ lease_id }, caller) => rewrapJobView(resumeJob(ctx, caller, lease_id), ctx.clock.now()),
    ...evidenceHandlers(kw, hooks.onProgress),
    ...sealHandlers(kw, hooks.onProgress),
    ...reportHandlers(kw, hooks),
    ...overviewHandlers(kw),
    ...accessHandlers(kw),
    ...witnessHandlers(kw),
    ...secretsHandlers(kw),
  };
}

export { KeywardenError };
