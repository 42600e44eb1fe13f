/**
 * `keywarden status`: the installation in one line, then the overview's problems (most
 * urgent first, each with the command that fixes it), then one line per area.
 */
import type { OverviewView } from '../../core/api/overview-types';
import type { AppStatus } from '../../core/api/types';
import type { ChecksStatusView } from '../../core/api/checks-types';
import { secretsLines } from './backup-commands';
import { count, table } from './text';
import { ago, formatTime, type TimeOptions } from './time-format';

const WITNESS_WORDS = { none: 'none', ok: 'in order', failing: 'FAILING', behind: 'behind' } as const;
const STATE_WORDS = { ok: 'in order', attention: 'needs attention', critical: 'ACTION REQUIRED', none: 'nothing yet' } as const;

function areaLines(o: OverviewView, t: TimeOptions): string[][] {
  const now = Date.parse(o.generated_at);
  const when = (iso: string | null | undefined) => (iso ? `${formatTime(iso, t)} (${ago(iso, now)})` : 'never');
  const { tenants, keys, audit, evidence, drills, reports } = o.cards;
  const exceptions = Object.entries(evidence.details.exceptions).map(([c, n]) => `${c} ${n}`).join(', ');
  const lastDrill = drills.details.tenants.map((x) => x.last_drill).filter((d) => d !== null).sort((a, b) => b.at.localeCompare(a.at))[0];
  return [
    ['Tenants', STATE_WORDS[tenants.state], tenants.headline, `${tenants.details.customer_controlled} of ${tenants.details.total} on a customer KMS key`],
    ['Key versions', STATE_WORDS[keys.state], keys.headline, `${count(keys.details.revocations.length, 'revoked version')}; rotation policy ${keys.details.rotation_max_age_days} days`],
    ['Audit log', STATE_WORDS[audit.state], audit.headline, `last verify ${when(audit.details.last_verify?.at)}; last checkpoint ${when(audit.details.last_checkpoint?.at)}`],
    ['Evidence', STATE_WORDS[evidence.state], evidence.headline, `last cross-check ${when(evidence.details.last_crosscheck?.at)}${exceptions ? `; ${exceptions}` : ''}`],
    ['Drills', STATE_WORDS[drills.state], drills.headline, lastDrill ? `last drill ${when(lastDrill.at)}, seal ${lastDrill.time_to_seal_s ?? '-'} s of ${lastDrill.seal_bound_s ?? '-'} s` : 'no drill yet'],
    ['Reports', STATE_WORDS[reports.state], reports.headline, `last export ${when(reports.details.last_export?.at)}`],
  ];
}

/** "daily", "hourly", "every 6 h", "every 15 min", "every 90 s". */
export function every(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'daily' : `every ${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hourly' : `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

const SOURCE_WORDS = { default: 'default', setting: 'your setting', host: 'set by the running host' } as const;

/** Who runs the checks now, in one line. */
function hostLine(v: ChecksStatusView, t: TimeOptions): string {
  return v.host
    ? `run by ${v.host.name} (pid ${v.host.pid}) since ${formatTime(v.host.started_at, t)}, looking every ${v.host.tick_s} s`
    : 'no host runs them now (the desktop app, keywarden serve or keywarden watch do while they run)';
}

export function renderStatus(value: AppStatus & { overview?: OverviewView; checks?: ChecksStatusView }, t: TimeOptions): string {
  const lines = [
    `Keywarden ${value.version}: ${value.initialized ? 'initialized' : 'NOT initialized (run keywarden init)'}, ${count(value.tenants, 'tenant')}, ${count(value.audit_entries, 'audit entry', 'audit entries')}`,
    `data: ${value.data_dir} (schema ${value.schema_version})`,
    ...secretsLines(value.secrets, (iso) => formatTime(iso, t)),
  ];
  const w = value.witness;
  if (w) lines.push(`witnesses: ${WITNESS_WORDS[w.state]}: ${w.summary}${w.state === 'failing' ? ` (${w.failing.map((f) => `${f.id} ${f.at}: ${f.message}`).join('; ')})` : ''}`);
  if (value.drill_faults.length > 0) lines.push(`DRILL FAULT INJECTION ACTIVE: ${value.drill_faults.map((f) => `${f.tenant} ${f.mode}`).join(', ')} (switch off: keywarden fault set --tenant T --mode pass)`);
  const o = value.overview;
  if (!o) return lines.join('\n');
  lines.push('');
  if (o.problems.length === 0) lines.push('Custody is in order: nothing needs you today.');
  else {
    const critical = o.problems.filter((p) => p.severity === 'critical').length;
    lines.push(`${count(o.problems.length, 'problem')}${critical ? `, ${critical} critical` : ''}, most urgent first:`);
    for (const p of o.problems) {
      lines.push(`  ${p.severity === 'critical' ? 'CRITICAL' : 'warning '}  ${p.title}`, `            fix: ${p.action}`, `                 ${p.command}`);
    }
  }
  lines.push('');
  for (const [area, state, headline, evidence] of areaLines(o, t)) lines.push(`${area!.padEnd(13)} ${state!.padEnd(16)} ${headline}`, `${' '.repeat(31)}${evidence}`);
  const c = value.checks;
  if (c) {
    lines.push('', `Continuous checks: ${hostLine(c, t)}`);
    for (const check of c.checks) lines.push(`  ${check.label.padEnd(54)} ${`${every(check.interval_s)} (${SOURCE_WORDS[check.interval_source]})`.padEnd(34)} next ${formatTime(check.next_run_at, t)}`);
  }
  return lines.join('\n');
}

/** `call checks.status` (and checks.settings / checks.ack): each check's last and next run, then unseen alerts. */
export function renderChecks(v: ChecksStatusView, t: TimeOptions): string {
  const rows = v.checks.map((c) => [c.label, `${every(c.interval_s)} (${SOURCE_WORDS[c.interval_source]})`, c.last_run ? `${formatTime(c.last_run.finished_at, t)} ${c.last_run.outcome}: ${c.last_run.summary}` : 'never', formatTime(c.next_run_at, t)]);
  const unseen = v.alerts.filter((a) => !a.seen);
  return [
    table([['CHECK', 'HOW OFTEN', 'LAST RUN', 'NEXT RUN'], ...rows]),
    '',
    `checks: ${hostLine(v, t)}`,
    unseen.length === 0 ? 'no unseen alerts' : `${count(unseen.length, 'unseen alert')}:`,
    ...unseen.map((a) => `  ${formatTime(a.at, t)}  ${a.title}: ${a.body}`),
    `pause on battery: ${v.pause_on_battery ? 'yes' : 'no'}`,
  ].join('\n');
}
