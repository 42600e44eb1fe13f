/**
 * Crash safety: a child process rewraps a few thousand records and is killed with SIGKILL
 * at random points. The table's physical (seq) order is first made far from id order
 * (rows deleted and inserted again), and a trigger in the file counts every committed
 * DEK rewrite, so the test sees each row moved exactly once across all the kills. After each kill the database must hold every record readable, and
 * the job's counters must match the rows actually moved (they commit in the same
 * transaction). The next process takes over the dead worker's lease and carries on.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { makeFixture, PASSPHRASE, unlockFixture } from '../support/engine-fixture';
import { auditActions, expectAllReadable, idDisorder, movesOtherThanOnce, recordMoves, rotatedFixture, scramblePhysicalOrder, versionCounts } from './support';

const CHILD = path.join(__dirname, 'crash-child.ts');
const ROWS = 3000;
const KILLS = 4;

interface ChildRun {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the child has printed `n` batch lines (or exited). */
  batches(n: number): Promise<void>;
  kill(): void;
  output(): string;
}

/** `pace` rows/s: the victims are paced so a parent slowed by a loaded machine still kills them mid-run. */
function startChild(dataDir: string, pace: number): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, '50', String(pace)], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KEYWARDEN_PASSPHRASE: PASSPHRASE } });
  let out = '';
  let err = '';
  let seen = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    seen += (chunk.match(/^batch /gm) ?? []).length;
    for (const w of waiters.splice(0)) (seen >= w.n ? w.resolve : () => waiters.push(w))();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  void exit.then(() => waiters.splice(0).forEach((w) => w.resolve()));
  return {
    exit,
    batches: (n) => new Promise<void>((resolve) => (seen >= n || child.exitCode !== null ? resolve() : waiters.push({ n, resolve }))),
    kill: () => child.kill('SIGKILL'),
    output: () => out + err,
  };
}

describe('rewrap crash safety', () => {
  it('survives SIGKILL at random points: every record stays readable, counts add up, and the job finishes', async () => {
    // Real time: the child runs on the system clock, so the job's lease term must be current.
    const clock = new ManualClock(Date.now());
    const { fx, leaseId } = await rotatedFixture(ROWS, { clock });
    expect(scramblePhysicalOrder(fx)).toBeGreaterThan(ROWS / 2);
    expect(idDisorder(fx, 'secret_environment_configs')).toBeGreaterThan(0.3);
    recordMoves(fx);
    const dataDir = fx.dataDir;
    await fx.kw.close();

    let killedMidRun = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = startChild(dataDir, 1000);
      await child.batches(1 + Math.floor(Math.random() * 8));
      // Land somewhere inside the next batch, not just on a boundary.
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      child.kill();
      const { signal, code } = await child.exit;
      if (signal === 'SIGKILL') killedMidRun++;
      else expect.fail(`child ended by itself (code ${code}) before kill ${k + 1}: ${child.output()}`);

      clock.set(Date.now());
      const check = await unlockFixture(makeFixture({ dataDir, clock }));
      const job = check.kw.ctx.store.rewrapJob(leaseId)!;
      const counts = versionCounts(check);
      const onTarget = (counts['secret@v2'] ?? 0) + (counts['integration@v2'] ?? 0);
      const onOld = (counts['secret@v1'] ?? 0) + (counts['integration@v1'] ?? 0);
      expect(onTarget + onOld).toBe(ROWS);
      // The counters commit with the rows they count: exactly the rows that moved.
      expect(job.processed).toBe(onTarget);
      const moves = movesOtherThanOnce(check);
      expect(moves.wrong.filter((w) => w.n > 1)).toEqual([]);
      expect(moves.rowsMoved).toBe(onTarget);
      expect(job.skipped + job.failed).toBe(0);
      expect(job.state).toBe('running'); // left by a dead worker, for the next one to take over
      expect(await expectAllReadable(check)).toBe(ROWS);
      await check.kw.close();
    }
    expect(killedMidRun).toBe(KILLS);

    const last = startChild(dataDir, 0);
    expect(await last.exit).toEqual({ code: 0, signal: null });
    expect(last.output()).toMatch(/^end done$/m);

    clock.set(Date.now());
    const after = await unlockFixture(makeFixture({ dataDir, clock }));
    expect(after.kw.ctx.store.rewrapJob(leaseId)).toMatchObject({ state: 'done', processed: ROWS, skipped: 0, failed: 0, total: ROWS, lease_owner: null });
    expect(versionCounts(after)).toEqual({ 'secret@v2': ROWS / 2, 'integration@v2': ROWS / 2 });
    expect(await expectAllReadable(after)).toBe(ROWS);
    expect(movesOtherThanOnce(after)).toEqual({ wrong: [], rowsMoved: ROWS, allRows: ROWS });
    const actions = auditActions(after);
    expect(actions.filter((a) => a.action === 'rewrap.resumed' && a.payload.reason === 'lease_takeover')).toHaveLength(KILLS);
    expect(actions.at(-1)).toMatchObject({ action: 'rewrap.finished', payload: { outcome: 'done', processed: ROWS } });
  }, 180_000);
});
