/**
 * A tenant's records (names, table, key version, dates: never a value) and the KMS calls
 * the engine made for it, every tenant alike (local ones included). The same lists have
 * their own screens (Records, KMS calls) across tenants.
 */
import { useState } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { KmsCallsList } from '../activity/kms-calls-list';
import { RecordsBrowser } from '../activity/records-browser';

type Tab = 'records' | 'calls';

export function TenantActivity({ tenant }: { tenant: TenantView }) {
  const [tab, setTab] = useState<Tab>('records');
  return (
    <section className="card tenant-activity" aria-label={`Records and KMS calls of ${tenant.slug}`}>
      <div className="card-header">
        <div className="tabs" role="tablist" aria-label="Show">
          <button type="button" role="tab" className="tab" aria-selected={tab === 'records'} onClick={() => setTab('records')}>
            Records
          </button>
          <button type="button" role="tab" className="tab" aria-selected={tab === 'calls'} onClick={() => setTab('calls')}>
            KMS calls
          </button>
        </div>
      </div>
      {tab === 'records' ? <RecordsBrowser key={tenant.slug} tenant={tenant.slug} /> : <KmsCallsList key={tenant.slug} tenant={tenant.slug} />}
    </section>
  );
}
