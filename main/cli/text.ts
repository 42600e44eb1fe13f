/** Plain-text building blocks for human CLI output: aligned tables, label/value blocks, counts. */

/** Columns padded to their widest cell; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** "label:   value" lines, labels aligned; null values are left out. */
export function fields(pairs: [string, string | number | null | undefined][]): string {
  const shown = pairs.filter((p): p is [string, string | number] => p[1] !== null && p[1] !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length)) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v}`).join('\n');
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}
