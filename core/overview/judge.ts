/**
 * Turns the facts into the overview: one card per area and the problems, each in plain
 * words with the action that fixes it, critical first. Pure: the clock's "now" and the
 * policy come in as arguments, so tests can age keys and drills without waiting.
 */
import type { CardState, OverviewCard, OverviewPolicy, OverviewProblem, OverviewView } from '../api/overview-types';
import type { OverviewFacts } from './facts';

const DAY_MS = 86_400_000;
/** The audit log should be re-verified at least this often (the continuous check runs daily). */
export const VERIFY_STALE_DAYS = 2;
/** Customer-KMS evidence should be cross-checked at least this often (the check runs hourly). */
export const CROSSCHECK_STALE_DAYS = 7;
/** Exception classes of a cross-check, worst first, with what each means and its severity. */
const EXCEPTIONS: { cls: string; severity: 'critical' | 'warning'; words: (n: number) => string }[] = [
  { cls: 'provider_only', severity: 'critical', words: (n) => `${n} use${n === 1 ? '' : 's'} of a customer key that Keywarden did not make` },
  { cls: 'foreign_correlation', severity: 'critical', words: (n) => `${n} provider record${n === 1 ? '' : 's'} carrying a correlation id Keywarden never issued` },
  { cls: 'principal_mismatch', severity: 'warning', words: (n) => `${n} call${n === 1 ? '' : 's'} logged under another identity than the engine's` },
  { cls: 'app_only_missing', severity: 'warning', words: (n) => `${n} call${n === 1 ? '' : 's'} missing from the provider's log past its delivery delay (a logging gap)` },
];

/** tenants.last_verify_error is the KMS error as JSON; people read its message. */
export function kmsErrorWords(text: string | null): string | null {
  if (!text) return null;
  try {
    const e = JSON.parse(text) as { message?: unknown; reason?: unknown };
    if (typeof e.message === 'string') return e.message;
    if (typeof e.reason === 'string') return e.reason;
  } catch {
    // Not JSON: an older row holds the message itself.
  }
  return text;
}

export const daysBetween = (fromIso: string, nowMs: number) => Math.floor((nowMs - Date.parse(fromIso)) / DAY_MS);
const plural = (n: number, word: string, many = `${word}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;

function stateOf(problems: OverviewProblem[], area: OverviewProblem['area'], empty: boolean): CardState {
  const mine = problems.filter((p) => p.area === area);
  if (mine.some((p) => p.severity === 'critical')) return 'critical';
  if (mine.length > 0) return 'attention';
  return empty ? 'none' : 'ok';
}

export function judgeOverview(facts: OverviewFacts, policy: OverviewPolicy, nowMs: number): OverviewView {
  const problems: OverviewProblem[] = [];
  const add = (p: OverviewProblem) => problems.push(p);

  // Tenants: a sealed tenant serves no new agent sessions.
  for (const t of facts.tenants.filter((x) => x.sealed_since)) {
    add(
      t.sealed_permanently
        ? { severity: 'critical', area: 'tenants', tenant: t.slug, title: `Tenant ${t.slug} is sealed for good: its active key version was revoked.`, action: 'Its records under that version are erased; create or onboard a new key for new data.', screen: 'tenants', command: `keywarden tenant show --tenant ${t.slug}` }
        : { severity: 'critical', area: 'tenants', tenant: t.slug, title: `Tenant ${t.slug} is sealed: its master key could not be unwrapped${t.last_verify_error ? ` (${kmsErrorWords(t.last_verify_error)})` : ''}.`, action: 'Restore access to its KMS key, then unseal it (it also unseals by itself within 30 s once the key answers).', screen: 'tenants', command: `keywarden unseal --tenant ${t.slug}` },
    );
  }

  // Key versions: age against the policy, rewrap backlog.
  const keyRows = facts.tenants.map((t) => {
    const age = t.active_since ? daysBetween(t.active_since, nowMs) : null;
    return { tenant: t.slug, active_version: t.active_version, active_since: t.active_since, age_days: age, overdue: age !== null && age > policy.rotation_max_age_days };
  });
  for (const k of keyRows.filter((x) => x.overdue)) {
    add({ severity: 'warning', area: 'keys', tenant: k.tenant, title: `Tenant ${k.tenant}'s active key v${k.active_version} is ${k.age_days} days old, past the ${policy.rotation_max_age_days}-day rotation policy.`, action: 'Rotate its master key.', screen: 'keys', command: `keywarden rotate --tenant ${k.tenant}` });
  }
  const awaiting = facts.tenants.filter((t) => t.awaiting_rewrap > 0).map((t) => ({ tenant: t.slug, records: t.awaiting_rewrap }));
  for (const a of awaiting) {
    add({ severity: 'warning', area: 'keys', tenant: a.tenant, title: `${plural(a.records, 'record')} of ${a.tenant} still sit on a retired key version.`, action: 'Let the rewrap finish (or resume it if paused).', screen: 'keys', command: `keywarden rewrap run --tenant ${a.tenant}` });
  }

  // Audit log: verified recently and intact.
  const verify = facts.last_verify;
  if (verify && verify.outcome !== 'ok') {
    add({ severity: 'critical', area: 'audit', tenant: null, title: `The last audit log verification failed: ${verify.summary}`, action: 'Open the audit trail to see the first bad entry, keep a copy of the database and restore it from a backup you trust.', screen: 'audit', command: 'keywarden audit verify' });
  } else if (!verify && facts.audit_entries > 0) {
    add({ severity: 'warning', area: 'audit', tenant: null, title: 'The audit log has never been verified.', action: 'Verify it now (the continuous checks then do it daily).', screen: 'audit', command: 'keywarden audit verify' });
  } else if (verify && daysBetween(verify.finished_at, nowMs) >= VERIFY_STALE_DAYS) {
    add({ severity: 'warning', area: 'audit', tenant: null, title: `The audit log was last verified ${daysBetween(verify.finished_at, nowMs)} days ago.`, action: 'Verify it again, or keep the app or `keywarden watch` running to verify daily.', screen: 'audit', command: 'keywarden audit verify' });
  }

  // Evidence: only customer-KMS tenants have a provider log to check against.
  const customer = facts.tenants.filter((t) => t.wrap_method === 'customer_kms');
  const run = facts.last_crosscheck;
  const exceptions: Record<string, number> = {};
  if (run) for (const [cls, n] of Object.entries(run.counts)) if (cls !== 'matched' && typeof n === 'number' && n > 0) exceptions[cls] = n;
  const gaps = (run?.coverage ?? [])
    .filter((c) => c.health === 'poor' || c.health === 'degraded')
    .map((c) => ({ tenant: c.tenant ?? '?', provider: c.provider ?? '?', fraction: c.fraction ?? null, diagnosis: c.diagnosis ?? null }));
  if (customer.length > 0 && !run) {
    add({ severity: 'warning', area: 'evidence', tenant: null, title: `${plural(customer.length, 'tenant')} on a customer KMS key, and their KMS calls were never cross-checked against the provider's log.`, action: 'Fetch the provider logs and cross-check.', screen: 'evidence', command: 'keywarden evidence fetch && keywarden evidence crosscheck' });
  } else if (customer.length > 0 && run && daysBetween(run.at, nowMs) >= CROSSCHECK_STALE_DAYS) {
    add({ severity: 'warning', area: 'evidence', tenant: null, title: `The last cross-check ran ${daysBetween(run.at, nowMs)} days ago.`, action: 'Fetch the provider logs and cross-check again.', screen: 'evidence', command: 'keywarden evidence fetch && keywarden evidence crosscheck' });
  }
  for (const e of EXCEPTIONS) {
    const n = exceptions[e.cls] ?? 0;
    if (n > 0) add({ severity: e.severity, area: 'evidence', tenant: run?.tenant ?? null, title: `The last cross-check found ${e.words(n)}.`, action: e.cls === 'provider_only' ? 'Find out who used the key (the raw provider record names the principal and address); revoke their access to the key.' : 'Review these rows on the Evidence screen.', screen: 'evidence', command: `keywarden evidence results --class ${e.cls}` });
  }
  for (const g of gaps) {
    add({ severity: 'warning', area: 'evidence', tenant: g.tenant, title: `The ${g.provider} log of ${g.tenant} shows ${g.fraction === null ? 'an unknown share' : `${Math.round(g.fraction * 100)} %`} of the engine's calls${g.diagnosis ? `: ${g.diagnosis}` : ''}.`, action: "Fix the provider's audit logging for this key, then fetch and cross-check again.", screen: 'evidence', command: 'keywarden evidence fetch && keywarden evidence crosscheck' });
  }

  // Drills: each tenant rehearsed within the cadence, and sealed within the bound.
  const drillRows = facts.tenants.map((t) => {
    const d = facts.last_drills.find((x) => x.tenant_id === t.id) ?? null;
    return {
      tenant: t.slug,
      last_drill: d ? { id: d.id, at: d.at, scenario: d.scenario, time_to_seal_s: d.result?.time_to_seal_s ?? null, seal_bound_s: d.result?.seal_bound_s ?? null, sealed_within_bound: d.result?.sealed_within_bound ?? null } : null,
      overdue: !d || daysBetween(d.at, nowMs) > policy.drill_cadence_days,
    };
  });
  for (const d of drillRows) {
    if (d.last_drill?.sealed_within_bound === false) {
      add({ severity: 'critical', area: 'drills', tenant: d.tenant, title: `Tenant ${d.tenant}'s last drill sealed in ${d.last_drill.time_to_seal_s ?? '?'} s, past its ${d.last_drill.seal_bound_s ?? '?'} s bound.`, action: 'Open the drill to see why the seal was late, fix it, and run the drill again.', screen: 'drills', command: `keywarden drill show --id ${d.last_drill.id}` });
    }
    if (d.overdue) {
      add({ severity: 'warning', area: 'drills', tenant: d.tenant, title: d.last_drill ? `Tenant ${d.tenant} has not had a drill for ${daysBetween(d.last_drill.at, nowMs)} days (cadence: every ${policy.drill_cadence_days} days).` : `Tenant ${d.tenant} has never had a kill-switch drill.`, action: 'Run a simulated drill (it never touches the real tenant).', screen: 'drills', command: `keywarden drill run --tenant ${d.tenant} --scenario deny` });
    }
  }

  problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));

  const sealed = facts.tenants.filter((t) => t.sealed_since);
  const card = <D>(area: OverviewProblem['area'], empty: boolean, headline: string, details: D): OverviewCard<D> => ({ state: stateOf(problems, area, empty), headline, screen: area, details });
  const overdueKeys = keyRows.filter((k) => k.overdue).length;
  const overdueDrills = drillRows.filter((d) => d.overdue).length;
  const exceptionTotal = Object.values(exceptions).reduce((a, b) => a + b, 0);
  return {
    generated_at: new Date(nowMs).toISOString(),
    policy,
    problems,
    cards: {
      tenants: card('tenants', facts.tenants.length === 0, facts.tenants.length === 0 ? 'No tenants yet.' : sealed.length > 0 ? `${plural(sealed.length, 'tenant')} sealed of ${facts.tenants.length}.` : `${plural(facts.tenants.length, 'tenant')}, none sealed.`, {
        total: facts.tenants.length,
        sealed: sealed.map((t) => ({ tenant: t.slug, since: t.sealed_since!, permanently: t.sealed_permanently, last_error: kmsErrorWords(t.last_verify_error) })),
        customer_controlled: customer.length,
        platform_key: facts.tenants.length - customer.length,
      }),
      keys: card('keys', facts.tenants.length === 0, facts.tenants.length === 0 ? 'No key versions yet.' : overdueKeys > 0 || awaiting.length > 0 ? [overdueKeys > 0 ? `${plural(overdueKeys, 'active key')} past the rotation policy` : '', awaiting.length > 0 ? `rewrap pending for ${plural(awaiting.length, 'tenant')}` : ''].filter(Boolean).join('; ') + '.' : `Every active key within ${policy.rotation_max_age_days} days.`, {
        rotation_max_age_days: policy.rotation_max_age_days,
        tenants: keyRows,
        awaiting_rewrap: awaiting,
        revocations: facts.revocations,
      }),
      audit: card('audit', facts.audit_entries === 0, !verify ? `${plural(facts.audit_entries, 'audit entry', 'audit entries')}, never verified.` : verify.outcome === 'ok' ? `${plural(facts.audit_entries, 'audit entry', 'audit entries')}, intact at the last verify.` : 'The last verification failed.', {
        entries: facts.audit_entries,
        last_verify: verify ? { at: verify.finished_at, ok: verify.outcome === 'ok', summary: verify.summary } : null,
        last_checkpoint: facts.last_checkpoint,
        entries_since_checkpoint: Math.max(0, facts.audit_entries - (facts.last_checkpoint?.tree_size ?? 0)),
      }),
      evidence: card('evidence', customer.length === 0 && !run, customer.length === 0 && !run ? 'No customer-KMS tenant: nothing to cross-check.' : !run ? 'Never cross-checked.' : exceptionTotal > 0 ? `${plural(exceptionTotal, 'exception')} in the last cross-check.` : 'The last cross-check found no exceptions.', {
        customer_kms_tenants: customer.length,
        last_crosscheck: run ? { at: run.at, from: run.from, to: run.to, tenant: run.tenant } : null,
        exceptions,
        coverage_gaps: gaps,
      }),
      drills: card('drills', facts.tenants.length === 0, facts.tenants.length === 0 ? 'No tenants to drill.' : overdueDrills > 0 ? `${plural(overdueDrills, 'tenant')} due for a drill.` : `Every tenant drilled within ${policy.drill_cadence_days} days.`, {
        drill_cadence_days: policy.drill_cadence_days,
        tenants: drillRows,
      }),
      reports: card('reports', !facts.last_export, facts.last_export ? 'An evidence package has been exported.' : 'No evidence package exported yet.', {
        last_export: facts.last_export ? { at: facts.last_export.at, actor: facts.last_export.actor, period: facts.last_export.period_from && facts.last_export.period_to ? `${facts.last_export.period_from} – ${facts.last_export.period_to}` : null } : null,
      }),
    },
  };
}
