/**
 * Settings → Checkpoint witnesses: each witness, its state, last run and last failure; the
 * interval; and adding, removing and the interval behind the `witness` step-up.
 */
import { useEffect, useState } from 'react';
import type { WitnessView } from '../../../../core/api/witness-types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { formatUtc } from '../../lib/format';
import { AddWitnessDialog } from './witness-add-dialog';
import { RemoveWitnessDialog, WitnessIntervalDialog } from './witness-change-dialogs';
import { useWitness } from './witness-store';
import './audit.css';

const STATE_TONE = { never_run: 'grey', ok: 'green', failing: 'red' } as const;

export function WitnessPanel() {
  const { witness } = useServices();
  const list = useWitness((s) => s.list);
  const error = useWitness((s) => s.error);
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'interval' } | { kind: 'remove'; witness: WitnessView } | null>(null);
  const close = () => setDialog(null);
  useEffect(() => void witness.getState().load(), [witness]);
  return (
    <section className="card" aria-label="Checkpoint witnesses" data-testid="witness-panel">
      <div className="card-header">
        <div>
          <div className="card-title">Checkpoint witnesses</div>
          <div className="card-subtitle">
            The log’s checkpoints recorded in your own cloud account{list ? `, every ${list.status.interval_minutes} min when the log grows, and at every report export` : ''}. Changes
            ask for the operator passphrase (or use <code>keywarden witness add</code> / <code>remove</code>).
          </div>
        </div>
        <div className="witness-actions">
          <Button size="sm" icon="settings" onClick={() => setDialog({ kind: 'interval' })} disabled={!list}>
            Interval…
          </Button>
          <Button size="sm" variant="primary" icon="plus" onClick={() => setDialog({ kind: 'add' })}>
            Add witness
          </Button>
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
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
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
                  <td>
                    <Button size="sm" variant="ghost" icon="trash" onClick={() => setDialog({ kind: 'remove', witness: w })} aria-label={`Remove witness ${w.id}`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {dialog?.kind === 'add' ? <AddWitnessDialog onClose={close} /> : null}
      {dialog?.kind === 'remove' ? <RemoveWitnessDialog witness={dialog.witness} onClose={close} /> : null}
      {dialog?.kind === 'interval' && list ? <WitnessIntervalDialog current={list.status.interval_minutes} onClose={close} /> : null}
    </section>
  );
}
