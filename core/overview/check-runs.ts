/** One row per check run (migration 011): what ran, when, how it came out, in one line. */
import type { Db } from '../store/database';

export const CHECK_NAMES = ['audit_verify', 'evidence_crosscheck', 'drill_cadence', 'rotation_age', 'access_review'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export type CheckOutcome = 'ok' | 'problem' | 'error';

export interface CheckRun {
  id: number;
  check_name: CheckName;
  started_at: string;
  finished_at: string;
  outcome: CheckOutcome;
  summary: string;
  details: Record<string, unknown>;
}

interface Row extends Omit<CheckRun, 'details'> {
  details: string;
}

/** Runs kept per check: enough history for Settings, bounded for a host that runs for months. */
const KEEP_PER_CHECK = 200;

export function recordCheckRun(db: Db, run: Omit<CheckRun, 'id'>): CheckRun {
  const info = db
    .prepare('INSERT INTO check_runs (check_name, started_at, finished_at, outcome, summary, details) VALUES (?, ?, ?, ?, ?, ?)')
    .run(run.check_name, run.started_at, run.finished_at, run.outcome, run.summary, JSON.stringify(run.details));
  db.prepare('DELETE FROM check_runs WHERE check_name = ? AND id <= (SELECT id FROM check_runs WHERE check_name = ? ORDER BY id DESC LIMIT 1 OFFSET ?)').run(run.check_name, run.check_name, KEEP_PER_CHECK);
  return { id: Number(info.lastInsertRowid), ...run };
}

function fromRow(r: Row): CheckRun {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    // Details are informational; a damaged value reads as none.
  }
  return { ...r, details };
}

export function lastCheckRun(db: Db, name: CheckName): CheckRun | null {
  const row = db.prepare<[string], Row>('SELECT * FROM check_runs WHERE check_name = ? ORDER BY id DESC LIMIT 1').get(name);
  return row ? fromRow(row) : null;
}
