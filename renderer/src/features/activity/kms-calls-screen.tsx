/** Every call the engine made to a key provider, for all tenants or one (local ones included). */
import { useEffect, useState } from 'react';
import { useServices } from '../../app/services-context';
import { PageHeader } from '../../components/page-header';
import { useTenants } from '../tenants/tenants-store';
import { KmsCallsList } from './kms-calls-list';
import { TenantPicker } from './tenant-picker';

export function KmsCallsScreen() {
  const { tenants: tenantsStore } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const [tenant, setTenant] = useState('');
  useEffect(() => void tenantsStore.getState().load(), [tenantsStore]);
  return (
    <div className="screen activity-screen">
      <PageHeader
        title="KMS calls"
        description="Every wrap and unwrap the engine asked a key provider for, embedded local KMS included, with its outcome, duration and the correlation id the evidence cross-check matches against the provider's own log."
      />
      <section className="card" aria-label="KMS calls of every tenant">
        <KmsCallsList key={tenant} tenant={tenant || null} tools={<TenantPicker tenants={tenants} value={tenant} onChange={setTenant} allLabel="All tenants" />} />
      </section>
    </div>
  );
}
