/**
 * The engine's KMS gateway on a real SQLite file, for the principal tests: calls go
 * through `KmsGateway.call` (as every engine operation does) and the `kms_calls` rows are
 * read back from the store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock, type Clock } from '../../core/clock';
import { KmsGateway, type ProviderRef } from '../../core/engine/kms-gateway';
import { openDatabase } from '../../core/store/database';
import { SqliteStore } from '../../core/store/sqlite-store';
import type { KmsCallRow } from '../../core/store/rows';
import type { ProviderDeps, ProviderFactory } from '../../core/providers/types';

export interface GatewayHarness {
  gateway: KmsGateway;
  store: SqliteStore;
  ref(provider: string, keyRef: string, config: Record<string, unknown>): ProviderRef;
  rows(): KmsCallRow[];
  close(): Promise<void>;
}

export function gatewayHarness<C>(factory: ProviderFactory<C>, deps: Omit<ProviderDeps, 'clock' | 'dataDir'>, clock: Clock = systemClock): GatewayHarness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-principal-'));
  const db = openDatabase(path.join(dir, 'keywarden.db'));
  const store = new SqliteStore(db);
  const gateway = new KmsGateway(store, clock, { ...deps, clock, dataDir: dir }, new Map([[factory.name, factory as unknown as ProviderFactory]]));
  return {
    gateway,
    store,
    ref(provider, keyRef, config) {
      const parsed = factory.parseConfig({ provider, kms_key_ref: keyRef, config });
      return { provider, kms_key_ref: parsed.kms_key_ref, kms_config: JSON.stringify(parsed.config) };
    },
    rows: () => store.listKmsCalls({ limit: 1000 }),
    async close() {
      await gateway.closeAll();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
