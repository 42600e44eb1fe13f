/**
 * Agent sessions over the drill's time, in two panels with their own axes: live sessions
 * (line) and sessions accepted (green bars) above, sessions refused (red bars) below;
 * sealed periods shaded in both, the kill and the restore marked, and the kill→seal gap
 * labelled against its bound ("time to seal 59 min, bound 60 min"). Drawn as SVG from
 * the drill's 30-second buckets; the viewBox scales it to its card.
 */
import type { DrillEvent, DrillSeriesPoint } from '../../../../core/api/seal-types';
import { humanDuration } from '../../lib/format';

const W = 760;
const PAD = { left: 58, right: 16, top: 28 };
const TOP_H = 130;
const GAP = 22;
const BOTTOM_H = 70;
const AXIS_H = 34;
const H = PAD.top + TOP_H + GAP + BOTTOM_H + AXIS_H;

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const mag = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (n <= step * mag) return step * mag;
  return 10 * mag;
}

/** Tick spacing in seconds for a drill `end` seconds long: about six ticks. */
function tickStep(end: number): number {
  for (const s of [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400]) if (end / s <= 8) return s;
  return 28800;
}

/** "0", "10 min", "1 h", "1 h 30 min" for axis ticks. */
function tickLabel(s: number): string {
  if (s === 0) return '0';
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function SessionChart({ series, timeline, sealBoundS }: { series: DrillSeriesPoint[]; timeline: DrillEvent[]; sealBoundS?: number | undefined }) {
  if (series.length === 0) return <p className="muted">No sessions were recorded.</p>;
  const bucket = series.length > 1 ? series[1]!.t_s - series[0]!.t_s : 30;
  const end = series[series.length - 1]!.t_s + bucket;
  const top = niceMax(Math.max(1, ...series.map((p) => Math.max(p.accepted, p.live_sessions))));
  const bottom = niceMax(Math.max(1, ...series.map((p) => p.refused)));
  const plotW = W - PAD.left - PAD.right;
  const topBase = PAD.top + TOP_H;
  const bottomTop = topBase + GAP;
  const bottomBase = bottomTop + BOTTOM_H;
  const x = (t: number) => PAD.left + (plotW * Math.min(Math.max(t, 0), end)) / end;
  const barW = Math.max(1, (plotW * bucket) / end - 1);
  const yTop = (n: number) => topBase - (TOP_H * n) / top;
  const marks = timeline.filter((e) => e.kind === 'kill' || e.kind === 'restore');
  const kill = timeline.find((e) => e.kind === 'kill');
  const sealed = timeline.find((e) => e.kind === 'sealed' && (!kill || e.t_s >= kill.t_s));
  const step = tickStep(end);
  const ticks: number[] = [];
  for (let t = 0; t <= end; t += step) ticks.push(t);
  // A label near the right edge is anchored at its end, so it is never cut off.
  const anchorAt = (px: number, room = 90): 'start' | 'end' => (px + room > W - PAD.right ? 'end' : 'start');
  const gap = kill && sealed ? sealed.t_s - kill.t_s : null;
  const gapText = gap === null ? null : `time to seal ${humanDuration(gap)}${sealBoundS ? `, bound ${humanDuration(sealBoundS)}` : ''}`;
  const gapOver = gap !== null && sealBoundS !== undefined && gap > sealBoundS;
  return (
    <figure className="session-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Agent sessions over the drill${gapText ? `; ${gapText}` : ''}`}>
        {series.map((p) =>
          p.sealed ? (
            <g key={`s${p.t_s}`}>
              <rect className="chart-sealed" x={x(p.t_s)} y={PAD.top} width={(plotW * bucket) / end} height={TOP_H} />
              <rect className="chart-sealed" x={x(p.t_s)} y={bottomTop} width={(plotW * bucket) / end} height={BOTTOM_H} />
            </g>
          ) : null,
        )}
        {/* Upper panel: live sessions and sessions accepted, on their own axis. */}
        <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={topBase} y2={topBase} />
        <line className="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={yTop(top / 2)} y2={yTop(top / 2)} />
        {series.map((p) => (p.accepted > 0 ? <rect key={`a${p.t_s}`} className="chart-accepted" x={x(p.t_s)} y={yTop(p.accepted)} width={barW} height={topBase - yTop(p.accepted)} /> : null))}
        <polyline className="chart-live" points={series.map((p) => `${x(p.t_s + bucket)},${yTop(p.live_sessions)}`).join(' ')} fill="none" />
        {[0, top / 2, top].map((v) => (
          <text key={`yt${v}`} className="chart-label" x={PAD.left - 6} y={yTop(v) + 4} textAnchor="end">
            {v}
          </text>
        ))}
        <text className="chart-axis-title" transform={`translate(12 ${PAD.top + TOP_H / 2}) rotate(-90)`} textAnchor="middle">
          sessions
        </text>
        {/* Lower panel: sessions refused per bucket, on an axis of its own (growing downwards). */}
        <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={bottomTop} y2={bottomTop} />
        {series.map((p) => (p.refused > 0 ? <rect key={`r${p.t_s}`} className="chart-refused" x={x(p.t_s)} y={bottomTop} width={barW} height={(BOTTOM_H * p.refused) / bottom} /> : null))}
        <text className="chart-label" x={PAD.left - 6} y={bottomTop + 4} textAnchor="end">
          0
        </text>
        <text className="chart-label" x={PAD.left - 6} y={bottomBase} textAnchor="end">
          {bottom}
        </text>
        <text className="chart-axis-title" transform={`translate(12 ${bottomTop + BOTTOM_H / 2}) rotate(-90)`} textAnchor="middle">
          refused
        </text>
        {marks.map((m) => {
          const px = x(m.t_s);
          return (
            <g key={m.kind + m.t_s}>
              <line className={`chart-mark chart-mark-${m.kind}`} x1={px} x2={px} y1={PAD.top} y2={bottomBase} />
              <text className="chart-mark-label" x={anchorAt(px, 60) === 'start' ? px + 4 : px - 4} y={bottomBase - 6} textAnchor={anchorAt(px, 60)}>
                {m.kind === 'kill' ? 'kill' : 'restore'}
              </text>
            </g>
          );
        })}
        {kill && sealed && gapText ? (
          <g className={gapOver ? 'chart-gap chart-gap-over' : 'chart-gap'}>
            <line x1={x(kill.t_s)} x2={x(sealed.t_s)} y1={PAD.top - 12} y2={PAD.top - 12} />
            <line x1={x(kill.t_s)} x2={x(kill.t_s)} y1={PAD.top - 16} y2={PAD.top - 8} />
            <line x1={x(sealed.t_s)} x2={x(sealed.t_s)} y1={PAD.top - 16} y2={PAD.top - 8} />
            <text
              x={anchorAt(x(kill.t_s), gapText.length * 6.2) === 'start' ? x(kill.t_s) + 4 : x(sealed.t_s)}
              y={PAD.top - 17}
              textAnchor={anchorAt(x(kill.t_s), gapText.length * 6.2)}
            >
              {gapText}
            </text>
          </g>
        ) : null}
        {ticks.map((t) => (
          <text key={t} className="chart-label" x={x(t)} y={bottomBase + 14} textAnchor={t === 0 ? 'start' : x(t) > W - PAD.right - 30 ? 'end' : 'middle'}>
            {tickLabel(t)}
          </text>
        ))}
        <text className="chart-axis-title" x={PAD.left + plotW / 2} y={H - 4} textAnchor="middle">
          time since the drill started
        </text>
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-item">
          <span className="legend-line" /> live sessions (issued ones run out on their TTL)
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-accepted" /> sessions accepted
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-refused" /> refused (503 tenant_sealed)
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-sealed" /> tenant sealed
        </span>
        <span className="muted">bars per {humanDuration(bucket)}</span>
      </figcaption>
    </figure>
  );
}
