import type { ReactNode } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { Icon } from '../../components/icon';
import { formatUtc } from '../../lib/format';

/** The red banner of a sealed tenant, with the last KMS error verbatim. */
export function SealedBanner({ tenant, action }: { tenant: TenantView; action?: ReactNode }) {
  if (!tenant.sealed_since) return null;
  const err = tenant.last_verify_error;
  return (
    <div className="sealed-banner" role="alert">
      <Icon name="lock" size={18} className="sealed-icon" />
      <div className="sealed-body">
        <div className="sealed-title">
          Tenant <span className="mono">{tenant.slug}</span> is sealed{tenant.sealed_permanently ? ' permanently' : ''}
          <span className="sealed-since">since {formatUtc(tenant.sealed_since)}</span>
        </div>
        {err ? (
          <div className="sealed-error">
            <span className="sealed-error-label">Last KMS error</span>
            <span className="mono">
              {err.provider} · {err.reason}
              {err.provider_code ? ` · ${err.provider_code}` : ''}
            </span>
            <span className="sealed-error-message">{err.message}</span>
          </div>
        ) : null}
        <div className="sealed-text">
          {tenant.sealed_permanently
            ? 'Its active master key version was revoked: data under it is unreadable and the seal cannot be lifted.'
            : 'New agent sessions are refused until KMS access is restored. Keywarden retries every 30 seconds and unseals by itself on the next successful unwrap.'}
        </div>
      </div>
      {action ? <div className="sealed-action">{action}</div> : null}
    </div>
  );
}
