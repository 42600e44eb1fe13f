/**
 * Per-tenant fault injection: set, clear (`pass`) and show, persisted so every host and
 * the CLI see the same state, and audited (`drill.fault.set`) so a drill is never taken
 * for an outage afterwards either.
 */
import type { FaultMode, FaultView } from '../api/seal-types';
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { requireTenant } from '../engine/tenant-lookup';
import { invalidInput } from '../errors';
import type { FaultRow, FaultStore } from './fault-store';

export interface FaultInput {
  tenant: string;
  mode: FaultMode;
  latency_ms?: number | undefined;
  probability?: number | undefined;
}

export const MAX_LATENCY_MS = 120_000;

export function faultView(slug: string, row: FaultRow | undefined): FaultView {
  return {
    tenant: slug,
    mode: row?.mode ?? 'pass',
    latency_ms: row?.latency_ms ?? null,
    probability: row?.probability ?? null,
    set_at: row?.set_at ?? null,
    set_by: row?.set_by ?? null,
  };
}

/** Checks that the mode's parameter is given, and only the mode's parameter. */
function parameters(input: FaultInput): Pick<FaultRow, 'latency_ms' | 'probability'> {
  if (input.mode === 'latency') {
    if (input.latency_ms === undefined) throw invalidInput('latency_ms', 'latency needs --latency-ms (milliseconds added to every KMS call)');
    if (!Number.isInteger(input.latency_ms) || input.latency_ms < 1 || input.latency_ms > MAX_LATENCY_MS) {
      throw invalidInput('latency_ms', `must be a whole number of milliseconds from 1 to ${MAX_LATENCY_MS}`);
    }
  } else if (input.latency_ms !== undefined) throw invalidInput('latency_ms', `only the latency mode takes latency_ms (mode is ${input.mode})`);
  if (input.mode === 'flaky') {
    if (input.probability === undefined) throw invalidInput('probability', 'flaky needs --probability (0 < p <= 1: the share of KMS calls that fail)');
    if (!(input.probability > 0 && input.probability <= 1)) throw invalidInput('probability', 'must be above 0 and at most 1');
  } else if (input.probability !== undefined) throw invalidInput('probability', `only the flaky mode takes probability (mode is ${input.mode})`);
  return { latency_ms: input.latency_ms ?? null, probability: input.probability ?? null };
}

export function setFault(ctx: EngineContext, store: FaultStore, caller: Caller, input: FaultInput): FaultView {
  const params = parameters(input);
  const tenant = requireTenant(ctx.store, input.tenant);
  return ctx.store.transaction(() => {
    const before = store.get(tenant.id)?.mode ?? 'pass';
    if (input.mode === 'pass') store.clear(tenant.id);
    else store.set({ tenant_id: tenant.id, mode: input.mode, ...params, set_at: isoAt(ctx.clock), set_by: caller.actor });
    ctx.audit.append(caller, 'drill.fault.set', tenant.id, { tenant: tenant.slug, mode: input.mode, previous_mode: before, ...params });
    return faultView(tenant.slug, store.get(tenant.id));
  });
}

/** One tenant's fault, or every active fault when no tenant is named. */
export function faultStatus(ctx: EngineContext, store: FaultStore, tenantSlug: string | undefined): FaultView[] {
  if (tenantSlug) {
    const t = requireTenant(ctx.store, tenantSlug);
    return [faultView(t.slug, store.get(t.id))];
  }
  return store.all().map((r) => faultView(ctx.store.tenantById(r.tenant_id)?.slug ?? r.tenant_id, r));
}
