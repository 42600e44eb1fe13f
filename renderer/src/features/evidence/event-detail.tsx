/** The selected row: both sides of the comparison, and the provider's raw record as its log returned it. */
import { useEvidence } from './evidence-store';
import { Badge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { formatUtc, providerLabel } from '../../lib/format';
import { CLASS_META } from './evidence-classes';

export function EventDetail() {
  const rows = useEvidence((s) => s.rows);
  const selectedSeq = useEvidence((s) => s.selectedSeq);
  const event = useEvidence((s) => s.event);
  const eventError = useEvidence((s) => s.eventError);
  const row = rows.find((r) => r.seq === selectedSeq);
  if (!row) return <aside className="card ev-detail muted ev-pad">Select a row to see both sides and the raw record.</aside>;
  const meta = CLASS_META[row.class];
  return (
    <aside className="card ev-detail" aria-label="Row details">
      <div className="card-header">
        <div>
          <div className="card-title">{row.provider_operation ?? row.operation}</div>
          <div className="card-subtitle">{meta.help}</div>
        </div>
        <Badge tone={meta.tone} dot>
          {meta.label}
        </Badge>
      </div>
      <p className="ev-reason" data-testid="evidence-reason">
        <span className="ev-reason-label">Why</span> {row.explanation}
      </p>
      <dl className="ev-fields">
        <dt>Time</dt>
        <dd className="mono">{formatUtc(row.at)}</dd>
        <dt>Tenant</dt>
        <dd>{row.tenant}</dd>
        <dt>Key</dt>
        <dd className="mono">
          {providerLabel(row.provider)} {row.key_ref_suffix}
        </dd>
        <dt>Engine call</dt>
        <dd className="mono">{row.call_id === null ? 'none: the engine made no such call' : `#${row.call_id} ${row.operation} (${row.outcome})`}</dd>
        <dt>Engine principal</dt>
        <dd className="mono">{row.app_principal ?? (row.call_id === null ? '—' : `unknown${row.app_principal_note ? `: ${row.app_principal_note}` : ''}`)}</dd>
        <dt>Logged principal</dt>
        <dd className={`mono${row.class === 'principal_mismatch' || row.class === 'provider_only' ? ' ev-alert' : ''}`}>{row.provider_principal ?? '—'}</dd>
        <dt>Source address</dt>
        <dd className="mono">{row.source_address ?? '—'}</dd>
        <dt>Correlation id</dt>
        <dd className="mono">{row.correlation_id ?? '—'}</dd>
        <dt>Matched by</dt>
        <dd>{row.matched_by === 'fallback' ? 'time window (weak)' : (row.matched_by?.replace('_', ' ') ?? '—')}</dd>
      </dl>
      <div className="ev-raw-title">Raw record</div>
      {eventError ? <ErrorNotice error={eventError} /> : null}
      {row.event_id === null ? (
        <p className="muted ev-pad">The provider’s log holds no record of this call.</p>
      ) : event ? (
        <pre className="ev-raw mono" data-testid="evidence-raw">
          {JSON.stringify(event.raw, null, 2)}
        </pre>
      ) : (
        <p className="muted ev-pad">Loading…</p>
      )}
    </aside>
  );
}
