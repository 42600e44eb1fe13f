/**
 * The rewrap bench's engine side, in a fresh process so its memory is its own: opens a
 * data dir, notes the RSS baseline, runs the app's background rewrap with its default
 * options (pace and batch size as the window and web host use them) until every job has
 * finished, and prints one JSON line: wall and CPU ms, provider calls, rows moved,
 * baseline and peak RSS. Run as: node --import tsx rewrap-engine-child.ts DATA_DIR
 */
import { performance } from 'node:perf_hooks';
import { openKeywarden } from '../../core/keywarden';
import { startBackgroundRewrap } from '../../core/rewrap/background';
import type { RewrapRunResult } from '../../core/rewrap';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: rewrap-engine-child.ts DATA_DIR');
  const kw = openKeywarden({ dataDir, env: {} });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const callsBefore = kw.ctx.store.listKmsCalls({ limit: 1_000_000 }).length;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results: RewrapRunResult[] = [];
  await new Promise<void>((resolve, reject) => {
    const runner = startBackgroundRewrap(kw.ctx, {
      onResult: (r) => {
        results.push(r);
        if (r.outcome !== 'paused') void runner.stop().then(resolve, reject);
      },
      onError: (e) => void runner.stop().then(() => reject(e as Error), reject),
    });
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const out = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    kmsCalls: kw.ctx.store.listKmsCalls({ limit: 1_000_000 }).length - callsBefore,
    moved: results.reduce((n, r) => n + r.job.processed, 0),
    outcomes: results.map((r) => r.outcome),
    baseline,
    peak,
  };
  await kw.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`rewrap-engine-child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
