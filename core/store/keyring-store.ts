/**
 * The narrow store interface the engine talks to. better-sqlite3 implements it today;
 * a shared PostgreSQL store can implement it later without touching the engine.
 */
import type { AuditListQuery } from '../audit/list-filter';
import type {
  AuditRow,
  KeyVersionRow,
  KmsCallRow,
  RecordRow,
  RecordTable,
  RewrapJobRow,
  TenantRow,
} from './rows';

export type RewrapPauseReason = 'operator' | 'kms_error' | 'sealed' | 'shutdown';

/** The rewrap_jobs columns migration 002 added (the rewrap worker's own state). */
export interface RewrapJobExtras {
  pause_reason: RewrapPauseReason | null;
  /** Rows per second the worker is held to; null: as fast as the machine allows. */
  pace_rows_s: number | null;
  batch_size: number | null;
  /** The rate the worker last measured, for rows/s and ETA. */
  rate_rows_s: number | null;
  started_at: string | null;
  superseded_by: number | null;
  /** Migration 009: the seq (physical order) the walk of each table has reached. */
  cursor_secret_seq: number;
  cursor_integration_seq: number;
}
export type RewrapJobRecord = RewrapJobRow & RewrapJobExtras;
export type RewrapJobFields = Partial<Omit<RewrapJobRecord, 'lease_id' | 'tenant_id' | 'target_version' | 'created_at'>>;

/** What the rewrap worker reads of a record: never the payload. */
export interface RewrapCandidate {
  /** The row's integer key (its rowid): the walk's order and the update's target. */
  seq: number;
  id: string;
  key_version: number;
  wrapped_dek: Buffer;
}
export interface RewrapUpdate {
  seq: number;
  /** The version the DEK was read under: the update is guarded by it. */
  from: number;
  wrapped_dek: Buffer;
}

export interface KeyringStore {
  /** Runs `fn` atomically; nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T;
  close(): void;

  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  insertTenant(row: TenantRow): void;
  updateTenantKms(id: string, fields: Pick<TenantRow, 'wrap_method' | 'provider' | 'kms_key_ref' | 'kms_config' | 'updated_at'>): void;
  setTenantSeal(id: string, fields: Pick<TenantRow, 'sealed_since' | 'last_verify_error' | 'sealed_permanently'>): void;
  /** A change to the tenant's keys (rotate, revoke): its "Updated" time moves. */
  touchTenant(id: string, at: string): void;
  tenantById(id: string): TenantRow | undefined;
  tenantBySlug(slug: string): TenantRow | undefined;
  listTenants(): TenantRow[];

  insertKeyVersion(row: KeyVersionRow): void;
  keyVersions(tenantId: string): KeyVersionRow[];
  keyVersion(tenantId: string, version: number): KeyVersionRow | undefined;
  activeKeyVersion(tenantId: string): KeyVersionRow | undefined;
  retireKeyVersion(tenantId: string, version: number, at: string): void;
  /** Destroys the wrapped material: cryptographic erasure. */
  revokeKeyVersion(tenantId: string, version: number, at: string): void;

  insertRecord(table: RecordTable, row: RecordRow): void;
  replaceRecordPayload(table: RecordTable, row: Pick<RecordRow, 'id' | 'key_version' | 'wrapped_dek' | 'ciphertext' | 'binding_version' | 'updated_at'>): void;
  /** Records of a tenant sealed under a given payload binding (1: legacy, without the name). */
  countRecordsOnBinding(tenantId: string, bindingVersion: number): number;
  recordByName(table: RecordTable, tenantId: string, name: string): RecordRow | undefined;
  recordById(table: RecordTable, id: string): RecordRow | undefined;
  listRecords(table: RecordTable, tenantId: string, opts: { afterName?: string; limit: number }): RecordRow[];
  deleteRecord(table: RecordTable, id: string): boolean;
  countRecords(tenantId: string, version?: number): Record<RecordTable, number>;
  /** Rows of `tenantId` not on `version`, by id, after `afterId`. For rewrap. */
  recordsNotOnVersion(table: RecordTable, tenantId: string, version: number, afterId: string, limit: number): RecordRow[];
  rewrapRecord(table: RecordTable, id: string, fromVersion: number, toVersion: number, wrappedDek: Buffer): boolean;

  lastAudit(): AuditRow | undefined;
  insertAudit(row: AuditRow): void;
  /** Newest first, narrowed by every filter given (see audit/list-filter.ts). */
  listAudit(query: AuditListQuery): AuditRow[];
  auditRange(fromSeq: number, limit: number): AuditRow[];
  auditCount(): number;

  insertRewrapJob(row: Omit<RewrapJobRow, 'lease_id'>): number;
  rewrapJob(leaseId: number): RewrapJobRecord | undefined;
  rewrapJobs(tenantId?: string): RewrapJobRecord[];
  updateRewrapJob(leaseId: number, fields: RewrapJobFields): void;
  /** Compare-and-set: applies `fields` only if state, lease_owner and heartbeat_at are still as read. */
  claimRewrapJob(leaseId: number, expected: Pick<RewrapJobRow, 'state' | 'lease_owner' | 'heartbeat_at'>, fields: RewrapJobFields): boolean;
  /** Applies `fields` only while `owner` holds the lease of a running job (the worker's fence). */
  updateOwnedRewrapJob(leaseId: number, owner: string, fields: RewrapJobFields): boolean;
  /**
   * All rows of a tenant after `afterSeq` whose id is above `idFloor`, in seq (physical)
   * order; rows on the target are skipped by the worker, not here. `idFloor` is '' except
   * for a job an id-ordered walk began before migration 009 (it counted rows up to it).
   */
  rewrapCandidates(table: RecordTable, tenantId: string, afterSeq: number, idFloor: string, limit: number): RewrapCandidate[];
  countRecordsAfter(table: RecordTable, tenantId: string, afterSeq: number, idFloor: string): number;
  /** Moves each row (by seq) to `toVersion` if it is still on `from`; returns how many moved. */
  rewrapRecords(table: RecordTable, toVersion: number, updates: readonly RewrapUpdate[]): number;

  insertKmsCall(row: Omit<KmsCallRow, 'id'>): void;
  listKmsCalls(opts: { tenantId?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; afterId?: number | undefined; beforeId?: number | undefined; newestFirst?: boolean }): KmsCallRow[];
}
