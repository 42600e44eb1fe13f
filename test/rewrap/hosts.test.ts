/** Rewrap through the hosts: the web host's background runner, and the CLI's `rewrap` commands. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { runCli } from '../../main/cli/run';
import { startWebHost } from '../../main/web-host/server';
import { makeFixture, tempDir, unlockFixture } from '../support/engine-fixture';
import { apiCall } from '../main/http-request';
import { expectAllReadable, rotatedFixture } from './support';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';
// Hosts run on the system clock: the jobs' 7-day terms must start now, not at the fixture's default date.

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: PASS }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('rewrap in the hosts', () => {
  it('the web host rewraps queued jobs in the background and starts a rotation\'s job at once', async () => {
    const { fx, leaseId } = await rotatedFixture(200, { clock: new ManualClock(Date.now()) });
    const dataDir = fx.dataDir;
    await fx.kw.close();
    const staticDir = tempDir('kw-static-');
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>kw</title>');
    const logged: string[] = [];
    // A poll far beyond the test: only the start and the rotation's wake-up can run jobs.
    const host = await startWebHost({ dataDir, staticDir, env: { KEYWARDEN_PASSPHRASE: PASS }, passphrasePolicy: FAST_PASSPHRASE_POLICY, log: (l) => logged.push(l), rewrap: { pollMs: 3_600_000 } });
    try {
      const status = async () => (await apiCall(host.port, 'rewrap.status', {}, host.token)).json().value as { lease_id: number; state: string; processed: number }[];
      const first = await eventually(status, (jobs) => jobs.some((j) => j.lease_id === leaseId && j.state === 'done'), 'the queued job');
      expect(first.find((j) => j.lease_id === leaseId)).toMatchObject({ processed: 200 });

      const { token } = (await apiCall(host.port, 'auth.stepUp', { passphrase: PASS, purpose: 'rotate', tenant: 'acme' }, host.token)).json().value as { token: string };
      const rotated = (await apiCall(host.port, 'keys.rotate', { tenant: 'acme', step_up_token: token }, host.token)).json().value as { rewrap_lease_id: number };
      await eventually(status, (jobs) => jobs.some((j) => j.lease_id === rotated.rewrap_lease_id && j.state === 'done'), "the rotation's job");
      expect(logged.filter((l) => l.includes('rewrap job'))).toEqual([
        `[web-host] rewrap job ${leaseId}: done (200 moved, 0 skipped, 0 failed of 200)`,
        `[web-host] rewrap job ${rotated.rewrap_lease_id}: done (200 moved, 0 skipped, 0 failed of 200)`,
      ]);
    } finally {
      await host.close();
    }
    const after = await unlockFixture(makeFixture({ dataDir }));
    expect(await expectAllReadable(after)).toBe(200);
  });

  it('closing the web host mid-job pauses it for shutdown', async () => {
    const { fx, leaseId } = await rotatedFixture(2000, { clock: new ManualClock(Date.now()) });
    const dataDir = fx.dataDir;
    await fx.kw.close();
    const staticDir = tempDir('kw-static-');
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>kw</title>');
    // Paced so the job is surely still running when the host closes.
    const host = await startWebHost({ dataDir, staticDir, env: { KEYWARDEN_PASSPHRASE: PASS }, passphrasePolicy: FAST_PASSPHRASE_POLICY, log: () => {}, rewrap: { job: { paceRowsPerSecond: 2000 } } });
    await eventually(async () => (await apiCall(host.port, 'rewrap.status', {}, host.token)).json().value as { processed: number }[], (j) => j[0]!.processed > 0, 'progress');
    await host.close();
    const after = makeFixture({ dataDir });
    const job = after.kw.ctx.store.rewrapJob(leaseId)!;
    expect(job).toMatchObject({ state: 'paused', pause_reason: 'shutdown', lease_owner: null });
    expect(job.processed).toBeGreaterThan(0);
    expect(job.processed).toBeLessThan(2000);
  });

  it('the CLI runs, pauses and resumes jobs; `rewrap run` prints progress on stderr and the result on stdout', async () => {
    const { fx, leaseId } = await rotatedFixture(300, { clock: new ManualClock(Date.now()) });
    await fx.kw.close();
    const d = ['--data-dir', fx.dataDir];
    const paused = await cli(['rewrap', 'pause', '--lease-id', String(leaseId), ...d]);
    expect(paused).toMatchObject({ code: 0, err: '' });
    expect(paused.out).toMatch(new RegExp(`^job ${leaseId} → v2  paused \\(operator\\)  0%`));
    expect((await cli(['rewrap', 'run', ...d])).out).toMatch(/no runnable rewrap jobs/);
    expect((await cli(['rewrap', 'resume', '--lease-id', String(leaseId), '--json', ...d])).out).toMatch(/"state":"queued"/);

    const run = await cli(['rewrap', 'run', '--tenant', 'acme', '--batch-size', '50', '--json', ...d]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as { lease_id: number; outcome: string; job: { processed: number; state: string } }[];
    expect(result).toEqual([expect.objectContaining({ lease_id: leaseId, outcome: 'done', job: expect.objectContaining({ processed: 300, state: 'done' }) })]);
    const lines = run.err.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^rewrap job ${leaseId} → v2: running  50/300 \\(16\\.7%\\)  moved 50`));
    expect(lines.at(-1)).toMatch(new RegExp(`^rewrap job ${leaseId} → v2: done  300/300 \\(100\\.0%\\)  moved 300  skipped 0  failed 0`));

    const status = await cli(['rewrap', 'status', ...d]);
    expect(status.out).toMatch(new RegExp(`^job ${leaseId} → v2  done  100%  moved 300  skipped 0  failed 0  of 300`));
    const refused = await cli(['rewrap', 'run', '--lease-id', String(leaseId), '--json', ...d]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.err)).toMatchObject({ error: { code: 'conflict' } });
  });
});
