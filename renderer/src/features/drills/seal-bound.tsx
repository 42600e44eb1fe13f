import { humanDuration } from '../../lib/format';

/** A duration against its bound: the bar is the bound, the fill the measured value; both in human units, like the PDF. */
export function BoundBar({ label, value, bound }: { label: string; value: number | null; bound: number }) {
  const within = value !== null && value <= bound;
  const share = value === null ? 0 : Math.min(1, value / bound);
  return (
    <div className={`bound ${value === null ? 'bound-none' : within ? 'bound-ok' : 'bound-over'}`}>
      <div className="bound-head">
        <span className="bound-label">{label}</span>
        <span className="bound-value mono">
          {value === null ? 'did not happen' : humanDuration(value)} <span className="muted">/ bound {humanDuration(bound)}</span>
        </span>
      </div>
      <div className="bound-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={bound} aria-valuenow={value ?? undefined}>
        <div className="bound-fill" style={{ width: `${share * 100}%` }} />
      </div>
      <div className="bound-verdict">{value === null ? 'not measured' : within ? 'within bound' : 'OVER the bound'}</div>
    </div>
  );
}
