import { useEffect, useState } from 'react';
import type { KeyVersionView } from '../../../../core/api/types';
import { useNav, useServices } from '../../app/services-context';
import { CustodyBadge } from '../../components/badge';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice, SuccessNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { formatCount, providerLabel, wrapLabel } from '../../lib/format';
import { UnsealButton } from '../drills/unseal-button';
import { SealedBanner } from '../tenants/sealed-banner';
import { totalRecords, useTenants } from '../tenants/tenants-store';
import { useKeys } from './keys-store';
import { RevokeDialog } from './revoke-dialog';
import { RewrapJobs } from './rewrap-jobs';
import { RotateDialog } from './rotate-dialog';
import { LifecycleDiagram, VersionTimeline } from './version-timeline';
import './keys.css';

export function KeyVersionsScreen() {
  const { keys, tenants: tenantsStore, nav } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const tenantsLoaded = useTenants((s) => s.loaded);
  const selected = useNav((s) => s.tenant);
  const versions = useKeys((s) => s.versions);
  const loading = useKeys((s) => s.loading);
  const error = useKeys((s) => s.error);
  const notice = useKeys((s) => s.notice);
  const [dialog, setDialog] = useState<{ kind: 'rotate' } | { kind: 'revoke'; version: KeyVersionView } | null>(null);

  const tenant = tenants.find((t) => t.slug === selected) ?? tenants[0] ?? null;
  const slug = tenant?.slug ?? null;

  useEffect(() => {
    void tenantsStore.getState().load();
  }, [tenantsStore]);
  useEffect(() => {
    if (!slug) return;
    void keys.getState().load(slug);
    return () => keys.getState().stopPolling();
  }, [keys, slug]);

  if (!tenantsLoaded) return <Loading>Loading tenants…</Loading>;
  if (!tenant) {
    return (
      <div className="screen">
        <PageHeader title="Key versions" />
        <div className="card">
          <EmptyState
            icon="key"
            title="No tenant to show"
            actions={
              <Button variant="primary" icon="tenants" onClick={() => nav.getState().go('tenants')}>
                Go to Tenants
              </Button>
            }
          >
            Key versions belong to a tenant. Create one (a sandbox on the local KMS takes one click) and its first master key version appears here.
          </EmptyState>
        </div>
      </div>
    );
  }

  const sealed = tenant.sealed_since !== null;
  const counts = versions.reduce((acc, v) => ({ ...acc, [v.status]: (acc[v.status] ?? 0) + 1 }), {} as Record<string, number>);
  return (
    <div className="screen">
      <PageHeader
        title="Key versions"
        description="One active version wraps new records; retired versions still unwrap older ones until the rewrap moves them; revoked versions are destroyed."
        actions={
          <>
            <label className="tenant-picker">
              <span className="visually-hidden">Tenant</span>
              <select className="select mono" value={tenant.slug} onChange={(e) => nav.getState().selectTenant(e.target.value)}>
                {tenants.map((t) => (
                  <option key={t.id} value={t.slug}>
                    {t.slug}
                    {t.sealed_since ? ' (sealed)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <Button
              variant="primary"
              icon="rotate"
              onClick={() => setDialog({ kind: 'rotate' })}
              disabled={sealed || loading}
              title={sealed ? 'Rotation is refused while the tenant is sealed: restore KMS access first' : undefined}
            >
              Rotate key
            </Button>
          </>
        }
      />
      <SealedBanner tenant={tenant} action={<UnsealButton tenant={tenant} />} />
      {notice ? (
        notice.tone === 'success' ? (
          <SuccessNotice title={notice.title} onDismiss={() => keys.getState().dismissNotice()}>
            {notice.text}
          </SuccessNotice>
        ) : (
          <div className="notice notice-warning" role="status">
            <div className="notice-body">
              <div className="notice-title">{notice.title}</div>
              <div className="notice-text">{notice.text}</div>
            </div>
          </div>
        )
      ) : null}
      <div className="stats">
        <div className="stat">
          <div className="stat-label">Active version</div>
          <div className="stat-value mono">{tenant.active_version !== null ? `v${tenant.active_version}` : 'none'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Wrapped by</div>
          <div className="stat-value stat-value-sm">
            {wrapLabel(tenant.wrap_method)} · {providerLabel(tenant.provider)}
          </div>
          <CustodyBadge customerControlled={tenant.customer_controlled} />
        </div>
        <div className="stat">
          <div className="stat-label">Records</div>
          <div className="stat-value">{formatCount(totalRecords(tenant))}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Versions</div>
          <div className="stat-value">{formatCount(versions.length)}</div>
          <div className="stat-sub">
            {counts.active ?? 0} active · {counts.retired ?? 0} retired · {counts.revoked ?? 0} revoked
          </div>
        </div>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="keys-grid">
        <section className="card" aria-label="Lifecycle">
          <div className="card-header">
            <div>
              <div className="card-title">Lifecycle</div>
              <div className="card-subtitle">Newest first. Times in UTC.</div>
            </div>
          </div>
          {versions.length > 0 ? <LifecycleDiagram versions={versions} /> : null}
          <div className="card-body">
            {loading && versions.length === 0 ? <Loading>Loading key versions…</Loading> : null}
            {versions.length > 0 ? <VersionTimeline versions={versions} revokeDisabled={loading} onRevoke={(version) => setDialog({ kind: 'revoke', version })} /> : null}
          </div>
        </section>
        <RewrapJobs />
      </div>
      {dialog?.kind === 'rotate' ? <RotateDialog tenant={tenant} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'revoke' ? <RevokeDialog tenant={tenant} version={dialog.version} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
