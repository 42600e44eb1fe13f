/**
 * The associated data that binds each ciphertext to its place. A ciphertext copied to
 * another row, table, tenant or key version fails to open.
 *  - a master key version is wrapped by the provider with (tenant, version) as context;
 *  - a record's DEK is wrapped by the master key with (tenant, table, row, version);
 *  - a record's payload is sealed by its DEK with (tenant, table, row).
 * The payload's binding has no version so that rewrap touches only the wrapped DEK.
 */
export type RecordTable = 'secret_environment_configs' | 'integration_configs';

export function dekBinding(tenantId: string, table: RecordTable, rowId: string, version: number): Buffer {
  return Buffer.from(`keywarden/dek/v1\n${tenantId}\n${table}\n${rowId}\n${version}`, 'utf8');
}

export function payloadBinding(tenantId: string, table: RecordTable, rowId: string): Buffer {
  return Buffer.from(`keywarden/record/v1\n${tenantId}\n${table}\n${rowId}`, 'utf8');
}

export function masterKeyBinding(tenantId: string, version: number): Buffer {
  return Buffer.from(`keywarden/master-key/v1\n${tenantId}\n${version}`, 'utf8');
}
