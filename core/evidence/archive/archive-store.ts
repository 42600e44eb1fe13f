/**
 * The archive import's tables (migration 014): import runs, the files each finished, and
 * the provider events they gave, written per file in one transaction so a crash or a
 * cancel loses at most the file in flight, and a restart skips every file finished.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { UnreadableItem } from '../readers/types';
import type { NormalizedEvent } from '../types';
import type { EvidenceOrigin, FileIntegrity, ImportState } from './types';

export interface ImportRow {
  id: number;
  tenant_id: string;
  provider: string;
  location: string;
  period_from: string;
  period_to: string;
  validate: number;
  state: ImportState;
  started_at: string;
  finished_at: string | null;
  counts: string;
  integrity: string | null;
  error: string | null;
}

export interface FinishedFile {
  object_key: string;
  etag: string | null;
  size: number;
  state: 'imported' | 'rejected';
  origin: EvidenceOrigin | null;
  integrity: FileIntegrity | null;
}

export interface FileOutcome {
  tenantId: string;
  provider: string;
  location: string;
  key: string;
  etag: string | null;
  size: number;
  day: string;
  importId: number;
  at: string;
  state: 'imported' | 'rejected';
  origin: Exclude<EvidenceOrigin, 'api'> | null;
  integrity: FileIntegrity | null;
  records: number;
  errorKind: string | null;
  error: string | null;
  /** Events by source id, with the key ref the source tracks. */
  /** `rawBytes`, when given, is the record's raw text as UTF-8 (event.raw is then empty). */
  events: { sourceId: string; event: NormalizedEvent; rawBytes?: Uint8Array | undefined }[];
  unreadable: { sourceId: string; item: UnreadableItem }[];
}

const RANK = (col: string) => `CASE ${col} WHEN 'archive_validated' THEN 2 WHEN 'api' THEN 1 ELSE 0 END`;

export class ArchiveStore {
  readonly #insertEvent: Statement;
  readonly #strengthen: Statement;
  readonly #upsertFile: Statement;
  readonly #unreadable: Statement;

  constructor(readonly db: Database) {
    this.#insertEvent = db.prepare(`
      INSERT INTO provider_events (source_id, tenant_id, provider, event_id, at, key_ref, operation, provider_operation, principal,
        access_key_id, source_address, user_agent, correlation_id, request_id, outcome, error_code, raw, fetched_at, origin)
      VALUES (@source_id, @tenant_id, @provider, @event_id, @at, @key_ref, @operation, @provider_operation, @principal,
        @access_key_id, @source_address, @user_agent, @correlation_id, @request_id, @outcome, @error_code, COALESCE(CAST(@raw_bytes AS TEXT), @raw), @fetched_at, @origin)
      ON CONFLICT (source_id, event_id) DO NOTHING`);
    // Already stored (from the API or another file): only a stronger origin changes it.
    this.#strengthen = db.prepare(`UPDATE provider_events SET origin = ? WHERE source_id = ? AND event_id = ? AND ${RANK('origin')} < ${RANK('?')}`);
    this.#unreadable = db.prepare(`
      INSERT INTO provider_unreadable (source_id, tenant_id, event_id, at, problem, raw, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (source_id, event_id) DO NOTHING`);
    this.#upsertFile = db.prepare(`
      INSERT INTO archive_files (tenant_id, provider, location, object_key, etag, size, day, state, origin, integrity, records, events, error_kind, error, import_id, finished_at)
      VALUES (@tenantId, @provider, @location, @key, @etag, @size, @day, @state, @origin, @integrity, @records, @eventCount, @errorKind, @error, @importId, @at)
      ON CONFLICT (tenant_id, location, object_key) DO UPDATE SET etag = excluded.etag, size = excluded.size, day = excluded.day, state = excluded.state,
        origin = excluded.origin, integrity = excluded.integrity, records = excluded.records, events = excluded.events, error_kind = excluded.error_kind,
        error = excluded.error, import_id = excluded.import_id, finished_at = excluded.finished_at`);
  }

  createImport(r: Omit<ImportRow, 'id'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO archive_imports (tenant_id, provider, location, period_from, period_to, validate, state, started_at, finished_at, counts, integrity, error)
         VALUES (@tenant_id, @provider, @location, @period_from, @period_to, @validate, @state, @started_at, @finished_at, @counts, @integrity, @error)`,
      )
      .run(r);
    return Number(info.lastInsertRowid);
  }

  updateImport(id: number, u: { state: ImportState; counts: string; integrity?: string | null; error?: string | null; finished_at?: string | null }): void {
    this.db
      .prepare('UPDATE archive_imports SET state = ?, counts = ?, integrity = COALESCE(?, integrity), error = ?, finished_at = COALESCE(?, finished_at) WHERE id = ?')
      .run(u.state, u.counts, u.integrity ?? null, u.error ?? null, u.finished_at ?? null, id);
  }

  import(id: number): ImportRow | undefined {
    return this.db.prepare('SELECT * FROM archive_imports WHERE id = ?').get(id) as ImportRow | undefined;
  }

  /** The newest import of a tenant (or of any) whose integrity was checked and overlaps [from, to). */
  validations(tenantId: string | null, from: string, to: string): ImportRow[] {
    return this.db
      .prepare(
        `SELECT * FROM archive_imports WHERE integrity IS NOT NULL AND period_from < ? AND period_to > ? ${tenantId ? 'AND tenant_id = ?' : ''} ORDER BY id`,
      )
      .all(...(tenantId ? [to, from, tenantId] : [to, from])) as ImportRow[];
  }

  finishedFiles(tenantId: string, location: string): Map<string, FinishedFile> {
    const rows = this.db
      .prepare('SELECT object_key, etag, size, state, origin, integrity FROM archive_files WHERE tenant_id = ? AND location = ?')
      .all(tenantId, location) as FinishedFile[];
    return new Map(rows.map((r) => [r.object_key, r]));
  }

  /** One finished file: its events, unreadable records and its row, in one transaction. Returns how many events were new. */
  commitFile(f: FileOutcome, tenantProvider: { tenant_id: string; provider: string }): number {
    let fresh = 0;
    this.db.transaction(() => {
      for (const { sourceId, event, rawBytes } of f.events) {
        const info = this.#insertEvent.run({ ...event, raw_bytes: rawBytes ?? null, source_id: sourceId, tenant_id: tenantProvider.tenant_id, fetched_at: f.at, origin: f.origin ?? 'archive_unvalidated' });
        if (info.changes > 0) fresh++;
        else this.#strengthen.run(f.origin ?? 'archive_unvalidated', sourceId, event.event_id, f.origin ?? 'archive_unvalidated');
      }
      const touched = new Set<string>();
      for (const { sourceId, item } of f.unreadable) {
        this.#unreadable.run(sourceId, tenantProvider.tenant_id, item.event_id, item.at, item.problem, item.raw, f.at);
        touched.add(sourceId);
      }
      for (const s of touched) {
        this.db.prepare('UPDATE evidence_sources SET unreadable_records = (SELECT count(*) FROM provider_unreadable WHERE source_id = ?) WHERE source_id = ?').run(s, s);
      }
      this.#upsertFile.run({ ...f, eventCount: f.events.length });
    })();
    return fresh;
  }

  /** After a complete import: the source has been read up to `until` (never moved back). */
  advanceSource(sourceId: string, until: string): void {
    this.db.prepare('UPDATE evidence_sources SET read_until = ? WHERE source_id = ? AND (read_until IS NULL OR read_until < ?)').run(until, sourceId, until);
  }

  readonly #sources = new Set<string>();

  /** The evidence source a record is stored under (created once; a witness key may be new). */
  ensureSource(sourceId: string, tenantId: string, provider: string, keyRef: string): void {
    if (this.#sources.has(sourceId)) return;
    this.db.prepare('INSERT OR IGNORE INTO evidence_sources (source_id, tenant_id, provider, key_ref) VALUES (?, ?, ?, ?)').run(sourceId, tenantId, provider, keyRef);
    this.#sources.add(sourceId);
  }

  addOtherKeyRecords(sourceId: string, n: number): void {
    if (n > 0) this.db.prepare('UPDATE evidence_sources SET other_key_records = other_key_records + ? WHERE source_id = ?').run(n, sourceId);
  }
}
