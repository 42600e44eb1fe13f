/** Which screen is open and which tenant the tenant-scoped screens look at. */
import { createStore } from 'zustand';

export type ScreenId = 'overview' | 'tenants' | 'keys' | 'records' | 'calls' | 'audit' | 'evidence' | 'access' | 'drills' | 'reports' | 'settings';

export interface NavState {
  screen: ScreenId;
  /** Selected tenant slug, shared by Tenants and Key versions. */
  tenant: string | null;
  go(screen: ScreenId, tenant?: string): void;
  selectTenant(slug: string | null): void;
}

export function createNavStore(initial: ScreenId = 'overview') {
  return createStore<NavState>()((set) => ({
    screen: initial,
    tenant: null,
    go(screen, tenant) {
      set(tenant === undefined ? { screen } : { screen, tenant });
    },
    selectTenant(slug) {
      set({ tenant: slug });
    },
  }));
}

export type NavStore = ReturnType<typeof createNavStore>;
