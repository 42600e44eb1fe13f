/**
 * Where each day's provider evidence came from, per provider: events read from the live
 * API, from archive files whose digests' signatures verified, and from archive files read
 * without that proof; the integrity verdict of the day's archive files; and the days with
 * no evidence at all. What the window's calendar draws and the SOC 2 package states.
 */
import type { Database } from 'better-sqlite3';
import { isCloudProvider, type CloudProvider } from '../types';
import type { CoverageDay, DayIntegrity, EvidenceCoverageCalendar, ProviderCoverage } from './types';

const DAY_MS = 86_400_000;

const RANK: Record<DayIntegrity, number> = { valid: 0, hash_matches: 1, unchecked: 2, problem: 3 };

function fileDay(state: string, integrity: string | null): DayIntegrity {
  if (state === 'rejected' || integrity === 'modified' || integrity === 'digest_invalid') return 'problem';
  if (integrity === 'valid') return 'valid';
  if (integrity === 'hash_matches') return 'hash_matches';
  return 'unchecked';
}

export function coverageCalendar(db: Database, q: { tenantId: string | null; tenantSlug: string | null; from: string; to: string }): EvidenceCoverageCalendar {
  const days: string[] = [];
  for (let t = Date.parse(q.from.slice(0, 10)); t < Date.parse(q.to); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  const tenantSql = q.tenantId ? 'AND tenant_id = ?' : '';
  const tenantArg = q.tenantId ? [q.tenantId] : [];
  const providers = new Set<CloudProvider>();
  for (const r of db.prepare(`SELECT DISTINCT provider FROM evidence_sources WHERE 1 = 1 ${tenantSql}`).pluck().all(...tenantArg) as string[]) {
    if (isCloudProvider(r)) providers.add(r);
  }
  const cells = new Map<string, CoverageDay>();
  const cell = (provider: CloudProvider, day: string): CoverageDay => {
    providers.add(provider);
    const k = `${provider}\n${day}`;
    let c = cells.get(k);
    if (!c) {
      c = { day, api: 0, archive_validated: 0, archive_unvalidated: 0, integrity: null, none: true, archive_files: 0 };
      cells.set(k, c);
    }
    return c;
  };
  const events = db
    .prepare(`SELECT provider, substr(at, 1, 10) AS day, origin, count(*) AS n FROM provider_events WHERE at >= ? AND at < ? ${tenantSql} GROUP BY 1, 2, 3`)
    .all(q.from, q.to, ...tenantArg) as { provider: string; day: string; origin: 'api' | 'archive_validated' | 'archive_unvalidated'; n: number }[];
  for (const r of events) {
    if (!isCloudProvider(r.provider)) continue;
    cell(r.provider, r.day)[r.origin] += r.n;
  }
  const files = db
    .prepare(`SELECT provider, day, state, integrity, count(*) AS n FROM archive_files WHERE day >= ? AND day <= ? ${tenantSql} GROUP BY 1, 2, 3, 4`)
    .all(q.from.slice(0, 10), days[days.length - 1] ?? q.from.slice(0, 10), ...tenantArg) as { provider: string; day: string; state: string; integrity: string | null; n: number }[];
  for (const r of files) {
    if (!isCloudProvider(r.provider)) continue;
    const c = cell(r.provider, r.day);
    if (r.state === 'imported') c.archive_files += r.n;
    const verdict = fileDay(r.state, r.integrity);
    if (c.integrity === null || RANK[verdict] > RANK[c.integrity]) c.integrity = verdict;
  }
  const out: ProviderCoverage[] = [...providers].sort().map((provider) => {
    const list = days.map((day) => {
      const c = cells.get(`${provider}\n${day}`) ?? { day, api: 0, archive_validated: 0, archive_unvalidated: 0, integrity: null, none: true, archive_files: 0 };
      c.none = c.api + c.archive_validated + c.archive_unvalidated === 0 && c.archive_files === 0;
      return c;
    });
    return { provider, days: list, days_without: list.filter((d) => d.none).length };
  });
  return { tenant: q.tenantSlug, from: q.from, to: q.to, providers: out };
}
