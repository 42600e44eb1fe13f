import { useEffect } from 'react';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { SealedBanner } from '../tenants/sealed-banner';
import { useTenants } from '../tenants/tenants-store';
import { DrillDetail, DrillList } from './drill-results';
import { useDrills } from './drills-store';
import { SealHistory } from './seal-history';
import { RunForm } from './run-form';
import { UnsealButton } from './unseal-button';
import './drills.css';

export function DrillsScreen() {
  const { drills: store, tenants: tenantsStore } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const drills = useDrills((s) => s.drills);
  const loaded = useDrills((s) => s.loaded);
  const error = useDrills((s) => s.error);
  const shown = useDrills((s) => s.shown);
  useEffect(() => {
    void tenantsStore.getState().load();
    void store.getState().load();
    return () => store.getState().stopPolling();
  }, [store, tenantsStore]);
  return (
    <div className="screen">
      <PageHeader
        title="Drills"
        description="Rehearse the kill switch: revoke KMS access, watch the tenant seal within one cache TTL and refuse new agent sessions, restore it, watch it unseal, and prove every record still decrypts."
        actions={
          <Button icon="refresh" onClick={() => void store.getState().load()}>
            Refresh
          </Button>
        }
      />
      {tenants
        .filter((t) => t.sealed_since)
        .map((t) => (
          <SealedBanner key={t.id} tenant={t} action={<UnsealButton tenant={t} />} />
        ))}
      {tenants.length > 0 ? <RunForm tenants={tenants} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {!loaded ? <Loading>Loading drills…</Loading> : null}
      {loaded && drills.length === 0 ? (
        <div className="card">
          <EmptyState icon="drills" title="No drills yet">
            Run one above: a simulated drill finishes in seconds and is kept here with its timeline and figures.
          </EmptyState>
        </div>
      ) : null}
      {drills.length > 0 ? <DrillList drills={drills} shown={shown?.id ?? null} /> : null}
      {drills.length > 0 ? <SealHistory drills={drills} tenants={tenants} /> : null}
      {shown ? <DrillDetail drill={shown} /> : null}
    </div>
  );
}
