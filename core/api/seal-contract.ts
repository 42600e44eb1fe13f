/**
 * The sealed-state, agent-session, fault-injection and drill methods (issue 5), spread
 * into the one contract. Plain data and zod only, so the renderer can import it.
 */
import { z } from 'zod';
import { method } from './method-spec';
import type { DrillSummary, DrillView, FaultView, SessionCheck, SessionIssued, SessionView, UnsealResult } from './seal-types';


const tenant = z.string().min(1, 'is required').max(200);
const scenario = z.enum(['deny', 'partition', 'key_disabled']);
/** Seconds, or a number with s, m or h ("10m"); checked further by the drill service. */
const duration = z.union([z.number(), z.string().min(1).max(20)]);
const drillId = z.string().min(1, 'is required').max(64);

export const sealMethods = {
  'session.issue': method<SessionIssued>()({
    input: z.object({ tenant, agent: z.string().min(1, 'is required').max(100).default('agent'), step_up_token: z.string().min(1).max(200).optional() }).strict(),
    summary: 'Needs step-up (session). Issues an agent session (TTL 5 min for customer KMS, 1 h otherwise; renew every 4 min). Needs the active master key; a sealed tenant answers 503 tenant_sealed. The token is shown once.',
  }),
  'session.check': method<SessionCheck>()({
    input: z.object({ token: z.string().min(1, 'is required').max(200) }).strict(),
    summary: 'Whether a session token is live. Issued sessions keep working while the tenant is sealed, until they expire.',
  }),
  'session.list': method<SessionView[]>()({
    input: z.object({ tenant, include_ended: z.boolean().default(false), limit: z.number().int().min(1).max(5000).default(200) }).strict(),
    summary: "A tenant's agent sessions, newest first (never their tokens).",
  }),
  'tenant.unseal': method<UnsealResult>()({ window: true,
    input: z.object({ tenant, step_up_token: z.string().min(1).max(200).optional() }).strict(),
    summary: 'Tries to unseal now (one unwrap of the active master key at the provider). Needs step-up (unseal, 2 min). 409 not_sealed; 502 unseal_failed with reason access_denied | unreachable; a revoked active version cannot be unsealed.',
  }),
  'fault.set': method<FaultView>()({
    input: z
      .object({
        tenant,
        mode: z.enum(['pass', 'deny', 'partition', 'key_disabled', 'latency', 'flaky']),
        latency_ms: z.number().int('must be a whole number').optional(),
        probability: z.number().optional(),
        step_up_token: z.string().min(1).max(200).optional(),
      })
      .strict(),
    summary: "Drill fault injection in front of the tenant's KMS provider: deny, partition, key_disabled, latency (latency_ms), flaky (probability), or pass to switch it off. Needs step-up (fault) unless the tenant is the local drill sandbox.",
  }),
  'fault.status': method<FaultView[]>()({
    input: z.object({ tenant: tenant.optional() }).strict(),
    summary: "One tenant's fault injection, or every active one.",
  }),
  'drill.run': method<DrillView>()({ window: true,
    input: z
      .object({
        tenant,
        scenario,
        agents: z.number().int('must be a whole number').default(10),
        kill_after: duration.optional(),
        restore_after: duration.optional(),
        duration: duration.optional(),
        real: z.boolean().default(false),
        poll_interval: duration.optional(),
        wait: z.boolean().default(true),
        step_up_token: z.string().min(1).max(200).optional(),
      })
      .strict(),
    summary:
      'Runs a kill-switch drill: simulated on a virtual clock in a scratch copy of the tenant, or --real (needs step-up: drill), watching the real provider while the operator revokes access: the real tenant seals and refuses new agent sessions until access is restored. Stores and audits the timeline and results.',
  }),
  'drill.list': method<DrillSummary[]>()({ window: true,
    input: z.object({ tenant: tenant.optional(), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    summary: 'Drills, newest first, with their headline figures.',
  }),
  'drill.show': method<DrillView>()({ window: true, input: z.object({ id: drillId }).strict(), summary: 'One drill: parameters, timeline, chart series and results.' }),
  'drill.cancel': method<DrillView>()({ window: true, input: z.object({ id: drillId }).strict(), summary: 'Asks a running drill to stop at its next step.' }),
};
