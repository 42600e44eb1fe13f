import { useEffect, useState } from 'react';
import { useNav, useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { formatCount } from '../../lib/format';
import { SANDBOX_ROWS, useFirstRun } from '../first-run/first-run-store';
import { SandboxProgress } from '../first-run/sandbox-progress';
import { CreateTenantForm } from './create-tenant-form';
import { SealedBanner } from './sealed-banner';
import { TenantActivity } from './tenant-activity';
import { TenantDetail } from './tenant-detail';
import { TenantTable } from './tenant-table';
import { useTenants } from './tenants-store';
import './tenants.css';

export function TenantsScreen() {
  const { tenants: store, nav, firstRun } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const loaded = useTenants((s) => s.loaded);
  const loading = useTenants((s) => s.loading);
  const error = useTenants((s) => s.error);
  const selected = useNav((s) => s.tenant);
  const sandboxRunning = useFirstRun((s) => s.sandboxRunning);
  const sandboxStarted = useFirstRun((s) => s.tenantStep !== 'pending' && !s.sandboxDone);
  const sandboxError = useFirstRun((s) => s.sandboxError);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    void store.getState().load();
  }, [store]);
  useEffect(() => {
    if (tenants.length > 0 && !tenants.some((t) => t.slug === selected)) nav.getState().selectTenant(tenants[0]!.slug);
  }, [tenants, selected, nav]);

  const current = tenants.find((t) => t.slug === selected) ?? null;
  const sealed = tenants.filter((t) => t.sealed_since && t.slug !== current?.slug);
  return (
    <div className="screen">
      <PageHeader
        title="Tenants"
        description="Each tenant's master key versions are wrapped by one key: the embedded local KMS, the global key, or the customer's own cloud KMS."
        actions={
          <>
            <Button icon="refresh" busy={loading && loaded} onClick={() => void store.getState().load()}>
              Refresh
            </Button>
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)} disabled={creating}>
              New tenant
            </Button>
          </>
        }
      />
      {creating ? (
        <CreateTenantForm
          onCancel={() => setCreating(false)}
          onCreated={(slug) => {
            setCreating(false);
            nav.getState().selectTenant(slug);
          }}
        />
      ) : null}
      {sealed.map((t) => (
        <SealedBanner
          key={t.id}
          tenant={t}
          action={
            <Button size="sm" onClick={() => nav.getState().selectTenant(t.slug)}>
              Show tenant
            </Button>
          }
        />
      ))}
      {error ? <ErrorNotice error={error} /> : null}
      {!loaded ? <Loading>Loading tenants…</Loading> : null}
      {loaded && tenants.length === 0 && !error ? (
        <div className="card">
          <EmptyState
            icon="tenants"
            title="No tenants yet"
            actions={
              <>
                <Button variant="primary" icon="plus" busy={sandboxRunning} onClick={() => void firstRun.getState().createSandbox()}>
                  {sandboxRunning ? 'Creating sandbox…' : 'Create a sandbox tenant'}
                </Button>
                <Button onClick={() => setCreating(true)}>New tenant</Button>
              </>
            }
          >
            A tenant holds master key versions and the records they protect. Start with a sandbox on the local KMS ({formatCount(SANDBOX_ROWS)} sample records), or create an
            empty tenant and onboard your own AWS, GCP or Azure key.
          </EmptyState>
          {sandboxStarted || sandboxError ? (
            <div className="empty-progress">
              <SandboxProgress />
              {sandboxError ? <ErrorNotice error={sandboxError} /> : null}
            </div>
          ) : null}
        </div>
      ) : null}
      {tenants.length > 0 ? <TenantTable tenants={tenants} selected={selected} onSelect={(slug) => nav.getState().selectTenant(slug)} /> : null}
      {current ? <TenantDetail key={current.id} tenant={current} /> : null}
      {current ? <TenantActivity key={`a-${current.id}`} tenant={current} /> : null}
    </div>
  );
}
