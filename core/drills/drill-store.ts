/** SQL for drills: parameters, state, timeline, chart series and results (JSON columns). */
import type { DrillEvent, DrillResult, DrillScenario, DrillSeriesPoint, DrillState } from '../api/seal-types';
import type { Db } from '../store/database';

export interface DrillRow {
  id: string;
  tenant_id: string;
  kind: 'simulated' | 'real';
  scenario: DrillScenario;
  state: DrillState;
  agents: number;
  params: string;
  started_at: string;
  finished_at: string | null;
  cancel_requested: number;
  result: string | null;
  timeline: string;
  series: string;
  error: string | null;
  actor: string;
  heartbeat_at: string | null;
}

export class DrillStore {
  constructor(private readonly db: Db) {}

  insert(row: Omit<DrillRow, 'cancel_requested' | 'result' | 'timeline' | 'series' | 'error' | 'finished_at'>): void {
    this.db
      .prepare(
        `INSERT INTO drills (id, tenant_id, kind, scenario, state, agents, params, started_at, actor, heartbeat_at)
         VALUES (@id, @tenant_id, @kind, @scenario, @state, @agents, @params, @started_at, @actor, @heartbeat_at)`,
      )
      .run(row);
  }

  get(id: string): DrillRow | undefined {
    return this.db.prepare('SELECT * FROM drills WHERE id = ?').get(id) as DrillRow | undefined;
  }

  list(opts: { tenantId?: string | undefined; limit: number }): DrillRow[] {
    if (opts.tenantId) return this.db.prepare('SELECT * FROM drills WHERE tenant_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').all(opts.tenantId, opts.limit) as DrillRow[];
    return this.db.prepare('SELECT * FROM drills ORDER BY started_at DESC, rowid DESC LIMIT ?').all(opts.limit) as DrillRow[];
  }

  progress(id: string, p: { timeline: DrillEvent[]; series: DrillSeriesPoint[]; heartbeat_at: string }): void {
    this.db.prepare("UPDATE drills SET timeline = ?, series = ?, heartbeat_at = ? WHERE id = ? AND state = 'running'").run(JSON.stringify(p.timeline), JSON.stringify(p.series), p.heartbeat_at, id);
  }

  finish(id: string, f: { state: Exclude<DrillState, 'running'>; finished_at: string; result: DrillResult | null; timeline: DrillEvent[]; series: DrillSeriesPoint[]; error: string | null }): void {
    this.db
      .prepare('UPDATE drills SET state = ?, finished_at = ?, result = ?, timeline = ?, series = ?, error = ? WHERE id = ?')
      .run(f.state, f.finished_at, f.result ? JSON.stringify(f.result) : null, JSON.stringify(f.timeline), JSON.stringify(f.series), f.error, id);
  }

  requestCancel(id: string): boolean {
    return this.db.prepare("UPDATE drills SET cancel_requested = 1 WHERE id = ? AND state = 'running'").run(id).changes > 0;
  }

  cancelRequested(id: string): boolean {
    return (this.db.prepare('SELECT cancel_requested FROM drills WHERE id = ?').get(id) as { cancel_requested: number } | undefined)?.cancel_requested === 1;
  }

  /** A running drill whose runner stopped beating (its process died) is marked interrupted. */
  markInterrupted(id: string, at: string): void {
    this.db.prepare("UPDATE drills SET state = 'interrupted', finished_at = ?, error = 'the process running this drill stopped before it finished' WHERE id = ? AND state = 'running'").run(at, id);
  }
}
