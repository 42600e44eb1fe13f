/**
 * The build (electron-vite, run before this suite) ships the engine's worker beside the
 * main bundle, where the desktop app points the engine at it; under plain Node the built
 * file proves an audit log good and runs a cross-check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyInParallel } from '../../core/audit/parallel-verify';
import { verifyRowByRow } from '../../core/audit/log-verifier';
import { openKeywarden } from '../../core/keywarden';
import { generate } from '../support/crosscheck-data';
import { CALLER, tempDir, unlockedFixture } from '../support/engine-fixture';

const BUILT_WORKER = path.resolve(__dirname, '../../out/main/engine-worker.js');

describe('the built engine worker', () => {
  it('is beside the main bundle and proves a log good', async () => {
    expect(fs.existsSync(BUILT_WORKER)).toBe(true);
    const fx = await unlockedFixture(); // the checkpoint is signed with the sealed key
    for (let i = 0; i < 300; i++) {
      fx.kw.ctx.audit.append(CALLER, 'record.updated', null, { name: `config-${i}` });
      if (i === 150) fx.kw.auditLog.checkpoint();
    }
    const input = fx.kw.auditLog.verificationInput();
    const verdict = await verifyInParallel(input, { threads: 2, minEntries: 0, pageSize: 32, worker: { file: BUILT_WORKER } });
    expect(verdict).toMatchObject({ ok: true, entries: 300, checkpoints_checked: 1 });
    expect(verdict).toEqual(verifyRowByRow(input));
  });

  it('runs a cross-check and stores it, as this thread would', async () => {
    const period = { from: '2026-01-04T23:00:00.000Z', to: '2026-01-05T01:00:00.000Z' };
    const outcomes = [];
    for (const worker of [{ file: BUILT_WORKER }, null]) {
      const kw = openKeywarden({ dataDir: tempDir(), env: {}, worker, crosscheckOffThreadMinRows: 0 });
      try {
        generate((kw.ctx.store as unknown as { db: Parameters<typeof generate>[0] }).db, 2000);
        const pending = kw.evidence.crosscheck(period, CALLER);
        let settled = false;
        void pending.then(() => (settled = true));
        await new Promise((r) => setImmediate(r));
        // On the worker the run is still going when this thread gets control back; here it is done.
        expect(settled).toBe(worker === null);
        const run = await pending;
        outcomes.push({ counts: run.counts, coverage: run.coverage });
      } finally {
        await kw.close();
      }
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]?.counts).toMatchObject({ matched: 1996, principal_mismatch: 1, provider_only: 2, app_only_missing: 2, failed_call: 1 });
  });
});
