/** Settings → Checkpoint witnesses: each witness, its state, last run and last failure; the interval. */
import { useEffect } from 'react';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { formatUtc } from '../../lib/format';
import { useWitness } from './witness-store';

const STATE_TONE = { never_run: 'grey', ok: 'green', failing: 'red' } as const;

export function WitnessPanel() {
  const { witness } = useServices();
  const list = useWitness((s) => s.list);
  const error = useWitness((s) => s.error);
  useEffect(() => void witness.getState().load(), [witness]);
  return (
    <section className="card" aria-label="Checkpoint witnesses" data-testid="witness-panel">
      <div className="card-header">
        <div>
          <div className="card-title">Checkpoint witnesses</div>
          <div className="card-subtitle">
            The log’s checkpoints recorded in your own cloud account{list ? `, every ${list.status.interval_minutes} min when the log grows, and at every report export` : ''}. Add or remove
            one with <code>keywarden witness add</code> / <code>remove</code>.
          </div>
        </div>
      </div>
      <div className="card-body">
        {error ? <ErrorNotice error={error} /> : null}
        {!list ? null : list.witnesses.length === 0 ? (
          <p className="muted">No witness: the history rests on this machine alone.</p>
        ) : (
          <table className="checks-table">
            <thead>
              <tr>
                <th scope="col">Witness</th>
                <th scope="col">Target</th>
                <th scope="col">State</th>
                <th scope="col">Last run</th>
                <th scope="col">Last failure</th>
              </tr>
            </thead>
            <tbody>
              {list.witnesses.map((w) => (
                <tr key={w.id} data-witness={w.id}>
                  <td>
                    {w.label}
                    <div className="checks-summary">{w.tenant ? `uses ${w.tenant}’s credentials` : 'own config'} · needs {w.permission}</div>
                  </td>
                  <td className="mono">…{w.target_ref.slice(-24)}</td>
                  <td>
                    <Badge tone={STATE_TONE[w.state]}>{w.state.replace('_', ' ')}</Badge>
                  </td>
                  <td>{w.last_run ? formatUtc(w.last_run.finished_at) : <span className="muted">never</span>}</td>
                  <td data-testid="witness-last-failure">
                    {w.last_failure ? (
                      <>
                        {formatUtc(w.last_failure.finished_at)}
                        <div className="checks-summary">
                          {w.last_failure.failure_reason}: {w.last_failure.failure_message}
                        </div>
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
