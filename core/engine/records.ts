/**
 * Protected records: each value is AES-256-GCM under its own DEK; the DEK is wrapped by
 * the tenant's active master key version, which the row records. Payload AAD binds
 * (tenant, table, row, name) (binding v2; v1 rows, without the name, still open and are
 * re-sealed under v2 when rewritten); DEK AAD binds (tenant, table, row, version).
 */
import { randomUUID } from 'node:crypto';
import { isoAt } from '../clock';
import { AeadOpenError, open, randomKey, seal } from '../crypto/aead';
import { dekBinding, namedPayloadBinding, RECORD_BINDING_VERSION, recordPayloadBinding } from '../crypto/bindings';
import { invalidInput, KeywardenError } from '../errors';
import type { RecordRow, RecordTable, TenantRow } from '../store/rows';
import type { Caller } from './audit-trail';
import type { EngineContext } from './context';
import { activeKey, unwrappedKey } from './master-keys';
import { requireTenant } from './tenant-lookup';
import { recordView, type RecordView } from './views';

export const MAX_RECORD_BYTES = 64 * 1024;
export const RECORD_NAME_PATTERN = /^[A-Za-z0-9_.:/-]{1,200}$/;

export function sealRecord(tenantId: string, table: RecordTable, rowId: string, name: string, version: number, masterKey: Buffer, value: Buffer) {
  const dek = randomKey();
  try {
    return {
      wrapped_dek: seal(masterKey, dek, dekBinding(tenantId, table, rowId, version)),
      ciphertext: seal(dek, value, namedPayloadBinding(tenantId, table, rowId, name)),
      binding_version: RECORD_BINDING_VERSION,
    };
  } finally {
    dek.fill(0);
  }
}

type SealedRow = Pick<RecordRow, 'id' | 'name' | 'key_version' | 'wrapped_dek' | 'ciphertext' | 'binding_version'>;

export function openRecord(tenantId: string, table: RecordTable, row: SealedRow, masterKey: Buffer): Buffer {
  const dek = open(masterKey, row.wrapped_dek, dekBinding(tenantId, table, row.id, row.key_version));
  try {
    return open(dek, row.ciphertext, recordPayloadBinding(row.binding_version, tenantId, table, row.id, row.name));
  } finally {
    dek.fill(0);
  }
}

function checkName(name: string): void {
  if (!RECORD_NAME_PATTERN.test(name)) throw invalidInput('name', 'use 1-200 letters, digits and _ . : / -');
}

export async function putRecord(ctx: EngineContext, caller: Caller, input: { tenant: string; table: RecordTable; name: string; value: string }): Promise<RecordView> {
  checkName(input.name);
  const value = Buffer.from(input.value, 'utf8');
  if (value.length > MAX_RECORD_BYTES) throw invalidInput('value', `is ${value.length} bytes; the limit is ${MAX_RECORD_BYTES}`);
  const tenant = requireTenant(ctx.store, input.tenant);
  const { version, key } = await activeKey(ctx, tenant);
  const now = isoAt(ctx.clock);
  return ctx.store.transaction(() => {
    const existing = ctx.store.recordByName(input.table, tenant.id, input.name);
    const id = existing?.id ?? randomUUID();
    const sealed = sealRecord(tenant.id, input.table, id, input.name, version.version, key, value);
    if (existing) {
      ctx.store.replaceRecordPayload(input.table, { id, key_version: version.version, ...sealed, updated_at: now });
    } else {
      ctx.store.insertRecord(input.table, { id, tenant_id: tenant.id, name: input.name, key_version: version.version, ...sealed, created_at: now, updated_at: now });
    }
    ctx.audit.append(caller, existing ? 'record.updated' : 'record.created', tenant.id, { tenant: tenant.slug, table: input.table, name: input.name, key_version: version.version });
    return recordView(input.table, ctx.store.recordById(input.table, id)!);
  });
}

async function decryptRow(ctx: EngineContext, tenant: TenantRow, table: RecordTable, row: RecordRow): Promise<string> {
  const v = ctx.store.keyVersion(tenant.id, row.key_version);
  if (!v) throw new KeywardenError('decrypt_failed', `record "${row.name}" names master key version ${row.key_version}, which does not exist`, { name: row.name });
  const key = await unwrappedKey(ctx, tenant, v, `record "${row.name}"`);
  try {
    return openRecord(tenant.id, table, row, key).toString('utf8');
  } catch (e) {
    if (e instanceof AeadOpenError) {
      throw new KeywardenError('decrypt_failed', `record "${row.name}" does not decrypt: its ciphertext was altered, or moved from another row, name or tenant`, {
        name: row.name,
        table,
      });
    }
    throw e;
  }
}

export async function getRecord(ctx: EngineContext, input: { tenant: string; table: RecordTable; name: string }): Promise<RecordView & { value: string }> {
  const tenant = requireTenant(ctx.store, input.tenant);
  const row = ctx.store.recordByName(input.table, tenant.id, input.name);
  if (!row) throw new KeywardenError('not_found', `no record "${input.name}" in ${input.table} of tenant "${tenant.slug}"`, { field: 'name' });
  return { ...recordView(input.table, row), value: await decryptRow(ctx, tenant, input.table, row) };
}

export function listRecords(ctx: EngineContext, input: { tenant: string; table: RecordTable; after?: string; limit: number }): RecordView[] {
  const tenant = requireTenant(ctx.store, input.tenant);
  return ctx.store.listRecords(input.table, tenant.id, { afterName: input.after ?? '', limit: input.limit }).map((r) => recordView(input.table, r));
}

export function deleteRecord(ctx: EngineContext, caller: Caller, input: { tenant: string; table: RecordTable; name: string }): { deleted: boolean } {
  const tenant = requireTenant(ctx.store, input.tenant);
  return ctx.store.transaction(() => {
    const row = ctx.store.recordByName(input.table, tenant.id, input.name);
    if (!row) throw new KeywardenError('not_found', `no record "${input.name}" in ${input.table} of tenant "${tenant.slug}"`, { field: 'name' });
    ctx.store.deleteRecord(input.table, row.id);
    ctx.audit.append(caller, 'record.deleted', tenant.id, { tenant: tenant.slug, table: input.table, name: input.name });
    return { deleted: true };
  });
}

/** Decrypts every record of a tenant; counts what reads and what does not (drills, integrity checks). */
export async function checkAllRecords(ctx: EngineContext, tenantSlug: string): Promise<{ checked: number; readable: number; unreadable: { table: RecordTable; name: string; code: string }[] }> {
  const tenant = requireTenant(ctx.store, tenantSlug);
  const unreadable: { table: RecordTable; name: string; code: string }[] = [];
  let checked = 0;
  for (const table of ['secret_environment_configs', 'integration_configs'] as const) {
    let after = '';
    for (;;) {
      const rows = ctx.store.listRecords(table, tenant.id, { afterName: after, limit: 1000 });
      for (const r of rows) {
        checked++;
        try {
          await decryptRow(ctx, tenant, table, r);
        } catch (e) {
          // Locked secrets say nothing about a record: the whole check cannot run yet.
          if (e instanceof KeywardenError && e.code === 'secrets_locked') throw e;
          unreadable.push({ table, name: r.name, code: e instanceof KeywardenError ? e.code : 'internal' });
        }
      }
      if (rows.length < 1000) break;
      after = rows[rows.length - 1]!.name;
    }
  }
  return { checked, readable: checked - unreadable.length, unreadable };
}
