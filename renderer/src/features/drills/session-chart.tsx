/**
 * Agent sessions over the drill's time: accepted above the axis (green), refused below
 * (red), live sessions as a line, sealed periods shaded, the kill and the restore marked. Drawn as SVG from the
 * drill's 30-second buckets; the viewBox scales it to its card.
 */
import type { DrillEvent, DrillSeriesPoint } from '../../../../core/api/seal-types';

const W = 760;
const H = 220;
const PAD = { left: 44, right: 12, top: 14, bottom: 30 };

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const mag = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (n <= step * mag) return step * mag;
  return 10 * mag;
}

export function SessionChart({ series, timeline }: { series: DrillSeriesPoint[]; timeline: DrillEvent[] }) {
  if (series.length === 0) return <p className="muted">No sessions were recorded.</p>;
  const bucket = series.length > 1 ? series[1]!.t_s - series[0]!.t_s : 30;
  const end = series[series.length - 1]!.t_s + bucket;
  const top = niceMax(Math.max(1, ...series.map((p) => Math.max(p.accepted, p.live_sessions))));
  const bottom = niceMax(Math.max(1, ...series.map((p) => p.refused)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const zero = PAD.top + (plotH * top) / (top + bottom);
  const x = (t: number) => PAD.left + (plotW * t) / end;
  const barW = Math.max(1, (plotW * bucket) / end - 1);
  const perUnit = plotH / (top + bottom);
  const marks = timeline.filter((e) => e.kind === 'kill' || e.kind === 'restore');
  const minutes = end / 60;
  const tickEvery = minutes <= 20 ? 2 : minutes <= 60 ? 10 : minutes <= 180 ? 30 : 60;
  const ticks: number[] = [];
  for (let m = 0; m <= minutes; m += tickEvery) ticks.push(m);
  return (
    <figure className="session-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Agent sessions accepted and refused over the drill">
        {series.map((p) =>
          p.sealed ? <rect key={`s${p.t_s}`} className="chart-sealed" x={x(p.t_s)} y={PAD.top} width={(plotW * bucket) / end} height={plotH} /> : null,
        )}
        <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={zero} y2={zero} />
        {series.map((p) => (
          <g key={p.t_s}>
            {p.accepted > 0 ? <rect className="chart-accepted" x={x(p.t_s)} y={zero - p.accepted * perUnit} width={barW} height={p.accepted * perUnit} /> : null}
            {p.refused > 0 ? <rect className="chart-refused" x={x(p.t_s)} y={zero} width={barW} height={p.refused * perUnit} /> : null}
          </g>
        ))}
        <polyline
          className="chart-live"
          points={series.map((p) => `${x(p.t_s + bucket)},${zero - p.live_sessions * perUnit}`).join(' ')}
          fill="none"
        />
        {marks.map((m) => (
          <g key={m.kind + m.t_s}>
            <line className={`chart-mark chart-mark-${m.kind}`} x1={x(m.t_s)} x2={x(m.t_s)} y1={PAD.top} y2={H - PAD.bottom} />
            <text className="chart-mark-label" x={x(m.t_s) + 4} y={PAD.top + 10}>
              {m.kind === 'kill' ? 'kill' : 'restore'}
            </text>
          </g>
        ))}
        <text className="chart-label" x={PAD.left - 6} y={PAD.top + 8} textAnchor="end">
          {top}
        </text>
        <text className="chart-label" x={PAD.left - 6} y={zero + 4} textAnchor="end">
          0
        </text>
        <text className="chart-label" x={PAD.left - 6} y={H - PAD.bottom} textAnchor="end">
          {bottom}
        </text>
        {ticks.map((m) => (
          <text key={m} className="chart-label" x={x(m * 60)} y={H - 10} textAnchor="middle">
            {m} min
          </text>
        ))}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-item">
          <span className="legend-swatch legend-accepted" /> sessions accepted
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-refused" /> refused (503 tenant_sealed)
        </span>
        <span className="legend-item">
          <span className="legend-line" /> live sessions (issued ones run out on their TTL)
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-sealed" /> tenant sealed
        </span>
        <span className="muted">per {bucket} s</span>
      </figcaption>
    </figure>
  );
}
