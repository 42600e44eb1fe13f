/** The better-sqlite3 implementation of KeyringStore. Statements are prepared once. */
import type { AuditListQuery } from '../audit/list-filter';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';
import type { KeyringStore, RewrapCandidate, RewrapJobFields, RewrapJobRecord, RewrapUpdate } from './keyring-store';
import type { AuditRow, KeyVersionRow, KmsCallRow, RecordRow, RecordTable, RewrapJobRow, TenantRow } from './rows';
import { RECORD_TABLES } from './rows';

type Stmt = Statement<unknown[], unknown>;

const REWRAP_UPDATABLE = new Set([
  'state', 'updated_at', 'lease_expires_at', 'lease_owner', 'heartbeat_at', 'processed', 'skipped',
  'failed', 'total', 'last_error', 'cursor_secret', 'cursor_integration', 'cursor_secret_seq', 'cursor_integration_seq', 'finished_at',
  'pause_reason', 'pace_rows_s', 'batch_size', 'rate_rows_s', 'started_at', 'superseded_by',
]);

function rewrapAssignments(fields: RewrapJobFields): { sql: string; params: Record<string, unknown> } {
  const keys = Object.keys(fields).filter((k) => REWRAP_UPDATABLE.has(k) && fields[k as keyof RewrapJobFields] !== undefined);
  return { sql: keys.map((k) => `${k} = @${k}`).join(', '), params: Object.fromEntries(keys.map((k) => [k, fields[k as keyof RewrapJobFields]])) };
}

export class SqliteStore implements KeyringStore {
  private readonly cache = new Map<string, Stmt>();
  constructor(readonly db: Db) {}

  private stmt(sql: string): Stmt {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  private static table(t: RecordTable): RecordTable {
    // Table names cannot be bound parameters: only the two known names pass.
    if (!RECORD_TABLES.includes(t)) throw new Error(`unknown record table ${String(t)}`);
    return t;
  }

  transaction<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }

  getMeta(key: string): string | undefined {
    return (this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  insertTenant(r: TenantRow): void {
    this.stmt(
      `INSERT INTO tenants (id, slug, wrap_method, provider, kms_key_ref, kms_config, created_at, updated_at, sealed_since, last_verify_error, sealed_permanently)
       VALUES (@id, @slug, @wrap_method, @provider, @kms_key_ref, @kms_config, @created_at, @updated_at, @sealed_since, @last_verify_error, @sealed_permanently)`,
    ).run(r);
  }

  updateTenantKms(id: string, f: Pick<TenantRow, 'wrap_method' | 'provider' | 'kms_key_ref' | 'kms_config' | 'updated_at'>): void {
    this.stmt(
      'UPDATE tenants SET wrap_method = @wrap_method, provider = @provider, kms_key_ref = @kms_key_ref, kms_config = @kms_config, updated_at = @updated_at WHERE id = @id',
    ).run({ ...f, id });
  }

  setTenantSeal(id: string, f: Pick<TenantRow, 'sealed_since' | 'last_verify_error' | 'sealed_permanently'>): void {
    this.stmt(
      'UPDATE tenants SET sealed_since = @sealed_since, last_verify_error = @last_verify_error, sealed_permanently = @sealed_permanently WHERE id = @id',
    ).run({ ...f, id });
  }

  touchTenant(id: string, at: string): void {
    this.stmt('UPDATE tenants SET updated_at = ? WHERE id = ?').run(at, id);
  }

  tenantById(id: string): TenantRow | undefined {
    return this.stmt('SELECT * FROM tenants WHERE id = ?').get(id) as TenantRow | undefined;
  }

  tenantBySlug(slug: string): TenantRow | undefined {
    return this.stmt('SELECT * FROM tenants WHERE slug = ?').get(slug) as TenantRow | undefined;
  }

  listTenants(): TenantRow[] {
    return this.stmt('SELECT * FROM tenants ORDER BY slug').all() as TenantRow[];
  }

  insertKeyVersion(r: KeyVersionRow): void {
    this.stmt(
      `INSERT INTO master_key_versions (id, tenant_id, version, wrap_method, provider, kms_key_ref, kms_config, wrapped_key, status, created_at, retired_at, revoked_at)
       VALUES (@id, @tenant_id, @version, @wrap_method, @provider, @kms_key_ref, @kms_config, @wrapped_key, @status, @created_at, @retired_at, @revoked_at)`,
    ).run(r);
  }

  keyVersions(tenantId: string): KeyVersionRow[] {
    return this.stmt('SELECT * FROM master_key_versions WHERE tenant_id = ? ORDER BY version DESC').all(tenantId) as KeyVersionRow[];
  }

  keyVersion(tenantId: string, version: number): KeyVersionRow | undefined {
    return this.stmt('SELECT * FROM master_key_versions WHERE tenant_id = ? AND version = ?').get(tenantId, version) as KeyVersionRow | undefined;
  }

  activeKeyVersion(tenantId: string): KeyVersionRow | undefined {
    return this.stmt("SELECT * FROM master_key_versions WHERE tenant_id = ? AND status = 'active'").get(tenantId) as KeyVersionRow | undefined;
  }

  retireKeyVersion(tenantId: string, version: number, at: string): void {
    this.stmt("UPDATE master_key_versions SET status = 'retired', retired_at = ? WHERE tenant_id = ? AND version = ? AND status = 'active'").run(at, tenantId, version);
  }

  revokeKeyVersion(tenantId: string, version: number, at: string): void {
    this.stmt(
      "UPDATE master_key_versions SET status = 'revoked', wrapped_key = NULL, revoked_at = ?, retired_at = COALESCE(retired_at, ?) WHERE tenant_id = ? AND version = ?",
    ).run(at, at, tenantId, version);
  }

  insertRecord(table: RecordTable, r: RecordRow): void {
    this.stmt(
      `INSERT INTO ${SqliteStore.table(table)} (id, tenant_id, name, key_version, wrapped_dek, ciphertext, binding_version, created_at, updated_at)
       VALUES (@id, @tenant_id, @name, @key_version, @wrapped_dek, @ciphertext, @binding_version, @created_at, @updated_at)`,
    ).run(r);
  }

  replaceRecordPayload(table: RecordTable, r: Pick<RecordRow, 'id' | 'key_version' | 'wrapped_dek' | 'ciphertext' | 'binding_version' | 'updated_at'>): void {
    this.stmt(
      `UPDATE ${SqliteStore.table(table)} SET key_version = @key_version, wrapped_dek = @wrapped_dek, ciphertext = @ciphertext, binding_version = @binding_version, updated_at = @updated_at WHERE id = @id`,
    ).run(r);
  }

  countRecordsOnBinding(tenantId: string, bindingVersion: number): number {
    let n = 0;
    for (const t of ['secret_environment_configs', 'integration_configs'] as const) {
      n += (this.stmt(`SELECT COUNT(*) AS n FROM ${t} WHERE tenant_id = ? AND binding_version = ?`).get(tenantId, bindingVersion) as { n: number }).n;
    }
    return n;
  }

  recordByName(table: RecordTable, tenantId: string, name: string): RecordRow | undefined {
    return this.stmt(`SELECT * FROM ${SqliteStore.table(table)} WHERE tenant_id = ? AND name = ?`).get(tenantId, name) as RecordRow | undefined;
  }

  recordById(table: RecordTable, id: string): RecordRow | undefined {
    return this.stmt(`SELECT * FROM ${SqliteStore.table(table)} WHERE id = ?`).get(id) as RecordRow | undefined;
  }

  listRecords(table: RecordTable, tenantId: string, opts: { afterName?: string; limit: number }): RecordRow[] {
    return this.stmt(`SELECT * FROM ${SqliteStore.table(table)} WHERE tenant_id = ? AND name > ? ORDER BY name LIMIT ?`).all(
      tenantId,
      opts.afterName ?? '',
      opts.limit,
    ) as RecordRow[];
  }

  deleteRecord(table: RecordTable, id: string): boolean {
    return this.stmt(`DELETE FROM ${SqliteStore.table(table)} WHERE id = ?`).run(id).changes > 0;
  }

  countRecords(tenantId: string, version?: number): Record<RecordTable, number> {
    const count = (t: RecordTable): number => {
      const row = (version === undefined
        ? this.stmt(`SELECT COUNT(*) AS n FROM ${t} WHERE tenant_id = ?`).get(tenantId)
        : this.stmt(`SELECT COUNT(*) AS n FROM ${t} WHERE tenant_id = ? AND key_version = ?`).get(tenantId, version)) as { n: number };
      return row.n;
    };
    return { secret_environment_configs: count('secret_environment_configs'), integration_configs: count('integration_configs') };
  }

  recordsNotOnVersion(table: RecordTable, tenantId: string, version: number, afterId: string, limit: number): RecordRow[] {
    return this.stmt(
      `SELECT * FROM ${SqliteStore.table(table)} WHERE tenant_id = ? AND id > ? AND key_version <> ? ORDER BY id LIMIT ?`,
    ).all(tenantId, afterId, version, limit) as RecordRow[];
  }

  rewrapRecord(table: RecordTable, id: string, fromVersion: number, toVersion: number, wrappedDek: Buffer): boolean {
    // Guarded by the version read: a row rewritten meanwhile is left to the next pass.
    return (
      this.stmt(`UPDATE ${SqliteStore.table(table)} SET key_version = ?, wrapped_dek = ? WHERE id = ? AND key_version = ?`).run(
        toVersion,
        wrappedDek,
        id,
        fromVersion,
      ).changes > 0
    );
  }

  lastAudit(): AuditRow | undefined {
    return this.stmt('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get() as AuditRow | undefined;
  }

  insertAudit(r: AuditRow): void {
    this.stmt(
      `INSERT INTO audit_log (seq, at, actor, address, action, tenant_id, payload, prev_hash, entry_hash)
       VALUES (@seq, @at, @actor, @address, @action, @tenant_id, @payload, @prev_hash, @entry_hash)`,
    ).run(r);
  }

  listAudit(q: AuditListQuery): AuditRow[] {
    // instr, not LIKE: an actor typed with % or _ matches those characters, nothing more.
    return this.stmt(
      `SELECT * FROM audit_log
       WHERE seq < @before AND (@prefix = '' OR substr(action, 1, length(@prefix)) = @prefix)
         AND (@tenant IS NULL OR tenant_id = @tenant)
         AND (@actor IS NULL OR instr(lower(actor), @actor) > 0)
         AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
       ORDER BY seq DESC LIMIT @limit`,
    ).all({
      before: q.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      prefix: q.actionPrefix ?? '',
      tenant: q.tenantId ?? null,
      actor: q.actorPart ?? null,
      from: q.fromAt ?? null,
      to: q.toAt ?? null,
      limit: q.limit,
    }) as AuditRow[];
  }

  auditRange(fromSeq: number, limit: number): AuditRow[] {
    return this.stmt('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?').all(fromSeq, limit) as AuditRow[];
  }

  auditCount(): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
  }

  insertRewrapJob(r: Omit<RewrapJobRow, 'lease_id'>): number {
    const info = this.stmt(
      `INSERT INTO rewrap_jobs (tenant_id, target_version, state, created_at, updated_at, lease_expires_at, lease_owner, heartbeat_at,
         processed, skipped, failed, total, last_error, cursor_secret, cursor_integration, finished_at)
       VALUES (@tenant_id, @target_version, @state, @created_at, @updated_at, @lease_expires_at, @lease_owner, @heartbeat_at,
         @processed, @skipped, @failed, @total, @last_error, @cursor_secret, @cursor_integration, @finished_at)`,
    ).run(r);
    return Number(info.lastInsertRowid);
  }

  rewrapJob(leaseId: number): RewrapJobRecord | undefined {
    return this.stmt('SELECT * FROM rewrap_jobs WHERE lease_id = ?').get(leaseId) as RewrapJobRecord | undefined;
  }

  rewrapJobs(tenantId?: string): RewrapJobRecord[] {
    return (tenantId === undefined
      ? this.stmt('SELECT * FROM rewrap_jobs ORDER BY lease_id DESC').all()
      : this.stmt('SELECT * FROM rewrap_jobs WHERE tenant_id = ? ORDER BY lease_id DESC').all(tenantId)) as RewrapJobRecord[];
  }

  updateRewrapJob(leaseId: number, fields: RewrapJobFields): void {
    const { sql, params } = rewrapAssignments(fields);
    if (sql === '') return;
    this.stmt(`UPDATE rewrap_jobs SET ${sql} WHERE lease_id = @lease_id`).run({ ...params, lease_id: leaseId });
  }

  claimRewrapJob(leaseId: number, expected: Pick<RewrapJobRow, 'state' | 'lease_owner' | 'heartbeat_at'>, fields: RewrapJobFields): boolean {
    const { sql, params } = rewrapAssignments(fields);
    if (sql === '') return false;
    return (
      this.stmt(
        `UPDATE rewrap_jobs SET ${sql} WHERE lease_id = @lease_id AND state = @x_state AND lease_owner IS @x_owner AND heartbeat_at IS @x_heartbeat`,
      ).run({ ...params, lease_id: leaseId, x_state: expected.state, x_owner: expected.lease_owner, x_heartbeat: expected.heartbeat_at }).changes > 0
    );
  }

  updateOwnedRewrapJob(leaseId: number, owner: string, fields: RewrapJobFields): boolean {
    const { sql, params } = rewrapAssignments(fields);
    if (sql === '') return false;
    return (
      this.stmt(`UPDATE rewrap_jobs SET ${sql} WHERE lease_id = @lease_id AND lease_owner = @x_owner AND state = 'running'`).run({
        ...params,
        lease_id: leaseId,
        x_owner: owner,
      }).changes > 0
    );
  }

  rewrapCandidates(table: RecordTable, tenantId: string, afterSeq: number, idFloor: string, limit: number): RewrapCandidate[] {
    // The (tenant_id) index sorts by (tenant_id, seq): one tenant's rows in physical order, no sort.
    const t = SqliteStore.table(table);
    return this.stmt(
      `SELECT seq, id, key_version, wrapped_dek FROM ${t} INDEXED BY ${t}_tenant_seq WHERE tenant_id = ? AND seq > ? AND id > ? ORDER BY seq LIMIT ?`,
    ).all(tenantId, afterSeq, idFloor, limit) as RewrapCandidate[];
  }

  countRecordsAfter(table: RecordTable, tenantId: string, afterSeq: number, idFloor: string): number {
    const t = SqliteStore.table(table);
    return (this.stmt(`SELECT COUNT(*) AS n FROM ${t} INDEXED BY ${t}_tenant_seq WHERE tenant_id = ? AND seq > ? AND id > ?`).get(tenantId, afterSeq, idFloor) as { n: number }).n;
  }

  rewrapRecords(table: RecordTable, toVersion: number, updates: readonly RewrapUpdate[]): number {
    // By seq (the rowid): a direct b-tree seek, no lookup through the text id index.
    const st = this.stmt(`UPDATE ${SqliteStore.table(table)} SET key_version = ?, wrapped_dek = ? WHERE seq = ? AND key_version = ?`);
    let moved = 0;
    for (const u of updates) moved += st.run(toVersion, u.wrapped_dek, u.seq, u.from).changes;
    return moved;
  }

  insertKmsCall(r: Omit<KmsCallRow, 'id'>): void {
    this.stmt(
      `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, principal_note, access_key_id, provider_key_id, provider_request_id, outcome, error_message, duration_ms, drill_id)
       VALUES (@at, @tenant_id, @provider, @key_ref, @key_version, @operation, @correlation_id, @principal, @principal_note, @access_key_id, @provider_key_id, @provider_request_id, @outcome, @error_message, @duration_ms, @drill_id)`,
    ).run({ drill_id: null, ...r });
  }

  listKmsCalls(opts: { tenantId?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; afterId?: number | undefined; beforeId?: number | undefined; newestFirst?: boolean }): KmsCallRow[] {
    return this.stmt(
      `SELECT * FROM kms_calls WHERE id > @after AND id < @before AND (@tenant IS NULL OR tenant_id = @tenant)
         AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) ORDER BY id ${opts.newestFirst ? 'DESC' : 'ASC'} LIMIT @limit`,
    ).all({ after: opts.afterId ?? 0, before: opts.beforeId ?? Number.MAX_SAFE_INTEGER, tenant: opts.tenantId ?? null, from: opts.from ?? null, to: opts.to ?? null, limit: opts.limit }) as KmsCallRow[];
  }
}
