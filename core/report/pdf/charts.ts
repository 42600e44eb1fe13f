/**
 * Charts for the PDF, as SVG that pdfmake turns into vector paths (crisp at any zoom,
 * text stays text). Pure functions of the data; sizes in points.
 */
import type { DayCount } from '../sources/activity';
import { COLORS } from './theme';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const FONT = 'font-family="Roboto"';

function svg(width: number, height: number, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body.join('')}</svg>`;
}

function text(x: number, y: number, s: string, opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; color?: string; bold?: boolean } = {}): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} font-size="${opts.size ?? 7}" fill="${opts.color ?? COLORS.muted}" text-anchor="${opts.anchor ?? 'start'}"${opts.bold ? ' font-weight="bold"' : ''}>${esc(s)}</text>`;
}

/** A tidy axis maximum (1, 2, 2.5, 5 × 10^k) at or above `n`. */
export function niceMax(n: number): number {
  if (n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

export function compact(n: number): string {
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${+(n / 1000).toFixed(1)}k`;
  return String(+n.toFixed(1));
}

/**
 * The days the daily chart draws: from the first day with a call (zoomed to where the
 * activity is) to the day the figures end (the export, for a period not yet over).
 */
export function chartDays(days: readonly string[], counts: readonly DayCount[], lastDay: string): string[] {
  const first = counts.length > 0 ? counts.reduce((a, c) => (c.day < a ? c.day : a), counts[0]!.day) : days[0];
  return days.filter((d) => (first === undefined || d >= first) && d <= lastDay);
}

/** KMS calls per day: succeeded, then real failures, then a drill's simulated failures, stacked. */
export function dailyCallsChart(days: readonly string[], counts: readonly DayCount[], width: number, height: number): string {
  const byDay = new Map(counts.map((c) => [c.day, c]));
  const left = 34;
  const bottom = 16;
  const top = 6;
  const plotW = width - left - 4;
  const plotH = height - bottom - top;
  const max = niceMax(Math.max(1, ...counts.map((c) => c.ok + c.failed + c.simulated)));
  const body: string[] = [];
  // Whole-number gridlines: counts are never fractional.
  const steps = [4, 5, 2, 1].find((s) => Number.isInteger(max / s)) ?? 1;
  for (let i = 0; i <= steps; i++) {
    const y = top + plotH - (plotH * i) / steps;
    body.push(`<line x1="${left}" y1="${y.toFixed(1)}" x2="${width - 4}" y2="${y.toFixed(1)}" stroke="${i === 0 ? COLORS.axis : COLORS.grid}" stroke-width="${i === 0 ? 0.8 : 0.5}"/>`);
    body.push(text(left - 4, y + 2.5, compact((max * i) / steps), { anchor: 'end' }));
  }
  const n = Math.max(1, days.length);
  const slot = plotW / n;
  const barW = Math.max(0.6, slot * 0.72);
  days.forEach((d, i) => {
    const c = byDay.get(d);
    const x = left + i * slot + (slot - barW) / 2;
    if (c) {
      const hOk = (plotH * c.ok) / max;
      const hFail = (plotH * c.failed) / max;
      if (hOk > 0) body.push(`<rect x="${x.toFixed(2)}" y="${(top + plotH - hOk).toFixed(2)}" width="${barW.toFixed(2)}" height="${hOk.toFixed(2)}" fill="${COLORS.brand}"/>`);
      const failTop = top + plotH - hOk - (hFail > 0 ? Math.max(hFail, 0.8) : 0);
      if (hFail > 0) body.push(`<rect x="${x.toFixed(2)}" y="${failTop.toFixed(2)}" width="${barW.toFixed(2)}" height="${Math.max(hFail, 0.8).toFixed(2)}" fill="${COLORS.bad}"/>`);
      const hSim = c.simulated > 0 ? Math.max((plotH * c.simulated) / max, 0.8) : 0;
      if (hSim > 0) body.push(`<rect x="${x.toFixed(2)}" y="${(failTop - hSim).toFixed(2)}" width="${barW.toFixed(2)}" height="${hSim.toFixed(2)}" fill="${COLORS.simulated}"/>`);
    }
  });
  const labels = Math.min(days.length, 6);
  for (let k = 0; k < labels; k++) {
    const i = labels === 1 ? 0 : Math.round((k * (days.length - 1)) / (labels - 1));
    const d = days[i]!;
    body.push(text(left + i * slot + slot / 2, height - 4, d.slice(5), { anchor: k === 0 ? 'start' : k === labels - 1 ? 'end' : 'middle' }));
  }
  return svg(width, height, body);
}

export interface BarItem {
  label: string;
  value: number;
  color: string;
}

/** Labelled horizontal bars with the value at the end of each. */
export function horizontalBars(
  items: readonly BarItem[],
  width: number,
  opts: { labelWidth?: number; rowHeight?: number; marker?: { value: number; label: string }; format?: (n: number) => string } = {},
): string {
  const format = opts.format ?? compact;
  const labelW = opts.labelWidth ?? 120;
  const rowH = opts.rowHeight ?? 16;
  const plotW = width - labelW - 44;
  const max = niceMax(Math.max(1, ...items.map((i) => i.value), opts.marker?.value ?? 0));
  const height = items.length * rowH + (opts.marker ? 14 : 4);
  const body: string[] = [];
  items.forEach((it, i) => {
    const y = i * rowH + 2;
    const w = it.value > 0 ? Math.max(1.5, (plotW * it.value) / max) : 0;
    body.push(text(labelW - 6, y + rowH / 2 + 2, it.label, { anchor: 'end', color: COLORS.ink, size: 7.5 }));
    body.push(`<rect x="${labelW}" y="${y + 3}" width="${plotW}" height="${rowH - 6}" fill="${COLORS.track}"/>`);
    if (w > 0) body.push(`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(2)}" height="${rowH - 6}" fill="${it.color}"/>`);
    body.push(text(labelW + plotW + 6, y + rowH / 2 + 2.5, format(it.value), { color: COLORS.ink, size: 7.5, bold: true }));
  });
  if (opts.marker) {
    const x = labelW + (plotW * opts.marker.value) / max;
    body.push(`<line x1="${x.toFixed(1)}" y1="0" x2="${x.toFixed(1)}" y2="${items.length * rowH + 2}" stroke="${COLORS.bad}" stroke-width="0.9" stroke-dasharray="3,2"/>`);
    body.push(text(x, items.length * rowH + 11, opts.marker.label, { anchor: 'middle', color: COLORS.bad, size: 7 }));
  }
  return svg(width, height, body);
}

export interface LaneSegment {
  /** ISO times; `end` null means still so at the end of the period. */
  start: string;
  end: string | null;
  color: string;
}

export interface Lane {
  label: string;
  segments: LaneSegment[];
  /** A tick at a moment (a revocation), drawn over the segments. */
  marker: { at: string; color: string } | null;
  note: string;
}

/** Periods shorter than this get times on their axis labels, not only dates. */
const DATE_ONLY_FROM_MS = 8 * 86_400_000;

/**
 * `count` evenly spaced labels (UTC) from t0 to t1: dates for long periods, month-day and
 * time for short ones, where five dates would mostly repeat. A label equal to the one
 * before it is left empty.
 */
export function timeAxisLabels(t0: number, t1: number, count: number): string[] {
  const withTime = t1 - t0 < DATE_ONLY_FROM_MS;
  const labels = Array.from({ length: count }, (_, k) => {
    const iso = new Date(t0 + ((t1 - t0) * k) / Math.max(1, count - 1)).toISOString();
    return withTime ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  });
  return labels.map((l, k) => (k > 0 && l === labels[k - 1] ? '' : l));
}

/**
 * One lane per key version, from the period's start (or the first version's creation,
 * if later: zoomed to where something happened) to where the figures end (`to`: the
 * export, for a period not yet over).
 */
export function timelineChart(lanes: readonly Lane[], period: { from: string; to: string }, width: number): string {
  const labelW = 92;
  const rowH = 15;
  const plotW = width - labelW - 8;
  const t1 = Date.parse(period.to);
  const firstStart = Math.min(...lanes.flatMap((l) => l.segments.map((s) => Date.parse(s.start))));
  // A little room before the first creation, so its bar does not sit on the axis.
  const zoomed = Number.isFinite(firstStart) ? firstStart - (t1 - firstStart) * 0.02 : -Infinity;
  const t0 = Math.min(t1 - 60_000, Math.max(Date.parse(period.from), zoomed));
  const xAt = (iso: string | null) => {
    const t = iso === null ? t1 : Math.min(Math.max(Date.parse(iso), t0), t1);
    return labelW + (plotW * (t - t0)) / (t1 - t0);
  };
  const height = lanes.length * rowH + 18;
  const body: string[] = [];
  timeAxisLabels(t0, t1, 5).forEach((label, k) => {
    const x = labelW + (plotW * k) / 4;
    body.push(`<line x1="${x.toFixed(1)}" y1="0" x2="${x.toFixed(1)}" y2="${lanes.length * rowH}" stroke="${COLORS.grid}" stroke-width="0.5"/>`);
    if (label) body.push(text(x, lanes.length * rowH + 10, label, { anchor: k === 0 ? 'start' : k === 4 ? 'end' : 'middle' }));
  });
  lanes.forEach((l, i) => {
    const y = i * rowH;
    body.push(text(labelW - 6, y + rowH / 2 + 2.5, l.label, { anchor: 'end', color: COLORS.ink, size: 7.5 }));
    let right = labelW;
    for (const seg of l.segments) {
      const x0 = xAt(seg.start);
      const x1 = Math.max(xAt(seg.end), x0 + 1.5);
      if (seg.end !== null && Date.parse(seg.end) < t0) continue; // over before the period began
      body.push(`<rect x="${x0.toFixed(2)}" y="${y + 3.5}" width="${(x1 - x0).toFixed(2)}" height="${rowH - 7}" fill="${seg.color}"/>`);
      right = Math.max(right, x1);
    }
    if (l.marker) {
      const x = xAt(l.marker.at);
      body.push(`<rect x="${(x - 1.2).toFixed(2)}" y="${y + 1.5}" width="2.4" height="${rowH - 3}" fill="${l.marker.color}"/>`);
      right = Math.max(right, x + 1.2);
    }
    // The note goes after the bar when there is room; the table below has every date anyway.
    if (l.note && right + 4 + l.note.length * 3.3 < labelW + plotW) body.push(text(right + 4, y + rowH / 2 + 2.5, l.note, { size: 6.5 }));
  });
  return svg(width, height, body);
}

/** A small progress bar for table cells. */
export function progressBar(percent: number, width = 70, color: string = COLORS.good): string {
  const w = Math.max(0, Math.min(100, percent)) * (width / 100);
  return svg(width, 8, [`<rect x="0" y="1" width="${width}" height="6" rx="3" fill="${COLORS.track}"/>`, w > 0 ? `<rect x="0" y="1" width="${w.toFixed(2)}" height="6" rx="3" fill="${color}"/>` : '']);
}
