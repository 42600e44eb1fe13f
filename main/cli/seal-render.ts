/** Human CLI output for drills: the headline figures and the timeline, not the chart series. */
import type { DrillSummary, DrillView } from '../../core/api/seal-types';
import { table } from './text';
import { formatTime, type TimeOptions } from './time-format';

const fig = (v: number | null, unit = ' s') => (v === null ? '-' : `${v}${unit}`);

export function renderDrill(d: DrillView, time: TimeOptions = { utc: false }): string {
  const r = d.result;
  const lines = [`drill ${d.id}  ${d.kind} ${d.scenario} on ${d.tenant}  ${d.agents} agents  ${d.state}`];
  if (d.error) lines.push(`error: ${d.error}`);
  if (r) {
    lines.push(
      `time to seal:    ${fig(r.time_to_seal_s)} (bound ${r.seal_bound_s} s: ${r.sealed_within_bound ? 'within' : 'NOT within'})`,
      `sessions:        ${r.sessions_accepted} accepted, ${r.sessions_refused} refused, ${r.sessions_issued_while_sealed} issued while sealed`,
      `last pre-seal session expired: ${formatTime(r.last_session_expired_at, time)}`,
      `time to unseal:  ${fig(r.time_to_unseal_s)} (bound ${r.unseal_bound_s} s: ${r.unsealed_within_bound ? 'within' : 'NOT within'})`,
      `records:         ${r.records_checked} checked, ${r.records_lost} lost${r.lost_records.length ? ` (${r.lost_records.join(', ')})` : ''}`,
      `took:            ${r.duration_s} s of drill time in ${r.wall_ms} ms`,
    );
  }
  lines.push('timeline:', ...d.timeline.map((e) => `  +${String(e.t_s).padStart(7)} s  ${e.kind.padEnd(20)} ${e.detail}`));
  return lines.join('\n');
}

export function renderDrillList(ds: DrillSummary[], time: TimeOptions = { utc: false }): string {
  if (ds.length === 0) return 'no drills yet: keywarden drill run --tenant S --scenario deny';
  return table([
    ['ID', 'STARTED', 'TENANT', 'KIND', 'SCENARIO', 'STATE', 'SEAL', 'REFUSED', 'UNSEAL', 'LOST'],
    ...ds.map((d) => [d.id, formatTime(d.started_at, time), d.tenant, d.kind, d.scenario, d.state, fig(d.time_to_seal_s), String(d.sessions_refused ?? '-'), fig(d.time_to_unseal_s), String(d.records_lost ?? '-')]),
  ]);
}

/** The drill methods' human output; undefined for every other method. */
export function renderSeal(method: string, value: unknown, time: TimeOptions = { utc: false }): string | undefined {
  if (method === 'drill.run' || method === 'drill.show' || method === 'drill.cancel') return renderDrill(value as DrillView, time);
  if (method === 'drill.list') return renderDrillList(value as DrillSummary[], time);
  return undefined;
}
