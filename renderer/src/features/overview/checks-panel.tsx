/** Settings → Continuous checks: each check's interval, last run and next run, and the battery switch. */
import { useEffect } from 'react';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { formatUtc } from '../../lib/format';
import { useChecks } from './checks-store';

const OUTCOME_TONE = { ok: 'green', problem: 'amber', error: 'red' } as const;

function every(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'daily' : `every ${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hourly' : `every ${seconds / 3600} h`;
  return `every ${Math.round(seconds / 60)} min`;
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
                  <th scope="col">Last run</th>
                  <th scope="col">Next run</th>
                </tr>
              </thead>
              <tbody>
                {status.checks.map((c) => (
                  <tr key={c.name} data-check={c.name}>
                    <td>{c.label}</td>
                    <td>{every(c.interval_s)}</td>
                    <td>
                      {c.last_run ? (
                        <>
                          <Badge tone={OUTCOME_TONE[c.last_run.outcome]}>{c.last_run.outcome}</Badge> {formatUtc(c.last_run.finished_at)}
                          <div className="checks-summary">{c.last_run.summary}</div>
                        </>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td>{formatUtc(c.next_run_at)}</td>
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
