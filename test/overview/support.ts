/** A cross-check run row as the evidence service writes it (counts and coverage JSON), for overview tests. */
import type { Database } from 'better-sqlite3';

export function seedCrosscheckRun(db: Database, tenantId: string, at: string, counts: Record<string, number>, coverage: unknown[]): void {
  db.prepare("INSERT INTO evidence_runs (at, tenant_id, period_from, period_to, counts, coverage, timeline) VALUES (?, ?, ?, ?, ?, ?, '[]')").run(at, tenantId, '2026-02-28T12:00:00.000Z', at, JSON.stringify(counts), JSON.stringify(coverage));
}
