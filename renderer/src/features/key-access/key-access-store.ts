/**
 * The Key access screen's state: each reviewed tenant's latest review, and a running
 * review. One store per client (kept beside it, so the shared services need no entry).
 */
import { createStore, useStore } from 'zustand';
import type { AccessReviewView, AccessSettingsView } from '../../../../core/api/access-types';
import type { KeywardenClient } from '../../../api/client';

export interface KeyAccessState {
  reviews: AccessReviewView[] | null;
  /** Each reviewed tenant's review settings (its allow-list with notes), by slug. */
  settings: Record<string, AccessSettingsView>;
  busy: boolean;
  error: unknown;
  load(): Promise<void>;
  review(): Promise<void>;
  accept(tenant: string, findingId: string, reason: string): Promise<void>;
  /** Adds an allow-list entry with why; the next review no longer raises it. */
  allow(tenant: string, entry: string, note: string): Promise<void>;
  disallow(tenant: string, entry: string): Promise<void>;
  /** Azure: the vault's resource ID the Resource Manager reads need ('' clears). */
  setAzureVault(tenant: string, resourceId: string): Promise<void>;
  dismissError(): void;
}

export function createKeyAccessStore(client: KeywardenClient) {
  return createStore<KeyAccessState>()((set, get) => ({
    reviews: null,
    settings: {},
    busy: false,
    error: null,
    async load() {
      try {
        // Each reviewed tenant's latest review (history is newest first).
        const history = await client.call('access.history', { limit: 1000 });
        const tenants = [...new Set(history.map((h) => h.tenant))];
        const out: AccessReviewView[] = [];
        const settings: Record<string, AccessSettingsView> = {};
        for (const t of tenants) {
          out.push(await client.call('access.show', { tenant: t }));
          settings[t] = await client.call('access.settings', { tenant: t });
        }
        set({ reviews: out, settings });
      } catch (e) {
        set({ error: e, reviews: get().reviews ?? [] });
      }
    },
    async review() {
      set({ busy: true, error: null });
      try {
        await client.call('access.review', {});
        await get().load();
      } catch (e) {
        set({ error: e });
      } finally {
        set({ busy: false });
      }
    },
    async accept(tenant, findingId, reason) {
      await client.call('access.accept', { tenant, finding_id: findingId, reason });
      await get().load();
    },
    async allow(tenant, entry, note) {
      const s = await client.call('access.allow', { tenant, entry, note });
      set({ settings: { ...get().settings, [tenant]: s } });
    },
    async disallow(tenant, entry) {
      const s = await client.call('access.disallow', { tenant, entry });
      set({ settings: { ...get().settings, [tenant]: s } });
    },
    async setAzureVault(tenant, resourceId) {
      const s = await client.call('access.settings', { tenant, azure_vault_resource_id: resourceId });
      set({ settings: { ...get().settings, [tenant]: s } });
    },
    dismissError() {
      set({ error: null });
    },
  }));
}

export type KeyAccessStore = ReturnType<typeof createKeyAccessStore>;

const stores = new WeakMap<KeywardenClient, KeyAccessStore>();

export function keyAccessStoreFor(client: KeywardenClient): KeyAccessStore {
  let s = stores.get(client);
  if (!s) stores.set(client, (s = createKeyAccessStore(client)));
  return s;
}

export function useKeyAccess<T>(store: KeyAccessStore, pick: (s: KeyAccessState) => T): T {
  return useStore(store, pick);
}
