/** Human CLI output for drills: the headline figures and the timeline, not the chart series. */
import type { DrillSummary, DrillView } from '../../core/api/seal-types';

const fig = (v: number | null, unit = ' s') => (v === null ? '-' : `${v}${unit}`);

export function renderDrill(d: DrillView): string {
  const r = d.result;
  const lines = [`drill ${d.id}  ${d.kind} ${d.scenario} on ${d.tenant}  ${d.agents} agents  ${d.state}`];
  if (d.error) lines.push(`error: ${d.error}`);
  if (r) {
    lines.push(
      `time to seal:    ${fig(r.time_to_seal_s)} (bound ${r.seal_bound_s} s: ${r.sealed_within_bound ? 'within' : 'NOT within'})`,
      `sessions:        ${r.sessions_accepted} accepted, ${r.sessions_refused} refused, ${r.sessions_issued_while_sealed} issued while sealed`,
      `last pre-seal session expired: ${r.last_session_expired_at ?? '-'}`,
      `time to unseal:  ${fig(r.time_to_unseal_s)} (bound ${r.unseal_bound_s} s: ${r.unsealed_within_bound ? 'within' : 'NOT within'})`,
      `records:         ${r.records_checked} checked, ${r.records_lost} lost${r.lost_records.length ? ` (${r.lost_records.join(', ')})` : ''}`,
      `took:            ${r.duration_s} s of drill time in ${r.wall_ms} ms`,
    );
  }
  lines.push('timeline:', ...d.timeline.map((e) => `  +${String(e.t_s).padStart(7)} s  ${e.kind.padEnd(20)} ${e.detail}`));
  return lines.join('\n');
}

export function renderDrillList(ds: DrillSummary[]): string {
  if (ds.length === 0) return 'no drills yet: keywarden drill run --tenant S --scenario deny';
  return ds
    .map((d) => `${d.id}  ${d.started_at}  ${d.tenant}  ${d.kind} ${d.scenario}  ${d.state}  seal ${fig(d.time_to_seal_s)}  refused ${d.sessions_refused ?? '-'}  unseal ${fig(d.time_to_unseal_s)}  lost ${d.records_lost ?? '-'}`)
    .join('\n');
}

/** The drill methods' human output; undefined for every other method. */
export function renderSeal(method: string, value: unknown): string | undefined {
  if (method === 'drill.run' || method === 'drill.show' || method === 'drill.cancel') return renderDrill(value as DrillView);
  if (method === 'drill.list') return renderDrillList(value as DrillSummary[]);
  return undefined;
}
