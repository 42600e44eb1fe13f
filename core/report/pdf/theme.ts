/** The PDF's palette and text styles: one place, so every page reads as one document. */
export const COLORS = {
  brand: '#4f46e5',
  brandSoft: '#eef2ff',
  ink: '#0f172a',
  body: '#334155',
  muted: '#64748b',
  rule: '#e2e8f0',
  grid: '#eef0f4',
  axis: '#94a3b8',
  track: '#f1f5f9',
  zebra: '#f8fafc',
  good: '#15803d',
  goodSoft: '#dcfce7',
  bad: '#dc2626',
  badSoft: '#fee2e2',
  warn: '#b45309',
  warnSoft: '#fef3c7',
  retired: '#94a3b8',
  /** A drill's injected failures: shown apart from real ones. */
  simulated: '#f59e0b',
} as const;

export const STYLES = {
  h1: { fontSize: 16, bold: true, color: COLORS.ink, margin: [0, 0, 0, 4] },
  h2: { fontSize: 10.5, bold: true, color: COLORS.ink, margin: [0, 12, 0, 5] },
  lead: { fontSize: 9, color: COLORS.body, margin: [0, 0, 0, 8], lineHeight: 1.25 },
  criteria: { fontSize: 7.5, color: COLORS.brand, bold: true },
  small: { fontSize: 7.5, color: COLORS.muted },
  th: { fontSize: 7.5, bold: true, color: COLORS.muted },
  td: { fontSize: 8, color: COLORS.ink },
  mono: { font: 'Courier', fontSize: 7.5, color: COLORS.ink },
  note: { fontSize: 8.5, color: COLORS.muted, italics: true, margin: [0, 2, 0, 6] },
} as const;
