/**
 * A SOC 2 evidence package over a large period, through the real engine on a real
 * SQLite file. `--events N` (default 100,000): 80% KMS calls, 20% audit entries, over a
 * 90-day quarter. Figures:
 *   report.events           KMS calls + audit entries in the package
 *   report.seconds          `report.export` end to end: gather, stream JSON + CSV, PDF,
 *                           checkpoint + proofs, signed manifest, zip, audit entry
 *   report.peak_mib         highest RSS sampled (every 10 ms) during the export
 *   report.rss_growth_mib   peak minus the RSS just before the export
 *   report.bytes            bytes in the package folder
 *   report.floor_seconds    writing the same JSON and CSV bytes to files and SHA-256
 *                           hashing them, no engine (the bytes are in memory beforehand)
 *   report.ratio            seconds / floor_seconds
 *   report.data_ratio       the JSON + CSV phase alone (read, serialize, write, hash) / floor_seconds
 *   report.phase.*_s        seconds per phase (gathering, writing_data, rendering_pdf, ...)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from 'better-sqlite3';
import { ManualClock } from '../../core/clock';
import { openKeywarden } from '../../core/keywarden';
import { createTenant } from '../../core/engine/tenants';
import { exportReport } from '../../core/report/export';
import type { Bench } from './index';

const CALLER = { actor: 'auditor@workstation-07', address: 'local' };
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

function seedCalls(db: Database, tenantId: string, n: number): void {
  const insert = db.prepare(
    `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, outcome, error_message, duration_ms)
     VALUES (?, ?, 'aws', 'arn:aws:kms:eu-west-1:111122223333:key/6a1f-bench', 1, ?, ?, 'arn:aws:sts::111122223333:assumed-role/Keywarden/app', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const failed = i % 1000 === 0;
      insert.run(new Date(START + Math.floor((i * 89 * DAY) / n)).toISOString(), tenantId, i % 4 ? 'unwrap' : 'wrap', `kwc-${i.toString(36)}-bench`, failed ? 'access_denied' : 'ok', failed ? 'AccessDeniedException' : null, 15 + (i % 50));
    }
  })();
}

function files(root: string, rel = ''): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(root, path.join(rel, d.name)) : [path.join(rel, d.name)]));
}

/** The floor: the same data bytes written and hashed, nothing else. */
async function floorSeconds(folder: string, scratch: string): Promise<number> {
  const data = files(folder)
    .filter((f) => f.endsWith('.json') || f.endsWith('.csv'))
    .map((f) => fs.readFileSync(path.join(folder, f)));
  const t0 = performance.now();
  for (const [i, bytes] of data.entries()) {
    const h = createHash('sha256');
    const out = fs.createWriteStream(path.join(scratch, `floor-${i}`));
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      const chunk = bytes.subarray(at, at + 64 * 1024);
      h.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    h.digest();
    await new Promise<void>((r) => out.end(() => r()));
  }
  return (performance.now() - t0) / 1000;
}

export const bench: Bench = {
  name: 'report',
  async run(args) {
    const events = args.sizes.events ?? 100_000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-bench-report-'));
    const clock = new ManualClock(START);
    const kw = openKeywarden({ dataDir: dir, clock, env: {} });
    try {
      const acme = await createTenant(kw.ctx, CALLER, { slug: 'acme', wrap: 'local' });
      const db = (kw.ctx.store as unknown as { db: Database }).db;
      const auditEntries = Math.floor(events * 0.2);
      seedCalls(db, acme.id, events - auditEntries - 1);
      kw.ctx.store.transaction(() => {
        for (let i = 1; i < auditEntries; i++) {
          clock.set(START + Math.floor((i * 89 * DAY) / auditEntries));
          kw.ctx.audit.append(CALLER, 'record.updated', acme.id, { tenant: 'acme', table: 'secret_environment_configs', name: `config-${i}`, key_version: 1 });
        }
      });
      clock.set(START + 95 * DAY);
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const t0 = performance.now();
      const phaseStart = new Map<string, number>();
      const r = await exportReport(kw, CALLER, { from: '2026-01-01', to: '2026-03-31', out: path.join(dir, 'out') }, (p) => {
        if (!phaseStart.has(p.phase)) phaseStart.set(p.phase, performance.now());
      });
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const floor = await floorSeconds(r.folder, dir);
      // Seconds per phase, from each phase's first progress event to the next phase's.
      const marks = [...phaseStart.entries()];
      const phases = Object.fromEntries(marks.slice(0, -1).map(([name, at], i) => [`report.phase.${name}_s`, (marks[i + 1]![1] - at) / 1000]));
      return {
        'report.events': r.kms_calls + r.audit_entries,
        'report.seconds': seconds,
        'report.peak_mib': peak / 1024 / 1024,
        'report.rss_growth_mib': (peak - before) / 1024 / 1024,
        'report.bytes': r.bytes,
        'report.floor_seconds': floor,
        'report.ratio': seconds / floor,
        'report.data_ratio': (phases['report.phase.writing_data_s'] ?? Number.NaN) / floor,
        ...phases,
      };
    } finally {
      await kw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
