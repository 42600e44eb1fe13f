/**
 * Every audit log verification, whoever asked (the window, the CLI, the daily check),
 * leaves one check_runs row, so the overview can say when the log was last verified and
 * whether it checked out. A verification that throws is recorded as an error, then rethrown.
 */
import type { ChainVerification } from '../api/types';
import type { Clock } from '../clock';
import type { Db } from '../store/database';
import { recordCheckRun, type CheckRun } from './check-runs';

export function verifySummary(v: ChainVerification): string {
  if (v.ok) return `${v.entries} entries intact${v.checkpoints_checked !== undefined ? `, ${v.checkpoints_checked} signed checkpoints checked` : ''}`;
  return `entry #${v.first_bad_seq} does not check out: ${v.reason}`;
}

export async function verifyAndRecord(db: Db, clock: Clock, verify: () => Promise<ChainVerification>): Promise<{ result: ChainVerification; run: CheckRun }> {
  const started = new Date(clock.now()).toISOString();
  try {
    const result = await verify();
    const run = recordCheckRun(db, {
      check_name: 'audit_verify',
      started_at: started,
      finished_at: new Date(clock.now()).toISOString(),
      outcome: result.ok ? 'ok' : 'problem',
      summary: verifySummary(result),
      details: result.ok ? { entries: result.entries } : { entries: result.entries, first_bad_seq: result.first_bad_seq },
    });
    return { result, run };
  } catch (e) {
    recordCheckRun(db, { check_name: 'audit_verify', started_at: started, finished_at: new Date(clock.now()).toISOString(), outcome: 'error', summary: `the verification could not run: ${e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'internal error'}`, details: {} });
    throw e;
  }
}
