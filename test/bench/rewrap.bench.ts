/**
 * Rewrap throughput against two floors, on copies of one database (N records on version 1
 * of a local tenant, rotated to version 2). Figures (the harness prints them):
 *   rewrap.rows                 records moved by each side
 *   rewrap.plain_floor_rows_s   the plain loop (issue 19), no engine code: the records copied
 *                               in physical order to integer-keyed tables with no other
 *                               index; rowid order, 1000-row batches: select a batch, unwrap
 *                               and re-wrap each DEK with AES-256-GCM, update, one transaction
 *                               a batch, WAL, synchronous=NORMAL
 *   rewrap.floor_rows_s         the older floor, in the engine's former shape: text ids in id
 *                               order, 100-row batches
 *   rewrap.engine_rows_s        the engine, run as the app runs it: the background rewrap
 *                               with its default pace and batch sizing, in a fresh process
 *                               (lease, fencing, interleave, counters and heartbeat in every
 *                               batch's transaction, progress, yields to the event loop)
 *   rewrap.plain_ratio          engine_rows_s / plain_floor_rows_s (target >= 0.6)
 *   rewrap.ratio                engine_rows_s / floor_rows_s
 *   rewrap.kms_calls            provider calls one engine run made (one per involved version)
 *   rewrap.peak_mib             peak RSS of the engine's process above its baseline (opened,
 *                               before the rewrap), sampled every 20 ms; baseline_mib beside it
 *   rewrap.*_cpu_rows_s, ratio_cpu  the older floor and the engine per CPU second (user + system)
 * Rounds (2, or 1 from 500,000 rows) alternate the three sides, each on a fresh copy; the
 * best of each counts, because this machine is shared and its load drifts.
 * `npm run bench -- --only rewrap [--rows N]` (default 200,000).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { MethodInput, MethodName, MethodResult } from '../../core/api/contract';
import { dispatch } from '../../core/api/dispatch';
import { createHandlers } from '../../core/api/handlers';
import { open, seal } from '../../core/crypto/aead';
import { dekBinding, type RecordTable } from '../../core/crypto/bindings';
import { unwrappedKey } from '../../core/engine/master-keys';
import { DATABASE_FILE, openKeywarden, type Keywarden } from '../../core/keywarden';
import { openDatabase } from '../../core/store/database';
import type { Bench } from './index';

const TABLES: RecordTable[] = ['secret_environment_configs', 'integration_configs'];
const BATCH = 100;
const PLAIN_BATCH = 1000;
const ENGINE_CHILD = path.join(__dirname, 'rewrap-engine-child.ts');
const CALLER = { actor: 'bench@localhost', address: 'bench' };
const PASSPHRASE = 'bench passphrase, not a secret';

async function call<K extends MethodName>(kw: Keywarden, method: K, input: MethodInput<K>): Promise<MethodResult<K>> {
  const out = await dispatch(createHandlers(kw), method, input, CALLER);
  if (!out.ok) throw new Error(`${method}: ${out.error.code} ${out.error.message}`);
  return out.value as MethodResult<K>;
}

/** A data dir with `rows` records on version 1, rotated to 2; returns the tenant and both master keys. */
export async function prepare(dir: string, rows: number): Promise<{ tenantId: string; keys: Map<number, Buffer> }> {
  const kw = openKeywarden({ dataDir: dir, env: {} });
  try {
    await call(kw, 'auth.init', { passphrase: PASSPHRASE });
    const tenant = await call(kw, 'tenant.create', { slug: 'bench', wrap: 'local' });
    await call(kw, 'record.seedSample', { tenant: 'bench', rows, prefix: 'bench' });
    const { token } = await call(kw, 'auth.stepUp', { passphrase: PASSPHRASE, purpose: 'rotate', tenant: 'bench' });
    await call(kw, 'keys.rotate', { tenant: 'bench', step_up_token: token });
    const t = kw.ctx.store.tenantById(tenant.id)!;
    const keys = new Map<number, Buffer>();
    // Copies: closing the engine zeroes its cached keys.
    for (const v of [1, 2]) keys.set(v, Buffer.from(await unwrappedKey(kw.ctx, t, kw.ctx.store.keyVersion(t.id, v)!)));
    return { tenantId: t.id, keys };
  } finally {
    await kw.close();
  }
}

export function copyDataDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/** Today's floor: the engine's own shape (text ids in id order, 100-row batches), written plainly. Returns rows moved. */
export function floorRewrap(dir: string, tenantId: string, keys: Map<number, Buffer>, target: number): number {
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  const toKey = keys.get(target)!;
  let moved = 0;
  try {
    for (const table of TABLES) {
      const select = db.prepare(`SELECT id, key_version, wrapped_dek FROM ${table} WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`);
      const update = db.prepare(`UPDATE ${table} SET key_version = ?, wrapped_dek = ? WHERE id = ? AND key_version = ?`);
      let after = '';
      for (;;) {
        const batch = select.all(tenantId, after, BATCH) as { id: string; key_version: number; wrapped_dek: Buffer }[];
        if (batch.length === 0) break;
        const out: [string, number, Buffer][] = [];
        for (const r of batch) {
          if (r.key_version === target) continue;
          const dek = open(keys.get(r.key_version)!, r.wrapped_dek, dekBinding(tenantId, table, r.id, r.key_version));
          out.push([r.id, r.key_version, seal(toKey, dek, dekBinding(tenantId, table, r.id, target))]);
          dek.fill(0);
        }
        db.transaction(() => {
          for (const [id, from, wrapped] of out) moved += update.run(target, wrapped, id, from).changes;
        })();
        after = batch[batch.length - 1]!.id;
      }
    }
  } finally {
    db.close();
  }
  return moved;
}

/**
 * The plain floor (issue 19): no engine code, and not the engine's schema. Each record
 * table is copied, in its physical order, to an integer-keyed table with no other index
 * (the text id kept only as the DEK binding needs it). Returns the file.
 */
export function buildPlainBase(baseDir: string, file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`ATTACH DATABASE '${path.join(baseDir, DATABASE_FILE).replace(/'/g, "''")}' AS base`);
    for (const table of TABLES) {
      db.exec(`CREATE TABLE ${table} (n INTEGER PRIMARY KEY, id TEXT NOT NULL, key_version INTEGER NOT NULL, wrapped_dek BLOB NOT NULL, ciphertext BLOB NOT NULL)`);
      db.exec(`INSERT INTO ${table} (n, id, key_version, wrapped_dek, ciphertext) SELECT seq, id, key_version, wrapped_dek, ciphertext FROM base.${table} ORDER BY seq`);
    }
    db.exec('DETACH DATABASE base');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The plain loop: rowid order, 1000-row batches, select, unwrap and re-wrap each DEK, update, one transaction a batch. */
export function plainFloorRewrap(file: string, tenantId: string, keys: Map<number, Buffer>, target: number): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const toKey = keys.get(target)!;
  let moved = 0;
  try {
    for (const table of TABLES) {
      const select = db.prepare(`SELECT n, id, key_version, wrapped_dek FROM ${table} WHERE n > ? ORDER BY n LIMIT ${PLAIN_BATCH}`);
      const update = db.prepare(`UPDATE ${table} SET key_version = ?, wrapped_dek = ? WHERE n = ?`);
      let after = 0;
      for (;;) {
        const batch = select.all(after) as { n: number; id: string; key_version: number; wrapped_dek: Buffer }[];
        if (batch.length === 0) break;
        db.transaction(() => {
          for (const r of batch) {
            if (r.key_version === target) continue;
            const dek = open(keys.get(r.key_version)!, r.wrapped_dek, dekBinding(tenantId, table, r.id, r.key_version));
            moved += update.run(target, seal(toKey, dek, dekBinding(tenantId, table, r.id, target)), r.n).changes;
            dek.fill(0);
          }
        })();
        after = batch[batch.length - 1]!.n;
      }
    }
  } finally {
    db.close();
  }
  return moved;
}

interface EngineRun {
  ms: number;
  cpuMs: number;
  kmsCalls: number;
  moved: number;
  outcomes: string[];
  baseline: number;
  peak: number;
}

/** The engine's rewrap of a copy, in a fresh process running the app's background rewrap with its defaults. */
function engineRewrap(dir: string, rows: number): EngineRun {
  const out = execFileSync(process.execPath, ['--import', 'tsx', ENGINE_CHILD, dir], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', maxBuffer: 1 << 20 });
  const run = JSON.parse(out.trim().split('\n').at(-1)!) as EngineRun;
  if (run.outcomes.join(',') !== 'done' || run.moved !== rows) {
    throw new Error(`rewrap bench: the engine moved ${run.moved} of ${rows} rows (${run.outcomes.join(',')})`);
  }
  return run;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Floor, plain floor and engine alternate, each on a fresh copy of one base; the best of each counts (the machine is shared). */
function roundsFor(rows: number): number {
  return rows >= 500_000 ? 1 : 2;
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

export const bench: Bench = {
  name: 'rewrap',
  async run(args) {
    const rows = args.sizes.rows ?? 200_000;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-bench-rewrap-'));
    try {
      const base = path.join(root, 'base');
      const { tenantId, keys } = await prepare(base, rows);
      const plainBase = path.join(root, 'plain.db');
      buildPlainBase(base, plainBase);
      let floorMs = Infinity;
      let floorCpuMs = Infinity;
      let plainMs = Infinity;
      let engine = { ms: Infinity, cpuMs: Infinity, kmsCalls: 0, peakAbove: 0, baseline: 0 };
      for (let round = 0; round < roundsFor(rows); round++) {
        const floorDir = path.join(root, `floor-${round}`);
        copyDataDir(base, floorDir);
        const c0 = process.cpuUsage();
        const f0 = performance.now();
        const floorMoved = floorRewrap(floorDir, tenantId, keys, 2);
        floorMs = Math.min(floorMs, performance.now() - f0);
        floorCpuMs = Math.min(floorCpuMs, cpuMsSince(c0));
        if (floorMoved !== rows) throw new Error(`rewrap bench: the floor moved ${floorMoved} of ${rows} rows`);
        fs.rmSync(floorDir, { recursive: true, force: true });

        const plainFile = path.join(root, `plain-${round}.db`);
        fs.copyFileSync(plainBase, plainFile);
        const p0 = performance.now();
        const plainMoved = plainFloorRewrap(plainFile, tenantId, keys, 2);
        plainMs = Math.min(plainMs, performance.now() - p0);
        if (plainMoved !== rows) throw new Error(`rewrap bench: the plain floor moved ${plainMoved} of ${rows} rows`);
        for (const f of [plainFile, `${plainFile}-wal`, `${plainFile}-shm`]) fs.rmSync(f, { force: true });

        const engineDir = path.join(root, `engine-${round}`);
        copyDataDir(base, engineDir);
        const e = engineRewrap(engineDir, rows);
        engine = {
          ms: Math.min(engine.ms, e.ms),
          cpuMs: Math.min(engine.cpuMs, e.cpuMs),
          kmsCalls: Math.max(engine.kmsCalls, e.kmsCalls),
          peakAbove: Math.max(engine.peakAbove, e.peak - e.baseline),
          baseline: Math.max(engine.baseline, e.baseline),
        };
        fs.rmSync(engineDir, { recursive: true, force: true });
      }
      for (const k of keys.values()) k.fill(0);
      const floorRate = rows / (floorMs / 1000);
      const plainRate = rows / (plainMs / 1000);
      const engineRate = rows / (engine.ms / 1000);
      return {
        rows,
        plain_floor_rows_s: Math.round(plainRate),
        floor_rows_s: Math.round(floorRate),
        engine_rows_s: Math.round(engineRate),
        plain_ratio: engineRate / plainRate,
        ratio: engineRate / floorRate,
        kms_calls: engine.kmsCalls,
        floor_cpu_rows_s: Math.round(rows / (floorCpuMs / 1000)),
        engine_cpu_rows_s: Math.round(rows / (engine.cpuMs / 1000)),
        ratio_cpu: floorCpuMs / engine.cpuMs,
        peak_mib: mib(engine.peakAbove),
        baseline_mib: mib(engine.baseline),
      };
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
