/**
 * The associated data that binds each ciphertext to its place. A ciphertext copied to
 * another row, table, tenant or key version fails to open.
 *  - a master key version is wrapped by the provider with (tenant, version) as context;
 *  - a record's DEK is wrapped by the master key with (tenant, table, row, version);
 *  - a record's payload is sealed by its DEK with (tenant, table, row, name): binding v2.
 *    Rows sealed before it (v1) bind (tenant, table, row) only, so two rows' names could
 *    be swapped unnoticed; they still open, are counted, and move to v2 when rewritten.
 * The payload's binding has no key version so that rewrap touches only the wrapped DEK.
 */
export type RecordTable = 'secret_environment_configs' | 'integration_configs';

export function dekBinding(tenantId: string, table: RecordTable, rowId: string, version: number): Buffer {
  return Buffer.from(`keywarden/dek/v1\n${tenantId}\n${table}\n${rowId}\n${version}`, 'utf8');
}

/** The payload binding records are sealed with today; kept per row in `binding_version`. */
export const RECORD_BINDING_VERSION = 2;
export type RecordBindingVersion = 1 | 2;

/** v1: (tenant, table, row), for rows written before migration 008. */
export function payloadBinding(tenantId: string, table: RecordTable, rowId: string): Buffer {
  return Buffer.from(`keywarden/record/v1\n${tenantId}\n${table}\n${rowId}`, 'utf8');
}

/** v2: also the record's name (names never hold a newline: RECORD_NAME_PATTERN). */
export function namedPayloadBinding(tenantId: string, table: RecordTable, rowId: string, name: string): Buffer {
  return Buffer.from(`keywarden/record/v2\n${tenantId}\n${table}\n${rowId}\n${name}`, 'utf8');
}

export function recordPayloadBinding(version: number, tenantId: string, table: RecordTable, rowId: string, name: string): Buffer {
  if (version === 1) return payloadBinding(tenantId, table, rowId);
  if (version === 2) return namedPayloadBinding(tenantId, table, rowId, name);
  throw new RangeError(`unknown record binding version ${version}`);
}

export function masterKeyBinding(tenantId: string, version: number): Buffer {
  return Buffer.from(`keywarden/master-key/v1\n${tenantId}\n${version}`, 'utf8');
}
