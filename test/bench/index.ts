/**
 * `npm run bench [-- --only NAME[,NAME]] [--rows N] [--entries N] [--events N]`
 *
 * Runs every `*.bench.ts` module in this folder (or the ones named with --only) and prints
 * each figure on its own line as `name: value`, so scripts can read them. A module
 * exports `bench: Bench`; it measures its own floor in the same run and reports ratios
 * against it, because this machine is shared and absolute numbers drift.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchArgs {
  /** --rows, --entries, --events: sizes; a module reads the one it understands. */
  sizes: { rows?: number; entries?: number; events?: number };
}

export interface Bench {
  /** Short name used by --only and as the figures' prefix (e.g. `rewrap`). */
  name: string;
  run(args: BenchArgs): Promise<Record<string, number | string>>;
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} must be a positive whole number (got "${raw}")`);
  return n;
}

export function formatFigure(name: string, value: number | string): string {
  const shown = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1)) : value;
  return `${name}: ${shown}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, rows: { type: 'string' }, entries: { type: 'string' }, events: { type: 'string' } },
    strict: true,
  });
  const dir = __dirname;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const benches: Bench[] = [];
  for (const f of files) {
    const mod = (await import(path.join(dir, f))) as { bench?: Bench };
    if (!mod.bench) throw new Error(`${f} does not export \`bench\``);
    benches.push(mod.bench);
  }
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()) : benches.map((b) => b.name);
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
  const args: BenchArgs = {
    sizes: { rows: positiveInt('rows', values.rows), entries: positiveInt('entries', values.entries), events: positiveInt('events', values.events) },
  };
  console.log(`bench.node: ${process.version}`);
  for (const b of benches.filter((x) => wanted.includes(x.name))) {
    const figures = await b.run(args);
    for (const [k, v] of Object.entries(figures)) console.log(formatFigure(k.startsWith(`${b.name}.`) ? k : `${b.name}.${k}`, v));
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
