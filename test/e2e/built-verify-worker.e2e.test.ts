/**
 * The build (electron-vite, run before this suite) ships the audit log's page-verification
 * thread beside the main bundle, where the desktop app points `audit verify` at it, and
 * that built file proves a log under plain Node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyInParallel } from '../../core/audit/parallel-verify';
import { verifyRowByRow } from '../../core/audit/log-verifier';
import { CALLER, makeFixture } from '../support/engine-fixture';

const BUILT_WORKER = path.resolve(__dirname, '../../out/main/audit-verify-worker.js');

describe('the built audit verify worker', () => {
  it('is beside the main bundle and proves a log good', async () => {
    expect(fs.existsSync(BUILT_WORKER)).toBe(true);
    const fx = makeFixture();
    for (let i = 0; i < 300; i++) {
      fx.kw.ctx.audit.append(CALLER, 'record.updated', null, { name: `config-${i}` });
      if (i === 150) fx.kw.auditLog.checkpoint();
    }
    const input = fx.kw.auditLog.verificationInput();
    const verdict = await verifyInParallel(input, { threads: 2, minEntries: 0, pageSize: 32, worker: { file: BUILT_WORKER } });
    expect(verdict).toMatchObject({ ok: true, entries: 300, checkpoints_checked: 1 });
    expect(verdict).toEqual(verifyRowByRow(input));
  });
});
