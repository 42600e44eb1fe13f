/** Stacked bars per time bucket: what the cross-check found when. Plain SVG, no chart library. */
import type { EvidenceRunView } from '../../../../core/api/evidence-types';
import { formatUtcShort } from '../../lib/format';
import { CLASS_META, CLASS_ORDER } from './evidence-classes';

const W = 720;
const H = 150;
const PAD = { top: 8, right: 8, bottom: 22, left: 36 };

export function TimelineChart({ run }: { run: EvidenceRunView }) {
  const from = Date.parse(run.from);
  const to = Date.parse(run.to);
  const size = run.timeline[0]?.bucket_ms ?? Math.max(60_000, (to - from) / 60);
  const buckets = Math.max(1, Math.ceil((to - from) / size));
  const totals = run.timeline.map((b) => Object.values(b.counts).reduce((a, n) => a + (n ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / buckets;
  const y = (n: number) => (n / max) * plotH;
  return (
    <figure className="ev-chart" aria-label="Timeline of cross-check results">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Results per ${Math.round(size / 60_000)} minutes from ${run.from} to ${run.to}`}>
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="ev-axis" />
        <text x={PAD.left - 6} y={PAD.top + 8} className="ev-tick" textAnchor="end">
          {max}
        </text>
        <text x={PAD.left - 6} y={H - PAD.bottom} className="ev-tick" textAnchor="end">
          0
        </text>
        {run.timeline.map((b) => {
          const i = Math.floor((Date.parse(b.bucket_start) - from) / size);
          let top = H - PAD.bottom;
          return (
            <g key={b.bucket_start}>
              <title>{`${formatUtcShort(b.bucket_start)}: ${CLASS_ORDER.filter((c) => b.counts[c]).map((c) => `${b.counts[c]} ${CLASS_META[c].label.toLowerCase()}`).join(', ')}`}</title>
              {CLASS_ORDER.slice()
                .reverse()
                .map((c) => {
                  const n = b.counts[c] ?? 0;
                  if (!n) return null;
                  const h = Math.max(1.5, y(n));
                  top -= h;
                  return <rect key={c} x={PAD.left + i * bw + 1} y={top} width={Math.max(1, bw - 2)} height={h} fill={CLASS_META[c].color} data-class={c} />;
                })}
            </g>
          );
        })}
        <text x={PAD.left} y={H - 6} className="ev-tick">
          {formatUtcShort(run.from)}
        </text>
        <text x={W - PAD.right} y={H - 6} className="ev-tick" textAnchor="end">
          {formatUtcShort(run.to)}
        </text>
      </svg>
      <figcaption className="ev-legend">
        {CLASS_ORDER.map((c) => (
          <span key={c} className="ev-legend-item">
            <span className="ev-swatch" style={{ background: CLASS_META[c].color }} aria-hidden="true" />
            {CLASS_META[c].label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
