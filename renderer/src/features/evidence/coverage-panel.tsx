/** Log coverage per tenant and source: how much of the engine's activity the provider's log shows. */
import type { EvidenceCoverageView } from '../../../../core/api/evidence-types';
import { Badge, type Tone } from '../../components/badge';
import { formatUtcShort, providerLabel } from '../../lib/format';

const HEALTH: Record<EvidenceCoverageView['health'], { tone: Tone; label: string }> = {
  good: { tone: 'green', label: 'Good' },
  degraded: { tone: 'amber', label: 'Degraded' },
  poor: { tone: 'red', label: 'Poor' },
  unknown: { tone: 'grey', label: 'Unknown' },
};

export function CoveragePanel({ coverage }: { coverage: EvidenceCoverageView[] }) {
  return (
    <section className="card ev-coverage" aria-label="Log coverage">
      <div className="card-header">
        <div className="card-title">Log coverage</div>
      </div>
      {coverage.length === 0 ? (
        <p className="muted ev-pad">No cloud KMS key in this period: onboard a tenant on AWS, GCP or Azure to cross-check its calls.</p>
      ) : (
        <ul className="ev-cov-list">
          {coverage.map((c) => (
            <li key={`${c.tenant}-${c.source_id}-${c.key_ref_suffix}`} className="ev-cov-item" data-health={c.health}>
              <div className="ev-cov-head">
                <strong>{c.tenant}</strong>
                <span className="muted">
                  {providerLabel(c.provider)} · <span className="mono">{c.key_ref_suffix}</span>
                </span>
                <Badge tone={HEALTH[c.health].tone} dot>
                  {HEALTH[c.health].label}
                </Badge>
              </div>
              <div className="ev-cov-bar" aria-hidden="true">
                <span style={{ width: `${Math.round((c.fraction ?? 0) * 100)}%` }} />
              </div>
              <div className="ev-cov-figures muted">
                {c.fraction === null ? 'no call old enough to be logged yet' : `${c.seen} of ${c.expected} calls in the provider's log (${(c.fraction * 100).toFixed(1)}%)`}
                {c.read_until ? ` · log read up to ${formatUtcShort(c.read_until)}` : ''}
              </div>
              {c.weak ? <div className="ev-cov-figures muted">{c.weak} more matched by time only (weak: likely, not proven)</div> : null}
              {c.clock_offset_ms !== undefined && c.clock_offset_ms !== null ? (
                <div className="ev-cov-figures muted" data-testid="clock-offset">
                  Provider clock {formatOffset(c.clock_offset_ms)} against this machine ({c.clock_offset_pairs ?? 0} proven pairs)
                </div>
              ) : null}
              {c.diagnosis ? <p className="ev-diagnosis">{c.diagnosis}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Provider time minus this machine's, in seconds with its sign. */
function formatOffset(ms: number): string {
  const s = ms / 1000;
  return `${s >= 0 ? '+' : '−'}${Math.abs(s).toFixed(1)} s`;
}
