/** Records of any tenant (local ones included): names, tables, key versions and dates, never a value. */
import { useEffect } from 'react';
import { useNav, useServices } from '../../app/services-context';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { useTenants } from '../tenants/tenants-store';
import { RecordsBrowser } from './records-browser';
import { TenantPicker } from './tenant-picker';

export function RecordsScreen() {
  const { nav, tenants: tenantsStore } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const selected = useNav((s) => s.tenant);
  useEffect(() => void tenantsStore.getState().load(), [tenantsStore]);
  const tenant = tenants.find((t) => t.slug === selected) ?? tenants[0];
  return (
    <div className="screen activity-screen">
      <PageHeader title="Records" description="The protected records of each tenant: which key version wraps each one, and when it was written. Values stay encrypted: reading one in plaintext is a CLI step with step-up." />
      <section className="card" aria-label="Records">
        {tenant ? (
          <RecordsBrowser key={tenant.slug} tenant={tenant.slug} tools={<TenantPicker tenants={tenants} value={tenant.slug} onChange={(slug) => nav.getState().selectTenant(slug)} />} />
        ) : (
          <EmptyState icon="tenants" title="No tenant yet">
            Create a tenant on the Tenants screen; its records are listed here.
          </EmptyState>
        )}
      </section>
    </div>
  );
}
