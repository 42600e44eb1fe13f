import { useState } from 'react';
import type { OnboardResult, TenantView } from '../../../../core/api/types';
import { SuccessNotice } from '../../components/error-notice';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { CustodyBadge } from '../../components/badge';
import { CopyButton } from '../../components/copy-button';
import { formatCount, formatUtc, providerLabel, wrapLabel } from '../../lib/format';
import { OnboardForm } from '../onboard/onboard-form';
import { useOnboard } from '../onboard/onboard-store';
import { UnsealButton } from '../drills/unseal-button';
import { OffboardDialog } from './offboard-dialog';
import { SealedBanner } from './sealed-banner';

export function TenantDetail({ tenant }: { tenant: TenantView }) {
  const { nav, onboard } = useServices();
  const onboarding = useOnboard((s) => s.tenant === tenant.slug);
  const lastSaved = useOnboard((s) => (s.lastSaved?.tenant === tenant.slug ? s.lastSaved : null));
  const [offboarding, setOffboarding] = useState(false);
  const configEntries = Object.entries(tenant.config);
  return (
    <section className="card tenant-detail" aria-label={`Tenant ${tenant.slug}`}>
      <div className="card-header">
        <div className="tenant-detail-title">
          <span className="mono">{tenant.slug}</span>
          <CustodyBadge customerControlled={tenant.customer_controlled} />
        </div>
        <div className="page-actions">
          <Button
            icon="cloud"
            onClick={() => (onboarding ? onboard.getState().close() : onboard.getState().open(tenant.slug))}
            disabled={tenant.sealed_permanently}
            title={tenant.sealed_permanently ? 'A permanently sealed tenant cannot take a new key' : undefined}
          >
            {onboarding ? 'Close onboarding' : tenant.customer_controlled ? 'Replace KMS key' : 'Onboard customer KMS'}
          </Button>
          {tenant.wrap_method === 'customer_kms' ? (
            <Button
              icon="key"
              onClick={() => setOffboarding(true)}
              disabled={tenant.sealed_since !== null}
              title={tenant.sealed_since !== null ? 'Refused while the tenant is sealed: unseal first' : undefined}
            >
              Back to platform key…
            </Button>
          ) : null}
          <Button variant="primary" icon="key" onClick={() => nav.getState().go('keys', tenant.slug)}>
            Key versions
          </Button>
        </div>
      </div>
      <div className="card-body tenant-detail-body">
        <SealedBanner tenant={tenant} action={<UnsealButton tenant={tenant} />} />
        <dl className="kv tenant-kv">
          <dt>Wrap method</dt>
          <dd>
            {wrapLabel(tenant.wrap_method)} <span className="muted mono">({tenant.wrap_method})</span>
          </dd>
          <dt>Provider</dt>
          <dd>{providerLabel(tenant.provider)}</dd>
          <dt>Key reference</dt>
          <dd>
            <KeyReference tenant={tenant} />
          </dd>
          {configEntries.length > 0 ? (
            <>
              <dt>KMS config</dt>
              <dd className="mono">{configEntries.map(([k, v]) => `${k}=${String(v)}`).join('  ')}</dd>
            </>
          ) : null}
          {tenant.credentials ? (
            <>
              <dt>Credentials</dt>
              <dd>
                <span className="mono">{tenant.credentials.source}</span>
                {tenant.credentials.warning ? (
                  <span className="credentials-warning" role="note" data-long-lived="true">
                    {' '}· long-lived credentials in use
                  </span>
                ) : null}
              </dd>
            </>
          ) : null}
          <dt>Active version</dt>
          <dd className="mono">{tenant.active_version !== null ? `v${tenant.active_version}` : 'none'}</dd>
          <dt>Records</dt>
          <dd>
            {formatCount(tenant.record_counts.secret_environment_configs)} secret environment configs · {formatCount(tenant.record_counts.integration_configs)} integration configs
          </dd>
          <dt>Created</dt>
          <dd>{formatUtc(tenant.created_at)}</dd>
          {/* updated_at moves when the tenant's KMS settings change, not on rotation: say which. */}
          <dt>KMS settings changed</dt>
          <dd>{tenant.updated_at === tenant.created_at ? 'never (as created)' : formatUtc(tenant.updated_at)}</dd>
          <dt>Tenant id</dt>
          <dd className="mono muted">{tenant.id}</dd>
        </dl>
        {onboarding ? <OnboardForm tenant={tenant} /> : lastSaved ? <SavedNotice saved={lastSaved.result} onDismiss={() => onboard.setState({ lastSaved: null })} /> : null}
        {offboarding ? <OffboardDialog tenant={tenant} onClose={() => setOffboarding(false)} /> : null}
      </div>
    </section>
  );
}

/** The embedded and platform keys read as words; a customer's key as its (shortened, copyable) reference. */
function KeyReference({ tenant }: { tenant: TenantView }) {
  if (tenant.wrap_method === 'local') return <span title={tenant.kms_key_ref}>The embedded local KMS key, kept in this installation's data folder</span>;
  if (tenant.wrap_method === 'global') return <span title={tenant.kms_key_ref}>The platform key from the MASTER_KEY_B64 setting</span>;
  // The detail pane has the room: the whole reference, wrapped, with its copy button.
  return (
    <span className="copyable">
      <span className="mono">{tenant.kms_key_ref}</span>
      <CopyButton value={tenant.kms_key_ref} label="key reference" />
    </span>
  );
}

function SavedNotice({ saved, onDismiss }: { saved: OnboardResult; onDismiss: () => void }) {
  return (
    <SuccessNotice title={`Saved: ${providerLabel(saved.tenant.provider)} now wraps version ${saved.new_version}`} onDismiss={onDismiss}>
      {saved.rewrap_lease_id !== null ? `Rewrap job #${saved.rewrap_lease_id} moves existing records onto it.` : 'No earlier records needed a rewrap.'}
    </SuccessNotice>
  );
}
