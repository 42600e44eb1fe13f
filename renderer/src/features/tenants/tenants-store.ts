/** The tenant list, shared by every screen that names tenants (the audit trail maps ids to slugs). */
import { createStore, useStore } from 'zustand';
import type { OffboardResult, TenantView } from '../../../../core/api/types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export interface TenantsState {
  tenants: TenantView[];
  loaded: boolean;
  loading: boolean;
  error: ShownError | null;
  load(): Promise<void>;
  /** Throws the engine's error so the form can place it next to the field. */
  create(slug: string, wrap: 'local' | 'global'): Promise<TenantView>;
  /** Step-up (rotate) then move the tenant off its customer KMS key; throws the engine's error for the dialog. */
  offboard(slug: string, to: 'local' | 'global', passphrase: string): Promise<OffboardResult>;
}

export function createTenantsStore(client: KeywardenClient) {
  let request = 0;
  return createStore<TenantsState>()((set, get) => ({
    tenants: [],
    loaded: false,
    loading: false,
    error: null,
    async load() {
      const mine = ++request;
      set({ loading: true });
      try {
        const tenants = await client.call('tenant.list', {});
        if (mine === request) set({ tenants, loaded: true, loading: false, error: null });
      } catch (e) {
        if (mine === request) set({ loading: false, loaded: true, error: describeError(e) });
      }
    },
    async create(slug, wrap) {
      const tenant = await client.call('tenant.create', { slug, wrap });
      await get().load();
      return tenant;
    },
    async offboard(slug, to, passphrase) {
      const { token } = await client.call('auth.stepUp', { passphrase, purpose: 'offboard', tenant: slug });
      const result = await client.call('kms.offboard', { tenant: slug, to, step_up_token: token });
      await get().load();
      return result;
    },
  }));
}

export type TenantsStore = ReturnType<typeof createTenantsStore>;

export function useTenants<T>(selector: (s: TenantsState) => T): T {
  return useStore(useServices().tenants, selector);
}

export function tenantSlugOf(tenants: TenantView[], id: string | null): string | null {
  if (!id) return null;
  return tenants.find((t) => t.id === id)?.slug ?? null;
}

export function totalRecords(t: Pick<TenantView, 'record_counts'>): number {
  return t.record_counts.secret_environment_configs + t.record_counts.integration_configs;
}
