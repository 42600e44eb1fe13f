import { percent } from '../lib/format';

/** Determinate progress; the fill width is set through CSSOM so a strict style-src CSP holds. */
export function ProgressBar({ value, max, label, tone = 'accent' }: { value: number; max: number; label: string; tone?: 'accent' | 'green' | 'red' }) {
  const pct = percent(value, max);
  return (
    <div className={`progress progress-${tone}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={Math.min(value, max)}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
