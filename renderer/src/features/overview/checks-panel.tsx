/** Settings → Continuous checks: each check's interval, last run and next run, and the battery switch. */
import { useEffect } from 'react';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { formatUtc, formatUtcShort } from '../../lib/format';
import { useChecks } from './checks-store';
import type { CheckView, ChecksStatusView } from '../../../../core/api/checks-types';

const OUTCOME_TONE = { ok: 'green', problem: 'amber', error: 'red' } as const;

function every(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'daily' : `every ${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hourly' : `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

/** Where the interval comes from, so a changed one is never mistaken for the default. */
function source(c: CheckView): string {
  if (c.interval_source === 'host') return `set by the running host (default ${every(c.default_interval_s)})`;
  if (c.interval_source === 'setting') return `your setting (default ${every(c.default_interval_s)})`;
  return 'default';
}

function hostText(host: ChecksStatusView['host']): string {
  if (!host) return 'No host runs the checks right now.';
  const name = host.name === 'watch' ? 'keywarden watch' : host.name === 'web-host' ? 'the web host' : host.name === 'desktop' ? 'the desktop app' : host.name;
  return `Running in ${name} (pid ${host.pid}) since ${formatUtc(host.started_at)}, looking for due checks every ${host.tick_s} s.`;
}

export function ChecksPanel() {
  const { checks, client } = useServices();
  const status = useChecks((s) => s.status);
  const error = useChecks((s) => s.error);
  useEffect(() => void checks.getState().load(), [checks]);
  return (
    <section className="card checks-panel" aria-label="Continuous checks">
      <div className="card-header">
        <div>
          <div className="card-title">Continuous checks</div>
          <div className="card-subtitle">
            Run by {client.transport === 'ipc' ? 'the desktop app' : 'the web host'} (and by <code>keywarden watch</code>) while it runs; new problems raise an alert.
            {status ? <div data-testid="checks-host">{hostText(status.host)}</div> : null}
          </div>
        </div>
      </div>
      <div className="card-body">
        {error ? <ErrorNotice error={error} /> : null}
        {status ? (
          <>
            <table className="checks-table">
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">How often</th>
                  <th scope="col">Last run (UTC)</th>
                  <th scope="col">Next run (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {status.checks.map((c) => (
                  <tr key={c.name} data-check={c.name}>
                    <td>{c.label}</td>
                    <td data-testid="check-interval">
                      {every(c.interval_s)}
                      <div className="checks-summary">{source(c)}</div>
                    </td>
                    <td>
                      {c.last_run ? (
                        <>
                          <Badge tone={OUTCOME_TONE[c.last_run.outcome]}>{c.last_run.outcome}</Badge>{' '}
                          <time className="nowrap" dateTime={c.last_run.finished_at} title={formatUtc(c.last_run.finished_at)}>
                            {formatUtcShort(c.last_run.finished_at)}
                          </time>
                          <div className="checks-summary">{c.last_run.summary}</div>
                        </>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td>
                      <time className="nowrap" dateTime={c.next_run_at} title={formatUtc(c.next_run_at)}>
                        {formatUtcShort(c.next_run_at)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <label className="checks-battery">
              <input type="checkbox" checked={status.pause_on_battery} onChange={(e) => void checks.getState().setPauseOnBattery(e.target.checked)} />
              Pause the checks while this machine runs on battery power
            </label>
          </>
        ) : null}
      </div>
    </section>
  );
}
