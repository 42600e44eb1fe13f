/**
 * Large cross-checks run on a worker thread, so the host that serves the window keeps
 * answering: the run stored there is the run this thread would have stored, and a
 * worker that cannot start leaves the work here.
 */
import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCallColumns } from '../../core/evidence/call-columns';
import { runCrosscheck, runCrosscheckWith } from '../../core/evidence/crosscheck';
import { readCallsOffThread } from '../../core/evidence/crosscheck-thread';
import { DEFAULT_SETTINGS } from '../../core/evidence/settings';
import { EvidenceStore } from '../../core/evidence/store';
import { openKeywarden, type Keywarden, type KeywardenOptions } from '../../core/keywarden';
import { sourceWorkerEntry } from '../../core/workers/launch';
import { generate } from '../support/crosscheck-data';
import { CALLER, tempDir } from '../support/engine-fixture';

const PERIOD = { from: '2026-01-04T23:00:00.000Z', to: '2026-01-05T01:00:00.000Z' };
const open: Keywarden[] = [];
afterEach(async () => {
  for (const kw of open.splice(0)) await kw.close();
});

/** 3,000 calls and 3,000 provider records with every class in them (see the bench). */
async function seededDir(): Promise<string> {
  const dir = tempDir();
  const kw = openKeywarden({ dataDir: dir, env: {}, worker: null });
  generate(dbOf(kw), 3000);
  await kw.close();
  return dir;
}

function dbOf(kw: Keywarden): Database {
  return (kw.ctx.store as unknown as { db: Database }).db;
}

function engineOn(source: string, options: Partial<KeywardenOptions>): Keywarden {
  const dir = tempDir();
  for (const f of fs.readdirSync(source)) fs.copyFileSync(path.join(source, f), path.join(dir, f));
  const kw = openKeywarden({ dataDir: dir, env: {}, ...options });
  open.push(kw);
  return kw;
}

function storedResults(kw: Keywarden, runId: number): unknown[] {
  return dbOf(kw).prepare('SELECT seq, class, call_id, event_row, matched_by, gap_ms, reason FROM evidence_results WHERE run_id = ? ORDER BY seq').raw().all(runId);
}

describe('a cross-check on a worker thread', () => {
  it('stores the same run, results and audit entry as one run in this thread', async () => {
    const seeded = await seededDir();
    const here = engineOn(seeded, { worker: null });
    const there = engineOn(seeded, { crosscheckOffThreadMinRows: 0 });
    const a = await here.evidence.crosscheck(PERIOD, CALLER);
    const pending = there.evidence.crosscheck(PERIOD, CALLER);
    // The request thread has control back before the run is done.
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    const b = await pending;
    expect(b.counts).toMatchObject({ matched: expect.any(Number), provider_only: 3, app_only_missing: 3, failed_call: 1 });
    expect({ ...b, at: a.at }).toEqual(a);
    expect(storedResults(there, b.run_id)).toEqual(storedResults(here, a.run_id));
    const audited = dbOf(there).prepare("SELECT payload FROM audit_log WHERE action = 'evidence.crosscheck'").pluck().all();
    expect(audited).toHaveLength(1);
    const nonZero = Object.fromEntries(Object.entries(b.counts).filter(([, n]) => n > 0));
    expect(JSON.parse(audited[0] as string)).toMatchObject({ run_id: b.run_id, counts: nonZero });
  });

  it('runs one cross-check at a time, each stored as its own run', async () => {
    const there = engineOn(await seededDir(), { crosscheckOffThreadMinRows: 0 });
    const [first, second] = await Promise.all([there.evidence.crosscheck(PERIOD, CALLER), there.evidence.crosscheck(PERIOD, CALLER)]);
    expect(second.run_id).toBe(first.run_id + 1);
    expect(second.counts).toEqual(first.counts);
  });

  it('stays in this thread when no worker can start, with the same outcome', async () => {
    const seeded = await seededDir();
    const broken = engineOn(seeded, { crosscheckOffThreadMinRows: 0, worker: { file: '/nonexistent/engine-worker.js' } });
    const here = engineOn(seeded, { worker: null });
    const a = await here.evidence.crosscheck(PERIOD, CALLER);
    const b = await broken.evidence.crosscheck(PERIOD, CALLER);
    expect(b.counts).toEqual(a.counts);
    expect(storedResults(broken, b.run_id)).toEqual(storedResults(here, a.run_id));
  });

  it('leaves a bad request to this thread, which refuses it with its own error', async () => {
    const there = engineOn(await seededDir(), { crosscheckOffThreadMinRows: 0 });
    await expect(there.evidence.crosscheck({ from: PERIOD.to, to: PERIOD.from }, CALLER)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe("the engine's calls read on a second thread", () => {
  const period = { fromMs: Date.parse(PERIOD.from), toMs: Date.parse(PERIOD.to) };
  const input = { ...period, nowMs: Date.parse('2026-01-06T00:00:00.000Z'), settingsOf: () => DEFAULT_SETTINGS, slugOf: () => 'bench' };

  it('come back as the columns this thread reads', async () => {
    const kw = engineOn(await seededDir(), { worker: null });
    const db = dbOf(kw);
    const there = await readCallsOffThread(sourceWorkerEntry()!, { dbFile: db.name, period });
    expect(there).not.toBeNull();
    expect(there).toEqual(readCallColumns(db, input));
    expect(there!.n).toBe(3000);
  });

  it('are read here when that thread cannot start, and the run is the same', async () => {
    const seeded = await seededDir();
    const a = engineOn(seeded, { worker: null });
    const b = engineOn(seeded, { worker: null });
    const here = runCrosscheck(dbOf(a), new EvidenceStore(dbOf(a)), input);
    const fallback = await runCrosscheckWith(dbOf(b), new EvidenceStore(dbOf(b)), input, () => readCallsOffThread({ file: '/nonexistent/engine-worker.js' }, { dbFile: dbOf(b).name, period }));
    expect(fallback).toEqual(here);
    expect(storedResults(b, fallback.runId)).toEqual(storedResults(a, here.runId));
  });
});
