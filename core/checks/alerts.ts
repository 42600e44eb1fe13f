/** Alerts the checks raise (migration 011's check_alerts): once per dedup key, kept until seen. */
import type { CheckAlertKind, CheckAlertView } from '../api/checks-types';
import type { OverviewScreen } from '../api/overview-types';
import type { Db } from '../store/database';

export interface NewAlert {
  dedup_key: string;
  kind: CheckAlertKind;
  tenant: string | null;
  title: string;
  body: string;
  screen: OverviewScreen;
}

interface Row {
  id: number;
  at: string;
  kind: CheckAlertKind;
  tenant: string | null;
  title: string;
  body: string;
  screen: OverviewScreen;
  seen_at: string | null;
}

const view = (r: Row): CheckAlertView => ({ id: r.id, at: r.at, kind: r.kind, tenant: r.tenant, title: r.title, body: r.body, screen: r.screen, seen: r.seen_at !== null });

/** The alert, or null when one with the same dedup key was raised before. */
export function raiseAlert(db: Db, alert: NewAlert, at: string): CheckAlertView | null {
  const info = db
    .prepare('INSERT OR IGNORE INTO check_alerts (dedup_key, at, kind, tenant, title, body, screen) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(alert.dedup_key, at, alert.kind, alert.tenant, alert.title, alert.body, alert.screen);
  if (info.changes === 0) return null;
  return view(db.prepare<[number | bigint], Row>('SELECT * FROM check_alerts WHERE id = ?').get(info.lastInsertRowid)!);
}

export function listAlerts(db: Db, limit = 20): CheckAlertView[] {
  return db.prepare<[number], Row>('SELECT * FROM check_alerts ORDER BY seen_at IS NOT NULL, id DESC LIMIT ?').all(limit).map(view);
}

export function unseenAlerts(db: Db): number {
  return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM check_alerts WHERE seen_at IS NULL').get()?.n ?? 0;
}

/** Marks the given alerts (or all) seen; returns how many changed. */
export function markAlertsSeen(db: Db, ids: number[] | undefined, at: string): number {
  if (ids === undefined) return db.prepare('UPDATE check_alerts SET seen_at = ? WHERE seen_at IS NULL').run(at).changes;
  const stmt = db.prepare('UPDATE check_alerts SET seen_at = ? WHERE id = ? AND seen_at IS NULL');
  return db.transaction(() => ids.reduce((n, id) => n + stmt.run(at, id).changes, 0))();
}
