/** Small building blocks for the PDF's pages: tables, section heads, callouts, tiles. */
import { MANUAL_FAULT } from '../../drills/simulated-calls';
import { COLORS } from './theme';

export type Node = Record<string, unknown> | string | Node[];

export interface Column<T> {
  header: string;
  width?: number | string;
  cell: (row: T) => Node;
  align?: 'left' | 'right' | 'center';
}

const tableLayout = {
  hLineWidth: (i: number, node: { table: { body: unknown[] } }) => (i === 0 || i === node.table.body.length ? 0 : i === 1 ? 0.8 : 0.4),
  vLineWidth: () => 0,
  hLineColor: (i: number) => (i === 1 ? COLORS.axis : COLORS.rule),
  paddingLeft: (i: number) => (i === 0 ? 0 : 5),
  paddingRight: () => 5,
  paddingTop: () => 3.5,
  paddingBottom: () => 3.5,
};

function asCell(n: Node, align: Column<unknown>['align']): Node {
  const base = typeof n === 'string' ? { text: n } : Array.isArray(n) ? { stack: n } : n;
  return { style: 'td', alignment: align ?? 'left', ...base };
}

/** A table with a repeated header row; `empty` is said instead of an empty table. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): Node {
  if (rows.length === 0) return note(empty);
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: columns.map((c) => c.width ?? '*'),
      body: [columns.map((c) => ({ text: c.header.toUpperCase(), style: 'th', alignment: c.align ?? 'left' })), ...rows.map((r) => columns.map((c) => asCell(c.cell(r), c.align)))],
    },
    layout: tableLayout,
    margin: [0, 2, 0, 8],
  };
}

export function note(text: string): Node {
  return { text, style: 'note' };
}

/** A section head: number, title, the SOC 2 criteria it supports, a one-line purpose. */
export function sectionHead(num: number, title: string, criteria: readonly string[], lead: string, opts: { pageBreak?: boolean } = {}): Node {
  return {
    stack: [
      {
        columns: [
          // tocItem: the cover's contents list takes this title and its page number from here.
          { text: [{ text: `${num}  `, color: COLORS.brand }, title], style: 'h1', width: '*', tocItem: true, tocStyle: { fontSize: 9, color: COLORS.ink }, tocNumberStyle: { fontSize: 9, color: COLORS.muted } },
          { text: criteria.join('  ·  '), style: 'criteria', alignment: 'right', width: 'auto', margin: [0, 6, 0, 0] },
        ],
      },
      { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 499, y2: 0, lineWidth: 1.2, lineColor: COLORS.brand }], margin: [0, 2, 0, 6] },
      { text: lead, style: 'lead' },
    ],
    ...(opts.pageBreak ? { pageBreak: 'before' } : {}),
    id: `section-${num}`,
  };
}

export function subhead(text: string): Node {
  return { text, style: 'h2' };
}

export type Tone = 'good' | 'bad' | 'warn' | 'neutral';

const TONES: Record<Tone, { fg: string; bg: string }> = {
  good: { fg: COLORS.good, bg: COLORS.goodSoft },
  bad: { fg: COLORS.bad, bg: COLORS.badSoft },
  warn: { fg: COLORS.warn, bg: COLORS.warnSoft },
  neutral: { fg: COLORS.brand, bg: COLORS.brandSoft },
};

/** A shaded box with a bold verdict and a sentence: the finding, stated first. */
export function callout(tone: Tone, title: string, body: string): Node {
  const t = TONES[tone];
  return {
    table: { widths: ['*'], body: [[{ stack: [{ text: title, bold: true, color: t.fg, fontSize: 9.5 }, { text: body, fontSize: 8.5, color: COLORS.body, margin: [0, 2, 0, 0] }], fillColor: t.bg }]] },
    layout: { hLineWidth: () => 0, vLineWidth: (i: number) => (i === 0 ? 3 : 0), vLineColor: () => t.fg, paddingLeft: () => 9, paddingRight: () => 9, paddingTop: () => 6, paddingBottom: () => 6 },
    margin: [0, 2, 0, 8],
  };
}

/** A row of figure tiles: big number, small caption. */
export function tiles(items: readonly { value: string; label: string; tone?: Tone }[]): Node {
  return {
    table: {
      widths: items.map(() => '*'),
      body: [
        items.map((it) => ({
          stack: [
            { text: it.value, fontSize: 17, bold: true, color: it.tone ? TONES[it.tone].fg : COLORS.ink },
            { text: it.label, fontSize: 7.5, color: COLORS.muted, margin: [0, 1, 0, 0] },
          ],
          fillColor: COLORS.zebra,
        })),
      ],
    },
    layout: { hLineWidth: () => 0, vLineWidth: (i: number, node: { table: { widths: unknown[] } }) => (i === 0 || i === node.table.widths.length ? 0 : 6), vLineColor: () => '#ffffff', paddingLeft: () => 9, paddingRight: () => 6, paddingTop: () => 7, paddingBottom: () => 7 },
    margin: [0, 2, 0, 10],
  };
}

export function badge(text: string, tone: Tone): Node {
  return { text: text.toUpperCase(), fontSize: 6.5, bold: true, color: TONES[tone].fg };
}

export function mono(text: string): Node {
  return { text: breakable(text), style: 'mono' };
}

/** A drill's id as people read it elsewhere in the app: its first eight characters. */
export function drillRef(id: string): string {
  return id === MANUAL_FAULT ? 'a fault set by hand (kw fault set)' : `drill ${id.slice(0, 8)}`;
}

/** "124 simulated, from drill 1d7ae1bc; 3, from drill 9a0b2c3d" */
export function simulatedText(byDrill: readonly { drill_id: string; calls: number }[]): string {
  return byDrill.map((d, i) => `${count(d.calls)}${i === 0 ? ' simulated' : ''}, from ${drillRef(d.drill_id)}`).join('; ');
}

/** 2026-03-01T12:00:00.000Z → 2026-03-01 12:00:00 */
export function when(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '—';
}

export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 120) return `${+seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${+(seconds / 60).toFixed(1)} min`;
  if (seconds < 172800) return `${+(seconds / 3600).toFixed(1)} h`;
  return `${+(seconds / 86400).toFixed(1)} d`;
}

export const count = (n: number) => n.toLocaleString('en-US');

/** Lets long identifiers (ARNs, key paths) wrap after ':' and '/' with a zero-width space. */
export function breakable(text: string): string {
  return text.replace(/([:/@])/g, '$1\u200B');
}

/** Keeps a section head on the same page as the block after it. */
export function keepTogether(...nodes: Node[]): Node {
  return { stack: nodes, unbreakable: true };
}
