/** SQL for per-tenant fault injection. No row means `pass`. */
import type { FaultMode } from '../api/seal-types';
import type { Db } from '../store/database';

export interface FaultRow {
  tenant_id: string;
  mode: Exclude<FaultMode, 'pass'>;
  latency_ms: number | null;
  probability: number | null;
  set_at: string;
  set_by: string;
}

export class FaultStore {
  constructor(private readonly db: Db) {}

  get(tenantId: string): FaultRow | undefined {
    return this.db.prepare('SELECT * FROM fault_injections WHERE tenant_id = ?').get(tenantId) as FaultRow | undefined;
  }

  all(): FaultRow[] {
    return this.db.prepare('SELECT * FROM fault_injections ORDER BY set_at').all() as FaultRow[];
  }

  set(row: FaultRow): void {
    this.db
      .prepare(
        `INSERT INTO fault_injections (tenant_id, mode, latency_ms, probability, set_at, set_by) VALUES (@tenant_id, @mode, @latency_ms, @probability, @set_at, @set_by)
         ON CONFLICT (tenant_id) DO UPDATE SET mode = excluded.mode, latency_ms = excluded.latency_ms, probability = excluded.probability, set_at = excluded.set_at, set_by = excluded.set_by`,
      )
      .run(row);
  }

  clear(tenantId: string): boolean {
    return this.db.prepare('DELETE FROM fault_injections WHERE tenant_id = ?').run(tenantId).changes > 0;
  }
}
