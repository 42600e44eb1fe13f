/**
 * The continuous checks: what each does, how often, and what it raises. Each returns its
 * outcome in one line (recorded in check_runs) and the alerts for a person; alerts are
 * deduplicated by key, so a problem that persists is raised once, not every run.
 */
import type { Keywarden } from '../keywarden';
import { dbOf } from '../seal/db';
import type { CheckName, CheckOutcome } from '../overview/check-runs';
import { buildOverview } from '../overview/handlers';
import { verifyAndRecord, verifySummary } from '../overview/verify-record';
import type { NewAlert } from './alerts';
import { accessReviewCheck } from './access-review-check';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface CheckOutput {
  outcome: CheckOutcome;
  summary: string;
  alerts: NewAlert[];
  /** Recorded by the check itself (audit verify records every verify, whoever runs it). */
  recorded?: boolean;
}

export interface CheckDefinition {
  name: CheckName;
  label: string;
  intervalMs: number;
  run(kw: Keywarden): Promise<CheckOutput>;
}

const auditVerify: CheckDefinition = {
  name: 'audit_verify',
  label: 'Audit log verify',
  intervalMs: DAY,
  async run(kw) {
    const { result, run } = await verifyAndRecord(dbOf(kw.ctx), kw.ctx.clock, () => kw.auditLog.verify());
    const alerts: NewAlert[] = result.ok
      ? []
      : [{ dedup_key: `verify_failed:${run.id}`, kind: 'verify_failed', tenant: null, title: 'The audit log failed verification', body: verifySummary(result), screen: 'audit' }];
    return { outcome: result.ok ? 'ok' : 'problem', summary: verifySummary(result), alerts, recorded: true };
  },
};

interface ProviderOnlyRow {
  event_row: number;
  tenant: string;
  provider: string;
  operation: string;
  principal: string | null;
  source_address: string | null;
  at: string;
}

const evidenceCrosscheck: CheckDefinition = {
  name: 'evidence_crosscheck',
  label: 'Evidence fetch and cross-check (customer-KMS tenants)',
  intervalMs: HOUR,
  async run(kw) {
    const db = dbOf(kw.ctx);
    const customer = db.prepare<[], { slug: string }>("SELECT slug FROM tenants WHERE wrap_method = 'customer_kms'").all();
    if (customer.length === 0) return { outcome: 'ok', summary: 'no customer-KMS tenant: nothing to cross-check', alerts: [] };
    const fetched = await kw.evidence.fetch({});
    const failed = fetched.sources.filter((s) => s.state === 'failed');
    const now = kw.ctx.clock.now();
    const run = await kw.evidence.crosscheck({ from: new Date(now - DAY).toISOString(), to: new Date(now).toISOString() }, kw.ctx.system);
    const rows = db
      .prepare<[number], ProviderOnlyRow>(
        `SELECT r.event_row, t.slug AS tenant, e.provider, e.operation, e.principal, e.source_address, e.at
           FROM evidence_results r JOIN provider_events e ON e.id = r.event_row JOIN tenants t ON t.id = e.tenant_id
          WHERE r.run_id = ? AND r.class = 'provider_only' ORDER BY e.at`,
      )
      .all(run.run_id);
    const alerts: NewAlert[] = rows.map((r) => ({
      dedup_key: `provider_only:${r.event_row}`,
      kind: 'provider_only',
      tenant: r.tenant,
      title: `Key of ${r.tenant} used outside Keywarden`,
      body: `${r.provider} logged ${r.operation} at ${r.at} by ${r.principal ?? 'an unknown principal'}${r.source_address ? ` from ${r.source_address}` : ''}, a call Keywarden did not make.`,
      screen: 'evidence',
    }));
    const exceptions = Object.entries(run.counts).filter(([c, n]) => c !== 'matched' && n > 0);
    const summary = `${fetched.sources.length} source(s) read${failed.length ? ` (${failed.length} failed)` : ''}; ${exceptions.length ? exceptions.map(([c, n]) => `${c} ${n}`).join(', ') : 'no exceptions'}`;
    return { outcome: failed.length > 0 ? 'error' : rows.length > 0 ? 'problem' : 'ok', summary, alerts };
  },
};

const drillCadence: CheckDefinition = {
  name: 'drill_cadence',
  label: 'Drill cadence reminder',
  intervalMs: DAY,
  async run(kw) {
    const o = buildOverview(kw);
    const overdue = o.cards.drills.details.tenants.filter((t) => t.overdue);
    const alerts: NewAlert[] = overdue.map((t) => ({
      dedup_key: `drill_overdue:${t.tenant}:${t.last_drill?.id ?? 'never'}`,
      kind: 'drill_overdue',
      tenant: t.tenant,
      title: `Drill due for ${t.tenant}`,
      body: t.last_drill ? `The last drill of ${t.tenant} is older than the ${o.policy.drill_cadence_days}-day cadence.` : `${t.tenant} has never had a kill-switch drill.`,
      screen: 'drills',
    }));
    return { outcome: overdue.length ? 'problem' : 'ok', summary: overdue.length ? `drill due for ${overdue.map((t) => t.tenant).join(', ')}` : `every tenant drilled within ${o.policy.drill_cadence_days} days`, alerts };
  },
};

const rotationAge: CheckDefinition = {
  name: 'rotation_age',
  label: 'Rotation age against the policy',
  intervalMs: DAY,
  async run(kw) {
    const o = buildOverview(kw);
    const overdue = o.cards.keys.details.tenants.filter((t) => t.overdue);
    const alerts: NewAlert[] = overdue.map((t) => ({
      dedup_key: `rotation_overdue:${t.tenant}:v${t.active_version}`,
      kind: 'rotation_overdue',
      tenant: t.tenant,
      title: `Rotation overdue for ${t.tenant}`,
      body: `Active key v${t.active_version} is ${t.age_days} days old, past the ${o.policy.rotation_max_age_days}-day policy.`,
      screen: 'keys',
    }));
    return { outcome: overdue.length ? 'problem' : 'ok', summary: overdue.length ? `rotation overdue for ${overdue.map((t) => t.tenant).join(', ')}` : `every active key within ${o.policy.rotation_max_age_days} days`, alerts };
  },
};

export const CHECKS: readonly CheckDefinition[] = [auditVerify, evidenceCrosscheck, drillCadence, rotationAge, accessReviewCheck];

/** Seals are watched at every tick (cheap): a newly sealed tenant is an alert at once. */
export function sealAlerts(kw: Keywarden): NewAlert[] {
  const sealed = dbOf(kw.ctx).prepare<[], { slug: string; sealed_since: string }>('SELECT slug, sealed_since FROM tenants WHERE sealed_since IS NOT NULL').all();
  return sealed.map((t) => ({
    dedup_key: `sealed:${t.slug}:${t.sealed_since}`,
    kind: 'sealed',
    tenant: t.slug,
    title: `${t.slug} is sealed`,
    body: `Its master key could not be unwrapped (since ${t.sealed_since}); new agent sessions are refused.`,
    screen: 'tenants',
  }));
}
