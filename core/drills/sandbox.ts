/**
 * A simulated drill's scratch copy: the tenant, its master key versions (still wrapped)
 * and its records (wrapped DEKs and ciphertext), in an in-memory database, with its own
 * virtual clock, cache, audit trail and fault layer, calling the tenant's REAL provider
 * (each call recorded in the real kms_calls, so the evidence cross-check can match it). The drill exercises the engine's own seal, session and
 * unseal code without sealing the real tenant or refusing its real agents.
 */
import os from 'node:os';
import { ManualClock } from '../clock';
import { AuditTrail } from '../engine/audit-trail';
import type { EngineContext } from '../engine/context';
import { MasterKeyCache } from '../engine/master-key-cache';
import { StepUp } from '../engine/step-up';
import type { Keywarden } from '../keywarden';
import { dbOf } from '../seal/db';
import { sealServices, type SealServices } from '../seal/services';
import { openDatabase } from '../store/database';
import { RECORD_TABLES, type RecordRow, type TenantRow } from '../store/rows';
import { SqliteStore } from '../store/sqlite-store';

export interface Sandbox {
  ctx: EngineContext;
  clock: ManualClock;
  services: SealServices;
  records: number;
  close(): void;
}

export function openSandbox(kw: Keywarden, tenant: TenantRow, startMs: number, drillId: string): Sandbox {
  const clock = new ManualClock(startMs);
  const db = openDatabase(':memory:', kw.nativeBinding ? { nativeBinding: kw.nativeBinding } : {});
  const store = new SqliteStore(db);
  const source = dbOf(kw.ctx);
  let records = 0;
  try {
    store.transaction(() => {
      store.insertTenant({ ...tenant, sealed_since: null, last_verify_error: null, sealed_permanently: 0 });
      for (const v of [...kw.ctx.store.keyVersions(tenant.id)].reverse()) store.insertKeyVersion(v);
      for (const table of RECORD_TABLES) {
        const rows = source.prepare(`SELECT id, tenant_id, name, key_version, wrapped_dek, ciphertext, binding_version, created_at, updated_at FROM ${table} WHERE tenant_id = ?`).iterate(tenant.id) as IterableIterator<RecordRow>;
        for (const r of rows) {
          store.insertRecord(table, r);
          records++;
        }
      }
    });
  } catch (e) {
    db.close();
    throw e;
  }
  const ctx: EngineContext = {
    store,
    clock,
    audit: new AuditTrail(store, clock),
    cache: new MasterKeyCache(clock),
    // Real calls, recorded in the real kms_calls at real times: the provider's own log will show them.
    // Failures the drill's fault layer injects are recorded with the drill's id: simulated, not real.
    gateway: kw.ctx.gateway.fork(drillId),
    stepUp: new StepUp(store, clock),
    endpoints: kw.ctx.endpoints,
    system: { actor: `keywarden-drill@${os.hostname()}`, address: 'drill' },
  };
  return {
    ctx,
    clock,
    services: sealServices(ctx),
    records,
    close() {
      ctx.cache.clear();
      void ctx.gateway.closeAll().catch(() => {});
      db.close();
    },
  };
}
