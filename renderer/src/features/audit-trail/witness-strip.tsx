/**
 * The Audit screen's witness strip: where the log's checkpoints are recorded outside this
 * machine, when the last one was, the gap since, a timeline of recent witness runs (ok
 * and failed), and the check against what the providers recorded, whose alarm names the
 * provider's event id and time.
 */
import { useEffect } from 'react';
import type { WitnessRunView, WitnessVerificationView } from '../../../../core/api/witness-types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { formatCount, formatUtc } from '../../lib/format';
import { useWitness } from './witness-store';

const STATE_TEXT = { none: 'No witness', ok: 'Witnessed', failing: 'Witness failing', behind: 'Witness behind' } as const;

export function WitnessStrip() {
  const { witness, audit } = useServices();
  const list = useWitness((s) => s.list);
  const error = useWitness((s) => s.error);
  const witnessing = useWitness((s) => s.witnessing);
  const checking = useWitness((s) => s.checking);
  const check = useWitness((s) => s.check);
  const checkError = useWitness((s) => s.checkError);
  useEffect(() => void witness.getState().load(), [witness]);
  if (!list) return error ? <ErrorNotice error={error} /> : null;
  const s = list.status;
  const runs = [...list.recent_runs].reverse();
  return (
    <section className={`witness-strip witness-${s.state}`} aria-label="Checkpoint witnesses" data-testid="witness-strip" data-state={s.state}>
      <div className="witness-line">
        <span className="witness-dot" aria-hidden="true" />
        <strong>{STATE_TEXT[s.state]}</strong>
        <span data-testid="witness-summary">
          {s.state === 'none'
            ? 'no checkpoint is recorded outside this machine: someone with its data folder could rewrite the history unnoticed (keywarden witness add)'
            : s.last_witnessed_at
              ? `last witness ${formatUtc(s.last_witnessed_at)} at ${formatCount(s.last_witnessed_size ?? 0)} entries; ${formatCount(s.entries_since)} ${s.entries_since === 1 ? 'entry' : 'entries'} since (every ${s.interval_minutes} min when the log grows)`
              : 'no checkpoint witnessed yet'}
        </span>
        {s.witnesses > 0 ? (
          <span className="witness-actions">
            <Button size="sm" variant="ghost" icon="key" busy={witnessing} onClick={() => void witness.getState().witnessNow().then(() => audit.getState().loadCheckpoint())}>
              Witness now
            </Button>
            <Button size="sm" variant="ghost" icon="check" busy={checking} onClick={() => void witness.getState().verify()}>
              Check against witnesses
            </Button>
          </span>
        ) : null}
      </div>
      {s.failing.map((f) => (
        <div key={f.id} className="witness-failure" role="alert" data-testid="witness-failure">
          {f.kind} witness failed {formatUtc(f.at)}: {f.reason}: {f.message}. The log keeps working; the witness is tried again at the next run.
        </div>
      ))}
      {runs.length > 0 ? (
        <ol className="witness-timeline" aria-label="Recent witness runs" data-testid="witness-timeline">
          {runs.map((r) => (
            <li key={r.id} className={`witness-mark witness-mark-${r.state}`} title={runTitle(r)} data-state={r.state} />
          ))}
        </ol>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {checkError ? <ErrorNotice error={checkError} /> : null}
      {check ? <WitnessCheck v={check} /> : null}
    </section>
  );
}

function runTitle(r: WitnessRunView): string {
  return `${formatUtc(r.finished_at)} · ${r.trigger} · ${r.tree_size} entries · ${r.state === 'ok' ? `ok (call ${r.correlation_id ?? '-'})` : `${r.failure_reason}: ${r.failure_message ?? ''}`}`;
}

function WitnessCheck({ v }: { v: WitnessVerificationView }) {
  const consistent = v.witnessed.filter((w) => w.verdict === 'consistent').length;
  const f = v.first_inconsistent;
  return (
    <div className="witness-check" data-testid="witness-check">
      {f ? (
        <div className="notice notice-error" role="alert">
          <div className="notice-body">
            <div className="notice-title">History rewritten: a witnessed checkpoint no longer matches the log</div>
            <div className="notice-text">
              {f.kind} recorded {formatCount(f.tree_size ?? 0)} entries with root <span className="mono">{f.root_hash}</span> at {formatUtc(f.provider_time)} (event <span className="mono">{f.provider_event_id}</span>): {f.reason}
            </div>
          </div>
        </div>
      ) : (
        <div className="witness-ok" role="status">
          {consistent > 0 ? `${formatCount(consistent)} witnessed checkpoint${consistent === 1 ? '' : 's'} consistent with the log` : 'No witnessed checkpoint found in the providers’ logs yet'}
          {v.unconfirmed.length ? ` · ${formatCount(v.unconfirmed.length)} not delivered yet` : ''}
          {v.untrusted.length ? ` · ${formatCount(v.untrusted.length)} untrusted record${v.untrusted.length === 1 ? '' : 's'} ignored` : ''}
          {v.read_errors.length ? ` · could not read: ${v.read_errors.map((e) => e.message).join('; ')}` : ''}
        </div>
      )}
      {v.witnessed.length > 0 ? (
        <ul className="witness-events">
          {v.witnessed.map((w) => (
            <li key={`${w.witness_id}:${w.provider_event_id}`} data-verdict={w.verdict}>
              <span className={w.verdict === 'consistent' ? 'witness-v-ok' : 'witness-v-bad'}>{w.verdict}</span> {w.kind} · {formatCount(w.tree_size ?? 0)} entries · {formatUtc(w.provider_time)} ·{' '}
              <span className="mono">{w.provider_event_id}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
